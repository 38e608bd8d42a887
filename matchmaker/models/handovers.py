"""Handovers: an employee passes a live conversation to a colleague. Recorded, never
overwritten: who asked whom, when, with what note, and how each invite ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .staff import Employee


class Handover(Base):
    """One request to hand a conversation over. outcome is None while it is open:
    accepted | declined | expired | cancelled | moved_on | conversation_closed once it ended."""

    __tablename__ = "handovers"
    __table_args__ = (
        # At most one open handover per conversation, whichever worker asks.
        Index(
            "uq_handovers_one_open",
            "conversation_id",
            unique=True,
            sqlite_where=text("outcome IS NULL"),
            postgresql_where=text("outcome IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    from_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # hand_over: the colleague takes the conversation; invite: they join it beside the asker.
    purpose: Mapped[str] = mapped_column(String(20), default="hand_over",
                                         server_default="hand_over")
    outcome: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    to_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))

    from_employee: Mapped[Employee | None] = relationship(foreign_keys=[from_employee_id])
    to_employee: Mapped[Employee | None] = relationship(foreign_keys=[to_employee_id])
    invites: Mapped[list[HandoverInvite]] = relationship(
        order_by="HandoverInvite.id", cascade="all, delete-orphan", back_populates="handover")


class HandoverInvite(Base):
    """One colleague asked to take a handover, with the curated reason they were suggested.
    outcome: accepted | declined | expired | withdrawn (another colleague accepted, the
    requester cancelled or the conversation closed)."""

    __tablename__ = "handover_invites"
    __table_args__ = (UniqueConstraint("handover_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the console showed it
    outcome: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    handover: Mapped[Handover] = relationship(back_populates="invites")
    employee: Mapped[Employee] = relationship()
