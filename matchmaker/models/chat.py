"""Customers and their conversations: the ranking, offers, messages, the append-only timeline,
consent decisions, access keys and live widget connections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .staff import Employee


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # on their request


class Conversation(Base):
    """Its status and assignee are the current state; how it got there is in its timeline
    (ConversationEvent rows, see lifecycle.py)."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    question: Mapped[str] = mapped_column(Text)
    page_url: Mapped[str] = mapped_column(String(2000), default="")
    language: Mapped[str] = mapped_column(String(16), default="en")  # the widget's
    # The question's own language, when the detector was sure of it (what routing used).
    question_language: Mapped[str | None] = mapped_column(String(16))
    # Below this fit nobody fits the question (the encoder's calibration for its language).
    min_fit: Mapped[float] = mapped_column(default=0.3, server_default="0.3")
    # Where replies to this conversation may be mailed: left with this question or later in
    # this conversation (never another conversation's address).
    reply_to: Mapped[str | None] = mapped_column(String(254))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    # The customer's widget is open somewhere (False once they left for longer than the grace).
    customer_present: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The highest seq the customer has seen on screen: what is unread, what still needs a mail.
    customer_read_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(20))
    # Asked of one team (a role, e.g. "developer") or one public person from the team page;
    # whether routing had to fall back to someone else is in the timeline.
    addressed_team: Mapped[str | None] = mapped_column(String(20))
    addressed_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    # The customer's words and details are gone (erased on request, or past the retention period).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    customer: Mapped[Customer] = relationship()
    employee: Mapped[Employee | None] = relationship(foreign_keys=[employee_id])
    candidates: Mapped[list[Candidate]] = relationship(
        order_by="Candidate.rank", cascade="all, delete-orphan"
    )
    offers: Mapped[list[Offer]] = relationship(order_by="Offer.id", cascade="all, delete-orphan")
    rating: Mapped[Rating | None] = relationship(cascade="all, delete-orphan")
    # The conversation-wide decisions only: one about a single story quote (quote_id set) is
    # read through matchmaker/stories/consent.py, never taken for the whole conversation's.
    consents: Mapped[list[ConsentDecision]] = relationship(
        order_by="ConsentDecision.id", cascade="all, delete-orphan",
        primaryjoin="and_(Conversation.id == ConsentDecision.conversation_id, "
                    "ConsentDecision.quote_id.is_(None))")

    @property
    def consent(self) -> ConsentDecision | None:
        """The customer's latest decision about being quoted (None: never asked)."""
        return self.consents[-1] if self.consents else None


class ConversationKey(Base):
    """A secret that opens one conversation in a widget; only its hash is stored. The widget
    gets one when asking; a link in an e-mail mints another."""

    __tablename__ = "conversation_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    via: Mapped[str] = mapped_column(String(20), default="widget")  # widget | mail_link
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: the widget's own


class ConversationEvent(Base):
    """One step of a conversation's life, never updated: who took part and why (offered,
    accepted, claimed, left, ...), and each status change with its reason."""

    __tablename__ = "conversation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(20))  # customer | employee | system
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Candidate(Base):
    """The ranking computed when the question arrived, with its explanation (the audit trail).
    The reason holds curated profile words only, never another customer's question."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("conversation_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float]
    # Cosine of the best-matching passage: how well this person fits at all.
    fit: Mapped[float] = mapped_column(default=0.0, server_default="0")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    passage_kind: Mapped[str] = mapped_column(String(20))
    # When an earlier question decided the match: which one (the employee may open it).
    history_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("history_items.id", ondelete="SET NULL"))
    parts: Mapped[dict] = mapped_column(JSON, default=dict)
    skipped: Mapped[str | None] = mapped_column(String(40))

    employee: Mapped[Employee] = relationship()


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        # At most one open offer per conversation, whichever worker makes it.
        Index(
            "uq_offers_one_open",
            "conversation_id",
            unique=True,
            sqlite_where=text("outcome IS NULL"),
            postgresql_where=text("outcome IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the console showed it
    # accepted | declined | expired | unreachable | withdrawn
    outcome: Mapped[str | None] = mapped_column(String(20))

    conversation: Mapped[Conversation] = relationship(back_populates="offers")
    employee: Mapped[Employee] = relationship()


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq"),
        UniqueConstraint("conversation_id", "author", "client_id", name="uq_messages_client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(20))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Who wrote it, named beside it (in one query with the message: several colleagues may
    # write in one conversation, matchmaker/participants.py).
    employee: Mapped[Employee | None] = relationship(lazy="joined")


class Rating(Base):
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsentDecision(Base):
    """One yes or no to being quoted, never updated: when, the exact wording shown, what it
    covers and where it was given. The latest decision counts."""

    __tablename__ = "consent_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    scope: Mapped[str] = mapped_column(String(40))
    wording: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    source: Mapped[str] = mapped_column(String(20), default="widget")  # widget | link
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the decision covers one story quote, with the exact words it covers (an edit of
    # the quote needs a new decision); both None for the conversation-wide decision.
    quote_id: Mapped[int | None] = mapped_column(
        ForeignKey("story_quotes.id", ondelete="CASCADE"), index=True)
    covers: Mapped[str | None] = mapped_column(Text)


class CustomerPresence(Base):
    """A widget connection to a conversation; gone_at is set on disconnect (a page change
    within the grace is not leaving)."""

    __tablename__ = "customer_presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
