"""Nobody stranded: when the employee who was asked, or who had the chat, vanishes (their
console is gone past the grace, or silent past the presence timeout), the customer is told and
the conversation moves on to the next candidate with its history, or is queued for a later
answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from .events import DomainEvent, EmployeeLeft
from .lifecycle import Status, move
from .locks import lock_conversation
from .models import Conversation, Offer, Presence
from .offers import close_open_offer, offer_next
from .presence import reachable_clause
from .values import Policy


def rescue_stranded(session: Session, policy: Policy, now: datetime) -> list[DomainEvent]:
    """Move on every open offer and live chat whose employee is no longer reachable."""
    def unreachable(employee_id):
        return ~exists().where(Presence.employee_id == employee_id,
                               reachable_clause(Presence, now, policy))

    offers = session.scalars(select(Offer).where(
        Offer.outcome.is_(None), unreachable(Offer.employee_id))).all()
    chats = session.scalars(select(Conversation).where(
        Conversation.status == Status.ACTIVE, unreachable(Conversation.employee_id))).all()
    events: list[DomainEvent] = []
    for offer in offers:
        events += close_open_offer(session, offer, "unreachable", policy, now)
    for conversation in chats:
        events += employee_left(session, conversation, conversation.employee_id,
                                "presence_lapsed", policy, now)
    return events


def employee_left(session: Session, conversation: Conversation, employee_id: int, reason: str,
                  policy: Policy, now: datetime) -> list[DomainEvent]:
    """The employee who had the chat is gone: tell everyone, then route it on (the stored
    ranking, less everyone already asked) so the customer is never left waiting alone."""
    lock_conversation(session, conversation.id)
    if conversation.status != Status.ACTIVE or conversation.employee_id != employee_id:
        return []  # moved on meanwhile
    move(session, conversation, Status.WAITING, "left", now, employee_id=employee_id,
         reason=reason)
    conversation.employee_id = None
    session.flush()
    return [EmployeeLeft(conversation.id, employee_id, reason),
            *offer_next(session, conversation, policy, now, rerouted=True)]
