"""Teamwork inside one live conversation: colleagues invited in beside the one who holds it
(the lead, Conversation.employee_id). Each one's time in it is a Participant row and `joined` /
`left` steps in the timeline. Whoever is in it may write, type and add notes; a colleague
stepping out frees their seat; when the lead steps out, the colleague present longest holds it;
the last one's close ends the conversation. Asking is a handover with purpose `invite`
(handovers.py): the same suggestions, offer, answers and deadline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from .errors import ConversationClosed, Forbidden, InvalidInput, NotFound
from .events import DomainEvent, ParticipantJoined, ParticipantLeft
from .inputs import clean_id
from .lifecycle import Status, record
from .locks import lock_conversation
from .models import (
    Conversation,
    ConversationEvent,
    Employee,
    Handover,
    HandoverInvite,
    Participant,
)

INVITE = "invite"
HAND_OVER = "hand_over"
PURPOSES = (HAND_OVER, INVITE)


def open_clause(conversation_id, employee_id):
    """SQL: employee_id is in the conversation now as an invited colleague (not the lead)."""
    return exists().where(Participant.conversation_id == conversation_id,
                          Participant.employee_id == employee_id, Participant.left_at.is_(None))


def current_ids(session: Session, conversation_id: int) -> list[int]:
    """The invited colleagues in the conversation now, the longest present first."""
    return list(session.scalars(select(Participant.employee_id).where(
        Participant.conversation_id == conversation_id, Participant.left_at.is_(None))
        .order_by(Participant.joined_at, Participant.id)))


def everyone(session: Session, conversation: Conversation) -> tuple[int, ...]:
    """Every employee in the conversation now: the lead first, then the invited colleagues."""
    lead = () if conversation.employee_id is None else (conversation.employee_id,)
    return (*lead, *[i for i in current_ids(session, conversation.id) if i not in lead])


def is_in(session: Session, conversation: Conversation, employee_id: int) -> bool:
    """Whether employee_id holds the conversation or was invited into it and is still there."""
    return employee_id in everyone(session, conversation)


def was_in(session: Session, conversation_id: int, employee_id: int) -> bool:
    """Whether employee_id was ever invited into the conversation (they may read part of it)."""
    return session.scalar(select(Participant.id).where(
        Participant.conversation_id == conversation_id,
        Participant.employee_id == employee_id).limit(1)) is not None


def has_left(session: Session, conversation_id: int, employee_id: int) -> bool:
    """Whether employee_id was invited into the conversation, or closed it while a colleague
    stayed (their close meant leaving): a close from them now changes nothing."""
    return was_in(session, conversation_id, employee_id) or session.scalar(
        select(ConversationEvent.id).where(
            ConversationEvent.conversation_id == conversation_id,
            ConversationEvent.kind == "left", ConversationEvent.employee_id == employee_id,
            ConversationEvent.reason == "closed").limit(1)) is not None


def check_may_invite(session: Session, conversation: Conversation, employee: Employee,
                     colleague_ids: list[int]) -> None:
    """Only someone in a live conversation invites, and only colleagues not in it already."""
    if conversation.status == Status.CLOSED:
        raise ConversationClosed("this conversation is closed")
    if not is_in(session, conversation, employee.id):
        raise Forbidden("only a colleague in this conversation can invite",
                        code="not_in_conversation")
    if conversation.status != Status.ACTIVE:
        raise Forbidden("only a live chat takes a colleague in", code="not_live")
    inside = set(everyone(session, conversation))
    if inside & set(colleague_ids):
        raise InvalidInput("this colleague is in the conversation already",
                           code="already_in_conversation")


def join(session: Session, conversation: Conversation, handover: Handover,
         invite: HandoverInvite, now: datetime) -> list[DomainEvent]:
    """The invited colleague comes in beside the lead (the caller checked the invite is theirs
    to accept, and that the asker is still in it)."""
    session.add(Participant(conversation_id=conversation.id, employee_id=invite.employee_id,
                            handover_id=handover.id, invited_by_id=handover.from_employee_id,
                            joined_at=now))
    record(session, conversation, "joined", now, actor="employee",
           employee_id=invite.employee_id,
           detail={"handover_id": handover.id, "by": handover.from_employee_id,
                   "why": invite.reason, "seq": conversation.last_seq})
    session.flush()
    return [ParticipantJoined(conversation.id, handover.id, invite.employee_id,
                              handover.from_employee_id)]


def step_out(session: Session, conversation: Conversation, employee_id: int, reason: str,
             now: datetime, actor: str = "employee") -> list[DomainEvent]:
    """employee_id stops being in the conversation while others stay: their participation ends
    (or, for the lead, the colleague present longest comes to hold it). [] when they are the
    only one in it (the caller closes instead) or not in it."""
    inside = everyone(session, conversation)
    if employee_id not in inside or len(inside) < 2:
        return []
    if conversation.employee_id == employee_id:
        successor = inside[1]
        _end(session, conversation.id, successor, "lead", now)
        conversation.employee_id = successor
        record(session, conversation, "lead_changed", now, actor="system",
               employee_id=successor, reason=reason, detail={"from": employee_id})
    else:
        _end(session, conversation.id, employee_id, reason, now)
    record(session, conversation, "left", now, actor=actor, employee_id=employee_id,
           reason=reason, detail={"seq": conversation.last_seq})
    session.flush()
    return [ParticipantLeft(conversation.id, employee_id, reason, conversation.employee_id,
                            everyone(session, conversation))]


def end_all(session: Session, conversation: Conversation, now: datetime) -> tuple[int, ...]:
    """The conversation is closing: every invited colleague's participation ends with it;
    whose ended (they hear of the close)."""
    ended = session.execute(update(Participant).where(
        Participant.conversation_id == conversation.id, Participant.left_at.is_(None))
        .values(left_at=now, left_reason="conversation_closed")
        .returning(Participant.employee_id)
        .execution_options(synchronize_session=False)).scalars().all()
    return tuple(sorted(ended))


def _end(session: Session, conversation_id: int, employee_id: int, reason: str,
         now: datetime) -> None:
    session.execute(update(Participant).where(
        Participant.conversation_id == conversation_id, Participant.employee_id == employee_id,
        Participant.left_at.is_(None)).values(left_at=now, left_reason=reason)
        .execution_options(synchronize_session=False))


def leave(session: Session, conversation_id: object, employee: Employee, now: datetime
          ) -> list[DomainEvent]:
    """A colleague leaves a live conversation others stay in; the only one left closes it
    instead (Forbidden: last_in_conversation)."""
    conversation = lock_conversation(session, clean_id(conversation_id, "conversation_id"))
    if conversation is None or not (conversation.employee_id == employee.id
                                    or was_in(session, conversation.id, employee.id)):
        raise NotFound("no such conversation")
    if conversation.status == Status.CLOSED:
        raise ConversationClosed("this conversation is closed")
    inside = everyone(session, conversation)
    if employee.id not in inside:
        raise Forbidden("you are not in this conversation", code="not_in_conversation")
    if len(inside) < 2:
        raise Forbidden("you are the last colleague here: close the conversation instead",
                        code="last_in_conversation")
    return step_out(session, conversation, employee.id, "left", now)


def people(session: Session, conversation: Conversation) -> list[Employee]:
    """Every employee in the conversation now, the lead first (for consoles and the widget)."""
    ids = everyone(session, conversation)
    found = {e.id: e for e in session.scalars(select(Employee).where(Employee.id.in_(ids)))}
    return [found[i] for i in ids if i in found]

