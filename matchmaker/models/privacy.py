"""Privacy duties: who opened which transcript (never updated), and the record of each
erasure (what was erased, when, by whom and why; never any of the erased data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class TranscriptView(Base):
    """A colleague opened (or exported) a conversation's transcript."""

    __tablename__ = "transcript_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True)
    via: Mapped[str] = mapped_column(String(20))  # marketing | export | story
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Erasure(Base):
    """One erasure: a customer's data on request, or a conversation past the retention
    period. counts: how many rows of each kind were erased or anonymised."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))  # request | retention
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    by_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    conversation_ids: Mapped[list] = mapped_column(JSON, default=list)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
