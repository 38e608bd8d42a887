"""The customer's side of presence: whether their widget is open (the console shows when they
leave and come back), and how far they have read (unread badges; mail only for what is unread)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from .db import listed
from .events import CustomerPresence, DomainEvent
from .inputs import clean_seq
from .lifecycle import OPEN, record
from .locks import lock_conversation
from .models import Conversation, Message
from .models import CustomerPresence as Connection
from .presence import dead_clause, reachable_clause
from .values import Policy


def widget_connected(session: Session, conversation: Conversation, sid: str, now: datetime
                     ) -> list[DomainEvent]:
    """A widget opened this conversation; if the customer had left, they are back."""
    session.add(Connection(conversation_id=conversation.id, sid=sid, connected_at=now, seen_at=now))
    session.flush()
    return _returned(session, conversation, now)


def _returned(session: Session, conversation: Conversation, now: datetime) -> list[DomainEvent]:
    # Under the lock: a sweep marking them gone waits for this, and then sees the connection.
    lock_conversation(session, conversation.id)
    if conversation.customer_present or conversation.status not in OPEN:
        return []
    conversation.customer_present = True
    record(session, conversation, "customer_returned", now, actor="customer")
    session.flush()
    return [CustomerPresence(conversation.id, conversation.employee_id, True)]


def widget_heartbeat(session: Session, conversation: Conversation, sid: str, now: datetime
                     ) -> list[DomainEvent]:
    """The widget is still there (back again if its row had been purged, or if a sweep took
    them for gone)."""
    result = session.execute(update(Connection).where(Connection.sid == sid)
                             .values(seen_at=now, gone_at=None))
    if not result.rowcount:
        return widget_connected(session, conversation, sid, now)
    return [] if conversation.customer_present else _returned(session, conversation, now)


def widget_disconnected(session: Session, sid: str, now: datetime) -> None:
    """The widget connection closed; within the grace a page change is not leaving."""
    session.execute(update(Connection).where(Connection.sid == sid, Connection.gone_at.is_(None))
                    .values(gone_at=now))


def _still_here(conversation_id, now: datetime, policy: Policy):
    return exists().where(Connection.conversation_id == conversation_id,
                          reachable_clause(Connection, now, policy, policy.widget_ttl_s))


def departed(policy: Policy, now: datetime) -> Select:
    """Open conversations whose customer's widget has been gone longer than the grace
    (db.listed)."""
    return listed(Conversation.id, Conversation.id).where(
        Conversation.status.in_(list(OPEN)), Conversation.customer_present.is_(True),
        Conversation.created_at < now - timedelta(seconds=policy.rejoin_grace_s),
        ~_still_here(Conversation.id, now, policy))


def note_departure(session: Session, conversation_id: int, policy: Policy, now: datetime
                   ) -> list[DomainEvent]:
    """The customer has left (checked again under the lock: they may be back)."""
    conversation = lock_conversation(session, conversation_id)
    if conversation is None or not conversation.customer_present or conversation.status not in OPEN:
        return []
    if session.scalar(select(_still_here(conversation_id, now, policy))):
        return []
    conversation.customer_present = False
    record(session, conversation, "customer_left", now, actor="customer")
    session.flush()
    return [CustomerPresence(conversation.id, conversation.employee_id, False)]


def purge_connections(session: Session, policy: Policy, now: datetime) -> int:
    """Forget widget connections that are dead or gone for good."""
    return session.execute(delete(Connection).where(
        dead_clause(Connection, now, policy, policy.widget_ttl_s))).rowcount or 0


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
