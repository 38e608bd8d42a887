"""An employee's desk: open offers, live chats, the offline inbox, and their availability."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from .errors import InvalidInput, NotFound
from .models import MAX_CAPACITY, Conversation, Employee, Offer
from .participants import open_clause

INBOX_LIMIT = 100  # newest first; older ones stay in the marketing console
_CONVERSATION_PARTS = (selectinload(Conversation.customer), selectinload(Conversation.employee),
                       selectinload(Conversation.rating), selectinload(Conversation.consents))


def open_offers(session: Session, employee_id: int) -> list[Offer]:
    """Offers waiting for this employee's answer, oldest first."""
    return list(session.scalars(
        select(Offer).where(Offer.employee_id == employee_id, Offer.outcome.is_(None))
        .options(selectinload(Offer.conversation).selectinload(Conversation.customer),
                 selectinload(Offer.conversation).selectinload(Conversation.candidates))
        .order_by(Offer.offered_at)))


def at_a_glance(session: Session, employee_id: int) -> tuple[list[int], list[tuple[int, str, int]]]:
    """What a console's heartbeat compares with what it shows: the open offers' ids, and each
    live chat's (id, status, last_seq). Two index look-ups, no objects loaded."""
    offered = session.scalars(select(Offer.id).where(
        Offer.employee_id == employee_id, Offer.outcome.is_(None)).order_by(Offer.offered_at))
    chats = session.execute(select(Conversation.id, Conversation.status, Conversation.last_seq)
                            .where(_mine(employee_id), Conversation.status == "active")
                            .order_by(Conversation.accepted_at))
    return list(offered), [tuple(row) for row in chats]


def live_conversations(session: Session, employee_id: int) -> list[Conversation]:
    """Active chats assigned to this employee, or they were invited into and are still in."""
    return list(session.scalars(
        select(Conversation).where(_mine(employee_id), Conversation.status == "active")
        .options(*_CONVERSATION_PARTS).order_by(Conversation.accepted_at)))


def _mine(employee_id: int):
    """SQL: the conversation is this employee's, or they are invited into it now."""
    return or_(Conversation.employee_id == employee_id, open_clause(Conversation.id, employee_id))


def inbox(session: Session, employee_id: int) -> list[Conversation]:
    """Questions nobody could take live: those waiting for this employee (the best match), and
    the general queue of questions nobody fitted well, which anyone may answer."""
    return list(session.scalars(
        select(Conversation).where(
            Conversation.status == "offline",
            or_(Conversation.employee_id == employee_id, Conversation.employee_id.is_(None)))
        .options(*_CONVERSATION_PARTS).order_by(Conversation.created_at.desc())
        .limit(INBOX_LIMIT)))


def set_availability(
    session: Session, employee_id: int, available: object, capacity: object = None
) -> Employee:
    """The employee says whether they take new conversations, and how many at once."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("no such employee")
    if not isinstance(available, bool):
        raise InvalidInput("available must be true or false", code="invalid_payload")
    if capacity is not None:
        if not isinstance(capacity, int) or isinstance(capacity, bool) or not (
            1 <= capacity <= MAX_CAPACITY
        ):
            raise InvalidInput(f"capacity must be 1 to {MAX_CAPACITY}", code="invalid_capacity")
        employee.capacity = capacity
    employee.available = available
    session.flush()
    return employee
