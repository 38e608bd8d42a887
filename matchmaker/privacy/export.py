"""Everything held about one customer, as one JSON-ready document (their right of access):
their details, and per conversation what was said by whom, the files, rating, consent
decisions with the exact wording shown, the stories quoting them and the internal notes staff
wrote about the conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    ConsentDecision,
    Conversation,
    Customer,
    Employee,
    Message,
    Note,
    Rating,
    Story,
)
from .erasure import records_of


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_customer(session: Session, customer: Customer, now: datetime) -> dict:
    """The person's data (the record asked about and the others that left one of its
    addresses: erasure.records_of), conversation by conversation, oldest first."""
    names = dict(session.execute(select(Employee.id, Employee.name)).all())
    records = records_of(session, customer)
    conversations = session.scalars(select(Conversation).where(
        Conversation.customer_id.in_([r.id for r in records])).order_by(Conversation.id))
    return {
        "exported_at": _when(now),
        "customer": _record(customer),
        "other_records": [_record(r) for r in records if r.id != customer.id],
        "conversations": [_conversation(session, c, names) for c in conversations],
    }


def _record(customer: Customer) -> dict:
    return {"name": customer.name, "email": customer.email,
            "first_seen": _when(customer.created_at), "erased_at": _when(customer.erased_at)}


def _conversation(session: Session, conv: Conversation, names: dict[int, str]) -> dict:
    rating = session.scalar(select(Rating).where(Rating.conversation_id == conv.id))
    return {
        "id": conv.id, "asked_at": _when(conv.created_at), "status": conv.status,
        "question": conv.question, "page_url": conv.page_url, "language": conv.language,
        "reply_to": conv.reply_to, "closed_at": _when(conv.closed_at),
        "anonymised_at": _when(conv.anonymised_at),
        "messages": [_message(m, names) for m in session.scalars(select(Message).where(
            Message.conversation_id == conv.id).order_by(Message.seq))],
        "rating": {"stars": rating.stars, "comment": rating.comment} if rating else None,
        "consent_decisions": [
            {"granted": d.granted, "scope": d.scope, "wording": d.wording, "covers": d.covers,
             "language": d.language, "source": d.source, "decided_at": _when(d.decided_at)}
            for d in session.scalars(select(ConsentDecision).where(
                ConsentDecision.conversation_id == conv.id).order_by(ConsentDecision.id))],
        "stories": [
            {"title": s.title, "state": s.state, "quotes": [q.text for q in s.quotes]}
            for s in session.scalars(select(Story).where(Story.conversation_id == conv.id))],
        "internal_notes": [
            {"by": names.get(n.employee_id), "body": n.body, "at": _when(n.created_at)}
            for n in session.scalars(select(Note).where(Note.conversation_id == conv.id)
                                     .order_by(Note.id))],
    }


def _message(message: Message, names: dict[int, str]) -> dict:
    attachment = getattr(message, "attachment", None)
    return {"seq": message.seq, "at": _when(message.created_at), "author": message.author,
            "employee": names.get(message.employee_id) if message.employee_id else None,
            "body": message.body,
            "file": {"name": attachment.name, "type": attachment.content_type,
                     "bytes": attachment.byte_size} if attachment is not None else None}
