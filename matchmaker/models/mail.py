"""The mail outbox: written in the transaction that makes a mail necessary, sent later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class OutboxMail(Base):
    """A mail to send: what it is about (kind, conversation, up to which message), to whom,
    and its delivery state (attempts with backoff; sent, skipped or failed for good)."""

    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # reply
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    # The employee's messages after from_seq and up to up_to_seq (earlier mails carried the rest).
    from_seq: Mapped[int] = mapped_column(Integer, default=0)
    up_to_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # A sender holds it until then; a crashed sender's claim simply runs out.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # pending | sent | skipped (read meanwhile) | failed (gave up)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")  # as sent, for the admin page
