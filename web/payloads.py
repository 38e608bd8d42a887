"""JSON shapes sent to browsers: one function per thing, shared by HTTP and Socket.IO.

What a customer or a colleague is shown about why someone was matched comes from Candidate.reason
(curated profile words) only; an earlier customer's question never leaves its conversation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker import addressing, attachments, feedback, participants, visitors
from matchmaker.events import AttachmentInfo, Said
from matchmaker.handovers import Suggestion
from matchmaker.lifecycle import Status
from matchmaker.models import (
    Candidate,
    Conversation,
    ConversationEvent,
    Employee,
    Handover,
    HandoverInvite,
    HistoryItem,
    Message,
    Note,
    Offer,
)
from matchmaker.values import Policy

from . import attachment_links

REASON_CHARS = 200  # a whole bio may have matched: show its start


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
        # Several colleagues may write in one conversation: each message names its writer.
        "employee_id": msg.employee_id,
        "employee_name": msg.employee.name if msg.employee is not None else None,
        **_attached(attachments.of_message(msg)),
    }


def said(item: Said) -> dict:
    """The same shape as message(), from the domain event."""
    return {"conversation_id": item.conversation_id, "seq": item.seq, "author": item.author,
            "body": item.body, "client_id": item.client_id, "at": item.at.isoformat(),
            "employee_id": item.author_id, "employee_name": item.author_name,
            **_attached(item.attachment)}


def _attached(item: AttachmentInfo | None) -> dict:
    """A message's file, with a link minted for whoever this payload goes to (none: no key)."""
    return {} if item is None else {"attachment": attachment_links.public(item)}


def note(item: Note) -> dict:
    """An internal note as consoles show it (staff only: never part of a customer's payload)."""
    return {"id": item.id, "conversation_id": item.conversation_id, "after_seq": item.after_seq,
            "body": item.body, "client_id": item.client_id, "employee_id": item.employee_id,
            "employee": person(item.employee), "at": item.created_at.isoformat()}


def _candidate(conversation: Conversation, employee_id: int | None) -> Candidate | None:
    return next((c for c in conversation.candidates if c.employee_id == employee_id), None)


def _clipped(text: str) -> str:
    if len(text) <= REASON_CHARS:
        return text
    return text[:REASON_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def customer_reason(conversation: Conversation, employee_id: int | None) -> dict:
    """Why this person: their own profile's words, and whether they answered similar
    questions before (said generically: whose questions, and what they were, stays private)."""
    found = _candidate(conversation, employee_id)
    if found is None:
        return {"reason": "", "answered_similar": False}
    return {"reason": _clipped(found.reason), "answered_similar": found.passage_kind == "history"}


def offer(session: Session, item: Offer) -> dict:
    """An offer as the employee console shows it; only to this employee it links the earlier
    conversation of theirs that made them the match."""
    conv = item.conversation
    found = _candidate(conv, item.employee_id)
    similar = None
    if found is not None and found.history_item_id is not None:
        history = session.get(HistoryItem, found.history_item_id)
        if history is not None and history.employee_id == item.employee_id and history.conversation_id:
            similar = {"conversation_id": history.conversation_id,
                       "at": history.created_at.isoformat()}
    left = _last_step(session, conv.id, "left")
    return {
        "offer_id": item.id,
        "conversation_id": conv.id,
        "question": conv.question,
        **customer_reason(conv, item.employee_id),
        "similar_conversation": similar,
        "customer_name": conv.customer.name,
        "page_url": conv.page_url,
        "messages": conv.last_seq,
        "previous": person(session.get(Employee, left.employee_id)) if left and left.employee_id
        else None,
        "offered_at": item.offered_at.isoformat(),
        "expires_at": item.expires_at.isoformat(),
    }


def conversation(conv: Conversation, team: list[Employee] | None = None) -> dict:
    """A conversation as a console lists it; team: everyone in it now, the lead first
    (participants.people), when the caller read it."""
    return {
        "id": conv.id,
        "status": conv.status,
        "question": conv.question,
        "customer_name": conv.customer.name,
        "customer_email": conv.reply_to,
        "customer_present": conv.customer_present,
        "page_url": conv.page_url,
        "employee": person(conv.employee),
        "employee_id": conv.employee_id,
        "created_at": conv.created_at.isoformat(),
        "last_seq": conv.last_seq,
        "rating": conv.rating.stars if conv.rating else None,
        "consent": None if conv.consent is None else conv.consent.granted,
        "participants": [colleague(e, e.id == conv.employee_id) for e in team or []],
    }


def colleague(employee: Employee, lead: bool = False) -> dict:
    """Someone in a conversation, as consoles show them (lead: they hold it)."""
    return {"employee_id": employee.id, "employee": person(employee), "lead": lead}


def addressed(session: Session, conv: Conversation, employee_id: int | None) -> dict | None:
    """The team or person the customer asked for, and whether employee_id is within it."""
    found = addressing.describe(session, conv, employee_id)
    return None if found is None else {"team": found.team, "person": found.person,
                                       "within": found.within}


def unavailable(conv: Conversation, best: Employee | None, why: str, policy: Policy) -> dict:
    """Nobody can chat now: who will answer later, why, whether that comes by e-mail, whether
    an address was left, and the seq from which a reply answers it."""
    return {"best": person(best), "why": why, "mail": policy.mail_enabled,
            "email_left": bool(conv.reply_to), "seq": conv.last_seq}


def _last_step(session: Session, conversation_id: int, kind: str) -> ConversationEvent | None:
    return session.scalar(select(ConversationEvent).where(
        ConversationEvent.conversation_id == conversation_id, ConversationEvent.kind == kind)
        .order_by(ConversationEvent.id.desc()).limit(1))


def customer_view(session: Session, conv: Conversation, policy: Policy) -> dict:
    """What the customer's widget needs to restore its state."""
    open_offer = next((o for o in conv.offers if o.outcome is None), None)
    asking = open_offer.employee if open_offer else None
    queued = _last_step(session, conv.id, "queued") if conv.status == Status.OFFLINE else None
    queued_seq = int(queued.detail.get("seq", 0)) if queued is not None else None
    return {
        "id": conv.id,
        "status": conv.status,
        "last_seq": conv.last_seq,
        "employee": person(conv.employee),
        "asking": person(asking),
        **customer_reason(conv, asking.id if asking else None),
        "why": queued.reason if queued else None,
        "queued_seq": queued_seq,
        # Waiting for a later answer, and it came (a reply after it was queued).
        "answered": queued_seq is not None and session.scalar(select(Message.id).where(
            Message.conversation_id == conv.id, Message.author == "employee",
            Message.seq > queued_seq).limit(1)) is not None,
        "mail": policy.mail_enabled,
        "feedback": feedback.feedback_state(session, conv),
        "consent": None if conv.consent is None else conv.consent.granted,
        "consent_question": feedback.consent_question(conv.language),
        "email_left": bool(conv.reply_to),
        "unread": visitors.unread(session, conv),
        "read_seq": conv.customer_read_seq,
        "addressed": addressed(session, conv, asking.id if asking else conv.employee_id),
        "colleagues": [person(e) for e in participants.people(session, conv)
                       if e.id != conv.employee_id],  # invited in beside `employee`
    }


# Handovers (matchmaker/handovers.py): what the requester, the colleagues asked and the
# customer are shown. The reason is the colleague's own profile words, as for an offer.
HANDOVER_PREVIEW = 4  # messages shown with a handover offer


def handover_answers(handover: Handover) -> list[dict]:
    return [{"employee_id": i.employee_id, "employee": person(i.employee), "outcome": i.outcome}
            for i in handover.invites]


def handover(item: Handover) -> dict:
    """A handover as its requester's console shows it."""
    return {"handover_id": item.id, "conversation_id": item.conversation_id,
            "purpose": item.purpose, "outcome": item.outcome, "note": item.note,
            "requested_at": item.requested_at.isoformat(),
            "expires_at": item.expires_at.isoformat(), "answers": handover_answers(item)}


def handover_offer(session: Session, invite: HandoverInvite) -> dict:
    """A handover offer as the colleague asked sees it: a preview of the chat, who asks, the
    note and the deadline."""
    item = invite.handover
    conv = session.get(Conversation, item.conversation_id)
    recent = session.scalars(select(Message).where(Message.conversation_id == conv.id)
                             .order_by(Message.seq.desc()).limit(HANDOVER_PREVIEW)).all()
    return {"handover_id": item.id, "conversation_id": conv.id, "purpose": item.purpose,
            "question": conv.question,
            "customer_name": conv.customer.name, "page_url": conv.page_url,
            "messages": conv.last_seq, "recent": [message(m) for m in reversed(recent)],
            "requester": person(item.from_employee), "note": item.note,
            "reason": _clipped(invite.reason), "requested_at": item.requested_at.isoformat(),
            "expires_at": item.expires_at.isoformat()}


def suggestion(session: Session, item: Suggestion) -> dict:
    why = item.match.explanation
    return {"employee_id": item.employee_id,
            "employee": person(session.get(Employee, item.employee_id)),
            "reason": _clipped(why.reason), "answered_similar": why.passage_kind == "history",
            "score": item.match.score, "load": item.load, "capacity": item.capacity}


def joined(item: Handover, beside: Employee | None = None) -> dict:
    """What the customer sees when a colleague took over: who, why them, and who had it; or,
    invited in (purpose invite), who they joined (beside: who holds the conversation)."""
    invite = next((i for i in item.invites if i.employee_id == item.to_employee_id), None)
    invited = item.purpose == participants.INVITE
    return {"employee": person(item.to_employee),
            "reason": _clipped(invite.reason) if invite else "",
            "previous": None if invited else person(item.from_employee),
            "purpose": item.purpose, "beside": person(beside) if invited else None}
