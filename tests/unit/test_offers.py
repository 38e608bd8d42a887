"""Offers: best available first, the next one on decline or timeout, offline when nobody can."""

import pytest

from matchmaker import conversations, offers
from matchmaker.errors import NotFound, OfferNotOpen
from matchmaker.events import OfferClosed
from matchmaker.models import Candidate, Conversation, Employee, Offer
from tests.unit.conftest import online, route, sweep

QUESTION = ("webhook signature verification on the REST invoicing API: pricing plans, "
            "bank reconciliation, iOS app, hiring and customer stories")


def ask(tx, matcher, policy, clock, text=QUESTION):
    with tx() as session:
        matches = matcher.rank(session, text).matches
        conversation, _ = conversations.open_conversation(
            session, conversations.Question(text=text, visitor_id="visitor-1"), matches, policy,
            clock())
        return conversation.id, route(offers.offer_next(session, conversation, policy, clock()))


def accepted(tx, matcher, policy, clock, staff):
    """Everyone online; a question asked and accepted: (conversation id, employee id)."""
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock)
    with tx() as session:
        offers.accept_offer(session, routed.offer_id, routed.employee_id, clock())
    return conversation_id, routed.employee_id


def test_the_best_available_match_is_offered(tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    _, routed = ask(tx, matcher, policy, clock)
    assert routed.employee_id == staff["dev@example.test"] and not routed.offline


def test_offline_employees_are_skipped_with_the_reason_recorded(
        tx, matcher, policy, clock, staff):
    online(tx, clock, *[i for e, i in staff.items() if e != "dev@example.test"])
    conversation_id, routed = ask(tx, matcher, policy, clock)
    assert routed.employee_id != staff["dev@example.test"]
    with tx() as session:
        dev = session.query(Candidate).filter_by(conversation_id=conversation_id,
                                                 employee_id=staff["dev@example.test"]).one()
        assert dev.skipped == "offline"


@pytest.mark.parametrize("make_unavailable, reason", [
    (lambda e: setattr(e, "available", False), "away"),
    (lambda e: setattr(e, "capacity", 0), "at_capacity"),
])
def test_away_or_full_employees_are_skipped(tx, matcher, policy, clock, staff,
                                            make_unavailable, reason):
    online(tx, clock, *staff.values())
    with tx() as session:
        make_unavailable(session.get(Employee, staff["dev@example.test"]))
    conversation_id, routed = ask(tx, matcher, policy, clock)
    assert routed.employee_id != staff["dev@example.test"]
    with tx() as session:
        assert session.query(Candidate).filter_by(
            conversation_id=conversation_id, employee_id=staff["dev@example.test"]
        ).one().skipped == reason


def test_a_stale_console_connection_does_not_count_as_online(
        tx, matcher, policy, clock, staff):
    online(tx, clock, staff["dev@example.test"])
    clock.advance(policy.presence_ttl_s + 1)
    _, routed = ask(tx, matcher, policy, clock)
    assert routed.offline


def test_decline_offers_the_next_candidate(tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, first = ask(tx, matcher, policy, clock)
    with tx() as session:
        happened = offers.decline_offer(session, first.offer_id, first.employee_id, policy, clock())
    assert happened[0] == OfferClosed(conversation_id, first.offer_id, first.employee_id,
                                      "declined")
    assert route(happened).employee_id not in (None, first.employee_id)
    with tx() as session:
        outcomes = [o.outcome for o in session.get(Conversation, conversation_id).offers]
    assert outcomes == ["declined", None]


def test_an_unanswered_offer_expires_and_the_next_candidate_is_offered(
        tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    _, first = ask(tx, matcher, policy, clock)
    online(tx, clock, *staff.values())  # heartbeats keep everyone reachable
    assert sweep(tx, policy, clock) == []
    clock.advance(policy.offer_timeout_s)
    online(tx, clock, *staff.values())
    happened = sweep(tx, policy, clock)
    closed = [e for e in happened if isinstance(e, OfferClosed)]
    assert [(c.offer_id, c.outcome) for c in closed] == [(first.offer_id, "expired")]
    assert route(happened).employee_id not in (None, first.employee_id)


def test_when_everyone_declines_it_goes_offline_to_the_general_queue(
        tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock)
    while not routed.offline:
        with tx() as session:
            routed = route(offers.decline_offer(session, routed.offer_id, routed.employee_id,
                                                policy, clock()))
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation.status == "offline"
        assert conversation.employee_id is None
        assert {c.skipped for c in conversation.candidates} <= {"declined", "poor_fit"}


def test_after_a_decline_with_nobody_free_the_best_willing_match_answers_later(
        tx, matcher, policy, clock, staff):
    online(tx, clock, staff["dev@example.test"])
    conversation_id, routed = ask(tx, matcher, policy, clock)
    with tx() as session:
        routed = route(offers.decline_offer(session, routed.offer_id, routed.employee_id, policy,
                                            clock()))
    assert routed.offline and routed.employee_id not in (None, staff["dev@example.test"])


def test_a_question_nobody_fits_goes_to_the_general_queue(tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock, text="zebra quantum origami")
    assert routed.offline and routed.employee_id is None
    with tx() as session:
        skipped = {c.skipped for c in session.get(Conversation, conversation_id).candidates}
    assert skipped <= {"poor_fit"}


def test_nobody_online_takes_it_offline_at_once(tx, matcher, policy, clock, staff):
    conversation_id, routed = ask(tx, matcher, policy, clock)
    assert routed.offline and routed.employee_id == staff["dev@example.test"]


def test_accept_makes_the_conversation_active_and_theirs(tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock)
    with tx() as session:
        offers.accept_offer(session, routed.offer_id, routed.employee_id, clock())
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert (conversation.status, conversation.employee_id) == ("active", routed.employee_id)


def test_accepting_someone_elses_offer_is_not_found(tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    _, routed = ask(tx, matcher, policy, clock)
    with pytest.raises(NotFound), tx() as session:
        offers.accept_offer(session, routed.offer_id, staff["sales@example.test"], clock())


@pytest.mark.parametrize("first_outcome", ["expired", "declined"])
def test_an_offer_can_be_answered_only_once(tx, matcher, policy, clock, staff,
                                             first_outcome):
    online(tx, clock, *staff.values())
    _, routed = ask(tx, matcher, policy, clock)
    if first_outcome == "expired":
        clock.advance(policy.offer_timeout_s + 1)
    else:
        with tx() as session:
            offers.decline_offer(session, routed.offer_id, routed.employee_id, policy, clock())
    with pytest.raises(OfferNotOpen), tx() as session:
        offers.accept_offer(session, routed.offer_id, routed.employee_id, clock())
    with tx() as session:
        assert session.get(Offer, routed.offer_id).outcome == (
            None if first_outcome == "expired" else "declined")


def test_open_offers_count_toward_capacity(tx, matcher, policy, clock, staff):
    dev = staff["dev@example.test"]
    online(tx, clock, dev)
    with tx() as session:
        session.get(Employee, dev).capacity = 1
    _, first = ask(tx, matcher, policy, clock)
    _, second = ask(tx, matcher, policy, clock)
    assert first.employee_id == dev and second.offline


@pytest.mark.parametrize("hours, zone, utc_time, inside", [
    ("09:00-17:00", "UTC", "09:00", True), ("09:00-17:00", "UTC", "17:00", False),
    ("09:00-17:00", "Europe/Amsterdam", "07:30", False),  # 08:30 in Amsterdam in November
    ("09:00-17:00", "Europe/Amsterdam", "08:30", True),
    ("22:00-06:00", "UTC", "23:30", True), ("22:00-06:00", "UTC", "05:59", True),
    ("22:00-06:00", "UTC", "12:00", False),
])
def test_working_hours_are_read_in_the_employees_time_zone(hours, zone, utc_time, inside):
    from datetime import UTC, datetime

    from matchmaker.presence import within_working_hours

    hour, minute = map(int, utc_time.split(":"))
    now = datetime(2026, 11, 27, hour, minute, tzinfo=UTC)
    assert within_working_hours(Employee(working_hours=hours, timezone=zone), now) is inside


def test_with_working_hours_on_people_outside_them_are_skipped(tx, matcher, policy, clock, staff):
    from dataclasses import replace

    online(tx, clock, *staff.values())
    with tx() as session:
        dev = session.get(Employee, staff["dev@example.test"])
        dev.working_hours, dev.timezone = "13:00-21:00", "UTC"  # the clock says 09:00 UTC
    conversation_id, routed = ask(tx, matcher, replace(policy, working_hours=True), clock)
    assert routed.employee_id != staff["dev@example.test"]
    with tx() as session:
        assert session.query(Candidate).filter_by(
            conversation_id=conversation_id, employee_id=staff["dev@example.test"]
        ).one().skipped == "outside_working_hours"


def test_an_offer_left_open_on_a_closed_conversation_cannot_reopen_it(
        tx, matcher, policy, clock, staff):
    from matchmaker.errors import ConversationClosed

    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock)
    with tx() as session:  # as if another worker closed it between two steps
        session.get(Conversation, conversation_id).status = "closed"
    with pytest.raises(ConversationClosed), tx() as session:
        offers.accept_offer(session, routed.offer_id, routed.employee_id, clock())
    with tx() as session:
        assert session.get(Conversation, conversation_id).status == "closed"
        assert offers.offer_next(session, session.get(Conversation, conversation_id), policy,
                                 clock()) == []
