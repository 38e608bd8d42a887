"""What time decides, as small steps: offers past their deadline, offers and chats whose employee
vanished, customers who left. The sweeper runs each step in a transaction of its own, so a step
holds one conversation's locks at a time (in the order of locks.py) and a failing step spoils
nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from . import handovers, offers, presence, rescue, visitors
from .events import DomainEvent
from .values import Policy

Run = Callable[[Session, int, Policy, datetime], list[DomainEvent]]


@dataclass(frozen=True)
class Step:
    """One thing to move on: run(session, subject, policy, now) in its own transaction."""

    what: str
    subject: int
    run: Run


def due_steps(session: Session, policy: Policy, now: datetime) -> list[Step]:
    """Everything the sweep should do now, in order."""
    return ([Step("expire offer", i, offers.expire_offer) for i in offers.due_offer_ids(session, now)]
            + [Step("give up unseen offer", i, offers.give_up_unseen)
               for i in offers.unseen_offer_ids(session, policy, now)]
            + [Step("release offer", i, rescue.release_offer)
               for i in rescue.stranded_offer_ids(session, policy, now)]
            + [Step("rescue chat", i, rescue.rescue_chat)
               for i in rescue.stranded_chat_ids(session, policy, now)]
            + [Step("remove gone colleague", i, rescue.remove_gone)
               for i in rescue.stranded_participant_ids(session, policy, now)]
            + [Step("note departure", i, visitors.note_departure)
               for i in visitors.departed_ids(session, policy, now)]
            + [Step("end handover", i, handovers.expire_due)
               for i in handovers.due_handover_ids(session, now)])


def forget_dead_connections(session: Session, policy: Policy, now: datetime) -> None:
    """Console and widget connections that are dead or gone for good."""
    presence.purge_stale(session, now, policy)
    visitors.purge_connections(session, policy, now)
