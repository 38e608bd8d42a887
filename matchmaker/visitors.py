"""The customer's side of presence: whether their widget is open (the console shows when they
leave and come back), and how far they have read (unread badges; mail only for what is unread)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from .events import CustomerPresence, DomainEvent
from .inputs import clean_seq
from .lifecycle import OPEN, record
from .locks import lock_conversation
from .models import Conversation, Message
from .models import CustomerPresence as Connection
from .presence import live_clause, reachable_clause
from .values import Policy


def widget_connected(session: Session, conversation: Conversation, sid: str, now: datetime
                     ) -> list[DomainEvent]:
    """A widget opened this conversation; if the customer had left, they are back."""
    session.add(Connection(conversation_id=conversation.id, sid=sid, connected_at=now, seen_at=now))
    session.flush()
    if conversation.customer_present or conversation.status not in OPEN:
        return []
    lock_conversation(session, conversation.id)
    if conversation.customer_present:
        return []
    conversation.customer_present = True
    record(session, conversation, "customer_returned", now, actor="customer")
    session.flush()
    return [CustomerPresence(conversation.id, conversation.employee_id, True)]


def widget_heartbeat(session: Session, conversation: Conversation, sid: str, now: datetime
                     ) -> list[DomainEvent]:
    """The widget is still there (back again if its row had been purged)."""
    result = session.execute(update(Connection).where(Connection.sid == sid)
                             .values(seen_at=now, gone_at=None))
    return [] if result.rowcount else widget_connected(session, conversation, sid, now)


def widget_disconnected(session: Session, sid: str, now: datetime) -> None:
    """The widget connection closed; within the grace a page change is not leaving."""
    session.execute(update(Connection).where(Connection.sid == sid, Connection.gone_at.is_(None))
                    .values(gone_at=now))


def sweep_departures(session: Session, policy: Policy, now: datetime) -> list[DomainEvent]:
    """Customers whose widget has been gone longer than the grace have left; dead rows go."""
    reachable = exists().where(Connection.conversation_id == Conversation.id,
                               reachable_clause(Connection, now, policy))
    gone = session.scalars(select(Conversation).where(
        Conversation.status.in_(list(OPEN)), Conversation.customer_present.is_(True),
        Conversation.created_at < now - timedelta(seconds=policy.rejoin_grace_s),
        ~reachable)).all()
    events: list[DomainEvent] = []
    for conversation in gone:
        lock_conversation(session, conversation.id)
        still_here = session.scalar(select(func.count(Connection.id)).where(
            Connection.conversation_id == conversation.id, reachable_clause(Connection, now, policy)))
        if not conversation.customer_present or still_here:
            continue
        conversation.customer_present = False
        record(session, conversation, "customer_left", now, actor="customer")
        events.append(CustomerPresence(conversation.id, conversation.employee_id, False))
    session.execute(delete(Connection).where(or_(
        Connection.seen_at < now - timedelta(seconds=policy.presence_ttl_s),
        Connection.gone_at < now - timedelta(seconds=policy.rejoin_grace_s))))
    session.flush()
    return events


def online(session: Session, conversation_id: int, now: datetime, policy: Policy) -> bool:
    """Whether a widget is connected to this conversation right now."""
    return session.scalar(select(Connection.id).where(
        Connection.conversation_id == conversation_id,
        live_clause(Connection, now, policy.presence_ttl_s)).limit(1)) is not None


def mark_read(session: Session, conversation: Conversation, seq: object) -> int:
    """The customer has seen everything up to seq (it only moves forward); returns the mark."""
    seq = min(clean_seq(seq), conversation.last_seq)
    session.execute(update(Conversation).where(
        Conversation.id == conversation.id, Conversation.customer_read_seq < seq)
        .values(customer_read_seq=seq).execution_options(synchronize_session=False))
    session.refresh(conversation, ["customer_read_seq"])
    return conversation.customer_read_seq


def unread(session: Session, conversation: Conversation) -> int:
    """Employee messages the customer has not seen yet."""
    return session.scalar(select(func.count(Message.id)).where(
        Message.conversation_id == conversation.id, Message.author == "employee",
        Message.seq > conversation.customer_read_seq)) or 0
