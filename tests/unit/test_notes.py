"""Internal notes: who may write them, validation, idempotent resends, their place in the
transcript, and the guard that keeps them from anything a customer is sent."""

import pytest

from matchmaker import conversations, notes, offers, rescue
from matchmaker.errors import Forbidden, InvalidInput, NotFound
from matchmaker.events import Noted
from matchmaker.models import Conversation, Employee, Message, Note
from tests.unit.conftest import online
from tests.unit.test_offers import accepted, ask


@pytest.fixture
def active(tx, matcher, policy, clock, staff):
    """An accepted conversation: (conversation id, employee id)."""
    return accepted(tx, matcher, policy, clock, staff)


def write(tx, policy, clock, conversation_id, employee_id, body="Customer is on the old plan.",
          client_id="n1"):
    """Add a note as this employee: (note id, after_seq, events)."""
    with tx() as session:
        note, happened = notes.add_note(session, conversation_id,
                                        session.get(Employee, employee_id), body, client_id,
                                        policy, clock())
        return note.id, note.after_seq, happened


def say(tx, policy, clock, conversation_id, body, employee_id=None):
    with tx() as session:
        employee = session.get(Employee, employee_id) if employee_id else None
        conversations.say(session, session.get(Conversation, conversation_id),
                          "employee" if employee else "customer", body, None, policy, clock(),
                          employee=employee)


def test_the_employee_who_has_the_chat_writes_a_note_for_themselves_only(tx, policy, clock,
                                                                         active):
    conversation_id, employee_id = active
    note_id, after_seq, happened = write(tx, policy, clock, conversation_id, employee_id)
    assert after_seq == 1  # after the question
    assert happened == [Noted(conversation_id, note_id, (employee_id,))]


def test_marketing_may_write_in_any_conversation_and_both_hear_of_it(tx, policy, clock, active,
                                                                     staff):
    conversation_id, employee_id = active
    marketing = staff["marketing@example.test"]
    note_id, _, happened = write(tx, policy, clock, conversation_id, marketing)
    assert happened == [Noted(conversation_id, note_id, tuple(sorted((employee_id, marketing))))]


def test_a_colleague_who_does_not_have_the_chat_cannot_see_it_to_write(tx, policy, clock,
                                                                        active, staff):
    conversation_id, _ = active
    with pytest.raises(NotFound):
        write(tx, policy, clock, conversation_id, staff["sales@example.test"])


def test_a_colleague_who_had_the_chat_before_may_read_it_but_not_write(tx, matcher, policy,
                                                                       clock, staff, active):
    conversation_id, first = active
    with tx() as session:
        rescue.employee_left(session, session.get(Conversation, conversation_id), first,
                             "presence_lapsed", policy, clock())
    with pytest.raises(Forbidden):
        write(tx, policy, clock, conversation_id, first)


def test_the_colleague_offered_the_chat_may_not_write_before_accepting(tx, matcher, policy,
                                                                       clock, staff):
    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock)
    with pytest.raises(Forbidden):
        write(tx, policy, clock, conversation_id, routed.employee_id)


def test_an_unknown_conversation_is_not_found(tx, policy, clock, staff):
    with pytest.raises(NotFound):
        write(tx, policy, clock, 999_999, staff["marketing@example.test"])


def test_notes_are_allowed_after_the_chat_ended(tx, policy, clock, active):
    conversation_id, employee_id = active
    with tx() as session:
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock())
    _, _, happened = write(tx, policy, clock, conversation_id, employee_id,
                           body="Follow-up: sent the invoice by mail.")
    assert len(happened) == 1


@pytest.mark.parametrize("body, code", [
    ("", "empty_message"), ("   ", "empty_message"), (None, "empty_message"),
    (7, "empty_message"), ("x" * 4001, "message_too_long"),
])
def test_bad_note_bodies_are_refused_and_nothing_is_stored(tx, policy, clock, active, body,
                                                           code):
    conversation_id, employee_id = active
    with pytest.raises(InvalidInput) as raised:
        write(tx, policy, clock, conversation_id, employee_id, body=body)
    assert raised.value.code == code
    with tx() as session:
        assert session.query(Note).count() == 0


@pytest.mark.parametrize("client_id", [None, "", "x" * 65, 12])
def test_a_note_needs_a_short_client_id(tx, policy, clock, active, client_id):
    conversation_id, employee_id = active
    with pytest.raises(InvalidInput) as raised:
        write(tx, policy, clock, conversation_id, employee_id, client_id=client_id)
    assert raised.value.code == "invalid_client_id"


def test_a_resent_note_is_stored_once_and_announced_once(tx, policy, clock, active):
    conversation_id, employee_id = active
    first = write(tx, policy, clock, conversation_id, employee_id, client_id="same")
    say(tx, policy, clock, conversation_id, "Are you still there?")
    again = write(tx, policy, clock, conversation_id, employee_id, client_id="same")
    assert again[:2] == first[:2] and again[2] == []
    with tx() as session:
        assert session.query(Note).count() == 1


def test_another_writer_cannot_reuse_a_client_id(tx, policy, clock, active, staff):
    conversation_id, employee_id = active
    write(tx, policy, clock, conversation_id, employee_id, client_id="same")
    with pytest.raises(InvalidInput) as raised:
        write(tx, policy, clock, conversation_id, staff["marketing@example.test"],
              client_id="same")
    assert raised.value.code == "invalid_client_id"


def test_a_note_moves_no_seq_and_sits_between_the_messages_it_was_written_between(
        tx, policy, clock, active):
    conversation_id, employee_id = active
    say(tx, policy, clock, conversation_id, "Which plan am I on?")  # seq 2
    write(tx, policy, clock, conversation_id, employee_id, "Old plan, check billing.", "n1")
    write(tx, policy, clock, conversation_id, employee_id, "Billing says: legacy.", "n2")
    say(tx, policy, clock, conversation_id, "You are on the legacy plan.", employee_id)  # seq 3
    write(tx, policy, clock, conversation_id, employee_id, "Offer the upgrade next time.", "n3")
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation.last_seq == 3
        listed = notes.notes_for(session, conversation, session.get(Employee, employee_id))
        placed = notes.placed(notes.transcript_notes(session, conversation_id))
    assert [(n.after_seq, n.client_id) for n in listed] == [(2, "n1"), (2, "n2"), (3, "n3")]
    assert {seq: [n.client_id for n in group] for seq, group in placed.items()} == {
        2: ["n1", "n2"], 3: ["n3"]}


def test_a_colleague_who_had_the_chat_reads_only_the_notes_from_their_time(
        tx, matcher, policy, clock, staff, active):
    conversation_id, first = active
    write(tx, policy, clock, conversation_id, first, "Mine, before I left.", "n1")
    with tx() as session:
        happened = rescue.employee_left(session, session.get(Conversation, conversation_id),
                                        first, "presence_lapsed", policy, clock())
    offer = next(e for e in happened if hasattr(e, "offer_id"))
    with tx() as session:
        offers.accept_offer(session, offer.offer_id, offer.employee_id, clock())
    write(tx, policy, clock, conversation_id, offer.employee_id, "The next one's note.", "n2")
    with tx() as session:
        conversation = session.get(Conversation, conversation_id)
        earlier = notes.notes_for(session, conversation, session.get(Employee, first))
        now = notes.notes_for(session, conversation, session.get(Employee, offer.employee_id))
    assert [n.client_id for n in earlier] == ["n1"]
    assert [n.client_id for n in now] == ["n1", "n2"]


def test_nothing_but_chat_messages_can_be_sent_to_a_customer(tx, policy, clock, active):
    conversation_id, employee_id = active
    write(tx, policy, clock, conversation_id, employee_id)
    with tx() as session:
        messages = conversations.messages_after(session, conversation_id, 0)
        note = session.query(Note).one()
        assert notes.customer_messages(messages) == messages
        assert all(isinstance(m, Message) for m in messages)
        with pytest.raises(TypeError):
            notes.customer_messages([*messages, note])
        with pytest.raises(TypeError):
            notes.customer_messages([{"body": note.body}])
