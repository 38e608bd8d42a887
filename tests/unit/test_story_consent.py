"""Consent per quote: which decision counts for a quote's exact words, the log it is kept in,
and a revocation that withdraws every story depending on it, everywhere, at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import feedback
from matchmaker.errors import Conflict, Forbidden, NotFound
from matchmaker.models import ConsentDecision, Conversation, OutboxMail, Story
from matchmaker.stories import approvals, building, consent, publishing
from matchmaker.values import Policy
from tests.unit.test_stories import (
    PRAISE,
    act,
    build,
    end_conversation,
    grant_all,
    kinds,
    person,
    state_of,
    to_approved,
)

MARKETING = "marketing@example.test"


@pytest.fixture
def ended(tx, matcher, policy, clock, staff):
    return end_conversation(tx, matcher, policy, clock, staff)


def general(tx, clock, conversation_id, granted: bool):
    """The customer's yes or no to the whole conversation (the widget's question)."""
    with tx() as session:
        feedback.decide_consent(session, session.get(Conversation, conversation_id), granted,
                                "quote_anonymised", clock())
    clock.advance(1)


def on_quote(tx, clock, conversation_id, story_id, position: int, granted: bool,
             language="en") -> list[int]:
    """The customer's decision about one quote's words: the stories it withdrew."""
    with tx() as session:
        conv = session.get(Conversation, conversation_id)
        quote = session.get(Story, story_id).quotes[position]
        _, withdrawn = consent.decide_quote(session, conv, quote.id, granted, language, clock())
        approvals.settle_conversation(session, conv, clock())
    clock.advance(1)
    return [s.id for s in withdrawn]


def states(tx, story_id) -> list[str]:
    with tx() as session:
        story = session.get(Story, story_id)
        decisions = consent.decisions_for(session, story.conversation_id)
        return [consent.consent_state(q, decisions) for q in story.quotes]


def edit_first(tx, clock, staff, story_id, text):
    with tx() as session:
        story = session.get(Story, story_id)
        building.edit_story(session, story_id, story.title, {story.quotes[0].id: text},
                            person(session, staff, MARKETING), clock())


def published(tx, clock, staff, ended) -> int:
    story_id = to_approved(tx, clock, staff, ended)
    grant_all(tx, clock, ended[0])
    act(tx, staff, publishing.publish, story_id, MARKETING, clock())
    return story_id


def publishable(tx) -> list[int]:
    with tx() as session:
        return [s.id for s in publishing.publishable_stories(session)]


def test_without_any_decision_nothing_is_covered(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    assert states(tx, story_id) == ["missing", "missing"]


def test_the_widgets_yes_covers_the_words_as_said_not_edited_words(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    general(tx, clock, ended[0], True)
    assert states(tx, story_id) == ["granted", "granted"]
    edit_first(tx, clock, staff, story_id, "Saved us a week.")
    assert states(tx, story_id) == ["missing", "granted"]


def test_a_yes_covers_exactly_the_words_shown(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    edit_first(tx, clock, staff, story_id, "Saved us a week.")
    on_quote(tx, clock, ended[0], story_id, 0, True)
    assert states(tx, story_id)[0] == "granted"
    edit_first(tx, clock, staff, story_id, "Saved us a whole week.")
    assert states(tx, story_id)[0] == "missing"  # new words, new question


def test_a_specific_no_beats_an_earlier_and_a_later_general_yes(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    general(tx, clock, ended[0], True)
    on_quote(tx, clock, ended[0], story_id, 0, False)
    general(tx, clock, ended[0], True)
    assert states(tx, story_id) == ["refused", "granted"]


def test_a_later_general_no_beats_a_specific_yes(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    on_quote(tx, clock, ended[0], story_id, 0, True)
    general(tx, clock, ended[0], False)
    assert states(tx, story_id) == ["refused", "refused"]


def test_a_decision_is_kept_with_the_exact_words_shown(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    on_quote(tx, clock, ended[0], story_id, 0, True, language="nl-BE")
    on_quote(tx, clock, ended[0], story_id, 0, False, language="nl-BE")
    with tx() as session:
        rows = session.scalars(select(ConsentDecision).order_by(ConsentDecision.id)).all()
        quote_id = session.get(Story, story_id).quotes[0].id
        assert [(r.granted, r.scope, r.source, r.language, r.quote_id, r.covers) for r in rows] == [
            (True, "story_quote", "link", "nl", quote_id, PRAISE),
            (False, "story_quote", "link", "nl", quote_id, PRAISE)]
        assert rows[0].wording == f"Mogen we deze woorden uit ons gesprek publiceren, precies " \
                                  f"zoals hier: “{PRAISE}”"
        assert session.get(Conversation, ended[0]).consent is None  # not the widget's question


def test_a_quote_of_another_conversation_is_not_found(tx, matcher, policy, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    with tx() as session:
        other = Conversation(customer_id=session.get(Conversation, ended[0]).customer_id,
                             question="?")
        session.add(other)
        session.flush()
        quote_id = session.get(Story, story_id).quotes[0].id
        with pytest.raises(NotFound):
            consent.decide_quote(session, other, quote_id, True, "en", clock())


def test_a_widget_revocation_withdraws_the_published_story_at_once(tx, clock, staff, ended):
    story_id = published(tx, clock, staff, ended)
    assert publishable(tx) == [story_id]
    general(tx, clock, ended[0], False)
    assert state_of(tx, story_id) == "withdrawn" and publishable(tx) == []
    last = kinds(tx, story_id)[-1]
    assert last == ("withdrawn", "published", "withdrawn", "consent_revoked")


def test_a_quote_revocation_withdraws_only_the_stories_quoting_it(tx, clock, staff, ended):
    first = published(tx, clock, staff, ended)
    only_answer = build(tx, clock, staff, ended[0], seqs=(3,))
    grant_all(tx, clock, ended[0])
    assert on_quote(tx, clock, ended[0], first, 0, False) == [first]
    assert state_of(tx, first) == "withdrawn" and state_of(tx, only_answer) == "draft"


@pytest.mark.parametrize("where", ["draft", "awaiting_approval", "approved"])
def test_a_revocation_withdraws_a_story_in_any_live_state(tx, clock, staff, ended, where):
    story_id = build(tx, clock, staff, ended[0])
    if where != "draft":
        act(tx, staff, approvals.submit, story_id, MARKETING, clock())
    if where == "approved":
        with tx() as session:
            employee = session.get(Story, story_id).employee.email
        act(tx, staff, approvals.approve, story_id, employee, clock())
    grant_all(tx, clock, ended[0])
    on_quote(tx, clock, ended[0], story_id, 1, False)
    assert kinds(tx, story_id)[-1] == ("withdrawn", where, "withdrawn", "consent_revoked")


def test_a_no_that_takes_nothing_back_withdraws_nothing(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    assert on_quote(tx, clock, ended[0], story_id, 0, False) == []
    assert state_of(tx, story_id) == "draft"


def test_a_no_to_edited_words_sends_the_story_back_to_draft(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    edit_first(tx, clock, staff, story_id, "Saved us a week.")
    act(tx, staff, approvals.submit, story_id, MARKETING, clock())
    on_quote(tx, clock, ended[0], story_id, 0, False)
    assert kinds(tx, story_id)[-1] == ("customer_declined", "awaiting_approval", "draft",
                                       "customer_declined")


def test_only_the_one_query_lists_published_stories(tx, clock, staff, ended):
    story_id = published(tx, clock, staff, ended)
    with tx() as session:  # consent gone behind the domain's back (e.g. a restore): still hidden
        session.query(ConsentDecision).delete()
    assert state_of(tx, story_id) == "published" and publishable(tx) == []


def test_asking_for_consent_mails_the_reply_address(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    policy = Policy(mail_enabled=True)
    with tx() as session:
        story = session.get(Story, story_id)
        with pytest.raises(Conflict) as no_address:
            consent.request_consent(session, story_id, person(session, staff, MARKETING), policy,
                                    clock())
        assert no_address.value.code == "no_reply_address"  # marketing passes the link on
        story.conversation.reply_to = "ann@example.test"
        consent.request_consent(session, story_id, person(session, staff, MARKETING), policy,
                                clock())
        with pytest.raises(Forbidden):
            consent.request_consent(session, story_id, person(session, staff, "dev@example.test"),
                                    policy, clock())
        mails = session.scalars(select(OutboxMail)).all()
        assert [(m.kind, m.to_address) for m in mails] == [("consent_link", "ann@example.test")]
    assert kinds(tx, story_id)[-1][0] == "consent_requested"
