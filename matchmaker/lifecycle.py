"""A conversation's lifecycle: one status type, the transitions allowed between statuses, and
the append-only timeline every step is recorded in.

    waiting ──offered──▶ offered ──accepted──▶ active ──closed──▶ closed
       │  ▲                 │                    │
       │  └─declined/expired/unreachable─┘       │
       │  ▲──────────────── left (employee gone) ┘
       └──queued──▶ offline ──closed──▶ closed

`waiting` means "nobody is offered it and nobody has it": it is routed (offered, or queued
offline) in the same transaction, so other readers never see it stay there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from .errors import Conflict
from .models import Conversation, ConversationEvent


class Status(StrEnum):
    WAITING = "waiting"  # needs routing: nobody is offered it or has it
    OFFERED = "offered"  # one employee is asked to take it now
    ACTIVE = "active"  # an employee has it; live chat
    OFFLINE = "offline"  # nobody could take it live: answered later (inbox or general queue)
    CLOSED = "closed"  # ended by the customer or the employee; final


ALLOWED: dict[Status, frozenset[Status]] = {
    Status.WAITING: frozenset({Status.OFFERED, Status.OFFLINE, Status.CLOSED}),
    Status.OFFERED: frozenset({Status.ACTIVE, Status.WAITING, Status.CLOSED}),
    Status.ACTIVE: frozenset({Status.WAITING, Status.CLOSED}),
    Status.OFFLINE: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Where a live customer may still chat, and where an employee's reply may land.
OPEN = frozenset({Status.WAITING, Status.OFFERED, Status.ACTIVE, Status.OFFLINE})


class InvalidTransition(Conflict):
    """The conversation cannot go from its status to the one asked for."""

    code = "invalid_transition"


def record(session: Session, conversation: Conversation, kind: str, now: datetime, *,
           actor: str = "system", employee_id: int | None = None, reason: str | None = None,
           detail: dict | None = None) -> ConversationEvent:
    """Append one step to the conversation's timeline (no status change)."""
    event = ConversationEvent(conversation_id=conversation.id, at=now, kind=kind, actor=actor,
                              employee_id=employee_id, reason=reason, detail=detail or {})
    session.add(event)
    return event


def move(session: Session, conversation: Conversation, target: Status, kind: str,
         now: datetime, *, actor: str = "system", employee_id: int | None = None,
         reason: str | None = None, detail: dict | None = None) -> ConversationEvent:
    """Change the status if the lifecycle allows it, recording the step; else InvalidTransition."""
    current = Status(conversation.status)
    if target not in ALLOWED[current]:
        raise InvalidTransition(f"a conversation cannot go from {current} to {target}")
    event = record(session, conversation, kind, now, actor=actor, employee_id=employee_id,
                   reason=reason, detail=detail)
    event.status_from, event.status_to = current.value, target.value
    conversation.status = target.value
    return event
