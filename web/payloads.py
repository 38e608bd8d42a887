"""JSON shapes sent to browsers: one function per thing, shared by HTTP and Socket.IO."""

from __future__ import annotations

from matchmaker.models import Candidate, Conversation, Employee, Message, Offer


def person(employee: Employee | None) -> dict | None:
    """What a customer may see of an employee."""
    if employee is None:
        return None
    return {"name": employee.name, "title": employee.title, "team": employee.team}


def message(msg: Message) -> dict:
    return {
        "conversation_id": msg.conversation_id,
        "seq": msg.seq,
        "author": msg.author,
        "body": msg.body,
        "client_id": msg.client_id,
        "at": msg.created_at.isoformat(),
    }


def candidate_reason(conversation: Conversation, employee_id: int | None) -> str:
    """The profile passage that made this person a match."""
    found: Candidate | None = next(
        (c for c in conversation.candidates if c.employee_id == employee_id), None)
    return found.passage if found else ""


def offer(item: Offer) -> dict:
    """An offer as the employee console shows it."""
    conv = item.conversation
    return {
        "offer_id": item.id,
        "conversation_id": conv.id,
        "question": conv.question,
        "reason": candidate_reason(conv, item.employee_id),
        "customer_name": conv.customer.name,
        "page_url": conv.page_url,
        "offered_at": item.offered_at.isoformat(),
        "expires_at": item.expires_at.isoformat(),
    }


def conversation(conv: Conversation) -> dict:
    """A conversation as a console lists it."""
    return {
        "id": conv.id,
        "status": conv.status,
        "question": conv.question,
        "customer_name": conv.customer.name,
        "customer_email": conv.customer.email,
        "page_url": conv.page_url,
        "employee": person(conv.employee),
        "created_at": conv.created_at.isoformat(),
        "last_seq": conv.last_seq,
        "rating": conv.rating.stars if conv.rating else None,
        "consent": None if conv.consent is None else conv.consent.granted,
    }


def customer_view(conv: Conversation) -> dict:
    """What the customer's widget needs to restore its state."""
    open_offer = next((o for o in conv.offers if o.outcome is None), None)
    asking = open_offer.employee if open_offer else None
    return {
        "id": conv.id,
        "status": conv.status,
        "last_seq": conv.last_seq,
        "employee": person(conv.employee),
        "asking": person(asking),
        "reason": candidate_reason(conv, asking.id) if asking else "",
        "rated": conv.rating is not None,
        "consent": None if conv.consent is None else conv.consent.granted,
        "email_left": bool(conv.customer.email),
    }
