"""Row locks for state changes, always taken in one order: conversation, its offers, employees.

Each change re-reads its rows FOR UPDATE (PostgreSQL; SQLite serialises writers anyway), so two
workers never act on the same stale state."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Conversation, Employee


def lock_conversation(session: Session, conversation_id: int) -> Conversation | None:
    """The conversation, re-read and locked until commit."""
    return session.scalars(
        select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        .execution_options(populate_existing=True)).first()


def lock_employee(session: Session, employee_id: int) -> Employee | None:
    """The employee, re-read and locked until commit (so load is counted once per offer)."""
    return session.scalars(
        select(Employee).where(Employee.id == employee_id).with_for_update()
        .execution_options(populate_existing=True)).first()
