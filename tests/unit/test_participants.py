"""Inviting a colleague into a live chat: who may invite whom, exactly one joins per invite,
everyone in it writes, hears and reads, capacity counts them, and leaving, closing and vanishing
keep somebody with the customer."""

import threading

import pytest
from sqlalchemy import select

from matchmaker import attachments, conversations, handovers, notes, participants, presence
from matchmaker.errors import (
    ColleagueUnavailable,
    ConversationClosed,
    Forbidden,
    HandoverNotOpen,
    InvalidInput,
)
from matchmaker.events import Closed, EmployeeLeft, ParticipantJoined, ParticipantLeft, Said
from matchmaker.models import Conversation, ConversationEvent, Handover, Participant, Presence
from tests.unit.conftest import sweep
from tests.unit.test_handovers import chat, me  # noqa: F401 (the live chat fixture)

SALES, DEV, SUPPORT = "sales@example.test", "dev@example.test", "support@example.test"


def invite(tx, matcher, policy, clock, staff, chat, *to, by=SALES):  # noqa: F811
    with tx() as session:
        handover, _ = handovers.request_handover(
            session, matcher, chat, me(session, staff, by), [staff[e] for e in to],
            "Can you explain webhooks?", policy, clock(), purpose="invite")
        return handover.id


def accept(tx, policy, clock, staff, handover_id, email):
    with tx() as session:
        return handovers.accept_handover(session, handover_id, me(session, staff, email),
                                         policy, clock())[1]


@pytest.fixture
def joined(tx, matcher, policy, clock, staff, chat):  # noqa: F811
    """The developer joined the sales chat; returns the conversation id."""
    accept(tx, policy, clock, staff, invite(tx, matcher, policy, clock, staff, chat, DEV), DEV)
    return chat


def inside(tx, chat):  # noqa: F811
    with tx() as session:
        conversation = session.get(Conversation, chat)
        return participants.everyone(session, conversation), conversation.status


def say(tx, policy, clock, staff, chat, email, body, client_id):  # noqa: F811
    with tx() as session:
        return conversations.say(session, session.get(Conversation, chat), "employee", body,
                                 client_id, policy, clock(), employee=me(session, staff, email))


def close(tx, clock, staff, chat, email=None):  # noqa: F811
    with tx() as session:
        return conversations.close_conversation(
            session, session.get(Conversation, chat), clock(),
            employee=me(session, staff, email) if email else None)


def test_only_someone_in_a_live_chat_can_invite(tx, matcher, policy, clock, staff, chat):  # noqa: F811
    with pytest.raises(Forbidden) as refused:
        invite(tx, matcher, policy, clock, staff, chat, SUPPORT, by=DEV)
    assert refused.value.code == "not_in_conversation"
    close(tx, clock, staff, chat)
    with pytest.raises(ConversationClosed):
        invite(tx, matcher, policy, clock, staff, chat, DEV)


def test_a_participant_can_invite_too(tx, matcher, policy, clock, staff, joined):
    handover_id = invite(tx, matcher, policy, clock, staff, joined, SUPPORT, by=DEV)
    accept(tx, policy, clock, staff, handover_id, SUPPORT)
    assert inside(tx, joined)[0] == (staff[SALES], staff[DEV], staff[SUPPORT])


def test_a_colleague_already_in_it_cannot_be_invited(tx, matcher, policy, clock, staff, joined):
    with pytest.raises(InvalidInput) as refused:
        invite(tx, matcher, policy, clock, staff, joined, DEV)
    assert refused.value.code == "already_in_conversation"


@pytest.mark.parametrize("make_unavailable, code", [
    (lambda s, e: s.query(Presence).filter_by(employee_id=e.id).delete(), "colleague_offline"),
    (lambda s, e: setattr(e, "available", False), "colleague_away"),
    (lambda s, e: setattr(e, "capacity", 0), "colleague_at_capacity"),
])
def test_an_invite_to_an_offline_away_or_full_colleague_is_refused(
        tx, matcher, policy, clock, staff, chat, make_unavailable, code):  # noqa: F811
    with tx() as session:
        make_unavailable(session, me(session, staff, DEV))
    with pytest.raises(ColleagueUnavailable) as refused:
        invite(tx, matcher, policy, clock, staff, chat, DEV)
    assert refused.value.code == code


def test_accepting_an_invite_joins_beside_the_lead_and_is_recorded(
        tx, matcher, policy, clock, staff, chat):  # noqa: F811
    handover_id = invite(tx, matcher, policy, clock, staff, chat, DEV)
    happened = accept(tx, policy, clock, staff, handover_id, DEV)
    assert ParticipantJoined(chat, handover_id, staff[DEV], staff[SALES]) in happened
    assert inside(tx, chat) == ((staff[SALES], staff[DEV]), "active")
    with tx() as session:
        assert session.get(Conversation, chat).employee_id == staff[SALES]  # still the lead
        assert session.get(Handover, handover_id).purpose == "invite"
        step = session.scalars(select(ConversationEvent).where(
            ConversationEvent.conversation_id == chat).order_by(ConversationEvent.id.desc())).first()
        assert (step.kind, step.employee_id, step.detail["by"]) == ("joined", staff[DEV],
                                                                    staff[SALES])
        assert "webhook" in step.detail["why"].lower()


def test_two_colleagues_accepting_an_invite_at_once_exactly_one_joins(
        tx, matcher, policy, clock, staff, chat):  # noqa: F811
    handover_id = invite(tx, matcher, policy, clock, staff, chat, DEV, SUPPORT)
    start, outcomes = threading.Barrier(2), {}

    def take(email):
        start.wait()
        try:
            accept(tx, policy, clock, staff, handover_id, email)
            outcomes[email] = "won"
        except HandoverNotOpen:
            outcomes[email] = "lost"

    racers = [threading.Thread(target=take, args=(e,)) for e in (DEV, SUPPORT)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(30)
    assert sorted(outcomes.values()) == ["lost", "won"]
    winner = next(e for e, o in outcomes.items() if o == "won")
    assert inside(tx, chat)[0] == (staff[SALES], staff[winner])


def test_a_participant_writes_and_every_employee_in_it_hears_of_it(
        tx, engine, policy, clock, staff, joined):
    _, happened = say(tx, policy, clock, staff, joined, DEV, "Signatures are HMAC.", "j-1")
    said = next(e for e in happened if isinstance(e, Said))
    assert (said.employee_id, said.participants) == (staff[SALES], (staff[DEV],))
    assert (said.author_id, said.author_name) == (staff[DEV], "Dana Dev")
    with engine.begin() as connection:  # the one-statement path: the same audience, no query
        fast = conversations.say_at_once(connection, joined, "employee", "Retries too.", "j-2",
                                         policy, clock(), employee_id=staff[DEV])
        heard = conversations.say_at_once(connection, joined, "customer", "Thanks!", "c-5",
                                          policy, clock())
    assert (fast.participants, fast.author_name) == ((staff[DEV],), "Dana Dev")
    assert (heard.employee_id, heard.participants, heard.author_id) == (
        staff[SALES], (staff[DEV],), None)


def test_a_participant_writes_notes_that_reach_everyone_in_it_and_never_the_customer(
        tx, policy, clock, staff, joined):
    with tx() as session:
        note, happened = notes.add_note(session, joined, me(session, staff, DEV),
                                        "Customer is on the legacy plan", "n-1", policy, clock())
        assert notes.may_write(session.get(Conversation, joined), me(session, staff, DEV),
                               [staff[DEV]])
    assert happened[0].recipients == tuple(sorted((staff[SALES], staff[DEV])))
    with pytest.raises(TypeError):
        notes.customer_messages([note])


def test_typing_reaches_the_customer_and_every_other_employee_in_it(tx, staff, joined):
    with tx() as session:
        conversation = session.get(Conversation, joined)
        assert conversations.typing_audience(session, conversation, me(session, staff, DEV)) == (
            joined, (staff[SALES],))
        assert conversations.typing_audience(session, conversation, None) == (
            None, (staff[SALES], staff[DEV]))
        assert conversations.typing_audience(session, conversation,
                                             me(session, staff, SUPPORT)) == (None, ())


def test_a_participation_counts_toward_capacity_until_they_leave(tx, clock, staff, joined):
    with tx() as session:
        assert presence.loads(session, [staff[DEV]])[staff[DEV]] == 1
        participants.leave(session, joined, me(session, staff, DEV), clock())
    with tx() as session:
        assert presence.loads(session, [staff[DEV]])[staff[DEV]] == 0


def test_a_participant_who_leaves_can_no_longer_write_and_reads_up_to_then(
        tx, engine, policy, clock, staff, joined):
    say(tx, policy, clock, staff, joined, DEV, "Signatures are HMAC.", "j-1")
    with tx() as session:
        happened = participants.leave(session, joined, me(session, staff, DEV), clock())
    assert happened == [ParticipantLeft(joined, staff[DEV], "left", staff[SALES],
                                        (staff[SALES],))]
    with pytest.raises(Forbidden):
        say(tx, policy, clock, staff, joined, DEV, "still here?", "j-2")
    with engine.begin() as connection:
        assert conversations.say_at_once(connection, joined, "employee", "still?", "j-3", policy,
                                         clock(), employee_id=staff[DEV]) is None
        later = conversations.say_at_once(connection, joined, "customer", "After Dana left",
                                          "c-9", policy, clock())
    assert later.participants == ()
    with tx() as session:
        conversation = session.get(Conversation, joined)
        until = conversations.readable_until(session, conversation, me(session, staff, DEV))
        bodies = [m.body for m in conversations.messages_after(session, joined, 0, until)]
    assert bodies[-1] == "Signatures are HMAC." and "After Dana left" not in bodies


def test_when_the_lead_leaves_the_longest_present_colleague_leads(
        tx, matcher, policy, clock, staff, joined):
    clock.advance(5)
    accept(tx, policy, clock, staff, invite(tx, matcher, policy, clock, staff, joined, SUPPORT),
           SUPPORT)
    with tx() as session:
        happened = participants.leave(session, joined, me(session, staff, SALES), clock())
    assert happened[0].lead_id == staff[DEV]
    assert inside(tx, joined) == ((staff[DEV], staff[SUPPORT]), "active")
    with tx() as session:
        kinds = [e.kind for e in session.scalars(select(ConversationEvent).where(
            ConversationEvent.conversation_id == joined).order_by(ConversationEvent.id))]
        assert kinds[-2:] == ["lead_changed", "left"]
        assert session.scalar(select(Participant.left_reason).where(
            Participant.employee_id == staff[DEV])) == "lead"


def test_the_last_one_in_it_cannot_leave_only_close(tx, clock, staff, chat):  # noqa: F811
    with pytest.raises(Forbidden) as refused, tx() as session:
        participants.leave(session, chat, me(session, staff, SALES), clock())
    assert refused.value.code == "last_in_conversation"


@pytest.mark.parametrize("closer", [SALES, DEV])
def test_an_employee_closing_while_a_colleague_stays_leaves(tx, clock, staff, joined, closer):
    happened = close(tx, clock, staff, joined, closer)
    assert [type(e) for e in happened] == [ParticipantLeft]
    assert happened[0].reason == "closed"
    stays = DEV if closer == SALES else SALES
    assert inside(tx, joined) == ((staff[stays],), "active")
    assert not any(isinstance(e, Closed) for e in close(tx, clock, staff, joined, closer))  # idem
    happened = close(tx, clock, staff, joined, stays)  # the last one's close ends it
    assert Closed(joined, "employee", staff[stays], ()) in happened
    assert inside(tx, joined)[1] == "closed"


def test_the_customers_close_ends_it_for_everyone(tx, clock, staff, joined):
    happened = close(tx, clock, staff, joined)
    assert Closed(joined, "customer", staff[SALES], (staff[DEV],)) in happened
    with tx() as session:
        row = session.scalars(select(Participant)).one()
        assert (row.left_reason, row.left_at) == ("conversation_closed", clock())


def test_when_the_lead_vanishes_a_present_colleague_leads_instead_of_rerouting(
        tx, policy, clock, staff, joined):
    with tx() as session:
        session.query(Presence).filter_by(employee_id=staff[SALES]).delete()
    happened = sweep(tx, policy, clock)
    assert not any(isinstance(e, EmployeeLeft) for e in happened)
    left = next(e for e in happened if isinstance(e, ParticipantLeft))
    assert (left.employee_id, left.reason, left.lead_id) == (staff[SALES], "presence_lapsed",
                                                             staff[DEV])
    assert inside(tx, joined) == ((staff[DEV],), "active")


def test_a_vanished_colleague_is_taken_out_of_the_conversation(tx, policy, clock, staff, joined):
    with tx() as session:
        session.query(Presence).filter_by(employee_id=staff[DEV]).delete()
    happened = sweep(tx, policy, clock)
    assert ParticipantLeft(joined, staff[DEV], "gone", staff[SALES], (staff[SALES],)) in happened
    assert inside(tx, joined) == ((staff[SALES],), "active")


def test_when_everyone_in_it_vanished_the_chat_is_routed_on(tx, policy, clock, staff, joined):
    with tx() as session:
        session.query(Presence).filter(
            Presence.employee_id.in_([staff[SALES], staff[DEV]])).delete()
    happened = sweep(tx, policy, clock)
    assert EmployeeLeft(joined, staff[SALES], "presence_lapsed") in happened
    with tx() as session:
        assert session.get(Conversation, joined).status != "active"
        assert session.scalars(select(Participant.left_reason)).one() == "gone"


def test_an_invite_whose_asker_left_is_withdrawn_by_the_sweeper(
        tx, matcher, policy, clock, staff, joined):
    handover_id = invite(tx, matcher, policy, clock, staff, joined, SUPPORT, by=DEV)
    with tx() as session:
        participants.leave(session, joined, me(session, staff, DEV), clock())
    sweep(tx, policy, clock)
    with tx() as session:
        assert session.get(Handover, handover_id).outcome == "moved_on"
    with pytest.raises(HandoverNotOpen):
        accept(tx, policy, clock, staff, handover_id, SUPPORT)


def test_an_invite_stays_open_while_the_asker_is_in_it_though_not_the_lead(
        tx, matcher, policy, clock, staff, joined):
    handover_id = invite(tx, matcher, policy, clock, staff, joined, SUPPORT, by=DEV)
    sweep(tx, policy, clock)
    with tx() as session:
        assert session.get(Handover, handover_id).outcome is None


def test_suggestions_for_an_invite_leave_out_everyone_in_it(
        tx, matcher, policy, clock, staff, joined):
    with tx() as session:
        suggested = handovers.suggest_colleagues(session, matcher, joined,
                                                 me(session, staff, DEV), policy, clock(),
                                                 purpose="invite")
    ids = [s.employee_id for s in suggested]
    assert ids and staff[SALES] not in ids and staff[DEV] not in ids


def test_the_chat_cannot_be_handed_over_to_a_colleague_already_in_it(
        tx, matcher, policy, clock, staff, joined):
    with pytest.raises(InvalidInput) as refused, tx() as session:
        handovers.request_handover(session, matcher, joined, me(session, staff, SALES),
                                   [staff[DEV]], "", policy, clock())
    assert refused.value.code == "already_in_conversation"


def test_a_participant_cannot_hand_the_chat_over(tx, matcher, policy, clock, staff, joined):
    with pytest.raises(Forbidden), tx() as session:
        handovers.request_handover(session, matcher, joined, me(session, staff, DEV),
                                   [staff[SUPPORT]], "", policy, clock())


def test_an_invited_colleague_attaches_and_everyone_in_it_hears_of_the_file(
        tx, matcher, policy, clock, staff, joined):
    from tests.unit.test_attachments import MemoryStore, PrefixInspector

    store = MemoryStore()
    file = attachments.prepare(PrefixInspector(), "schema.pdf", b"PDF:webhooks")
    with tx() as session:
        conversation = session.get(Conversation, joined)
        _, [event] = attachments.attach(session, store, conversation, file, "f1", policy,
                                        clock(), employee=me(session, staff, DEV))
    assert (event.author_id, event.employee_id, event.participants) == (
        staff[DEV], staff[SALES], (staff[DEV],))
    assert event.attachment.name == "schema.pdf" and len(store.files) == 1
    file = attachments.prepare(PrefixInspector(), "cat.png", b"PNG:cat")
    with tx() as session:
        _, [event] = attachments.attach(session, store, session.get(Conversation, joined), file,
                                        "c1", policy, clock())
    assert event.author == "customer" and event.participants == (staff[DEV],)
