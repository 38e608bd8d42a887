"""Nobody stranded: a vanished employee's chats and offers move on; a reload is not leaving."""

from matchmaker import offers, presence
from matchmaker.events import CustomerPresence, EmployeeLeft, OfferClosed, Offered, Queued
from matchmaker.models import Candidate, Conversation, ConversationEvent
from tests.unit.conftest import online, route, sweep
from tests.unit.test_offers import accepted, ask


def rescue(tx, policy, clock):
    """The sweeper's steps; what happened to employees and offers (customers are left out)."""
    return [e for e in sweep(tx, policy, clock) if not isinstance(e, CustomerPresence)]


def gone(tx, clock, employee_id):
    """The employee's console closes (the browser went away)."""
    with tx() as session:
        presence.disconnect(session, f"sid-{employee_id}", clock())


def heartbeat_all_but(tx, clock, staff, employee_id):
    with tx() as session:
        for eid in staff.values():
            if eid != employee_id:
                presence.touch(session, eid, f"sid-{eid}", clock())


def test_a_reload_within_the_grace_is_not_leaving(tx, matcher, policy, clock, staff):
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    gone(tx, clock, employee_id)
    clock.advance(policy.rejoin_grace_s - 1)
    with tx() as session:
        presence.connect(session, employee_id, "sid-reloaded", clock())
    clock.advance(5)
    assert rescue(tx, policy, clock) == []
    with tx() as session:
        assert session.get(Conversation, conversation_id).status == "active"


def test_an_employee_gone_past_the_grace_is_replaced_by_the_next_candidate(
        tx, matcher, policy, clock, staff):
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    gone(tx, clock, employee_id)
    clock.advance(policy.rejoin_grace_s + 1)
    heartbeat_all_but(tx, clock, staff, employee_id)
    happened = rescue(tx, policy, clock)
    assert happened[0] == EmployeeLeft(conversation_id, employee_id, "presence_lapsed")
    offered = route(happened)
    assert not offered.offline and offered.employee_id != employee_id
    assert isinstance(happened[1], Offered) and happened[1].rerouted
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert (conversation.status, conversation.employee_id) == ("offered", None)
        steps = [(s.kind, s.employee_id, s.reason) for s in session.query(ConversationEvent)
                 .filter_by(conversation_id=conversation_id).order_by(ConversationEvent.id)
                 if not s.kind.startswith("customer_")][-2:]
        assert steps == [("left", employee_id, "presence_lapsed"),
                         ("offered", offered.employee_id, "rerouted")]
        assert session.query(Candidate).filter_by(
            conversation_id=conversation_id, employee_id=employee_id).one().skipped == "left"


def test_a_console_silent_past_the_presence_timeout_is_gone_too(tx, matcher, policy, clock, staff):
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    clock.advance(policy.presence_ttl_s + 1)  # its worker died: no disconnect, no heartbeat
    heartbeat_all_but(tx, clock, staff, employee_id)
    happened = rescue(tx, policy, clock)
    assert EmployeeLeft(conversation_id, employee_id, "presence_lapsed") in happened


def test_with_nobody_else_free_the_customer_is_asked_to_leave_an_email(
        tx, matcher, policy, clock, staff):
    conversation_id, employee_id = accepted(tx, matcher, policy, clock, staff)
    gone(tx, clock, employee_id)
    for eid in staff.values():
        if eid != employee_id:
            gone(tx, clock, eid)
    clock.advance(policy.rejoin_grace_s + 1)
    happened = rescue(tx, policy, clock)
    queued = [e for e in happened if isinstance(e, Queued)]
    # It waits for the person who had it (they know the conversation) to answer later.
    assert queued == [Queued(conversation_id, employee_id, "employee_left")]
    with tx() as session:
        assert session.get(Conversation, conversation_id).status == "offline"


def test_an_offer_to_a_vanished_console_moves_on_before_it_expires(
        tx, matcher, policy, clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, first = ask(tx, matcher, policy, clock)
    gone(tx, clock, first.employee_id)
    clock.advance(policy.rejoin_grace_s + 1)  # well before the offer timeout
    heartbeat_all_but(tx, clock, staff, first.employee_id)
    happened = rescue(tx, policy, clock)
    assert happened[0] == OfferClosed(conversation_id, first.offer_id, first.employee_id,
                                      "unreachable")
    assert route(happened).employee_id not in (None, first.employee_id)


def test_a_stranded_question_waits_for_the_person_who_had_it_not_the_best_ranked(
        tx, matcher, policy, clock, staff):
    dev = staff["dev@example.test"]  # the best match for the question, but not signed in
    others = [eid for eid in staff.values() if eid != dev]
    online(tx, clock, *others)
    conversation_id, routed = ask(tx, matcher, policy, clock)
    assert routed.employee_id != dev
    with tx() as session:
        offers.accept_offer(session, routed.offer_id, routed.employee_id, clock())
    for eid in others:
        gone(tx, clock, eid)
    clock.advance(policy.rejoin_grace_s + 1)
    queued = [e for e in rescue(tx, policy, clock) if isinstance(e, Queued)]
    assert queued == [Queued(conversation_id, routed.employee_id, "employee_left")]
