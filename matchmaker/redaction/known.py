"""The names and addresses the system already holds, which a quote must never show: every
employee's name and e-mail, and the conversation's customer (name, e-mail, reply address)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..models import Conversation, Employee


def known_personal_data(session: Session, conversation_id: int | None = None) -> list[str]:
    """Names and e-mail addresses to find in any case, sorted and without duplicates."""
    known = set()
    for name, email in session.execute(select(Employee.name, Employee.email)):
        known.update((name, email))
    if conversation_id is not None:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        known.update((conversation.customer.name, conversation.customer.email,
                      conversation.reply_to))
    return sorted(k for k in known if k and k.strip())
