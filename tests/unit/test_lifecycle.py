"""The conversation lifecycle: every allowed and every refused transition, and the timeline."""

import itertools

import pytest

from matchmaker import conversations, offers
from matchmaker.lifecycle import ALLOWED, InvalidTransition, Status, move
from matchmaker.models import Conversation, ConversationEvent, Customer, Employee
from tests.unit.conftest import online, route
from tests.unit.test_offers import ask

ALLOWED_PAIRS = {
    (Status.WAITING, Status.OFFERED), (Status.WAITING, Status.OFFLINE),
    (Status.WAITING, Status.CLOSED),
    (Status.OFFERED, Status.ACTIVE), (Status.OFFERED, Status.WAITING),
    (Status.OFFERED, Status.CLOSED),
    (Status.ACTIVE, Status.WAITING), (Status.ACTIVE, Status.CLOSED),
    (Status.OFFLINE, Status.CLOSED),
}
EVERY_PAIR = list(itertools.product(Status, Status))


def test_the_table_allows_exactly_the_documented_transitions():
    assert {(a, b) for a, targets in ALLOWED.items() for b in targets} == ALLOWED_PAIRS


def conversation_in(session, status: Status) -> Conversation:
    customer = Customer(visitor_id=f"visitor-{status}")
    conversation = Conversation(customer=customer, status=status, question="q")
    session.add(conversation)
    session.flush()
    return conversation


@pytest.mark.parametrize("current, target", [p for p in EVERY_PAIR if p in ALLOWED_PAIRS])
def test_an_allowed_transition_changes_the_status_and_is_recorded(tx, clock, current, target):
    with tx() as session:
        conversation = conversation_in(session, current)
        move(session, conversation, target, "step", clock(), actor="system", reason="because")
        conversation_id = conversation.id
    with tx() as session:
        assert session.get(Conversation, conversation_id).status == target
        step = session.query(ConversationEvent).filter_by(conversation_id=conversation_id).one()
        assert (step.kind, step.status_from, step.status_to, step.reason) == (
            "step", current, target, "because")


@pytest.mark.parametrize("current, target", [p for p in EVERY_PAIR if p not in ALLOWED_PAIRS])
def test_a_refused_transition_changes_nothing_and_records_nothing(tx, clock, current, target):
    with tx() as session:
        conversation = conversation_in(session, current)
        conversation_id = conversation.id
    with pytest.raises(InvalidTransition) as refused, tx() as session:
        move(session, session.get(Conversation, conversation_id), target, "step", clock())
    assert refused.value.code == "invalid_transition"
    with tx() as session:
        assert session.get(Conversation, conversation_id).status == current
        assert session.query(ConversationEvent).filter_by(
            conversation_id=conversation_id).count() == 0


def test_the_timeline_records_every_step_of_a_declined_then_accepted_conversation(
        tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, first = ask(tx, matcher, policy, clock)
    with tx() as session:
        second = route(offers.decline_offer(session, first.offer_id, first.employee_id, policy,
                                            clock()))
    with tx() as session:
        offers.accept_offer(session, second.offer_id, second.employee_id, clock())
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock(), employee=session.get(Employee, second.employee_id))
    with tx() as session:
        steps = [(s.kind, s.employee_id, s.status_from, s.status_to) for s in session.query(
            ConversationEvent).filter_by(conversation_id=conversation_id).order_by(
            ConversationEvent.id)]
    assert steps == [
        ("asked", None, None, None),
        ("offered", first.employee_id, "waiting", "offered"),
        ("declined", first.employee_id, "offered", "waiting"),
        ("offered", second.employee_id, "waiting", "offered"),
        ("accepted", second.employee_id, "offered", "active"),
        ("closed", second.employee_id, "active", "closed"),
    ]


def test_a_closed_conversation_cannot_be_closed_into_another_state(tx, matcher, policy, clock, staff):
    conversation_id, _ = ask(tx, matcher, policy, clock)  # nobody online: offline
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        conversations.close_conversation(session, conversation, clock())
        assert conversations.close_conversation(session, conversation, clock()) == []
        with pytest.raises(InvalidTransition):
            move(session, conversation, Status.OFFERED, "offered", clock())
