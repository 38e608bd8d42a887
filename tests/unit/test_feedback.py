"""Feedback: a rating only for an answered conversation, never forced; consent kept as a log."""

import pytest

from matchmaker import conversations, feedback
from matchmaker.errors import Conflict, InvalidInput
from matchmaker.models import ConsentDecision, Conversation
from tests.unit.test_conversations import say
from tests.unit.test_offers import accepted


def close(tx, clock, conversation_id):
    with tx() as session:
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock())


def state(tx, conversation_id):
    with tx() as session:
        return feedback.feedback_state(session, session.get(Conversation, conversation_id))


def test_no_rating_is_asked_for_a_conversation_nobody_answered(tx, matcher, policy, clock, staff):
    conversation_id, _ = accepted(tx, matcher, policy, clock, staff)
    close(tx, clock, conversation_id)
    assert state(tx, conversation_id) is None
    with pytest.raises(Conflict) as refused, tx() as session:
        feedback.rate(session, session.get(Conversation, conversation_id), 5, "", clock())
    assert refused.value.code == "not_answered"


def test_an_answered_conversation_is_due_then_rated(tx, matcher, policy, clock, staff):
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    say(tx, policy, clock, conversation_id, "Here is how.", "e1", employee_id)
    assert state(tx, conversation_id) is None  # still open
    close(tx, clock, conversation_id)
    assert state(tx, conversation_id) == "due"
    with tx() as session:
        feedback.rate(session, session.get(Conversation, conversation_id), 4, "", clock())
    assert state(tx, conversation_id) == "rated"


def test_a_skipped_rating_is_not_asked_again(tx, matcher, policy, clock, staff):
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    say(tx, policy, clock, conversation_id, "Here is how.", "e1", employee_id)
    close(tx, clock, conversation_id)
    for _ in range(2):  # idempotent
        with tx() as session:
            feedback.skip_rating(session, session.get(Conversation, conversation_id), clock())
    assert state(tx, conversation_id) == "skipped"


def ended(tx, matcher, policy, clock, staff) -> int:
    """A conversation answered and closed: where the widget asks to quote it."""
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    say(tx, policy, clock, conversation_id, "Here is how.", "e1", employee_id)
    close(tx, clock, conversation_id)
    return conversation_id


def test_every_consent_decision_is_kept_with_its_wording(tx, matcher, policy, clock, staff):
    conversation_id = ended(tx, matcher, policy, clock, staff)
    for granted in (True, False):
        with tx() as session:
            feedback.decide_consent(session, session.get(Conversation, conversation_id), granted,
                                    "quote_anonymised", clock())
        clock.advance(60)
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert [d.granted for d in conversation.consents] == [True, False]
        assert conversation.consent.granted is False  # the latest counts
        assert {(d.wording, d.language) for d in conversation.consents} == {
            (feedback.CONSENT_WORDING["quote_anonymised"]["en"], "en")}
        first, second = conversation.consents
        assert second.decided_at > first.decided_at


@pytest.mark.parametrize("granted, scope", [("yes", None), (None, None), (True, "everything"),
                                            (True, "quote_named")])  # not what was asked
def test_malformed_consent_is_refused_and_nothing_is_kept(tx, matcher, policy, clock, staff,
                                                          granted, scope):
    conversation_id = ended(tx, matcher, policy, clock, staff)
    with pytest.raises(InvalidInput), tx() as session:
        feedback.decide_consent(session, session.get(Conversation, conversation_id), granted,
                                scope, clock())
    with tx() as session:
        assert session.query(ConsentDecision).count() == 0


def test_the_consent_question_and_its_record_are_in_the_customers_language(
        tx, matcher, policy, clock, staff):
    conversation_id = ended(tx, matcher, policy, clock, staff)
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        conversation.language = "nl-BE"
        asked = feedback.consent_question(conversation.language)
        decision = feedback.decide_consent(session, conversation, True, asked["scope"], clock())
    dutch = "Mogen we dit gesprek citeren (zonder je persoonsgegevens)?"
    assert asked["wording"] == decision.wording == dutch
    assert decision.language == "nl"
    assert feedback.consent_question("pl")["language"] == "en"  # we do not speak it: English


@pytest.mark.parametrize("granted", [True, False])
def test_consent_is_taken_only_where_the_widget_asks_it(tx, matcher, policy, clock, staff,
                                                        granted):
    """Once closed and answered, as the rating: before, nobody was shown the question."""
    unanswered, _ = accepted(tx, matcher, policy, clock, staff)
    open_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    say(tx, policy, clock, open_id, "Here is how.", "e1", employee_id)
    close(tx, clock, unanswered)
    for conversation_id, code in ((open_id, "not_closed"), (unanswered, "not_answered")):
        with pytest.raises(Conflict) as refused, tx() as session:
            feedback.decide_consent(session, session.get(Conversation, conversation_id),
                                    granted, None, clock())
        assert refused.value.code == code
    with tx() as session:
        assert session.query(ConsentDecision).count() == 0
