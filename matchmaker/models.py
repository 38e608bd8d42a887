"""The relational model: employees and their profile vectors, customers, conversations,
offers, messages, ratings and consents. The database is the source of truth."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("developer", "sales", "support", "management", "other")
ACCESS_LEVELS = ("agent", "marketing", "admin")
MAX_CAPACITY = 20  # concurrent chats one person may set
CONVERSATION_STATUSES = ("waiting", "offered", "active", "closed", "offline")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, on every backend (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The id in the system the profile was imported from (HR tool, help desk), when there is one.
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    access: Mapped[str] = mapped_column(String(20), default="agent")
    title: Mapped[str] = mapped_column(String(120), default="")
    team: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=2)
    working_hours: Mapped[str] = mapped_column(String(20), default="09:00-17:00")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    available: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    # Activity before Matchmaker (e.g. imported from a help desk): threads answered, accepted.
    prior_threads: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    prior_accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    passages: Mapped[list[ProfilePassage]] = relationship(
        back_populates="employee", cascade="all, delete-orphan"
    )


class HistoryItem(Base):
    """A question this employee answered before: imported, or a closed, well-rated conversation."""

    __tablename__ = "history_items"
    __table_args__ = (UniqueConstraint("employee_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # import | conversation
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProfilePassage(Base):
    """One embedded piece of an employee's profile; the FAISS index is rebuilt from these."""

    __tablename__ = "profile_passages"
    # Ids are never reused on SQLite either, so a passage id names one text for good.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # title | expertise | bio | history
    text: Mapped[str] = mapped_column(Text)
    vector: Mapped[bytes] = mapped_column(LargeBinary)

    employee: Mapped[Employee] = relationship(back_populates="passages")


class PassageGeneration(Base):
    """Counts removals of profile passages (one row). With the highest passage id it tells a
    process whether its caches are current, only behind by new passages, or stale."""

    __tablename__ = "passage_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class Presence(Base):
    """A live console connection; shared by every worker so availability is never per-process."""

    __tablename__ = "presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    question: Mapped[str] = mapped_column(Text)
    page_url: Mapped[str] = mapped_column(String(2000), default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(20))

    customer: Mapped[Customer] = relationship()
    employee: Mapped[Employee | None] = relationship()
    candidates: Mapped[list[Candidate]] = relationship(
        order_by="Candidate.rank", cascade="all, delete-orphan"
    )
    offers: Mapped[list[Offer]] = relationship(order_by="Offer.id", cascade="all, delete-orphan")
    rating: Mapped[Rating | None] = relationship(cascade="all, delete-orphan")
    consent: Mapped[Consent | None] = relationship(cascade="all, delete-orphan")


class Candidate(Base):
    """The ranking computed when the question arrived, with its explanation (the audit trail)."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("conversation_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float]
    # Cosine of the best-matching passage: how well this person fits at all.
    fit: Mapped[float] = mapped_column(default=0.0, server_default="0")
    passage: Mapped[str] = mapped_column(Text)
    passage_kind: Mapped[str] = mapped_column(String(20))
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


class Rating(Base):
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    granted: Mapped[bool] = mapped_column(Boolean)
    scope: Mapped[str] = mapped_column(String(40), default="quote_anonymised")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
