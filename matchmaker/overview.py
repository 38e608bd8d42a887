"""Marketing's picture of the impact: conversations, ratings and consent week by week, and
per employee, per team (role) and per topic (the product area of the colleague, their `team`)
the conversations they answered and the stories credited to them, over the same period (a
conversation by the day it was asked, a story by the day it was started). Weeks start on
Monday, in UTC."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .models import ConsentDecision, Conversation, Employee, Rating, Story

MAX_WEEKS = 104
# A story's states, in the order the charts stack them (matchmaker/stories).
STORY_STATES = ("draft", "awaiting_approval", "approved", "published", "withdrawn")


@dataclass(frozen=True)
class Week:
    """One week's conversations (by the day they were asked), how many were answered live,
    rated (and the mean stars) and the customer's latest consent decision."""

    start: date
    conversations: int = 0
    answered: int = 0
    rated: int = 0
    stars: float | None = None
    granted: int = 0
    refused: int = 0
    not_asked: int = 0


@dataclass
class Tally:
    """One employee's, team's or topic's conversations in the period, their ratings, consents
    and stories by state."""

    key: str
    label: str
    conversations: int = 0
    rated: int = 0
    star_total: int = 0
    granted: int = 0
    stories: Counter = field(default_factory=Counter)

    @property
    def stars(self) -> float | None:
        return round(self.star_total / self.rated, 2) if self.rated else None


@dataclass(frozen=True)
class Overview:
    weeks: list[Week]
    employees: list[Tally]
    teams: list[Tally]
    topics: list[Tally]


@dataclass(frozen=True)
class _Row:
    created_at: datetime
    answered: bool
    stars: int | None
    consent: bool | None
    employee: Employee | None


def week_start(moment: datetime) -> date:
    """The Monday of moment's week, in UTC."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def _rows(session: Session, since: datetime) -> list[_Row]:
    consent = (select(ConsentDecision.granted)
               .where(ConsentDecision.conversation_id == Conversation.id)
               .order_by(ConsentDecision.id.desc()).limit(1).scalar_subquery())
    query = (select(Conversation.created_at, Conversation.accepted_at,
                    Rating.stars, consent, Conversation.employee_id)
             .outerjoin(Rating, Rating.conversation_id == Conversation.id)
             .where(Conversation.created_at >= since))
    people = {e.id: e for e in session.scalars(select(Employee))}
    return [_Row(created, accepted is not None, stars, granted, people.get(employee_id))
            for created, accepted, stars, granted, employee_id in session.execute(query)]


def _weeks(rows: Iterable[_Row], first: date, count: int) -> list[Week]:
    buckets: dict[date, list[_Row]] = {first + timedelta(weeks=i): [] for i in range(count)}
    for row in rows:
        buckets.setdefault(week_start(row.created_at), []).append(row)
    weeks = []
    for start in sorted(buckets):
        chosen = buckets[start]
        stars = [r.stars for r in chosen if r.stars is not None]
        weeks.append(Week(start, len(chosen), sum(r.answered for r in chosen), len(stars),
                          round(sum(stars) / len(stars), 2) if stars else None,
                          sum(r.consent is True for r in chosen),
                          sum(r.consent is False for r in chosen),
                          sum(r.consent is None for r in chosen)))
    return weeks


def _tallies(rows: Iterable[_Row], stories: Iterable[tuple[Employee, str]], key) -> list[Tally]:
    """Conversations (by who answered) and stories (by who is credited) grouped by
    key(employee) → (key, label); conversations nobody answered are left out."""
    tallies: dict[str, Tally] = {}

    def tally_of(employee: Employee) -> Tally:
        name, label = key(employee)
        return tallies.setdefault(name, Tally(name, label))
    for row in rows:
        if row.employee is None:
            continue
        tally = tally_of(row.employee)
        tally.conversations += 1
        if row.stars is not None:
            tally.rated += 1
            tally.star_total += row.stars
        tally.granted += row.consent is True
    for employee, state in stories:
        tally_of(employee).stories[state] += 1
    return sorted(tallies.values(), key=lambda t: (-sum(t.stories.values()), -t.conversations,
                                                   t.label))


def _stories(session: Session, since: datetime) -> list[tuple[Employee, str]]:
    """(credited employee, state) of every story started since."""
    return [(employee, state) for employee, state in session.execute(
        select(Employee, Story.state).join(Story, Story.employee_id == Employee.id)
        .where(Story.created_at >= since))]


def overview(session: Session, now: datetime, weeks: object = 12) -> Overview:
    """The last `weeks` weeks up to now (this week included)."""
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"choose 1 to {MAX_WEEKS} weeks", code="invalid_period")
    first = week_start(now) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, time.min, tzinfo=UTC)
    rows, stories = _rows(session, since), _stories(session, since)
    return Overview(
        _weeks(rows, first, weeks),
        _tallies(rows, stories, lambda e: (str(e.id), e.name)),
        _tallies(rows, stories, lambda e: (e.role, e.role)),
        _tallies(rows, stories, lambda e: (e.team or e.role, e.team or e.role)))
