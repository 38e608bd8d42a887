"""Internal notes: what staff write inside a conversation for each other. Kept apart from the
messages on purpose, so nothing that serves the customer (which reads messages) can carry one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .staff import Employee


class Note(Base):
    """One note, never updated. after_seq is the conversation's last_seq when it was written:
    the note sits after that message in the transcript."""

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("conversation_id", "client_id", name="uq_notes_client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(String(64))
    after_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[Employee | None] = relationship()
