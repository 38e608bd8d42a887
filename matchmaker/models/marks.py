"""Passages marketing marked by hand as story material: a customer's message, or the part of
it they selected. Unmarking records when, never deletes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class PassageMark(Base):
    __tablename__ = "passage_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            index=True)
    start: Mapped[int] = mapped_column(Integer)  # the marked part: body[start:end]
    end: Mapped[int] = mapped_column(Integer)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unmarked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
