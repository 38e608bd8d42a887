"""Erasure: a customer's personal data removed on their request, or a conversation's once the
retention period is over. What the customer wrote is replaced, what staff wrote about them is
masked (redaction, with the customer's own name and addresses always found), their files are
deleted, their questions leave every employee's learned history (and so every ranking index),
their stories are withdrawn, and their contact details and keys are gone. The conversation's
shape stays (when, who answered, the rating's stars, the consent decisions' wording) so the
figures marketing sees still add up. Each erasure is recorded, never with the erased data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from .. import profiles
from ..errors import InvalidInput, NotFound
from ..models import (
    Attachment,
    ConsentDecision,
    Conversation,
    ConversationEvent,
    ConversationKey,
    Customer,
    CustomerPresence,
    Erasure,
    Handover,
    HistoryItem,
    Message,
    Note,
    OutboxMail,
    Rating,
    Story,
    StoryQuote,
)
from ..ports import AttachmentStore
from ..redaction import Redactor, mask
from ..stories.states import LIVE, State, move

ERASED = "[erased]"
BATCH = 50  # conversations anonymised per retention run


@dataclass(frozen=True)
class Scrubber:
    """What erasing needs from outside: where files are kept, and redaction as this
    deployment runs it (its names model and company)."""

    store: AttachmentStore | None
    redactor: Redactor = Redactor()


def find_customer(session: Session, email: object = None, conversation_id: object = None
                  ) -> Customer:
    """The customer by the e-mail address they left (or a reply address of theirs), or by one
    of their conversations (the record asked about; records_of() finds the person's others)."""
    if isinstance(conversation_id, int) and not isinstance(conversation_id, bool):
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        return conversation.customer
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise InvalidInput("give the customer's e-mail address or a conversation number",
                           code="invalid_customer")
    found = _records_with(session, {email.strip().lower()})
    if not found:
        raise NotFound("no customer with this e-mail address", code="no_such_customer")
    return found[0]


def addresses_of(session: Session, customer: Customer) -> set[str]:
    """Every e-mail address the customer left: their own, and where replies were to go."""
    replies = session.scalars(select(Conversation.reply_to).where(
        Conversation.customer_id == customer.id, Conversation.reply_to.is_not(None)))
    return {a.strip().lower() for a in (customer.email, *replies) if a and a.strip()}


def records_of(session: Session, customer: Customer) -> list[Customer]:
    """The person behind a customer record: that record and every other one that left one of
    its addresses, oldest first. A record is one browser (its visitor id), so the same person
    on another device, or asking anew from a mail link, is another record; a request to export
    or erase is about the person. (One step: an address found only on a record found this way
    does not widen the search further.)"""
    return sorted({customer, *_records_with(session, addresses_of(session, customer))},
                  key=lambda record: record.id)


def _records_with(session: Session, addresses: set[str]) -> list[Customer]:
    if not addresses:
        return []
    return list(session.scalars(
        select(Customer).outerjoin(Conversation, Conversation.customer_id == Customer.id)
        .where(or_(func.lower(func.trim(Customer.email)).in_(addresses),
                   func.lower(func.trim(Conversation.reply_to)).in_(addresses)))
        .distinct().order_by(Customer.id)))


def known_of(customer: Customer, conversations: list[Conversation]) -> list[str]:
    """The customer's own details, as redaction must always find them (the full name and each
    part of it, every address they left)."""
    known = {customer.name, customer.email, *(c.reply_to for c in conversations)}
    if customer.name:
        known.update(part for part in customer.name.split() if len(part) >= 3)
    return sorted(k.strip() for k in known if k and k.strip())


def _masked(text: str, language: str, known: list[str], scrubber: Scrubber) -> str:
    return mask(text, scrubber.redactor.find(text, language, known))


def _scrub_json(value: object, language: str, known: list[str], scrubber: Scrubber) -> object:
    if isinstance(value, str):
        return _masked(value, language, known, scrubber)
    if isinstance(value, list):
        return [_scrub_json(v, language, known, scrubber) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, language, known, scrubber) for k, v in value.items()}
    return value


def anonymise_conversation(session: Session, conversation: Conversation, known: list[str],
                           scrubber: Scrubber, now: datetime) -> Counter:
    """Remove the customer's words and details from one conversation; what was done, counted."""
    done: Counter = Counter()
    language = conversation.language or "en"
    conversation.question, conversation.page_url, conversation.reply_to = ERASED, "", None
    conversation.anonymised_at = now
    for message in session.scalars(select(Message).where(
            Message.conversation_id == conversation.id)):
        message.body = (ERASED if message.author == "customer"
                        else _masked(message.body, language, known, scrubber))
        done["messages"] += 1
    for note in session.scalars(select(Note).where(Note.conversation_id == conversation.id)):
        note.body = _masked(note.body, language, known, scrubber)
        done["notes"] += 1
    for handover in session.scalars(select(Handover).where(
            Handover.conversation_id == conversation.id)):
        handover.note = _masked(handover.note, language, known, scrubber)
    for event in session.scalars(select(ConversationEvent).where(
            ConversationEvent.conversation_id == conversation.id)):
        event.detail = _scrub_json(event.detail, language, known, scrubber)
    done += _files(session, conversation, scrubber)
    done += _stories(session, conversation, now)
    done += _contact(session, conversation)
    for item in session.scalars(select(HistoryItem).where(
            HistoryItem.conversation_id == conversation.id)):
        profiles.forget_history(session, item)  # its vector leaves every ranking index
        done["learned_questions"] += 1
    return done


def _files(session: Session, conversation: Conversation, scrubber: Scrubber) -> Counter:
    """Delete the conversation's attachments, bytes first: should the transaction fail after,
    its links only stop working, and the erasure can be run again."""
    done: Counter = Counter()
    for attachment in session.scalars(select(Attachment).where(
            Attachment.conversation_id == conversation.id)):
        if scrubber.store is None:
            raise RuntimeError("attachments cannot be erased without their store")
        scrubber.store.delete(attachment.storage_key)
        session.delete(attachment)
        done["files"] += 1
    return done


def _stories(session: Session, conversation: Conversation, now: datetime) -> Counter:
    done: Counter = Counter()
    for story in session.scalars(select(Story).where(Story.conversation_id == conversation.id)):
        if State(story.state) in LIVE:
            move(session, story, State.WITHDRAWN, "withdrawn", now, actor="system",
                 reason="erased")
        story.title = ERASED
        for event in story.events:
            event.detail = {}
        done["stories"] += 1
    for quote in session.scalars(select(StoryQuote).join(Story).where(
            Story.conversation_id == conversation.id)):
        quote.original, quote.text = ERASED, ERASED
    return done


def _contact(session: Session, conversation: Conversation) -> Counter:
    """Keys, live connections, mail addresses, the rating's words, quoted consents."""
    done: Counter = Counter()
    cid = conversation.id
    done["keys"] += session.execute(delete(ConversationKey).where(
        ConversationKey.conversation_id == cid)).rowcount
    session.execute(delete(CustomerPresence).where(CustomerPresence.conversation_id == cid))
    for mail in session.scalars(select(OutboxMail).where(OutboxMail.conversation_id == cid)):
        mail.to_address, mail.subject, mail.last_error = "", "", ""
        if mail.status == "pending":
            mail.status = "skipped"
        done["mails"] += 1
    rating = session.scalar(select(Rating).where(Rating.conversation_id == cid))
    if rating is not None:
        rating.comment = ""
    for decision in session.scalars(select(ConsentDecision).where(
            ConsentDecision.conversation_id == cid, ConsentDecision.covers.is_not(None))):
        decision.covers = ERASED
    return done


def erase_customer(session: Session, customer_id: int, by_employee_id: int | None,
                   scrubber: Scrubber, now: datetime) -> Erasure:
    """Erase a customer on their request: the person behind the record (records_of), every
    conversation of theirs anonymised, each record emptied (the rows stay, so nothing that
    counts conversations breaks). One erasure is recorded, under the record asked about."""
    customer = session.get(Customer, customer_id, with_for_update=True)
    if customer is None:
        raise NotFound("no such customer", code="no_such_customer")
    records = records_of(session, customer)
    session.execute(select(Customer.id).where(  # the others locked too, in id order
        Customer.id.in_([r.id for r in records])).order_by(Customer.id).with_for_update())
    conversations = list(session.scalars(select(Conversation).where(
        Conversation.customer_id.in_([r.id for r in records])).order_by(Conversation.id)))
    known = sorted({k for record in records for k in known_of(record, conversations)})
    done: Counter = Counter()
    for conversation in conversations:
        done += anonymise_conversation(session, conversation, known, scrubber, now)
    for record in records:
        record.name, record.email, record.erased_at = None, None, now
        record.visitor_id = f"erased-{record.id}"  # the browser's id no longer finds them
    erasure = Erasure(reason="request", customer_id=customer.id, by_employee_id=by_employee_id,
                      conversation_ids=[c.id for c in conversations],
                      counts=dict(done) | {"conversations": len(conversations),
                                           "customer_records": len(records)}, at=now)
    session.add(erasure)
    session.flush()
    return erasure


def expired_conversation_ids(session: Session, retention_days: int, now: datetime) -> list[int]:
    """Closed conversations older than the retention period, not anonymised yet (a batch)."""
    if retention_days <= 0:
        return []
    return list(session.scalars(
        select(Conversation.id).where(Conversation.status == "closed",
                                      Conversation.closed_at < now - timedelta(days=retention_days),
                                      Conversation.anonymised_at.is_(None))
        .order_by(Conversation.closed_at).limit(BATCH)))


def anonymise_expired(session: Session, conversation_id: int, scrubber: Scrubber,
                      now: datetime) -> Erasure | None:
    """Anonymise one conversation past the retention period (None: done meanwhile); the
    customer's name and address go with their last conversation."""
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None or conversation.anonymised_at is not None:
        return None
    customer = conversation.customer
    done = anonymise_conversation(session, conversation,
                                  known_of(customer, [conversation]), scrubber, now)
    if session.scalar(select(Conversation.id).where(
            Conversation.customer_id == customer.id, Conversation.id != conversation.id,
            Conversation.anonymised_at.is_(None)).limit(1)) is None:
        customer.name, customer.email = None, None  # nothing of theirs is kept any more
    erasure = Erasure(reason="retention", customer_id=customer.id, by_employee_id=None,
                      conversation_ids=[conversation.id], counts=dict(done), at=now)
    session.add(erasure)
    session.flush()
    return erasure
