"""Passages marketing marks by hand as story material: a customer's message of a closed
conversation, whole or the part selected. Marked passages come first among story candidates
(story_finder.py); unmarking is recorded, never a deletion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Forbidden, InvalidInput, NotFound
from .inputs import clean_id
from .lifecycle import Status
from .models import Conversation, Employee, Message, PassageMark

MARKERS = ("marketing", "admin")


def _span(body: str, start: object, end: object) -> tuple[int, int]:
    """The marked part's bounds, the whole message when none is given, trimmed of spaces."""
    if start is None and end is None:
        start, end = 0, len(body)
    if (not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool)
            or isinstance(end, bool) or not 0 <= start < end <= len(body)
            or not body[start:end].strip()):
        raise InvalidInput("mark a part of the message's text", code="invalid_span")
    piece = body[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def mark_passage(session: Session, conversation_id: object, seq: object, employee: Employee,
                 now: datetime, start: object = None, end: object = None) -> PassageMark:
    """Mark the customer's message `seq` (or body[start:end] of it) as story material."""
    if employee.access not in MARKERS:
        raise Forbidden("only marketing marks story passages")
    conversation = session.get(Conversation, clean_id(conversation_id, "conversation_id"))
    if conversation is None:
        raise NotFound("no such conversation")
    if conversation.status != Status.CLOSED:
        raise InvalidInput("mark passages of conversations that have ended",
                           code="conversation_open")
    message = session.scalar(select(Message).where(
        Message.conversation_id == conversation.id, Message.seq == clean_id(seq, "seq")))
    if message is None or message.author != "customer":
        raise InvalidInput("mark one of the customer's messages", code="invalid_passage")
    begin, finish = _span(message.body, start, end)
    mark = PassageMark(conversation_id=conversation.id, message_id=message.id, start=begin,
                       end=finish, employee_id=employee.id, marked_at=now)
    session.add(mark)
    session.flush()
    return mark


def unmark_passage(session: Session, mark_id: object, employee: Employee, now: datetime
                   ) -> PassageMark:
    """Take a mark back (it stays recorded, with when)."""
    if employee.access not in MARKERS:
        raise Forbidden("only marketing marks story passages")
    mark = session.get(PassageMark, clean_id(mark_id, "mark_id"))
    if mark is None or mark.unmarked_at is not None:
        raise NotFound("no such mark", code="no_such_mark")
    mark.unmarked_at = now
    return mark


def marks_of(session: Session, message_ids: list[int]) -> dict[int, PassageMark]:
    """The latest standing mark of each of these messages."""
    marks: dict[int, PassageMark] = {}
    for chunk in range(0, len(message_ids), 500):
        for mark in session.scalars(select(PassageMark).where(
                PassageMark.message_id.in_(message_ids[chunk:chunk + 500]),
                PassageMark.unmarked_at.is_(None)).order_by(PassageMark.id)):
            marks[mark.message_id] = mark
    return marks


def conversation_marks(session: Session, conversation_id: int) -> dict[int, PassageMark]:
    """The standing marks of a conversation, by message seq (the transcript shows them)."""
    rows = session.execute(select(Message.seq, PassageMark).join(
        PassageMark, PassageMark.message_id == Message.id).where(
        PassageMark.conversation_id == conversation_id, PassageMark.unmarked_at.is_(None))
        .order_by(PassageMark.id))
    return {seq: mark for seq, mark in rows}
