"""Staff sign-ins, kept on the server: a cookie is only as good as its record here. Signing out
ends that sign-in; a password change, deactivation or an admin's "sign out everywhere" ends them
all. Each returns the console connections to close (their Socket.IO sids)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from .errors import Unauthenticated
from .models import Employee, Presence, StaffSession


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def begin(session: Session, employee_id: int, now: datetime) -> tuple[int, str]:
    """A new sign-in; returns its id and secret key (only the key's hash is stored)."""
    key = secrets.token_urlsafe(32)
    signin = StaffSession(employee_id=employee_id, key_hash=_hash(key), created_at=now)
    session.add(signin)
    session.flush()
    return signin.id, key


def current(session: Session, employee_id: int, key: str) -> tuple[Employee, int] | None:
    """(employee, sign-in id) while this key's sign-in is open and the employee active."""
    found = session.execute(select(StaffSession.id, Employee).join(
        Employee, Employee.id == StaffSession.employee_id).where(
        StaffSession.key_hash == _hash(key), StaffSession.employee_id == employee_id,
        StaffSession.ended_at.is_(None), Employee.active.is_(True))).first()
    return (found[1], found[0]) if found else None


def is_open(signin_id: int, employee_id: int):
    """A clause: this sign-in of this employee is open and the employee active (to put inside
    the statement that acts on it, costing no round trip of its own)."""
    return exists().where(StaffSession.id == signin_id, StaffSession.employee_id == employee_id,
                          StaffSession.ended_at.is_(None), Employee.id == StaffSession.employee_id,
                          Employee.active.is_(True))


def signed_in(session: Session, employee_id: int, signin_id: int) -> Employee:
    """The employee of this sign-in while it is open and they are active; else Unauthenticated
    (a console connection remembers its sign-in; this re-checks it)."""
    if not session.scalar(select(is_open(signin_id, employee_id))):
        raise Unauthenticated("sign in again")
    return session.get(Employee, employee_id)


def end(session: Session, key: str, now: datetime, why: str = "signed_out") -> list[str]:
    """End one sign-in; returns the sids of its console connections."""
    ended = session.scalars(update(StaffSession).where(
        StaffSession.key_hash == _hash(key), StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_why=why).returning(StaffSession.id)).all()
    return _close_connections(session, Presence.staff_session_id.in_(ended)) if ended else []


def end_all(session: Session, employee_id: int, now: datetime, why: str) -> list[str]:
    """End every sign-in of this employee; returns the sids of all their console connections."""
    session.execute(update(StaffSession).where(
        StaffSession.employee_id == employee_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_why=why))
    return _close_connections(session, Presence.employee_id == employee_id)


def _close_connections(session: Session, where) -> list[str]:
    sids = list(session.scalars(select(Presence.sid).where(where)))
    session.execute(delete(Presence).where(where))
    session.flush()
    return sids
