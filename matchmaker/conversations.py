"""A customer's conversation: asking, access keys, messages in order, claiming and closing."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Integer, String, bindparam, cast, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from . import outbox, participants, signins
from .db import GroupCommit
from .errors import (
    ConversationClosed,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from .events import Claimed, Closed, CustomerDetails, DomainEvent, Said
from .handovers import withdraw_for_closing
from .inputs import clean_email, clean_id, clean_seq, clean_text
from .lifecycle import Status, move, record
from .locks import lock_conversation
from .models import (
    Candidate,
    Conversation,
    ConversationEvent,
    ConversationKey,
    Customer,
    Employee,
    Message,
    Participant,
)
from .offers import withdraw_open_offer
from .values import Match, Policy

# Where the assigned employee may write (say() and its one-statement form say_at_once()).
EMPLOYEE_WRITES = (Status.ACTIVE, Status.OFFLINE)


@dataclass(frozen=True)
class Question:
    """What the widget sends when a customer asks."""

    text: str
    visitor_id: str
    name: str | None = None
    email: str | None = None
    page_url: str = ""
    language: str = "en"


def token_hash(token: str) -> str:
    """Only a hash of a conversation token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_conversation(
    session: Session, question: Question, matches: list[Match], policy: Policy, now: datetime,
    *, min_fit: float | None = None, question_language: str | None = None,
) -> tuple[Conversation, str]:
    """Store the question and its ranking (with the fit below which nobody fits it: the
    ranking's, else the policy's); returns the conversation and its secret token."""
    text = clean_text(question.text, policy.max_question_chars, "question")
    email = clean_email(question.email) if question.email else None
    customer = _customer(session, question.visitor_id, now)
    customer.name = (question.name or "").strip()[:120] or customer.name
    customer.email = email or customer.email
    conversation = Conversation(
        customer=customer, status=Status.WAITING, question=text, reply_to=email,
        min_fit=policy.min_fit if min_fit is None else min_fit,
        question_language=question_language,
        page_url=(question.page_url or "")[:2000], language=(question.language or "en")[:16],
        created_at=now,
        candidates=[
            Candidate(employee_id=m.employee_id, rank=rank, score=m.score, fit=m.fit,
                      reason=m.explanation.reason, passage_kind=m.explanation.passage_kind,
                      history_item_id=m.explanation.history_item_id, parts=m.explanation.parts)
            for rank, m in enumerate(matches, start=1)
        ],
    )
    session.add(conversation)
    session.flush()
    record(session, conversation, "asked", now, actor="customer")
    token = mint_key(session, conversation, "widget", now, expires_at=None)
    append_message(session, conversation, "customer", text, client_id="question", now=now)
    return conversation, token


def mint_key(session: Session, conversation: Conversation, via: str, now: datetime, *,
             expires_at: datetime | None) -> str:
    """A new secret that opens this conversation in a widget (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(ConversationKey(conversation_id=conversation.id, token_hash=token_hash(token),
                                via=via, created_at=now, expires_at=expires_at))
    session.flush()
    return token


def reply_address_digest(address: str | None) -> str:
    """What a mail link says about the address it was sent to (so it dies when that changes)."""
    return hashlib.sha256((address or "").strip().lower().encode()).hexdigest()[:16]


def reopen_by_link(session: Session, conversation_id: int, sent_to: str, now: datetime,
                   valid_for: timedelta) -> tuple[Conversation, str]:
    """A customer followed the link in a reply mail: a new key, as long-lived as the link, opens
    the conversation in the widget they use now. A link mailed to an address the conversation
    no longer replies to opens nothing."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or not conversation.reply_to or not secrets.compare_digest(
            reply_address_digest(conversation.reply_to), sent_to):
        raise Unauthenticated("this link is not valid", code="invalid_link")
    record(session, conversation, "reopened", now, actor="customer", reason="mail_link")
    return conversation, mint_key(session, conversation, "mail_link", now, expires_at=now + valid_for)


def _customer(session: Session, visitor_id: str, now: datetime) -> Customer:
    """The visitor's customer record; two first questions at once create it once."""
    find = select(Customer).where(Customer.visitor_id == visitor_id)
    customer = session.scalar(find)
    if customer is None:
        try:
            with session.begin_nested():
                customer = Customer(visitor_id=visitor_id, created_at=now)
                session.add(customer)
        except IntegrityError:  # the other request created it first
            customer = session.scalar(find)
    return customer


def conversation_by_token(session: Session, conversation_id: object, token: object,
                          now: datetime) -> Conversation:
    """The conversation this token opens, or Unauthenticated (never says which part was wrong)."""
    try:
        conversation_id = clean_id(conversation_id)
    except InvalidInput:
        raise Unauthenticated("missing conversation or token") from None
    if not isinstance(token, str) or not token:
        raise Unauthenticated("missing conversation or token")
    opened = session.scalar(select(ConversationKey.conversation_id).where(
        ConversationKey.token_hash == token_hash(token),
        or_(ConversationKey.expires_at.is_(None), ConversationKey.expires_at > now)))
    if opened is None or not secrets.compare_digest(str(opened), str(conversation_id)):
        raise Unauthenticated("wrong conversation or token")
    return session.get(Conversation, conversation_id)


def conversation_for_employee(
    session: Session, conversation_id: object, employee: Employee
) -> Conversation:
    """A conversation the employee may see: assigned to them, invited into it (now or before),
    offered to them right now, waiting in the general queue, or one they had before it moved
    on (read-only then).
    (Marketing and admins read transcripts in their console.)"""
    conversation = session.get(Conversation, clean_id(conversation_id, "conversation_id"))
    if conversation is None:
        raise NotFound("no such conversation")
    in_general_queue = conversation.status == Status.OFFLINE and conversation.employee_id is None
    offered_now = any(offer.employee_id == employee.id and offer.outcome is None
                      for offer in conversation.offers)
    had_it = any(offer.employee_id == employee.id and offer.outcome == "accepted"
                 for offer in conversation.offers)
    if not (in_general_queue or offered_now or had_it or conversation.employee_id == employee.id
            or participants.was_in(session, conversation.id, employee.id)):
        raise NotFound("no such conversation")
    return conversation


def append_message(
    session: Session, conversation: Conversation, author: str, body: str, *,
    client_id: str | None, now: datetime, employee_id: int | None = None,
) -> tuple[Message, bool]:
    """Store a message with the next sequence number; a repeated client_id returns the original."""
    lock_conversation(session, conversation.id)  # before the duplicate check: a retry waits for the first try
    if client_id is not None:
        existing = session.scalar(select(Message).where(
            Message.conversation_id == conversation.id, Message.author == author,
            Message.client_id == client_id))
        if existing is not None:
            return existing, False
    # One UPDATE allocates the number, so two workers can never take the same seq.
    seq = session.execute(
        update(Conversation).where(Conversation.id == conversation.id)
        .values(last_seq=Conversation.last_seq + 1).returning(Conversation.last_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(conversation, "last_seq", seq)
    message = Message(conversation_id=conversation.id, seq=seq, author=author, body=body,
                      client_id=client_id, employee_id=employee_id, created_at=now)
    session.add(message)
    session.flush()
    return message, True


def said(conversation: Conversation, message: Message, invited: tuple[int, ...] = (),
         author: Employee | None = None) -> Said:
    """The event for a stored message (invited: the colleagues in it beside its employee)."""
    return Said(conversation.id, message.seq, message.author, message.body, message.client_id,
                message.created_at, conversation.employee_id, invited,
                author.id if author else None, author.name if author else None)


def _said_input(body: object, client_id: object, policy: Policy) -> str:
    """The message's text, once the text and the client id pass."""
    text = clean_text(body, policy.max_message_chars, "message")
    if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= 64):
        raise InvalidInput("client_id must be a short string", code="invalid_client_id")
    return text


def say_at_once(
    connection: Connection | GroupCommit, conversation_id: int, author: str,
    body: object, client_id: object, policy: Policy, now: datetime, *,
    employee_id: int | None = None, signin_id: int | None = None,
) -> Said | None:
    """say() for the common case, in one statement on PostgreSQL (the conversation's row locked,
    the message inserted with the next seq unless its client_id is stored already, the counter
    moved): a statement that is its own transaction, so one round trip (db.make_one_statement's
    GroupCommit, which may share the round trip and the commit with other messages; SQLite: a
    Connection). None: not the common
    case (closed, not the writer's to write in, a question to claim, a reply to be mailed, a
    client_id seen before, an ended sign-in) — say() decides those, with the same outcome.

    The rules are say()'s: a customer writes in any conversation not closed; an employee in
    one assigned to them (or they were invited into) that is active or offline, while their
    sign-in is open (signin_id). The row also names the colleagues invited in (who hear of the
    message too) and the writer, so nobody needs another query to send it."""
    text = _said_input(body, client_id, policy)
    writer = "customer" if employee_id is None else "employee"
    statement = _statement(connection.dialect.name, writer, policy.mail_enabled,
                           signin_id is not None)
    row = _store(connection, statement, {
        "p_conversation_id": conversation_id, "p_author": author, "p_employee_id": employee_id,
        "p_body": text, "p_client_id": client_id, "p_created_at": now, "p_signin_id": signin_id})
    if row is None:
        return None
    invited = tuple(int(i) for i in (row.participants or "").split(",") if i)
    return Said(conversation_id, row.seq, author, text, client_id, now, row.employee_id,
                tuple(sorted(set(invited) - {row.employee_id})), employee_id, row.author_name)


@functools.cache
def _statement(dialect: str, writer: str, mail: bool, signin: bool):
    """The write, built once per case with bound parameters (building the expression costs
    more than running it; SQLAlchemy then reuses its compiled form)."""
    conversations, messages = Conversation.__table__, Message.__table__
    # (the parameters' names are not the columns': SQLAlchemy keeps those for VALUES and SET)
    rule = [conversations.c.id == bindparam("p_conversation_id", type_=conversations.c.id.type)]
    if writer == "customer":
        rule.append(conversations.c.status != Status.CLOSED.value)
    else:
        employee_id = bindparam("p_employee_id", type_=conversations.c.employee_id.type)
        rule += [or_(conversations.c.employee_id == employee_id,
                     participants.open_clause(conversations.c.id, employee_id)),
                 # (OR, not IN: an IN list is expanded per execution, which the driver path
                 # does not do; see db.DriverConnection)
                 or_(*(conversations.c.status == s.value for s in EMPLOYEE_WRITES))]
        if mail:  # a reply may have to be mailed: outbox.note_reply, in say()
            rule.append(conversations.c.reply_to.is_(None))
        if signin:
            rule.append(signins.is_open(bindparam("p_signin_id", type_=Integer), employee_id))
    values = {name: bindparam(f"p_{name}", type_=messages.c[name].type)
              for name in ("author", "employee_id", "body", "client_id", "created_at")}
    if dialect == "postgresql":
        return _one_statement(rule, values)
    return _two_statements(rule, values)


def _audience(dialect: str, conversation_id):
    """Scalar subqueries for the stored row: the invited colleagues in the conversation now
    (their ids joined by commas) and the writing employee's name."""
    aggregate = (func.string_agg(cast(Participant.employee_id, String), ",")
                 if dialect == "postgresql" else func.group_concat(Participant.employee_id))
    invited = select(aggregate.label("ids")).where(
        Participant.conversation_id == conversation_id, Participant.left_at.is_(None))
    name = select(Employee.name).where(
        Employee.id == bindparam("p_employee_id", type_=Employee.id.type))
    return (invited.scalar_subquery().label("participants"),
            name.scalar_subquery().label("author_name"))


def _one_statement(rule: list, values: dict):
    """PostgreSQL: lock the row, insert with last_seq + 1 (nothing on a client_id already
    stored), move last_seq to it. After waiting for the lock, FOR UPDATE reads the row as the
    other writer left it, and the unique index sees that writer's message: a retry racing the
    first try stores nothing and moves no counter (no gap)."""
    conversations, messages = Conversation.__table__, Message.__table__
    locked = (select(conversations.c.id, conversations.c.last_seq, conversations.c.employee_id)
              .where(*rule).with_for_update().cte("locked"))
    stored = (pg_insert(messages).from_select(
        ["conversation_id", "seq", *values],
        select(locked.c.id, locked.c.last_seq + 1, *values.values()))
        .on_conflict_do_nothing(constraint="uq_messages_client_id")
        .returning(messages.c.conversation_id, messages.c.seq).cte("stored"))
    moved = (update(conversations).where(conversations.c.id == stored.c.conversation_id)
             .values(last_seq=stored.c.seq).cte("moved"))
    return (select(locked.c.employee_id, stored.c.seq, *_audience("postgresql", locked.c.id))
            .select_from(locked.outerjoin(stored, true())).add_cte(moved))


def _two_statements(rule: list, values: dict):
    """SQLite (its writers are serialised by the database lock): move the counter, insert."""
    conversations, messages = Conversation.__table__, Message.__table__
    move_on = (update(conversations).where(*rule).values(last_seq=conversations.c.last_seq + 1)
               .returning(conversations.c.last_seq, conversations.c.employee_id,
                          *_audience("sqlite", conversations.c.id)))
    insert_it = (sqlite_insert(messages).values(
        conversation_id=bindparam("p_conversation_id"), seq=bindparam("p_seq"), **values)
        .on_conflict_do_nothing().returning(messages.c.seq))
    return move_on, insert_it


def _store(connection: Connection, statement, params: dict):
    """Run the write; the stored message's (seq, employee_id), or None (nothing stored)."""
    if not isinstance(statement, tuple):
        row = connection.execute(statement, params).first()
        return None if row is None or row.seq is None else row
    move_on, insert_it = statement
    with connection.begin_nested() as step:  # a client_id already stored rolls both back
        moved = connection.execute(move_on, params).first()
        stored = moved and connection.execute(
            insert_it, {**params, "p_seq": moved.last_seq}).first()
        if not stored:
            step.rollback()
            return None
    return _Stored(moved.last_seq, moved.employee_id, moved.participants, moved.author_name)


@dataclass(frozen=True)
class _Stored:
    seq: int
    employee_id: int | None
    participants: str | None
    author_name: str | None


def say(
    session: Session, conversation: Conversation, author: str, body: object, client_id: object,
    policy: Policy, now: datetime, employee: Employee | None = None,
) -> tuple[Message, list[DomainEvent]]:
    """A chat message from the customer or an employee in the conversation (its lead or an
    invited colleague); the events are empty when a resent client_id returned the message
    stored before."""
    text = _said_input(body, client_id, policy)
    lock_conversation(session, conversation.id)
    if conversation.status == Status.CLOSED:
        raise ConversationClosed("this conversation is closed")
    events: list[DomainEvent] = []
    if employee is not None:
        events += _claim_from_general_queue(session, conversation, employee, now)
        if not participants.is_in(session, conversation, employee.id):
            raise Forbidden("only the assigned colleague can write here")
        if conversation.status not in EMPLOYEE_WRITES:
            raise Forbidden("accept the offer before writing")
    message, created = append_message(session, conversation, author, text, client_id=client_id,
                                      now=now, employee_id=employee.id if employee else None)
    if not created:
        return message, []
    if employee is not None:
        outbox.note_reply(session, conversation, message, policy, now)
    invited = tuple(participants.current_ids(session, conversation.id))
    return message, [*events, said(conversation, message, invited, employee)]


def _claim_from_general_queue(session: Session, conversation: Conversation, employee: Employee,
                              now: datetime) -> list[DomainEvent]:
    """Answering a question nobody owns takes it."""
    if conversation.status != Status.OFFLINE or conversation.employee_id is not None:
        return []
    conversation.employee_id = employee.id
    record(session, conversation, "claimed", now, actor="employee", employee_id=employee.id)
    session.flush()
    return [Claimed(conversation.id, employee.id)]


def typing_audience(session: Session, conversation: Conversation, employee: Employee | None
                    ) -> tuple[int | None, tuple[int, ...]]:
    """Who sees a typing indicator: (the customer's conversation id, or None; the employees in
    it). The customer types: every employee in it. An employee in it types: the customer and
    the colleagues beside them. Anyone else, or a conversation not live: nobody."""
    if conversation.status not in (Status.ACTIVE, Status.OFFLINE) or conversation.employee_id is None:
        return None, ()
    inside = participants.everyone(session, conversation)
    if employee is None:
        return None, inside
    if employee.id not in inside:
        return None, ()
    return conversation.id, tuple(i for i in inside if i != employee.id)


def messages_after(session: Session, conversation_id: int, seq: object,
                   until: int | None = None) -> list[Message]:
    """Messages past seq (up to until, when given), in order: what a reconnecting client missed."""
    seq = clean_seq(seq)
    query = select(Message).where(Message.conversation_id == conversation_id, Message.seq > seq)
    if until is not None:
        query = query.where(Message.seq <= until)
    return list(session.scalars(query.order_by(Message.seq)))


def readable_until(session: Session, conversation: Conversation, employee: Employee) -> int | None:
    """The last message an employee may read: all of them (None) while the conversation is
    theirs, they are invited into it, it is offered to them or in the general queue; up to when
    it moved on if they only had it before: they left it, or handed it over (what the customer
    says to the next colleague is not theirs to read)."""
    if participants.is_in(session, conversation, employee.id) or (
            conversation.status == Status.OFFLINE and conversation.employee_id is None) or any(
            o.employee_id == employee.id and o.outcome is None for o in conversation.offers):
        return None
    left = session.scalar(select(ConversationEvent).where(
        ConversationEvent.conversation_id == conversation.id,
        ConversationEvent.kind.in_(("left", "handed_over")),
        ConversationEvent.employee_id == employee.id).order_by(ConversationEvent.id.desc()).limit(1))
    return int(left.detail.get("seq", 0)) if left is not None else 0


def close_conversation(
    session: Session, conversation: Conversation, now: datetime, employee: Employee | None = None
) -> list[DomainEvent]:
    """End the conversation (idempotent); an offer still open is withdrawn.

    Without employee the customer closes it, for everyone in it; an employee may close only
    what is theirs: while a colleague stays in it, their close means they leave."""
    lock_conversation(session, conversation.id)
    if employee is not None and not participants.is_in(session, conversation, employee.id):
        if participants.has_left(session, conversation.id, employee.id):
            return []  # they left it (or were in it when it closed): a second close is a no-op
        raise Forbidden("only the assigned colleague can close this conversation")
    if conversation.status == Status.CLOSED:
        return []
    if employee is not None:
        stepped_out = participants.step_out(session, conversation, employee.id, "closed", now)
        if stepped_out:
            return stepped_out
    by = "customer" if employee is None else "employee"
    withdrawn = withdraw_open_offer(session, conversation, now)
    withdrawn += withdraw_for_closing(session, conversation, now)  # a handover still waiting
    move(session, conversation, Status.CLOSED, "closed", now, actor=by,
         employee_id=employee.id if employee else None)
    conversation.closed_at = now
    conversation.closed_by = by
    invited = participants.end_all(session, conversation, now)
    session.flush()
    return [*withdrawn, Closed(conversation.id, by, conversation.employee_id, invited)]


def leave_email(session: Session, conversation: Conversation, email: object, name: object
                ) -> list[DomainEvent]:
    """The customer leaves an address so replies to this conversation can reach them."""
    if conversation.status == Status.CLOSED:
        raise ConversationClosed("this conversation is closed")
    conversation.reply_to = clean_email(email)
    conversation.customer.email = conversation.reply_to
    if isinstance(name, str) and name.strip():
        conversation.customer.name = name.strip()[:120]
    session.flush()
    return [CustomerDetails(conversation.id, conversation.employee_id)]


def answered(session: Session, conversation: Conversation) -> bool:
    """Whether an employee has written in this conversation."""
    return session.scalar(select(Message.id).where(
        Message.conversation_id == conversation.id, Message.author == "employee").limit(1)) is not None


def get_conversation(session: Session, conversation_id: int) -> Conversation:
    """The conversation, or NotFound."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation
