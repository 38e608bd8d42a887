"""The lists of stories the pages show: marketing's, by state, and a colleague's own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..errors import InvalidInput
from ..models import Story
from .publishing import publishable_stories
from .states import State


def list_stories(session: Session, state: str | None = None) -> list[Story]:
    """Marketing's list, newest first; state narrows it (published: only those still
    publishable, through the one query that decides it)."""
    if state is not None and state not in list(State):
        raise InvalidInput("unknown story state", code="invalid_filter")
    if state == State.PUBLISHED:
        return publishable_stories(session)
    query = select(Story).options(selectinload(Story.quotes), selectinload(Story.employee))
    if state is not None:
        query = query.where(Story.state == state)
    return list(session.scalars(query.order_by(Story.updated_at.desc(), Story.id.desc())))


def stories_credited_to(session: Session, employee_id: int) -> list[Story]:
    """The stories crediting one colleague (their console's "My stories"), newest first."""
    return list(session.scalars(
        select(Story).where(Story.employee_id == employee_id)
        .options(selectinload(Story.quotes))
        .order_by(Story.updated_at.desc(), Story.id.desc())))
