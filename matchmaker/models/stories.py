"""Proof stories: a story built from a conversation's messages, its quotes (the words as said
beside the edited words) and the append-only log of everything that happened to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .chat import Conversation
from .staff import Employee


class Story(Base):
    """Its state is the current one; how it got there is in its events (StoryEvent rows)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    # The colleague credited: they approve the story before it can be published.
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16), default="en")
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conversation: Mapped[Conversation] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    quotes: Mapped[list[StoryQuote]] = relationship(
        order_by="StoryQuote.position", cascade="all, delete-orphan", back_populates="story")
    events: Mapped[list[StoryEvent]] = relationship(
        order_by="StoryEvent.id", cascade="all, delete-orphan")


class StoryQuote(Base):
    """One message of the conversation quoted: what was said (never changed) and the words the
    story shows (marketing's edit of them)."""

    __tablename__ = "story_quotes"
    __table_args__ = (UniqueConstraint("story_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    seq: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(20))  # customer | employee
    original: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    # Marketing's corrections of the automatic masking of text: {"add": [[start, end, kind]],
    # "remove": [[start, end]]} (None: none); cleared when the words change.
    corrections: Mapped[dict | None] = mapped_column(JSON)

    story: Mapped[Story] = relationship(back_populates="quotes")


class StoryEvent(Base):
    """One step of a story, never updated: created, submitted, approved, declined, an edit, a
    state change with its reason (consent_revoked, edited, ...)."""

    __tablename__ = "story_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(20))  # marketing | employee | customer | system
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    state_from: Mapped[str | None] = mapped_column(String(20))
    state_to: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    employee: Mapped[Employee | None] = relationship()
