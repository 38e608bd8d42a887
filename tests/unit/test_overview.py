"""Marketing's overview: conversations, ratings and consent week by week; conversations and
stories per employee, team and topic."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from matchmaker import overview
from matchmaker.errors import InvalidInput
from matchmaker.models import ConsentDecision, Conversation, Customer, Employee, Rating, Story

# Friday 27 November 2026; its week starts on Monday the 23rd.
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def asked(tx, staff):
    """asked(days_ago, employee=None, stars=None, consents=(), stories=()) → conversation id;
    stories: (credited e-mail, state) pairs."""
    visitors = itertools.count(1)

    def make(days_ago, employee=None, stars=None, consents=(), stories=()):
        with tx() as session:
            customer = Customer(visitor_id=f"visitor-{next(visitors)}")
            session.add(customer)
            session.flush()
            at = NOW - timedelta(days=days_ago)
            conv = Conversation(customer_id=customer.id, question="q", created_at=at,
                                status="closed" if employee else "offline",
                                employee_id=staff[employee] if employee else None,
                                accepted_at=at if employee else None)
            session.add(conv)
            session.flush()
            if stars:
                session.add(Rating(conversation_id=conv.id, stars=stars))
            for granted in consents:
                session.add(ConsentDecision(conversation_id=conv.id, granted=granted,
                                            scope="quote_anonymised", wording="May we?"))
            for credited, state in stories:
                session.add(Story(conversation_id=conv.id, employee_id=staff[credited],
                                  title="t", state=state, created_at=at))
            return conv.id
    return make


def test_week_starts_on_monday_in_utc():
    assert overview.week_start(NOW) == date(2026, 11, 23)
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert overview.week_start(sunday_night) == date(2026, 11, 16)


def test_every_week_of_the_period_is_there_even_an_empty_one(tx, asked):
    asked(0, "dev@example.test")
    with tx() as session:
        weeks = overview.overview(session, NOW, 3).weeks
    assert [w.start for w in weeks] == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    assert [w.conversations for w in weeks] == [0, 0, 1]


def test_a_week_counts_answered_rated_stars_and_the_latest_consent(tx, asked):
    asked(1, "dev@example.test", stars=5, consents=(True,))
    asked(2, "dev@example.test", stars=2, consents=(True, False))  # the refusal counts
    asked(3)  # nobody answered: not asked for consent
    asked(30, "dev@example.test", stars=1)  # before the period
    with tx() as session:
        week = overview.overview(session, NOW, 1).weeks[0]
    assert (week.conversations, week.answered, week.rated, week.stars) == (3, 2, 2, 3.5)
    assert (week.granted, week.refused, week.not_asked) == (1, 1, 1)


def test_stories_count_for_the_colleague_credited_their_team_and_topic(tx, asked, staff):
    asked(1, "dev@example.test", stars=4,
          stories=[("mobile@example.test", "published"), ("mobile@example.test", "draft")])
    asked(2, "sales@example.test", stories=[("sales@example.test", "published")])
    asked(3)
    with tx() as session:
        seen = overview.overview(session, NOW, 2)
        mobile = session.get(Employee, staff["mobile@example.test"])
        topic = mobile.team or mobile.role
    by_employee = {t.label: t for t in seen.employees}
    assert dict(by_employee[mobile.name].stories) == {"published": 1, "draft": 1}
    assert by_employee[mobile.name].conversations == 0
    dev = next(t for t in seen.employees if t.key == str(staff["dev@example.test"]))
    assert (dev.conversations, dev.stars, sum(dev.stories.values())) == (1, 4.0, 0)
    assert seen.employees[0].label == mobile.name  # most stories first
    teams = {t.key: t for t in seen.teams}
    assert dict(teams["developer"].stories) == {"published": 1, "draft": 1}
    assert teams["developer"].conversations == 1 and teams["sales"].conversations == 1
    assert sum({t.key: t for t in seen.topics}[topic].stories.values()) == 2
    assert sum(t.conversations for t in seen.teams) == 2  # the unanswered one is in no team


@pytest.mark.parametrize("weeks", [0, 105, "12", True, None])
def test_a_period_outside_1_to_104_weeks_is_refused(tx, weeks):
    with tx() as session, pytest.raises(InvalidInput) as refused:
        overview.overview(session, NOW, weeks)
    assert refused.value.code == "invalid_period"
