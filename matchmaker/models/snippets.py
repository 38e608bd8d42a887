"""Snippets: brand-approved replies marketing keeps, and every use of one in a conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class Snippet(Base):
    """A reply employees may insert in a chat. Its vector (title and text, made by the model
    named in vector_model) is computed when it is saved, so a search encodes only the query.
    Never deleted: archived ones are no longer offered but keep their uses."""

    __tablename__ = "snippets"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    vector_model: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    uses: Mapped[list[SnippetUse]] = relationship(back_populates="snippet",
                                                  order_by="SnippetUse.id")


class SnippetUse(Base):
    """One message an employee sent from a snippet, never updated: which snippet, who, in
    which conversation, when. One per message, so a resent message does not count twice."""

    __tablename__ = "snippet_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    snippet_id: Mapped[int] = mapped_column(ForeignKey("snippets.id", ondelete="CASCADE"),
                                            index=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            unique=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    snippet: Mapped[Snippet] = relationship(back_populates="uses")
