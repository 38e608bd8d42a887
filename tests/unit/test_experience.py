"""Learning from outcomes: well-rated conversations join the history; experience is bounded."""

import pytest

from matchmaker import conversations, experience, offers
from matchmaker.errors import Conflict
from matchmaker.models import Conversation, Employee, HistoryItem, ProfilePassage
from tests.unit.conftest import online
from tests.unit.test_offers import ask


def closed_conversation(tx, matcher, policy, clock, staff, text, answered=True):
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock, text=text)
    with tx() as session:
        conversation, _ = offers.accept_offer(session, routed.offer_id, routed.employee_id,
                                              clock())
        if answered:
            conversations.say(session, conversation, "employee", "Here is how.", "e1", policy,
                              clock(), employee=session.get(Employee, routed.employee_id))
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock())
    return conversation_id, routed.employee_id


@pytest.mark.parametrize("stars, learned", [(5, True), (4, True), (3, False), (1, False)])
def test_only_well_rated_conversations_join_the_history(tx, matcher, encoder, policy, clock,
                                                        staff, stars, learned):
    text = "webhook signature verification keeps failing"
    conversation_id, employee_id = closed_conversation(tx, matcher, policy, clock, staff, text)
    with tx() as session:
        experience.rate_and_learn(session, encoder, session.get(Conversation, conversation_id),
                                  stars, "", clock())
    with tx() as session:
        history = session.query(ProfilePassage).filter_by(employee_id=employee_id,
                                                          kind="history").all()
        assert [p.text for p in history] == ([text] if learned else [])


def test_rating_again_does_not_learn_twice(tx, matcher, encoder, policy, clock, staff):
    conversation_id, _ = closed_conversation(tx, matcher, policy, clock, staff,
                                             "webhook signature verification")
    for stars in (5, 4, 5):
        with tx() as session:
            experience.rate_and_learn(session, encoder,
                                      session.get(Conversation, conversation_id), stars, "",
                                      clock())
    with tx() as session:
        assert session.query(HistoryItem).count() == 1


def test_a_learned_question_pulls_similar_questions_to_that_person(tx, matcher, encoder, policy,
                                                                  clock, staff):
    text = "webhook signature verification and the zanzibar gateway"
    conversation_id, employee_id = closed_conversation(tx, matcher, policy, clock, staff, text)
    with tx() as session:
        experience.rate_and_learn(session, encoder, session.get(Conversation, conversation_id),
                                  5, "", clock())
    with tx() as session:
        top = matcher.rank(session, "zanzibar gateway").matches[0]
    assert top.employee_id == employee_id
    assert top.explanation.passage_kind == "history"
    # It ranks, but its words are another customer's: the reason is the profile's own.
    assert "zanzibar" not in top.explanation.reason
    with tx() as session:
        item = session.get(HistoryItem, top.explanation.history_item_id)
        assert (item.conversation_id, item.employee_id) == (conversation_id, employee_id)


def employee(prior_accepted=0):
    return Employee(prior_accepted=prior_accepted, prior_threads=prior_accepted)


def test_experience_saturates_so_volume_cannot_dominate():
    busy = experience.signal(employee(10_000), None)
    very_busy = experience.signal(employee(1_000_000), None)
    assert busy == very_busy == 1.0
    assert 0 < experience.signal(employee(5), None) < busy


def test_declines_and_poor_ratings_lower_experience():
    base = experience.signal(employee(10), experience.Outcome(accepted=10))
    declining = experience.signal(employee(10), experience.Outcome(accepted=10, declined=10))
    poorly_rated = experience.signal(employee(10), experience.Outcome(
        accepted=10, ratings=10, rating_sum=10))
    assert declining < base and poorly_rated < base
    assert min(declining, poorly_rated) >= -1.0


def test_a_conversation_the_employee_never_answered_teaches_nothing(tx, matcher, encoder, policy,
                                                                   clock, staff):
    conversation_id, _ = closed_conversation(tx, matcher, policy, clock, staff,
                                             "webhook signature verification", answered=False)
    with pytest.raises(Conflict, match="nobody answered"), tx() as session:
        experience.rate_and_learn(session, encoder, session.get(Conversation, conversation_id),
                                  5, "", clock())
    with tx() as session:
        assert session.query(HistoryItem).count() == 0


def test_lowering_the_rating_takes_the_lesson_back(tx, matcher, encoder, policy, clock, staff):
    conversation_id, employee_id = closed_conversation(tx, matcher, policy, clock, staff,
                                                       "webhook signature verification")
    for stars in (5, 1):
        with tx() as session:
            experience.rate_and_learn(session, encoder,
                                      session.get(Conversation, conversation_id), stars, "",
                                      clock())
    with tx() as session:
        assert session.query(HistoryItem).count() == 0
        assert session.query(ProfilePassage).filter_by(kind="history").count() == 0


def test_ranking_reads_active_people_with_their_live_outcomes_in_one_statement(
        tx, matcher, encoder, policy, clock, staff):
    conversation_id, answered_by = closed_conversation(tx, matcher, policy, clock, staff,
                                                       "webhook signature verification")
    with tx() as session:
        experience.rate_and_learn(session, encoder, session.get(Conversation, conversation_id),
                                  4, "", clock())
    _, declined = ask(tx, matcher, policy, clock, text="webhook signature verification")
    with tx() as session:
        offers.decline_offer(session, declined.offer_id, declined.employee_id, policy, clock())
    gone = next(eid for eid in staff.values()
                if eid not in {answered_by, declined.employee_id})
    with tx() as session:
        session.get(Employee, gone).active = False
    with tx() as session:
        people = experience.people(session, [*staff.values()])
        assert experience.people(session, []) == {}
    assert set(people) == set(staff.values()) - {gone}
    mine = people[answered_by].outcome
    assert (mine.accepted, mine.ratings, mine.rating_sum) == (1, 1, 4)
    assert people[declined.employee_id].outcome.declined == 1
    assert sum(person.outcome.declined for person in people.values()) == 1
