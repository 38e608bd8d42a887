"""What time decides, as small steps: offers past their deadline, offers and chats whose employee
vanished, customers who left. The sweeper runs each step in a transaction of its own, so a step
holds one conversation's locks at a time (in the order of locks.py) and a failing step spoils
nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal_column, union_all
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
    """Everything the sweep should do now, in order: each kind in the order it lists itself,
    the kinds in this order. One statement for them all (a UNION ALL of each kind's list): the
    sweep runs every second in every process, mostly finding nothing."""
    kinds = [(what, run, listing) for what, run, listing in (
        ("expire offer", offers.expire_offer, offers.due_offers(now)),
        ("give up unseen offer", offers.give_up_unseen, offers.unseen_offers(policy, now)),
        ("release offer", rescue.release_offer, rescue.stranded_offers(policy, now)),
        ("rescue chat", rescue.rescue_chat, rescue.stranded_chats(policy, now)),
        ("remove gone colleague", rescue.remove_gone, rescue.stranded_participants(policy, now)),
        ("note departure", visitors.note_departure, visitors.departed(policy, now)),
        ("end handover", handovers.expire_due, handovers.due_handovers(now)),
    ) if listing is not None]
    due = union_all(*(listing.add_columns(literal_column(str(kind)).label("kind"))
                      for kind, (_, _, listing) in enumerate(kinds)))
    rows = sorted(session.execute(due).all(), key=lambda row: (row.kind, row.place))
    return [Step(kinds[row.kind][0], row.id, kinds[row.kind][1]) for row in rows]


def forget_dead_connections(session: Session, policy: Policy, now: datetime) -> None:
    """Console and widget connections that are dead or gone for good."""
    presence.purge_stale(session, now, policy)
    visitors.purge_connections(session, policy, now)
