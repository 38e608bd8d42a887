"""Internal notes: what staff write inside a conversation for each other, which no customer
ever gets.

That is enforced by construction: notes live in their own table and type, and everything a
customer is sent (the widget's sync and events, reply mails) is built from Message rows only,
through customer_messages(), which refuses anything that is not a chat message. Notes are
allowed on closed conversations too (a colleague adds what happened after the chat, as in
Zendesk or Intercom); they never change the conversation's seq, so the customer's widget
cannot even tell that one was written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import participants
from .conversations import conversation_for_employee, readable_until
from .errors import Forbidden, InvalidInput, NotFound
from .events import Noted
from .inputs import clean_id, clean_text
from .locks import lock_conversation
from .models import Conversation, Employee, Message, Note
from .values import Policy

# Those who read every transcript (the marketing console) may add a note to any conversation.
TRANSCRIPT_ACCESS = ("marketing", "admin")


def may_write(conversation: Conversation, employee: Employee, invited: Iterable[int] = ()) -> bool:
    """The colleague who holds the conversation (open or closed), a colleague invited into it
    and still there (invited: participants.current_ids), or staff who read every transcript."""
    return (conversation.employee_id == employee.id or employee.id in invited
            or employee.access in TRANSCRIPT_ACCESS)


def add_note(
    session: Session, conversation_id: object, employee: Employee, body: object,
    client_id: object, policy: Policy, now: datetime,
) -> tuple[Note, list[Noted]]:
    """Store a note after the conversation's latest message; a resent client_id returns the
    note stored before (and no event)."""
    text = clean_text(body, policy.max_message_chars, "message")
    if not isinstance(client_id, str) or not 0 < len(client_id) <= 64:
        raise InvalidInput("client_id must be a short string", code="invalid_client_id")
    conversation = lock_conversation(session, clean_id(conversation_id, "conversation_id"))
    if conversation is None:
        raise NotFound("no such conversation")
    invited = participants.current_ids(session, conversation.id)
    if not may_write(conversation, employee, invited):
        conversation_for_employee(session, conversation.id, employee)  # NotFound: not theirs to see
        raise Forbidden("only the colleague who has this conversation can write notes in it")
    existing = session.scalar(select(Note).where(Note.conversation_id == conversation.id,
                                                 Note.client_id == client_id))
    if existing is not None:
        if existing.employee_id != employee.id:
            raise InvalidInput("this client_id belongs to another note", code="invalid_client_id")
        return existing, []
    note = Note(conversation_id=conversation.id, employee_id=employee.id, body=text,
                client_id=client_id, after_seq=conversation.last_seq, created_at=now)
    session.add(note)
    session.flush()
    return note, [Noted(conversation.id, note.id, recipients(conversation, note, invited))]


def recipients(conversation: Conversation, note: Note, invited: Iterable[int] = ()
               ) -> tuple[int, ...]:
    """The staff who hear of a new note right away: whoever has the conversation, the
    colleagues invited into it and still there, and the note's writer (every console tab of
    theirs). Never the customer."""
    return tuple(sorted({i for i in (conversation.employee_id, note.employee_id, *invited)
                         if i is not None}))


def _in_order(session: Session, query) -> list[Note]:
    return list(session.scalars(query.order_by(Note.after_seq, Note.id)))


def notes_for(session: Session, conversation: Conversation, reader: Employee) -> list[Note]:
    """The notes a colleague's console shows, in transcript order: all of them, or, for a
    conversation they only had before it moved on, those from their time and their own (what
    colleagues wrote after may quote the customer to the next person)."""
    until = readable_until(session, conversation, reader)
    query = select(Note).where(Note.conversation_id == conversation.id)
    if until is not None:
        query = query.where((Note.after_seq < until) | (Note.employee_id == reader.id))
    return _in_order(session, query)


def transcript_notes(session: Session, conversation_id: int) -> list[Note]:
    """Every note of a conversation in transcript order (the marketing console's view)."""
    return _in_order(session, select(Note).where(Note.conversation_id == conversation_id))


def placed(notes: Iterable[Note]) -> dict[int, list[Note]]:
    """Notes by the seq of the message they follow, each list in the order written."""
    after: dict[int, list[Note]] = {}
    for note in sorted(notes, key=lambda n: (n.after_seq, n.created_at, n.id)):
        after.setdefault(note.after_seq, []).append(note)
    return after


def customer_messages(items: Iterable[object]) -> list[Message]:
    """What may be sent to a customer: chat messages only. Anything else here (a note, or a
    row merged from elsewhere) is a bug, refused loudly rather than sent."""
    chosen = list(items)
    for item in chosen:
        if isinstance(item, Note) or not isinstance(item, Message):
            raise TypeError(f"only chat messages reach a customer, not {type(item).__name__}")
    return chosen
