"""Meet the makers: the explicit opt-in to a public profile, and questions addressed to a team or
a person from the team page (ranked within it first, falling back when nobody in it can answer)."""

from dataclasses import asdict

import pytest
from sqlalchemy import select

from embeddings.lexical import BM25Index
from matchmaker import addressing, conversations, intake, makers
from matchmaker.addressing import NotPublic
from matchmaker.errors import Forbidden, InvalidInput
from matchmaker.models import (
    Conversation,
    ConversationEvent,
    Employee,
    Offer,
    PublicProfile,
    PublicProfileDecision,
)
from matchmaker.routing import Matcher
from tests.unit.conftest import online, route

# Shares words with everyone's profile; Dana (developer) fits it best.
QUESTION = ("webhook signature verification on the REST invoicing API: pricing plans, "
            "bank reconciliation mismatches, iOS app, hiring and customer stories")
DEV, MOBILE, SALES, SUPPORT = ("dev@example.test", "mobile@example.test", "sales@example.test",
                              "support@example.test")


@pytest.fixture
def matcher(encoder, index):
    # The fake encoder's cosines are word overlaps: a low threshold lets everyone fit.
    return Matcher(encoder, index, BM25Index(), min_fit=0.05)


def opt_in(tx, clock, employee_id, **values):
    fields = values.pop("fields", makers.DEFAULT_FIELDS)
    with tx() as session:
        choice = makers.draft(session, employee_id)
        choice = makers.ProfileChoice(**{**asdict(choice), "public": True,
                                         "fields": frozenset(fields), **values})
        return makers.decide(session, employee_id, choice, employee_id, clock())


def opt_out(tx, clock, employee_id):
    with tx() as session:
        choice = makers.draft(session, employee_id)
        return makers.decide(session, employee_id, makers.ProfileChoice(
            **{**asdict(choice), "public": False}), employee_id, clock())


def ask(tx, matcher, policy, clock, text=QUESTION, **target):
    with tx() as session:
        conversation, _, happened = intake.ask(
            session, matcher, conversations.Question(text=text, visitor_id="visitor-1"), policy,
            clock(), **target)
        return conversation.id, route(happened)


def events(tx, conversation_id, kind):
    with tx() as session:
        return session.scalars(select(ConversationEvent).where(
            ConversationEvent.conversation_id == conversation_id,
            ConversationEvent.kind == kind)).all()


# ---------------------------------------------------------------------------- the opt-in

def test_nobody_is_public_by_default(tx, staff):
    with tx() as session:
        assert makers.team_page(session) == []
        assert makers.draft(session, staff[DEV]).public is False
        assert session.scalar(select(PublicProfile.id)) is None


def test_the_public_view_holds_only_the_fields_opted_in(tx, clock, staff):
    view = opt_in(tx, clock, staff[DEV], fields={"title"}, works_on="the webhooks",
                  about="I restore bicycles.", display_name="Dana")
    assert (view.name, view.group, view.title) == ("Dana", "developer", "Backend developer")
    assert view.team is None and view.works_on is None and view.about is None
    assert view.languages is None
    shown = " ".join(str(value) for value in asdict(view).values())
    with tx() as session:
        dana = session.get(Employee, staff[DEV])
        for private in (dana.email, dana.bio, dana.working_hours, "bicycles", "webhooks"):
            assert private not in shown


def test_opting_out_takes_the_profile_off_the_page_at_once_and_both_decisions_are_kept(
        tx, clock, staff):
    opt_in(tx, clock, staff[DEV], works_on="the invoicing API", fields={"title", "works_on"})
    with tx() as session:
        assert [p.name for team in makers.team_page(session) for p in team.people] == ["Dana Dev"]
    clock.advance(60)
    assert opt_out(tx, clock, staff[DEV]) is None
    with tx() as session:
        assert makers.team_page(session) == []
        latest, first = makers.decisions(session, staff[DEV])
        assert (first.opted_in, first.decided_by_id) == (True, staff[DEV])
        assert first.published == {"display_name": "Dana Dev", "group": "developer",
                                    "title": "Backend developer",
                                    "works_on": "the invoicing API"}
        assert (latest.opted_in, latest.published) == (False, {})
        assert latest.decided_at > first.decided_at


def test_a_decision_is_recorded_only_when_what_is_public_changes(tx, clock, staff):
    opt_in(tx, clock, staff[DEV])
    opt_in(tx, clock, staff[DEV])  # saved again, the same
    opt_in(tx, clock, staff[DEV], about="Ask me about retries.")  # not a published field
    opt_in(tx, clock, staff[DEV], fields={"title", "about"}, about="Ask me about retries.")
    with tx() as session:
        assert session.query(PublicProfileDecision).count() == 2
        assert makers.decisions(session, staff[DEV])[0].published["about"] == (
            "Ask me about retries.")


def test_only_the_employee_decides_what_of_them_is_public(tx, clock, staff):
    with tx() as session:
        choice = makers.draft(session, staff[DEV])
        with pytest.raises(Forbidden):
            makers.decide(session, staff[DEV], makers.ProfileChoice(
                **{**asdict(choice), "public": True}), staff["admin@example.test"], clock())


@pytest.mark.parametrize("values", [
    {"display_name": "  "}, {"fields": {"title", "email"}}, {"fields": {"working_hours"}},
    {"languages": ("en", "<b>")}, {"about": "x" * 1001},
])
def test_a_bad_choice_is_refused(tx, clock, staff, values):
    with pytest.raises(InvalidInput) as raised:
        opt_in(tx, clock, staff[DEV], **values)
    assert raised.value.code == "invalid_profile"


def test_an_inactive_employee_is_not_public(tx, clock, staff):
    opt_in(tx, clock, staff[DEV])
    with tx() as session:
        session.get(Employee, staff[DEV]).active = False
    with tx() as session:
        assert makers.public_people(session) == []


# ---------------------------------------------------------------------------- addressing

def test_a_question_addressed_to_a_team_goes_to_its_best_member(
        tx, matcher, policy, clock, staff):
    opt_in(tx, clock, staff[SUPPORT])
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock, team="support")
    assert routed.employee_id == staff[SUPPORT] and not routed.offline  # Dana fits it best
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation.addressed_team == "support"
        assert addressing.describe(session, conversation, staff[SUPPORT]) == (
            addressing.Addressed(team="support", person=None, within=True))
    (offered,) = events(tx, conversation_id, "offered")
    assert offered.detail["within_target"] is True
    assert [e.detail for e in events(tx, conversation_id, "addressed")] == [{"team": "support"}]
    assert events(tx, conversation_id, "fell_back") == []


def test_within_a_team_the_members_keep_their_scores_from_the_whole_ranking(
        tx, matcher, policy, clock, staff):
    opt_in(tx, clock, staff[MOBILE])
    with tx() as session:
        everyone = {m.employee_id: m for m in matcher.rank(session, QUESTION, limit=50).matches}
        target = addressing.resolve(session, team="developer")
        matches, _, _ = addressing.rank(session, matcher, QUESTION, target, 10, None)
    developers = [m for m in matches if m.employee_id in (staff[DEV], staff[MOBILE])]
    assert matches[:2] == developers  # the team first…
    assert [m.employee_id for m in developers] == [staff[DEV], staff[MOBILE]]
    for match in developers:  # …scored exactly as among everyone
        assert match.score == everyone[match.employee_id].score
        assert match.explanation == everyone[match.employee_id].explanation
    assert len({m.employee_id for m in matches}) == len(matches)


def test_when_nobody_in_the_team_can_answer_it_falls_back_to_the_best_available_overall(
        tx, matcher, policy, clock, staff):
    opt_in(tx, clock, staff[DEV])
    others = [i for e, i in staff.items() if e not in (DEV, MOBILE)]
    online(tx, clock, *others)
    with tx() as session:
        overall = [m.employee_id for m in matcher.rank(session, QUESTION).matches]
    conversation_id, routed = ask(tx, matcher, policy, clock, team="developer")
    assert routed.employee_id == next(eid for eid in overall if eid in others)
    (fell_back,) = events(tx, conversation_id, "fell_back")
    assert (fell_back.reason, fell_back.employee_id) == ("target_unavailable", routed.employee_id)
    (offered,) = events(tx, conversation_id, "offered")
    assert offered.detail["within_target"] is False
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert not addressing.describe(session, conversation, routed.employee_id).within
        skipped = {c.employee_id: c.skipped for c in conversation.candidates}
        assert skipped[staff[DEV]] == skipped[staff[MOBILE]] == "offline"


def test_a_declined_team_member_passes_it_to_the_next_member_before_anyone_else(
        tx, matcher, policy, clock, staff):
    from matchmaker import offers

    opt_in(tx, clock, staff[DEV])
    online(tx, clock, *staff.values())
    conversation_id, first = ask(tx, matcher, policy, clock, team="developer")
    assert first.employee_id == staff[DEV]
    with tx() as session:
        second = route(offers.decline_offer(session, first.offer_id, staff[DEV], policy,
                                            clock()))
    assert second.employee_id == staff[MOBILE]
    assert events(tx, conversation_id, "fell_back") == []


def test_a_question_to_one_person_goes_to_them_and_names_them(tx, matcher, policy, clock, staff):
    profile = opt_in(tx, clock, staff[MOBILE], display_name="Milo")
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock, person=profile.id)
    assert routed.employee_id == staff[MOBILE]
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation.addressed_employee_id == staff[MOBILE]
        assert addressing.describe(session, conversation, staff[MOBILE]) == (
            addressing.Addressed(team=None, person="Milo", within=True))


def test_a_person_who_cannot_answer_now_falls_back_and_the_customer_is_told_who_they_asked(
        tx, matcher, policy, clock, staff):
    profile = opt_in(tx, clock, staff[MOBILE], display_name="Milo")
    online(tx, clock, *[i for e, i in staff.items() if e != MOBILE])
    conversation_id, routed = ask(tx, matcher, policy, clock, person=profile.id)
    assert routed.employee_id == staff[DEV]  # the best available overall
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert addressing.describe(session, conversation, staff[DEV]) == (
            addressing.Addressed(team=None, person="Milo", within=False))


def test_with_nobody_available_it_waits_for_the_best_member_of_the_team(
        tx, matcher, policy, clock, staff):
    opt_in(tx, clock, staff[SUPPORT])
    _, routed = ask(tx, matcher, policy, clock, team="support")
    assert routed.offline and routed.employee_id == staff[SUPPORT]


@pytest.mark.parametrize("target", ["team_without_public_people", "opted_out_person",
                                    "unknown_person", "unknown_team"])
def test_a_target_that_is_not_public_is_refused(tx, matcher, policy, clock, staff, target):
    milo = opt_in(tx, clock, staff[MOBILE])
    opt_in(tx, clock, staff[DEV])
    opt_out(tx, clock, staff[DEV])
    with tx() as session:
        dana_profile = session.scalar(select(PublicProfile.id).where(
            PublicProfile.employee_id == staff[DEV]))
    asked = {"team_without_public_people": {"team": "sales"},
             "opted_out_person": {"person": dana_profile},
             "unknown_person": {"person": milo.id + 100},
             "unknown_team": {"team": "founders"}}[target]
    with pytest.raises(NotPublic) as raised:
        ask(tx, matcher, policy, clock, **asked)
    assert raised.value.code == "target_not_public"
    with tx() as session:
        assert session.scalar(select(Conversation.id)) is None
        assert session.scalar(select(Offer.id)) is None


def test_a_team_and_a_person_at_once_is_refused(tx, matcher, policy, clock, staff):
    milo = opt_in(tx, clock, staff[MOBILE])
    with pytest.raises(InvalidInput) as raised:
        ask(tx, matcher, policy, clock, team="developer", person=milo.id)
    assert raised.value.code == "invalid_target"
