"""Employees, their embedded profile passages and history, and their live console connections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

ROLES = ("developer", "sales", "support", "management", "other")
ACCESS_LEVELS = ("agent", "marketing", "admin")
MAX_CAPACITY = 20  # concurrent chats one person may set


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
    # The language of their pages and console ("": as their browser asks).
    locale: Mapped[str] = mapped_column(String(8), default="", server_default="")
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
    """A question this employee answered before: imported, or a closed, well-rated conversation.
    Its text is another customer's words: it ranks, but is never shown to anyone else."""

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
    kind: Mapped[str] = mapped_column(String(20))  # title | expertise | bio | summary | history
    text: Mapped[str] = mapped_column(Text)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    # The history item a "history" passage embeds (None for curated profile passages).
    history_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("history_items.id", ondelete="CASCADE"), index=True)

    employee: Mapped[Employee] = relationship(back_populates="passages")


class VectorSpace(Base):
    """Which model made the stored passage vectors (one row): ranking with another model's
    question vectors would compare apples with pears, so it is refused until `reembed`."""

    __tablename__ = "vector_space"

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(300))
    dimension: Mapped[int] = mapped_column(Integer)
    # The model's calibrated threshold on these vectors' cosine scale: for a question in English,
    # and in another language (a question in between gets the mixture).
    min_fit_english: Mapped[float] = mapped_column(default=0.3)
    min_fit_other: Mapped[float] = mapped_column(default=0.3)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PassageGeneration(Base):
    """Counts removals of profile passages (one row). With the highest passage id it tells a
    process whether its caches are current, only behind by new passages, or stale."""

    __tablename__ = "passage_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class Presence(Base):
    """A console connection; shared by every worker so availability is never per-process.
    gone_at is set when it disconnects: for a short grace a reload is not a departure."""

    __tablename__ = "presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The sign-in it belongs to: ending that sign-in closes this connection.
    staff_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_sessions.id", ondelete="CASCADE"), index=True)


class StaffSession(Base):
    """One sign-in, kept on the server: the cookie carries a secret whose hash is here. Signing
    out, a password change or "sign out everywhere" ends it, on every worker at once."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"),
                                             index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_why: Mapped[str | None] = mapped_column(String(30))
