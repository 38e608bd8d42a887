"""Colleagues invited into a live conversation beside the one who holds it. Recorded, never
overwritten: who joined when (through which invite, asked by whom), and when and why they left."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .staff import Employee


class Participant(Base):
    """One colleague's time in a conversation they were invited into. left_at is None while
    they are in it; left_reason: left | closed | gone | lead (they came to hold it) |
    conversation_closed."""

    __tablename__ = "conversation_participants"
    __table_args__ = (
        # In a conversation at most once at a time, whichever worker lets them in.
        Index(
            "uq_conversation_participants_one_open",
            "conversation_id",
            "employee_id",
            unique=True,
            sqlite_where=text("left_at IS NULL"),
            postgresql_where=text("left_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    handover_id: Mapped[int | None] = mapped_column(
        ForeignKey("handovers.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_reason: Mapped[str | None] = mapped_column(String(20))

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
