"""Who is signed in to the console right now, kept in the database so every worker agrees.

A connection is *online* while it is up and its heartbeat is fresh (it may get new offers), and
*reachable* for a short grace after it went away too: a console reload is not a departure."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, delete, func, or_, select, union_all, update
from sqlalchemy.orm import Session

from . import signins
from .db import core
from .models import Conversation, Employee, Offer, Participant, Presence
from .values import Policy


def connect(session: Session, employee_id: int, sid: str, now: datetime,
            staff_session_id: int | None = None) -> None:
    """Record a console connection (of this sign-in)."""
    session.add(Presence(employee_id=employee_id, sid=sid, connected_at=now, seen_at=now,
                         staff_session_id=staff_session_id))
    session.flush()


def touch(session: Session, employee_id: int, sid: str, now: datetime,
          staff_session_id: int | None = None) -> None:
    """A heartbeat: the connection is still there (back again if it had been purged), while its
    sign-in (when given) is open, else Unauthenticated. One statement in the common case."""
    still = [Presence.sid == sid]
    if staff_session_id is not None:
        still.append(signins.is_open(staff_session_id, employee_id))
    result = session.execute(update(Presence).where(*still).values(seen_at=now, gone_at=None)
                             .execution_options(synchronize_session=False))
    if not result.rowcount:
        if staff_session_id is not None:
            signins.signed_in(session, employee_id, staff_session_id)
        connect(session, employee_id, sid, now, staff_session_id)


def keep(session: Session, sids: list[str], now: datetime) -> int:
    """These connections are up (their server says so: engine.io's pings reach them): one
    statement for all of a process's consoles. A server that died stops saying it, and its
    connections lapse after presence_ttl_s."""
    if not sids:
        return 0
    return session.execute(update(Presence).where(Presence.sid.in_(sids),
                                                  Presence.gone_at.is_(None))
                           .values(seen_at=now)).rowcount or 0


def disconnect(session: Session, sid: str, now: datetime) -> None:
    """The console connection went away; for the grace it still counts as reachable."""
    session.execute(update(Presence).where(Presence.sid == sid, Presence.gone_at.is_(None))
                    .values(gone_at=now))


def purge_stale(session: Session, now: datetime, policy: Policy) -> int:
    """Drop connections whose worker died without saying goodbye, and those gone for good."""
    result = session.execute(delete(Presence).where(
        dead_clause(Presence, now, policy, policy.presence_ttl_s)))
    return result.rowcount or 0


def live_clause(model, now: datetime, ttl_s: float):
    """A connection row (console or widget) that is up, with a fresh heartbeat."""
    return and_(model.gone_at.is_(None), model.seen_at >= now - timedelta(seconds=ttl_s))


def reachable_clause(model, now: datetime, policy: Policy, ttl_s: float | None = None):
    """Up, or gone less than the grace ago (a reload or a page change); ttl_s: the heartbeat
    timeout of this kind of connection (a console's by default)."""
    ttl_s = policy.presence_ttl_s if ttl_s is None else ttl_s
    return or_(live_clause(model, now, ttl_s),
               model.gone_at >= now - timedelta(seconds=policy.rejoin_grace_s))


def dead_clause(model, now: datetime, policy: Policy, ttl_s: float):
    """Up but silent past ttl_s (its server died), or gone for longer than the grace."""
    return or_(and_(model.gone_at.is_(None), model.seen_at < now - timedelta(seconds=ttl_s)),
               model.gone_at < now - timedelta(seconds=policy.rejoin_grace_s))


def online_ids(session: Session, employee_ids: list[int], now: datetime, ttl_s: float) -> set[int]:
    """The employees among employee_ids with a live console connection."""
    return set(session.scalars(select(Presence.employee_id).where(
        Presence.employee_id.in_(employee_ids), live_clause(Presence, now, ttl_s))))


def _loads_statement():
    """Load counts of :ids, three kinds in one round trip; built once, its ids bound per call."""
    ids = bindparam("ids", expanding=True)
    return union_all(
        select(Conversation.employee_id, func.count())
        .where(Conversation.employee_id.in_(ids), Conversation.status == "active")
        .group_by(Conversation.employee_id),
        select(Participant.employee_id, func.count())
        .join(Conversation, Conversation.id == Participant.conversation_id)
        .where(Participant.employee_id.in_(ids), Participant.left_at.is_(None),
               Conversation.status == "active")
        .group_by(Participant.employee_id),
        select(Offer.employee_id, func.count())
        .where(Offer.employee_id.in_(ids), Offer.outcome.is_(None))
        .group_by(Offer.employee_id))


_LOADS = _loads_statement()


def loads(session: Session, employee_ids: list[int]) -> dict[int, int]:
    """Current load per employee: active conversations (held, or invited into) plus open
    offers."""
    load = dict.fromkeys(employee_ids, 0)
    if load:
        for eid, count in core(session).execute(_LOADS, {"ids": list(load)}):
            load[eid] += count
    return load


def within_working_hours(employee: Employee, now: datetime) -> bool:
    """True when now falls in the employee's working hours, in their time zone (a range like
    22:00-06:00 runs past midnight)."""
    start, end = employee.working_hours.split("-")
    local = now.astimezone(ZoneInfo(employee.timezone)).strftime("%H:%M")
    return start <= local < end if start <= end else (local >= start or local < end)


def unavailability(
    session: Session, employees: list[Employee], now: datetime, policy: Policy
) -> dict[int, str | None]:
    """For each employee, why they cannot take a new conversation now (None: they can)."""
    ids = [employee.id for employee in employees]
    online = online_ids(session, ids, now, policy.presence_ttl_s)
    load = loads(session, ids)
    reasons: dict[int, str | None] = {}
    for employee in employees:
        if not employee.active:
            reasons[employee.id] = "inactive"
        elif employee.id not in online:
            reasons[employee.id] = "offline"
        elif not employee.available:
            reasons[employee.id] = "away"
        elif policy.working_hours and not within_working_hours(employee, now):
            reasons[employee.id] = "outside_working_hours"
        elif load[employee.id] >= employee.capacity:
            reasons[employee.id] = "at_capacity"
        else:
            reasons[employee.id] = None
    return reasons
