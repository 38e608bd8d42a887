"""A customer's conversation: asking, messages in order, closing, rating and consent."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .errors import (
    Conflict,
    ConversationClosed,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from .inputs import clean_email, clean_id, clean_seq, clean_text
from .locks import lock_conversation
from .models import Candidate, Consent, Conversation, Customer, Employee, Message, Rating
from .offers import Closed, withdraw_open_offer
from .values import Match, Policy

CONSENT_SCOPES = ("quote_anonymised", "quote_named")


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
    session: Session, question: Question, matches: list[Match], policy: Policy, now: datetime
) -> tuple[Conversation, str]:
    """Store the question and its ranking; returns the conversation and its secret token."""
    text = clean_text(question.text, policy.max_question_chars, "question")
    email = clean_email(question.email) if question.email else None
    customer = _customer(session, question.visitor_id, now)
    customer.name = (question.name or "").strip()[:120] or customer.name
    customer.email = email or customer.email
    token = secrets.token_urlsafe(32)
    conversation = Conversation(
        customer=customer, token_hash=token_hash(token), status="waiting", question=text,
        page_url=(question.page_url or "")[:2000], language=(question.language or "en")[:16],
        created_at=now,
        candidates=[
            Candidate(employee_id=m.employee_id, rank=rank, score=m.score, fit=m.fit,
                      passage=m.explanation.passage, passage_kind=m.explanation.passage_kind,
                      parts=m.explanation.parts)
            for rank, m in enumerate(matches, start=1)
        ],
    )
    session.add(conversation)
    session.flush()
    append_message(session, conversation, "customer", text, client_id="question", now=now)
    return conversation, token


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


def conversation_by_token(session: Session, conversation_id: object, token: object) -> Conversation:
    """The conversation this token opens, or Unauthenticated (never says which part was wrong)."""
    try:
        conversation_id = clean_id(conversation_id)
    except InvalidInput:
        raise Unauthenticated("missing conversation or token") from None
    if not isinstance(token, str):
        raise Unauthenticated("missing conversation or token")
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or not secrets.compare_digest(conversation.token_hash,
                                                          token_hash(token)):
        raise Unauthenticated("wrong conversation or token")
    return conversation


def conversation_for_employee(
    session: Session, conversation_id: object, employee: Employee
) -> Conversation:
    """A conversation the employee may work on: assigned to them, offered to them right now, or
    waiting in the general queue. (Marketing and admins read transcripts in their console.)"""
    conversation = session.get(Conversation, clean_id(conversation_id, "conversation_id"))
    if conversation is None:
        raise NotFound("no such conversation")
    in_general_queue = conversation.status == "offline" and conversation.employee_id is None
    offered_now = any(offer.employee_id == employee.id and offer.outcome is None
                      for offer in conversation.offers)
    if not (in_general_queue or offered_now or conversation.employee_id == employee.id):
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


def say(
    session: Session, conversation: Conversation, author: str, body: object, client_id: object,
    policy: Policy, now: datetime, employee: Employee | None = None,
) -> tuple[Message, bool]:
    """A chat message from the customer or the assigned employee."""
    text = clean_text(body, policy.max_message_chars, "message")
    if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= 64):
        raise InvalidInput("client_id must be a short string", code="invalid_client_id")
    lock_conversation(session, conversation.id)
    if conversation.status == "closed":
        raise ConversationClosed("this conversation is closed")
    if employee is not None and conversation.status == "offline" and conversation.employee_id is None:
        conversation.employee_id = employee.id  # answering from the general queue takes it
        session.flush()
    if employee is not None and conversation.employee_id != employee.id:
        raise Forbidden("only the assigned colleague can write here")
    if employee is not None and conversation.status not in ("active", "offline"):
        raise Forbidden("accept the offer before writing")
    return append_message(session, conversation, author, text, client_id=client_id, now=now,
                          employee_id=employee.id if employee else None)


def typing_recipient(conversation: Conversation, employee: Employee | None) -> int | None:
    """Who sees a typing indicator: the customer (their conversation id) when its employee
    types, the assigned employee (their id) when the customer types; None: nobody."""
    if conversation.status not in ("active", "offline") or conversation.employee_id is None:
        return None
    if employee is None:
        return conversation.employee_id
    return conversation.id if conversation.employee_id == employee.id else None


def messages_after(session: Session, conversation_id: int, seq: object) -> list[Message]:
    """Messages past seq, in order: what a reconnecting client missed."""
    seq = clean_seq(seq)
    return list(session.scalars(
        select(Message).where(Message.conversation_id == conversation_id, Message.seq > seq)
        .order_by(Message.seq)
    ))


def close_conversation(
    session: Session, conversation: Conversation, now: datetime, employee: Employee | None = None
) -> Closed | None:
    """End the conversation (idempotent); an offer still open is withdrawn.

    Without employee the customer closes it; an employee may close only what is theirs."""
    lock_conversation(session, conversation.id)
    if employee is not None and conversation.employee_id != employee.id:
        raise Forbidden("only the assigned colleague can close this conversation")
    if conversation.status == "closed":
        return None
    by = "customer" if employee is None else "employee"
    withdrawn = withdraw_open_offer(session, conversation, now)
    conversation.status = "closed"
    conversation.closed_at = now
    conversation.closed_by = by
    session.flush()
    return withdrawn


def leave_email(session: Session, conversation: Conversation, email: object, name: object) -> None:
    """The customer leaves an address so the best match can answer later."""
    if conversation.status == "closed":
        raise ConversationClosed("this conversation is closed")
    conversation.customer.email = clean_email(email)
    if isinstance(name, str) and name.strip():
        conversation.customer.name = name.strip()[:120]
    session.flush()


def rate(
    session: Session, conversation: Conversation, stars: object, comment: object, now: datetime
) -> Rating:
    """Rate a closed conversation 1-5 (rating again replaces the earlier rating)."""
    if conversation.status != "closed":
        raise Conflict("rate the conversation after it is closed", code="not_closed")
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise InvalidInput("stars must be a whole number from 1 to 5", code="invalid_stars")
    if comment is not None and not isinstance(comment, str):
        raise InvalidInput("comment must be text", code="invalid_comment")
    text = (comment or "").strip()[:2000]
    if conversation.rating is None:
        conversation.rating = Rating(stars=stars, comment=text, created_at=now)
    else:
        conversation.rating.stars, conversation.rating.comment = stars, text
    session.flush()
    return conversation.rating


def decide_consent(
    session: Session, conversation: Conversation, granted: object, scope: object, now: datetime
) -> Consent:
    """Record the customer's yes or no to being quoted (the latest decision counts)."""
    if not isinstance(granted, bool):
        raise InvalidInput("granted must be true or false", code="invalid_consent")
    scope = scope or "quote_anonymised"
    if scope not in CONSENT_SCOPES:
        raise InvalidInput("unknown consent scope", code="invalid_scope")
    if conversation.consent is None:
        conversation.consent = Consent(granted=granted, scope=scope, decided_at=now)
    else:
        conversation.consent.granted, conversation.consent.scope = granted, scope
        conversation.consent.decided_at = now
    session.flush()
    return conversation.consent


def get_conversation(session: Session, conversation_id: int) -> Conversation:
    """The conversation, or NotFound."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation
