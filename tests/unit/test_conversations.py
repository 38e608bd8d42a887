"""Conversations: ordered, idempotent messages; validation; closing, rating and consent."""

import pytest

from matchmaker import conversations, feedback
from matchmaker.errors import (
    Conflict,
    ConversationClosed,
    Forbidden,
    InvalidInput,
    Unauthenticated,
)
from matchmaker.models import Conversation, Employee, Message, Offer
from tests.unit.conftest import online
from tests.unit.test_offers import accepted, ask


@pytest.fixture
def active(tx, matcher, policy, clock, staff):
    """An accepted conversation: (conversation id, employee id)."""
    return accepted(tx, matcher, policy, clock, staff)


def say(tx, policy, clock, conversation_id, body, client_id=None, employee_id=None):
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        employee = session.get(Employee, employee_id) if employee_id else None
        message, happened = conversations.say(
            session, conversation, "employee" if employee else "customer", body, client_id,
            policy, clock(), employee=employee)
        return message.seq, bool(happened)


def test_messages_get_consecutive_sequence_numbers(tx, policy, clock, active):
    conversation_id, employee_id = active
    seqs = [say(tx, policy, clock, conversation_id, f"m{i}", f"c{i}",
                employee_id if i % 2 else None)[0] for i in range(6)]
    assert seqs == [2, 3, 4, 5, 6, 7]  # 1 is the question


def test_a_resent_client_id_is_stored_once(tx, policy, clock, active):
    conversation_id, _ = active
    first = say(tx, policy, clock, conversation_id, "hello", "same-id")
    again = say(tx, policy, clock, conversation_id, "hello", "same-id")
    assert first == (2, True) and again == (2, False)
    with tx() as session:
        assert len(conversations.messages_after(session, conversation_id, 0)) == 2


def test_messages_after_returns_only_what_was_missed(tx, policy, clock, active):
    conversation_id, _ = active
    for i in range(3):
        say(tx, policy, clock, conversation_id, f"m{i}", f"c{i}")
    with tx() as session:
        missed = conversations.messages_after(session, conversation_id, 2)
    assert [m.seq for m in missed] == [3, 4]


@pytest.mark.parametrize("body, code", [
    ("", "empty_message"), ("   ", "empty_message"), (None, "empty_message"), (42, "empty_message"),
    ("x" * 4001, "message_too_long"), ("x" * 100_000, "message_too_long"),
])
def test_bad_message_bodies_are_refused_and_nothing_is_stored(tx, policy, clock, active, body,
                                                              code):
    conversation_id, _ = active
    with pytest.raises(InvalidInput) as raised:
        say(tx, policy, clock, conversation_id, body, "c1")
    assert raised.value.code == code
    with tx() as session:
        assert session.query(Message).filter_by(conversation_id=conversation_id).count() == 1


def test_html_is_stored_verbatim_for_the_client_to_escape(tx, policy, clock, active):
    conversation_id, _ = active
    say(tx, policy, clock, conversation_id, "<script>alert(1)</script>", "c1")
    with tx() as session:
        assert conversations.messages_after(session, conversation_id, 1)[0].body == \
            "<script>alert(1)</script>"


def test_only_the_assigned_employee_may_write(tx, policy, clock, active, staff):
    conversation_id, employee_id = active
    other = next(i for i in staff.values() if i != employee_id)
    with pytest.raises(Forbidden):
        say(tx, policy, clock, conversation_id, "hi", "c1", employee_id=other)


def test_nobody_writes_in_a_closed_conversation(tx, policy, clock, active):
    conversation_id, employee_id = active
    with tx() as session:
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock())
    with pytest.raises(ConversationClosed):
        say(tx, policy, clock, conversation_id, "still there?", "c9")


def test_closing_before_accept_withdraws_the_open_offer(tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock)
    with tx() as session:
        withdrawn, closed = conversations.close_conversation(
            session, session.get(Conversation, conversation_id), clock())
    assert (withdrawn.offer_id, withdrawn.outcome) == (routed.offer_id, "withdrawn")
    assert (closed.by, closed.employee_id) == ("customer", None)
    with tx() as session:
        assert session.get(Offer, routed.offer_id).outcome == "withdrawn"


def test_an_employee_cannot_close_someone_elses_conversation(tx, clock, active, staff):
    conversation_id, employee_id = active
    other = next(i for i in staff.values() if i != employee_id)
    with pytest.raises(Forbidden), tx() as session:
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock(), employee=session.get(Employee, other))


def test_rating_and_consent_are_stored_after_close(tx, policy, clock, active):
    conversation_id, employee_id = active
    say(tx, policy, clock, conversation_id, "Here is how.", "e1", employee_id)
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        with pytest.raises(Conflict):
            feedback.rate(session, conversation, 5, "", clock())
        conversations.close_conversation(session, conversation, clock())
        feedback.rate(session, conversation, 4, "helpful", clock())
        feedback.decide_consent(session, conversation, True, "quote_anonymised", clock())
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert (conversation.rating.stars, conversation.rating.comment) == (4, "helpful")
        assert conversation.consent.granted is True


@pytest.mark.parametrize("stars", [0, 6, "5", 4.5, True, None])
def test_ratings_outside_one_to_five_are_refused(tx, policy, clock, active, stars):
    conversation_id, employee_id = active
    say(tx, policy, clock, conversation_id, "Here is how.", "e1", employee_id)
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        conversations.close_conversation(session, conversation, clock())
        with pytest.raises(InvalidInput):
            feedback.rate(session, conversation, stars, None, clock())


def test_the_token_opens_only_its_own_conversation(tx, policy, clock, staff):
    with tx() as session:
        first, token = conversations.open_conversation(
            session, conversations.Question("q one", "visitor-1"), [], policy, clock())
        second, _ = conversations.open_conversation(
            session, conversations.Question("q two", "visitor-2"), [], policy, clock())
    with tx() as session:
        assert conversations.conversation_by_token(session, first.id, token, clock()).id == first.id
        for conversation_id, candidate in [(second.id, token), (first.id, "wrong"),
                                           (first.id, None), ("1", token)]:
            with pytest.raises(Unauthenticated):
                conversations.conversation_by_token(session, conversation_id, candidate, clock())


@pytest.mark.parametrize("text, code", [("", "empty_question"), ("x" * 2001, "question_too_long")])
def test_bad_questions_are_refused(tx, policy, clock, text, code):
    with pytest.raises(InvalidInput) as raised, tx() as session:
        conversations.open_conversation(session, conversations.Question(text, "visitor-1"), [],
                                        policy, clock())
    assert raised.value.code == code
    with tx() as session:
        assert session.query(Conversation).count() == 0


def test_a_key_minted_for_a_mail_link_expires(tx, policy, clock):
    from datetime import timedelta

    with tx() as session:
        conversation, _ = conversations.open_conversation(
            session, conversations.Question("q", "visitor-1", email="pat@example.org"), [],
            policy, clock())
        digest = conversations.reply_address_digest("pat@example.org")
        _, key = conversations.reopen_by_link(session, conversation.id, digest, clock(),
                                              timedelta(days=1))
    with tx() as session:
        assert conversations.conversation_by_token(session, conversation.id, key, clock())
    clock.advance(86_401)
    with pytest.raises(Unauthenticated), tx() as session:
        conversations.conversation_by_token(session, conversation.id, key, clock())


def test_a_link_mailed_to_an_address_the_conversation_no_longer_uses_opens_nothing(
        tx, policy, clock):
    from datetime import timedelta

    with tx() as session:
        conversation, _ = conversations.open_conversation(
            session, conversations.Question("q", "visitor-1", email="pat@example.org"), [],
            policy, clock())
        old = conversations.reply_address_digest("pat@example.org")
        conversations.leave_email(session, conversation, "new@example.org", None)
    with pytest.raises(Unauthenticated), tx() as session:
        conversations.reopen_by_link(session, conversation.id, old, clock(), timedelta(days=1))
