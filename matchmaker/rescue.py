"""Nobody stranded: when the employee who was asked, or who had the chat, vanishes (their
console is gone past the grace, or silent past the presence timeout), the customer is told and
the conversation moves on: to a colleague invited into it who is still there, else to the next
candidate with its history, or it is queued for a later answer. An invited colleague who
vanishes is taken out of the conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from . import participants
from .db import listed
from .events import DomainEvent, EmployeeLeft
from .lifecycle import Status, move
from .locks import lock_conversation
from .models import Conversation, Offer, Participant, Presence
from .offers import close_open_offer, offer_next
from .presence import reachable_clause
from .values import Policy


def _unreachable(employee_id, now: datetime, policy: Policy):
    return ~exists().where(Presence.employee_id == employee_id,
                           reachable_clause(Presence, now, policy))


def stranded_offers(policy: Policy, now: datetime) -> Select:
    """Open offers whose employee's console is gone (db.listed)."""
    return listed(Offer.id, Offer.id).where(
        Offer.outcome.is_(None), _unreachable(Offer.employee_id, now, policy))


def stranded_chats(policy: Policy, now: datetime) -> Select:
    """Live chats whose employee's console is gone (db.listed)."""
    return listed(Conversation.id, Conversation.id).where(
        Conversation.status == Status.ACTIVE, _unreachable(Conversation.employee_id, now, policy))


def stranded_participants(policy: Policy, now: datetime) -> Select:
    """Invited colleagues, in live chats, whose console is gone (Participant ids; db.listed)."""
    return listed(Participant.id, Participant.id).join(
        Conversation, Conversation.id == Participant.conversation_id).where(
        Participant.left_at.is_(None), Conversation.status == Status.ACTIVE,
        _unreachable(Participant.employee_id, now, policy))


def remove_gone(session: Session, participant_id: int, policy: Policy, now: datetime
                ) -> list[DomainEvent]:
    """An invited colleague whose console vanished leaves the conversation (reason gone)."""
    found = session.get(Participant, participant_id)
    if found is None:
        return []
    conversation = lock_conversation(session, found.conversation_id)
    session.refresh(found)
    if found.left_at is not None or not _gone(session, found.employee_id, policy, now):
        return []
    return participants.step_out(session, conversation, found.employee_id, "gone", now,
                                 actor="system")


def _gone(session: Session, employee_id: int, policy: Policy, now: datetime) -> bool:
    """Checked again under the conversation's lock: they may have come back meanwhile."""
    return session.scalar(select(_unreachable(employee_id, now, policy)))


def release_offer(session: Session, offer_id: int, policy: Policy, now: datetime
                  ) -> list[DomainEvent]:
    """An offer to a vanished console moves on at once, without waiting for its deadline."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.outcome is not None:
        return []
    lock_conversation(session, offer.conversation_id)
    if not _gone(session, offer.employee_id, policy, now):
        return []
    return close_open_offer(session, offer, "unreachable", policy, now)


def rescue_chat(session: Session, conversation_id: int, policy: Policy, now: datetime
                ) -> list[DomainEvent]:
    """A live chat whose employee vanished is handed on (or queued)."""
    conversation = lock_conversation(session, conversation_id)
    if conversation is None or conversation.status != Status.ACTIVE:
        return []
    if not _gone(session, conversation.employee_id, policy, now):
        return []
    return employee_left(session, conversation, conversation.employee_id, "presence_lapsed",
                         policy, now)


def employee_left(session: Session, conversation: Conversation, employee_id: int, reason: str,
                  policy: Policy, now: datetime) -> list[DomainEvent]:
    """The employee who had the chat is gone: the colleague invited in who is present longest
    holds it now; with nobody beside them, tell everyone, then route it on (the stored
    ranking, less everyone already asked) so the customer is never left waiting alone."""
    lock_conversation(session, conversation.id)
    if conversation.status != Status.ACTIVE or conversation.employee_id != employee_id:
        return []  # moved on meanwhile
    happened: list[DomainEvent] = []
    for colleague_id in participants.current_ids(session, conversation.id):
        if _gone(session, colleague_id, policy, now):  # gone too: nobody to hand it to
            happened += participants.step_out(session, conversation, colleague_id, "gone", now,
                                              actor="system")
    if len(participants.everyone(session, conversation)) > 1:  # a colleague is with them
        return [*happened, *participants.step_out(session, conversation, employee_id, reason,
                                                  now, actor="system")]
    move(session, conversation, Status.WAITING, "left", now, employee_id=employee_id,
         reason=reason, detail={"seq": conversation.last_seq})
    conversation.employee_id = None
    session.flush()
    return [*happened, EmployeeLeft(conversation.id, employee_id, reason),
            *offer_next(session, conversation, policy, now, left_by=employee_id)]
