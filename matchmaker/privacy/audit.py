"""Who opened which transcript: one row per opening, never updated, readable by admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import TranscriptView

VIA = ("marketing", "export", "story")
PAGE = 200


def record_view(session: Session, employee_id: int, conversation_id: int, via: str,
                now: datetime) -> TranscriptView:
    """Log that this colleague opened this conversation's transcript (via: where)."""
    if via not in VIA:
        raise ValueError(f"unknown way to open a transcript: {via}")
    view = TranscriptView(employee_id=employee_id, conversation_id=conversation_id, via=via,
                          at=now)
    session.add(view)
    return view


def views(session: Session, employee_id: int | None = None,
          conversation_id: int | None = None) -> list[TranscriptView]:
    """The latest openings (at most PAGE), newest first, of one colleague or conversation."""
    query = select(TranscriptView)
    if employee_id is not None:
        query = query.where(TranscriptView.employee_id == employee_id)
    if conversation_id is not None:
        query = query.where(TranscriptView.conversation_id == conversation_id)
    return list(session.scalars(query.order_by(TranscriptView.at.desc(),
                                               TranscriptView.id.desc()).limit(PAGE)))
