"""A question addressed from the team page: to a team (a role with public people, e.g. "the
developers") or to one public person. Routing ranks within that choice first, with the same
ranking code, and falls back to the best available person overall when nobody in it can answer
now; the conversation keeps the target and its timeline says when it fell back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import makers
from .errors import Forbidden, InvalidInput
from .lifecycle import record
from .models import ROLES, Conversation, ConversationEvent, Employee, PublicProfile
from .values import Match

if TYPE_CHECKING:  # routing imports the conversations that import offers, which import this
    from .routing import Matcher, Reading


class NotPublic(Forbidden):
    """The team or person asked for is not on the team page."""

    code = "target_not_public"


@dataclass(frozen=True)
class Target:
    """Who a question is addressed to: a team (role) or one employee, with the name the customer
    saw (the person's public name; None for a team)."""

    team: str | None = None
    employee_id: int | None = None
    name: str | None = None


@dataclass(frozen=True)
class Addressed:
    """What the customer is told about their choice: the team or the person's public name, and
    whether the person now asked (or answering) is within it."""

    team: str | None
    person: str | None
    within: bool


def resolve(session: Session, team: str | None = None, person: int | None = None) -> Target:
    """The target a customer named, if it is public now; else NotPublic (never says why)."""
    if (team is None) == (person is None):
        raise InvalidInput("address a question to one team or one person", code="invalid_target")
    if person is not None:
        found = makers.public_person(session, person)
        if found is None:
            raise NotPublic("that person is not on the team page")
        view, employee_id = found
        return Target(employee_id=employee_id, name=view.name)
    if team not in ROLES or not any(p.group == team for p in makers.public_people(session)):
        raise NotPublic("that team is not on the team page")
    return Target(team=team)


def members(session: Session, target: Target) -> list[int]:
    """The active employees within the target: the person, or everyone of that role (the page
    shows the team's public faces; the team itself is every colleague in it)."""
    if target.employee_id is not None:
        return [target.employee_id]
    return list(session.scalars(select(Employee.id).where(
        Employee.role == target.team, Employee.active.is_(True))))


def rank(session: Session, matcher: Matcher, text: str, target: Target, limit: int,
         language: str | None, reading: Reading | None = None
         ) -> tuple[list[Match], float, str | None]:
    """The target's members ranked first (as they score among everyone), then everyone else by
    the overall ranking; with the overall ranking's threshold and language."""
    reading = reading or matcher.read(text)
    overall = matcher.rank(session, text, limit=limit, language=language, reading=reading)
    inside = matcher.rank(session, text, limit=limit, language=language, reading=reading,
                          among=set(members(session, target)))
    chosen = {m.employee_id for m in inside.matches}
    return ([*inside.matches, *(m for m in overall.matches if m.employee_id not in chosen)],
            overall.min_fit, overall.language)


def address(session: Session, conversation: Conversation, target: Target, now: datetime) -> None:
    """Keep the target on the conversation and in its timeline."""
    conversation.addressed_team, conversation.addressed_employee_id = (target.team,
                                                                       target.employee_id)
    record(session, conversation, "addressed", now, actor="customer",
           employee_id=target.employee_id, detail={"team": target.team})


def within(conversation: Conversation, employee: Employee) -> bool | None:
    """Whether employee is within the conversation's target (None: it has none)."""
    if conversation.addressed_employee_id is not None:
        return employee.id == conversation.addressed_employee_id
    if conversation.addressed_team is not None:
        return employee.role == conversation.addressed_team
    return None


def note_fallback(session: Session, conversation: Conversation, employee: Employee,
                  now: datetime) -> None:
    """Record, once, that nobody within the target could answer and routing went to employee."""
    if within(conversation, employee) is not False:
        return
    session.flush()
    before = session.scalar(select(ConversationEvent.id).where(
        ConversationEvent.conversation_id == conversation.id,
        ConversationEvent.kind == "fell_back").limit(1))
    if before is None:
        record(session, conversation, "fell_back", now, employee_id=employee.id,
               reason="target_unavailable", detail={"team": conversation.addressed_team,
                                                    "person": conversation.addressed_employee_id})


def describe(session: Session, conversation: Conversation, employee_id: int | None
             ) -> Addressed | None:
    """What the customer is told of their choice, relative to the person asked or answering."""
    if conversation.addressed_team is None and conversation.addressed_employee_id is None:
        return None
    person = None
    if conversation.addressed_employee_id is not None:
        person = session.scalar(select(PublicProfile.display_name).where(
            PublicProfile.employee_id == conversation.addressed_employee_id))
    employee = session.get(Employee, employee_id) if employee_id is not None else None
    return Addressed(team=conversation.addressed_team, person=person,
                     within=employee is not None and bool(within(conversation, employee)))
