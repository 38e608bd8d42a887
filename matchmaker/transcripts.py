"""Marketing's view of conversations: filtered lists, full transcripts and their timelines."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from .errors import InvalidInput
from .lifecycle import Status
from .models import ConsentDecision, Conversation, ConversationEvent, Message, Rating

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What marketing narrows the list by; None means any."""

    employee_id: int | None = None
    status: str | None = None
    min_rating: int | None = None
    consent: str | None = None  # granted | refused | none
    page: int = 1

    def __post_init__(self):
        if self.status is not None and self.status not in list(Status):
            raise InvalidInput("unknown status", code="invalid_filter")
        if self.consent is not None and self.consent not in ("granted", "refused", "none"):
            raise InvalidInput("consent must be granted, refused or none", code="invalid_filter")
        if self.min_rating is not None and not 1 <= self.min_rating <= 5:
            raise InvalidInput("rating must be 1 to 5", code="invalid_filter")
        if self.page < 1:
            raise InvalidInput("page must be 1 or more", code="invalid_filter")


def _filtered(query: Select, filters: Filters) -> Select:
    if filters.employee_id is not None:
        query = query.where(Conversation.employee_id == filters.employee_id)
    if filters.status is not None:
        query = query.where(Conversation.status == filters.status)
    if filters.min_rating is not None:
        query = query.join(Rating).where(Rating.stars >= filters.min_rating)
    if filters.consent is not None:
        latest = (select(ConsentDecision.granted)
                  .where(ConsentDecision.conversation_id == Conversation.id,
                         ConsentDecision.quote_id.is_(None))  # not one story quote's
                  .order_by(ConsentDecision.id.desc()).limit(1).scalar_subquery())
        query = query.where(latest.is_(None) if filters.consent == "none"
                            else latest.is_(filters.consent == "granted"))
    return query


def list_conversations(session: Session, filters: Filters) -> tuple[list[Conversation], int]:
    """One page of conversations, newest first, and the total that match."""
    total = session.scalar(_filtered(select(func.count(Conversation.id)), filters))
    rows = session.scalars(
        _filtered(select(Conversation), filters)
        .options(selectinload(Conversation.customer), selectinload(Conversation.employee),
                 selectinload(Conversation.rating), selectinload(Conversation.consents))
        .order_by(Conversation.created_at.desc(), Conversation.id.desc())
        .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    ).all()
    return list(rows), int(total or 0)


def transcript(session: Session, conversation_id: int) -> list[Message]:
    """Every message of a conversation, in order."""
    return list(session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq)))


def timeline(session: Session, conversation_id: int) -> list[ConversationEvent]:
    """Every recorded step of a conversation, oldest first."""
    return list(session.scalars(select(ConversationEvent).where(
        ConversationEvent.conversation_id == conversation_id).order_by(ConversationEvent.id)))
