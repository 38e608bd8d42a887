"""The customer's presence (left, back; a page change is not leaving) and the read mark."""

import pytest

from matchmaker import conversations, visitors
from matchmaker.events import CustomerPresence
from matchmaker.models import Conversation, Employee
from tests.unit.conftest import sweep as sweep_all
from tests.unit.test_conversations import say
from tests.unit.test_offers import accepted


@pytest.fixture
def chat(tx, matcher, policy, clock, staff):
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    with tx() as session:
        visitors.widget_connected(session, session.get(Conversation, conversation_id), "w1",
                                  clock())
    return conversation_id, employee_id


def sweep(tx, policy, clock):
    """The sweeper's steps; only the customers' comings and goings (the employee is left out)."""
    return [e for e in sweep_all(tx, policy, clock) if isinstance(e, CustomerPresence)]


def test_a_page_change_within_the_grace_is_not_leaving(tx, policy, clock, chat):
    conversation_id, _ = chat
    with tx() as session:
        visitors.widget_disconnected(session, "w1", clock())
        clock.advance(2)
        assert visitors.widget_connected(
            session, session.get(Conversation, conversation_id), "w2", clock()) == []
    clock.advance(policy.rejoin_grace_s + 1)
    assert sweep(tx, policy, clock) == []


def test_a_customer_gone_past_the_grace_has_left_and_is_back_on_return(tx, policy, clock, chat):
    conversation_id, employee_id = chat
    with tx() as session:
        visitors.widget_disconnected(session, "w1", clock())
    clock.advance(policy.rejoin_grace_s + 1)
    assert sweep(tx, policy, clock) == [CustomerPresence(conversation_id, employee_id, False)]
    assert sweep(tx, policy, clock) == []  # told once
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation.customer_present is False
        back = visitors.widget_connected(session, conversation, "w3", clock())
    assert back == [CustomerPresence(conversation_id, employee_id, True)]


def test_a_widget_whose_worker_died_counts_as_gone(tx, policy, clock, chat):
    conversation_id, employee_id = chat
    clock.advance(policy.presence_ttl_s + 1)  # no disconnect, no heartbeat
    assert sweep(tx, policy, clock) == [CustomerPresence(conversation_id, employee_id, False)]


def test_the_read_mark_only_moves_forward_and_counts_unread_replies(tx, policy, clock, chat):
    conversation_id, employee_id = chat
    for i in range(3):
        say(tx, policy, clock, conversation_id, f"reply {i}", f"e{i}", employee_id)
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert visitors.unread(session, conversation) == 3
        assert visitors.mark_read(session, conversation, 3) == 3
        assert visitors.unread(session, conversation) == 1
        assert visitors.mark_read(session, conversation, 1) == 3  # never back
        assert visitors.mark_read(session, conversation, 99) == 4  # never past the last
        assert visitors.unread(session, conversation) == 0


def test_a_closed_conversation_does_not_report_departures(tx, policy, clock, chat):
    conversation_id, employee_id = chat
    with tx() as session:
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock(), employee=session.get(Employee, employee_id))
        visitors.widget_disconnected(session, "w1", clock())
    clock.advance(policy.rejoin_grace_s + 1)
    assert sweep(tx, policy, clock) == []
