"""A published story copied by the colleague it credits, to share in their own network: one
row per copy, never updated (how often each story is shared)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class StoryShare(Base):
    __tablename__ = "story_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"),
                                          index=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20), default="copy")  # copy | linkedin
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
