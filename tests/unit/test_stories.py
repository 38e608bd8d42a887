"""Stories: every state change allowed and refused, approvals, an edit resets them, who may do
what, and the log that records every step."""

from __future__ import annotations

import itertools

import pytest

from matchmaker import conversations
from matchmaker.errors import Conflict, Forbidden, InvalidInput, NotFound
from matchmaker.models import Conversation, Employee, Story
from matchmaker.stories import approvals, building, consent, publishing
from matchmaker.stories.states import ALLOWED, InvalidStoryTransition, State, move
from tests.unit.test_conversations import say
from tests.unit.test_offers import accepted

PRAISE = "Your webhook docs saved us a week of work."
ANSWER = "Glad it helped; retries are automatic."


@pytest.fixture
def ended(tx, matcher, policy, clock, staff):
    """An answered, closed conversation: (conversation id, employee id)."""
    return end_conversation(tx, matcher, policy, clock, staff)


def end_conversation(tx, matcher, policy, clock, staff) -> tuple[int, int]:
    """Ask, answer and close: (conversation id, employee id); seq 2 is the customer's praise,
    seq 3 the employee's answer."""
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    say(tx, policy, clock, conversation_id, PRAISE, "c1")
    say(tx, policy, clock, conversation_id, ANSWER, "e1", employee_id)
    with tx() as session:
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock())
    return conversation_id, employee_id


def person(session, staff, email: str) -> Employee:
    return session.get(Employee, staff[email])


def build(tx, clock, staff, conversation_id, seqs=(2, 3)) -> int:
    """A draft story quoting seqs, built by marketing: its id."""
    with tx() as session:
        return building.create_story(session, conversation_id, list(seqs), "Saved a week",
                                     person(session, staff, "marketing@example.test"),
                                     clock()).id


def act(tx, staff, step, story_id, email="marketing@example.test", *args):
    """Run one story step as this person: the story's state after it."""
    with tx() as session:
        return step(session, story_id, person(session, staff, email), *args).state


def state_of(tx, story_id) -> str:
    with tx() as session:
        return session.get(Story, story_id).state


def kinds(tx, story_id) -> list[tuple]:
    with tx() as session:
        return [(e.kind, e.state_from, e.state_to, e.reason)
                for e in session.get(Story, story_id).events]


def grant_all(tx, clock, conversation_id):
    """The customer's yes to every quote's current words, through the consent link."""
    with tx() as session:
        conv = session.get(Conversation, conversation_id)
        for story in consent.stories_of(session, conversation_id):
            for quote in story.quotes:
                consent.decide_quote(session, conv, quote.id, True, "en", clock())
        approvals.settle_conversation(session, conv, clock())


def to_approved(tx, clock, staff, ended) -> int:
    conversation_id, employee_id = ended
    story_id = build(tx, clock, staff, conversation_id)
    act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    dev = _email(tx, employee_id)
    assert act(tx, staff, approvals.approve, story_id, dev, clock()) == State.APPROVED
    return story_id


def _email(tx, employee_id) -> str:
    with tx() as session:
        return session.get(Employee, employee_id).email


@pytest.mark.parametrize("source,target", list(itertools.product(State, State)))
def test_the_transition_table_decides_every_move(source, target, clock):
    story = Story(state=source.value, events=[])

    class Nowhere:  # move only records; the log row is checked elsewhere
        def add(self, row):
            pass

    if target in ALLOWED[source]:
        move(Nowhere(), story, target, "step", clock(), actor="marketing")
        assert story.state == target
    else:
        with pytest.raises(InvalidStoryTransition) as refused:
            move(Nowhere(), story, target, "step", clock(), actor="marketing")
        assert refused.value.code == "invalid_story_transition" and story.state == source


def test_withdrawn_is_reachable_from_every_state_but_itself():
    assert all(State.WITHDRAWN in ALLOWED[s] for s in State if s != State.WITHDRAWN)
    assert ALLOWED[State.WITHDRAWN] == frozenset()


def test_a_story_quotes_the_chosen_messages_as_said(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0], seqs=(3, 2))
    with tx() as session:
        story = session.get(Story, story_id)
        assert [(q.seq, q.author, q.original, q.text, q.edited) for q in story.quotes] == [
            (2, "customer", PRAISE, PRAISE, False), (3, "employee", ANSWER, ANSWER, False)]
        assert story.state == "draft" and story.employee_id == ended[1]
    assert kinds(tx, story_id) == [("created", None, None, None)]


@pytest.mark.parametrize("seqs,code", [([], "no_quotes"), ([2, 99], "invalid_quotes"),
                                       (["2"], "invalid_quotes"), ([True], "invalid_quotes")])
def test_a_story_needs_messages_of_its_conversation(tx, clock, staff, ended, seqs, code):
    with pytest.raises(InvalidInput) as refused:
        build(tx, clock, staff, ended[0], seqs=seqs)
    assert refused.value.code == code


def test_a_story_credits_only_a_colleague_who_answered(tx, clock, staff, ended):
    with pytest.raises(InvalidInput) as refused, tx() as session:
        building.create_story(session, ended[0], [2], "t",
                              person(session, staff, "marketing@example.test"), clock(),
                              credited_id=staff["sales@example.test"])
    assert refused.value.code == "invalid_employee"


def test_a_live_conversation_cannot_become_a_story(tx, matcher, policy, clock, staff):
    conversation_id, _ = accepted(tx, matcher, policy, clock, staff)
    with pytest.raises(Conflict) as refused:
        build(tx, clock, staff, conversation_id, seqs=(1,))
    assert refused.value.code == "conversation_open"


@pytest.mark.parametrize("step", [approvals.submit, publishing.publish, publishing.withdraw])
def test_only_marketing_moves_a_story(tx, clock, staff, ended, step):
    story_id = build(tx, clock, staff, ended[0])
    with pytest.raises(Forbidden):
        act(tx, staff, step, story_id, "dev@example.test", clock())
    with pytest.raises(Forbidden), tx() as session:
        building.create_story(session, ended[0], [2], "t",
                              person(session, staff, "support@example.test"), clock())
    assert state_of(tx, story_id) == "draft"


def test_submitting_waits_for_the_credited_colleague(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    assert act(tx, staff, approvals.submit, story_id, "marketing@example.test",
               clock()) == State.AWAITING_APPROVAL
    with pytest.raises(InvalidStoryTransition):
        act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    assert act(tx, staff, approvals.approve, story_id, _email(tx, ended[1]),
               clock()) == State.APPROVED
    assert [k[0] for k in kinds(tx, story_id)] == [
        "created", "submitted", "employee_approved", "approved"]


def test_only_the_credited_colleague_approves_and_only_when_asked(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    dev = _email(tx, ended[1])
    with pytest.raises(Conflict) as early:
        act(tx, staff, approvals.approve, story_id, dev, clock())
    assert early.value.code == "not_awaiting"
    act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    other = next(e for e in staff if e not in (dev, "marketing@example.test"))
    with pytest.raises(NotFound):
        act(tx, staff, approvals.approve, story_id, other, clock())
    assert state_of(tx, story_id) == "awaiting_approval"


def test_a_declined_story_goes_back_to_draft_with_the_reason(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    assert act(tx, staff, approvals.decline, story_id, _email(tx, ended[1]),
               "I did not say it like that", clock()) == State.DRAFT
    with tx() as session:
        last = session.get(Story, story_id).events[-1]
        assert (last.kind, last.reason, last.detail) == (
            "employee_declined", "declined", {"reason": "I did not say it like that"})


def test_an_edited_quote_waits_for_the_customer_too(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    with tx() as session:
        story = session.get(Story, story_id)
        building.edit_story(session, story_id, story.title,
                            {story.quotes[0].id: "Your docs saved us a week."},
                            person(session, staff, "marketing@example.test"), clock())
    act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    assert act(tx, staff, approvals.approve, story_id, _email(tx, ended[1]),
               clock()) == State.AWAITING_APPROVAL  # the customer has not seen these words
    grant_all(tx, clock, ended[0])
    assert state_of(tx, story_id) == "approved"


@pytest.mark.parametrize("where", ["awaiting_approval", "approved"])
def test_an_edit_after_submitting_resets_the_approvals(tx, clock, staff, ended, where):
    story_id = to_approved(tx, clock, staff, ended) if where == "approved" else None
    if story_id is None:
        story_id = build(tx, clock, staff, ended[0])
        act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    with tx() as session:
        story = session.get(Story, story_id)
        building.edit_story(session, story_id, story.title, {story.quotes[1].id: "Retries: automatic."},
                            person(session, staff, "marketing@example.test"), clock())
    assert kinds(tx, story_id)[-1] == ("approvals_reset", where, "draft", "edited")
    act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    with tx() as session:
        assert not approvals.approvals(session, session.get(Story, story_id)).employee


def test_an_unchanged_save_keeps_the_state(tx, clock, staff, ended):
    story_id = to_approved(tx, clock, staff, ended)
    with tx() as session:
        story = session.get(Story, story_id)
        building.edit_story(session, story_id, story.title, {q.id: q.text for q in story.quotes},
                            person(session, staff, "marketing@example.test"), clock())
    assert state_of(tx, story_id) == "approved"


def test_editing_back_to_the_words_as_said_is_not_an_edit(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    marketing = "marketing@example.test"
    for text in ("Shorter.", PRAISE):
        with tx() as session:
            story = session.get(Story, story_id)
            building.edit_story(session, story_id, story.title, {story.quotes[0].id: text},
                                person(session, staff, marketing), clock())
    with tx() as session:
        quote = session.get(Story, story_id).quotes[0]
        assert (quote.text, quote.edited) == (PRAISE, False)


def test_publishing_needs_approval_and_consent(tx, clock, staff, ended):
    draft = build(tx, clock, staff, ended[0])
    with pytest.raises(InvalidStoryTransition):
        act(tx, staff, publishing.publish, draft, "marketing@example.test", clock())
    story_id = to_approved(tx, clock, staff, ended)
    with pytest.raises(publishing.ConsentMissing) as refused:
        act(tx, staff, publishing.publish, story_id, "marketing@example.test", clock())
    assert refused.value.code == "consent_missing" and state_of(tx, story_id) == "approved"
    grant_all(tx, clock, ended[0])
    assert act(tx, staff, publishing.publish, story_id, "marketing@example.test",
               clock()) == State.PUBLISHED
    with tx() as session:
        assert [s.id for s in publishing.publishable_stories(session)] == [story_id]


@pytest.mark.parametrize("where", ["draft", "awaiting_approval", "approved", "published"])
def test_marketing_withdraws_from_every_state(tx, clock, staff, ended, where):
    story_id = build(tx, clock, staff, ended[0])
    if where != "draft":
        act(tx, staff, approvals.submit, story_id, "marketing@example.test", clock())
    if where in ("approved", "published"):
        act(tx, staff, approvals.approve, story_id, _email(tx, ended[1]), clock())
    if where == "published":
        grant_all(tx, clock, ended[0])
        act(tx, staff, publishing.publish, story_id, "marketing@example.test", clock())
    assert state_of(tx, story_id) == where
    assert act(tx, staff, publishing.withdraw, story_id, "marketing@example.test",
               clock()) == State.WITHDRAWN
    assert kinds(tx, story_id)[-1] == ("withdrawn", where, "withdrawn", "withdrawn_by_marketing")
    with pytest.raises(InvalidStoryTransition):
        act(tx, staff, publishing.withdraw, story_id, "marketing@example.test", clock())


@pytest.mark.parametrize("where", ["published", "withdrawn"])
def test_a_published_or_withdrawn_story_cannot_be_edited(tx, clock, staff, ended, where):
    story_id = to_approved(tx, clock, staff, ended)
    grant_all(tx, clock, ended[0])
    act(tx, staff, publishing.publish, story_id, "marketing@example.test", clock())
    if where == "withdrawn":
        act(tx, staff, publishing.withdraw, story_id, "marketing@example.test", clock())
    with pytest.raises(Conflict) as refused, tx() as session:
        story = session.get(Story, story_id)
        building.edit_story(session, story_id, "New", {story.quotes[0].id: "Other words."},
                            person(session, staff, "marketing@example.test"), clock())
    assert refused.value.code == "story_locked"


def test_an_edit_is_logged_with_both_texts(tx, clock, staff, ended):
    story_id = build(tx, clock, staff, ended[0])
    with tx() as session:
        story = session.get(Story, story_id)
        building.edit_story(session, story_id, "A week saved", {story.quotes[0].id: "Saved a week."},
                            person(session, staff, "marketing@example.test"), clock())
    with tx() as session:
        events = session.get(Story, story_id).events
        assert [(e.kind, e.detail.get("before"), e.detail.get("after")) for e in events[1:]] == [
            ("quote_edited", PRAISE, "Saved a week."), ("retitled", "Saved a week", "A week saved")]
