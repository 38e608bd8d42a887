"""Handovers: whom the matcher suggests for the conversation so far, who may be asked, the first
colleague to accept wins, and the conversation stays with the requester when nobody does."""

import threading

import pytest

from matchmaker import conversations, handovers, offers
from matchmaker.conversations import Question
from matchmaker.errors import (
    ColleagueUnavailable,
    ConversationClosed,
    Forbidden,
    HandoverNotOpen,
    HandoverPending,
    InvalidInput,
    NotFound,
)
from matchmaker.events import (
    HandedOver,
    HandoverAnswered,
    HandoverFailed,
    HandoverInviteClosed,
    HandoverOffered,
)
from matchmaker.models import (
    Conversation,
    ConversationEvent,
    Employee,
    Handover,
    HandoverInvite,
    Message,
    Presence,
)
from tests.unit.conftest import online, route, sweep

PRICING = "What do your pricing plans cost per user, and is there a volume discount?"
TURNED = ("We would integrate through the REST invoicing API: how does webhook signature "
          "verification work, and are idempotency keys and retries supported?")


@pytest.fixture
def chat(tx, matcher, policy, clock, staff):
    """Sales has a live chat about pricing that turned technical; everyone is online and free.
    Returns the conversation id."""
    sales = staff["sales@example.test"]
    online(tx, clock, sales)
    with tx() as session:
        matches = matcher.rank(session, PRICING).matches
        conversation, _ = conversations.open_conversation(
            session, Question(text=PRICING, visitor_id="visitor-1"), matches, policy, clock())
        routed = route(offers.offer_next(session, conversation, policy, clock()))
    assert routed.employee_id == sales
    with tx() as session:
        offers.accept_offer(session, routed.offer_id, sales, clock())
    online(tx, clock, *staff.values())
    with tx() as session:
        conversation = session.get(Conversation, routed and conversation.id)
        conversations.say(session, conversation, "employee", "Happy to help with prices.", "e-1",
                          policy, clock(), employee=session.get(Employee, sales))
        conversations.say(session, conversation, "customer", TURNED, "c-1", policy, clock())
        return conversation.id


def me(session, staff, email):
    return session.get(Employee, staff[email])


def suggest(tx, matcher, policy, clock, staff, chat, by="sales@example.test"):
    with tx() as session:
        return handovers.suggest_colleagues(session, matcher, chat, me(session, staff, by),
                                            policy, clock())


def hand_over(tx, matcher, policy, clock, staff, chat, *to, note="Technical now: webhooks"):
    with tx() as session:
        handover, happened = handovers.request_handover(
            session, matcher, chat, me(session, staff, "sales@example.test"),
            [staff[e] for e in to], note, policy, clock())
        return handover.id, happened


def accept(tx, policy, clock, staff, handover_id, email):
    with tx() as session:
        return handovers.accept_handover(session, handover_id, me(session, staff, email), policy,
                                         clock())[1]


def decline(tx, clock, staff, handover_id, email):
    with tx() as session:
        return handovers.decline_handover(session, handover_id, me(session, staff, email),
                                          clock())


def failed(happened) -> HandoverFailed | None:
    return next((e for e in happened if isinstance(e, HandoverFailed)), None)


def holder(tx, chat) -> int:
    with tx() as session:
        return session.get(Conversation, chat).employee_id


def test_suggestions_follow_the_conversation_and_leave_out_the_current_employee(
        tx, matcher, policy, clock, staff, chat):
    suggested = suggest(tx, matcher, policy, clock, staff, chat)
    assert suggested[0].employee_id == staff["dev@example.test"]
    assert suggested[0].match.explanation.reason  # the curated why, from the profile
    assert staff["sales@example.test"] not in [s.employee_id for s in suggested]


@pytest.mark.parametrize("make_unavailable", [
    pytest.param(lambda s, e: s.query(Presence).filter_by(employee_id=e.id).delete(), id="offline"),
    pytest.param(lambda s, e: setattr(e, "available", False), id="away"),
    pytest.param(lambda s, e: setattr(e, "capacity", 0), id="full"),
])
def test_suggestions_leave_out_colleagues_who_cannot_take_it_now(
        tx, matcher, policy, clock, staff, chat, make_unavailable):
    with tx() as session:
        make_unavailable(session, me(session, staff, "dev@example.test"))
    suggested = [s.employee_id for s in suggest(tx, matcher, policy, clock, staff, chat)]
    assert suggested and staff["dev@example.test"] not in suggested


def test_suggestions_weigh_the_conversation_language_as_routing_does(
        tx, matcher, policy, clock, staff, chat):
    with tx() as session:
        session.get(Conversation, chat).language = "fr"  # sales speaks French, dev does not
        me(session, staff, "support@example.test").languages = ["en", "fr"]
    parts = {s.employee_id: s.match.explanation.parts["language"]
             for s in suggest(tx, matcher, policy, clock, staff, chat)}
    assert parts[staff["dev@example.test"]] < 0 == parts[staff["support@example.test"]]


def test_only_the_employee_who_has_the_chat_gets_suggestions_or_hands_it_over(
        tx, matcher, policy, clock, staff, chat):
    with pytest.raises(Forbidden):
        suggest(tx, matcher, policy, clock, staff, chat, by="dev@example.test")
    with pytest.raises(Forbidden), tx() as session:
        handovers.request_handover(session, matcher, chat, me(session, staff, "dev@example.test"),
                                   [staff["support@example.test"]], "", policy, clock())


@pytest.mark.parametrize("make_unavailable, code", [
    (lambda s, e: s.query(Presence).filter_by(employee_id=e.id).delete(), "colleague_offline"),
    (lambda s, e: setattr(e, "available", False), "colleague_away"),
    (lambda s, e: setattr(e, "capacity", 0), "colleague_at_capacity"),
])
def test_a_handover_to_an_offline_away_or_full_colleague_is_refused(
        tx, matcher, policy, clock, staff, chat, make_unavailable, code):
    with tx() as session:
        make_unavailable(session, me(session, staff, "dev@example.test"))
    with pytest.raises(ColleagueUnavailable) as refused:
        hand_over(tx, matcher, policy, clock, staff, chat, "support@example.test",
                  "dev@example.test")
    assert refused.value.code == code
    with tx() as session:
        assert session.query(Handover).count() == 0


@pytest.mark.parametrize("to", [[], ["me"], ["dev", "dev"], ["dev", "support", "mobile", "admin"]])
def test_one_to_three_other_colleagues_may_be_asked(tx, matcher, policy, clock, staff, chat, to):
    ids = [staff["sales@example.test" if e == "me" else f"{e}@example.test"] for e in to]
    with pytest.raises(InvalidInput) as refused, tx() as session:
        handovers.request_handover(session, matcher, chat,
                                   me(session, staff, "sales@example.test"), ids, "", policy,
                                   clock())
    assert refused.value.code == "invalid_colleagues"


def test_each_colleague_asked_is_offered_it_with_the_curated_reason(
        tx, matcher, policy, clock, staff, chat):
    handover_id, happened = hand_over(tx, matcher, policy, clock, staff, chat,
                                      "dev@example.test", "support@example.test")
    assert {e.employee_id for e in happened if isinstance(e, HandoverOffered)} == {
        staff["dev@example.test"], staff["support@example.test"]}
    with tx() as session:
        handover = session.get(Handover, handover_id)
        assert (handover.outcome, handover.note) == (None, "Technical now: webhooks")
        reasons = {i.employee_id: i.reason for i in handover.invites}
        assert "webhook" in reasons[staff["dev@example.test"]].lower()
    assert holder(tx, chat) == staff["sales@example.test"]  # theirs while it is pending


def test_a_second_handover_while_one_is_pending_is_refused(tx, matcher, policy, clock, staff,
                                                           chat):
    hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test")
    with pytest.raises(HandoverPending):
        hand_over(tx, matcher, policy, clock, staff, chat, "support@example.test")


def test_accepting_hands_over_the_chat_with_its_history_and_the_requester_cannot_write(
        tx, engine, matcher, policy, clock, staff, chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test")
    happened = accept(tx, policy, clock, staff, handover_id, "dev@example.test")
    assert HandedOver(chat, handover_id, staff["sales@example.test"],
                      staff["dev@example.test"]) in happened
    assert holder(tx, chat) == staff["dev@example.test"]
    with tx() as session:
        conversation = session.get(Conversation, chat)
        assert conversation.status == "active"
        assert [m.body for m in session.query(Message).filter_by(conversation_id=chat)
                .order_by(Message.seq)] == [PRICING, "Happy to help with prices.", TURNED]
        with pytest.raises(Forbidden):
            conversations.say(session, conversation, "employee", "still me?", "e-2", policy,
                              clock(), employee=me(session, staff, "sales@example.test"))
    with engine.begin() as connection:  # the one-statement write path refuses them too
        assert conversations.say_at_once(
            connection, chat, "employee", "still me?", "e-3", policy, clock(),
            employee_id=staff["sales@example.test"]) is None
        said = conversations.say_at_once(connection, chat, "employee", "Jonas here", "e-4",
                                         policy, clock(), employee_id=staff["dev@example.test"])
    assert said is not None and said.seq == 4


def test_the_requester_still_reads_the_chat_up_to_the_handover_and_nothing_after(
        tx, engine, matcher, policy, clock, staff, chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test")
    accept(tx, policy, clock, staff, handover_id, "dev@example.test")
    with engine.begin() as connection:
        conversations.say_at_once(connection, chat, "customer", "Thanks Jonas, and the key?",
                                  "c-9", policy, clock())
    with tx() as session:
        conversation = session.get(Conversation, chat)
        sales = me(session, staff, "sales@example.test")
        until = conversations.readable_until(session, conversation, sales)
        readable = conversations.messages_after(session, chat, 0, until)
        assert [m.body for m in readable] == [PRICING, "Happy to help with prices.", TURNED]


def test_the_timeline_says_who_handed_over_to_whom_and_why(tx, matcher, policy, clock, staff,
                                                           chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test")
    accept(tx, policy, clock, staff, handover_id, "dev@example.test")
    with tx() as session:
        steps = session.query(ConversationEvent).filter_by(conversation_id=chat).order_by(
            ConversationEvent.id).all()
        kinds = [s.kind for s in steps]
        assert kinds[-2:] == ["handover_requested", "handed_over"]
        step = steps[-1]
        assert step.employee_id == staff["sales@example.test"]
        assert step.detail["to"] == staff["dev@example.test"] and "webhook" in step.detail["why"].lower()


def test_two_colleagues_accepting_one_after_the_other_only_the_first_wins(
        tx, matcher, policy, clock, staff, chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test",
                               "support@example.test")
    happened = accept(tx, policy, clock, staff, handover_id, "support@example.test")
    assert HandoverInviteClosed(chat, handover_id, staff["dev@example.test"],
                                "withdrawn") in happened
    with pytest.raises(HandoverNotOpen):
        accept(tx, policy, clock, staff, handover_id, "dev@example.test")
    assert holder(tx, chat) == staff["support@example.test"]


def test_two_colleagues_accepting_at_once_exactly_one_wins(tx, matcher, policy, clock, staff,
                                                           chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test",
                               "support@example.test")
    start, outcomes = threading.Barrier(2), {}

    def take(email):
        start.wait()
        try:
            accept(tx, policy, clock, staff, handover_id, email)
            outcomes[email] = "won"
        except HandoverNotOpen:
            outcomes[email] = "lost"

    racers = [threading.Thread(target=take, args=(e,))
              for e in ("dev@example.test", "support@example.test")]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(30)
    assert sorted(outcomes.values()) == ["lost", "won"]
    winner = next(e for e, o in outcomes.items() if o == "won")
    assert holder(tx, chat) == staff[winner]
    with tx() as session:
        assert sorted(i.outcome for i in session.query(HandoverInvite)) == ["accepted", "withdrawn"]
        assert session.get(Handover, handover_id).to_employee_id == staff[winner]


def test_when_everyone_declines_the_chat_stays_with_the_requester_who_is_told_who(
        tx, matcher, policy, clock, staff, chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test",
                               "support@example.test")
    first = decline(tx, clock, staff, handover_id, "dev@example.test")
    assert first == [HandoverAnswered(chat, handover_id, staff["sales@example.test"],
                                      staff["dev@example.test"], "declined")]
    second = decline(tx, clock, staff, handover_id, "support@example.test")
    assert failed(second) == HandoverFailed(chat, handover_id, staff["sales@example.test"],
                                            "declined")
    assert holder(tx, chat) == staff["sales@example.test"]
    with tx() as session:
        assert session.get(Handover, handover_id).outcome == "declined"


def test_an_unanswered_handover_expires_and_the_requester_keeps_the_chat(
        tx, matcher, policy, clock, staff, chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test",
                               "support@example.test")
    decline(tx, clock, staff, handover_id, "support@example.test")
    clock.advance(policy.offer_timeout_s + 1)
    happened = sweep(tx, policy, clock)
    assert failed(happened).outcome == "expired"
    assert HandoverInviteClosed(chat, handover_id, staff["dev@example.test"], "expired") in happened
    with pytest.raises(HandoverNotOpen):
        accept(tx, policy, clock, staff, handover_id, "dev@example.test")
    assert holder(tx, chat) == staff["sales@example.test"]
    with tx() as session:
        answers = {i.employee_id: i.outcome for i in session.get(Handover, handover_id).invites}
        assert answers == {staff["dev@example.test"]: "expired",
                           staff["support@example.test"]: "declined"}


def test_the_requester_cancels_and_the_colleagues_asked_are_told(tx, matcher, policy, clock,
                                                                staff, chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test")
    with pytest.raises(NotFound), tx() as session:  # only the requester
        handovers.cancel_handover(session, handover_id, me(session, staff, "dev@example.test"),
                                  clock())
    with tx() as session:
        happened = handovers.cancel_handover(session, handover_id,
                                             me(session, staff, "sales@example.test"), clock())
    assert HandoverInviteClosed(chat, handover_id, staff["dev@example.test"], "withdrawn") in happened
    assert failed(happened).outcome == "cancelled"
    with pytest.raises(HandoverNotOpen):
        accept(tx, policy, clock, staff, handover_id, "dev@example.test")
    hand_over(tx, matcher, policy, clock, staff, chat, "support@example.test")  # may ask again


def test_the_chat_closing_while_a_handover_is_pending_ends_it(tx, matcher, policy, clock,
                                                              staff, chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test")
    with tx() as session:  # the customer leaves
        happened = conversations.close_conversation(session, session.get(Conversation, chat),
                                                    clock())
    assert HandoverInviteClosed(chat, handover_id, staff["dev@example.test"], "withdrawn") in happened
    assert failed(happened).outcome == "conversation_closed"
    with pytest.raises(HandoverNotOpen):
        accept(tx, policy, clock, staff, handover_id, "dev@example.test")
    with pytest.raises(ConversationClosed):
        hand_over(tx, matcher, policy, clock, staff, chat, "support@example.test")


def test_a_handover_whose_requester_left_the_chat_is_withdrawn_by_the_sweeper(
        tx, matcher, policy, clock, staff, chat):
    from matchmaker import rescue

    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "dev@example.test")
    with tx() as session:  # their console vanished: the chat is routed on
        rescue.employee_left(session, session.get(Conversation, chat),
                             staff["sales@example.test"], "presence_lapsed", policy, clock())
    assert failed(sweep(tx, policy, clock)).outcome == "moved_on"
    with pytest.raises(HandoverNotOpen):
        accept(tx, policy, clock, staff, handover_id, "dev@example.test")


def test_a_colleague_who_filled_up_meanwhile_cannot_accept(tx, matcher, policy, clock, staff,
                                                           chat):
    handover_id, _ = hand_over(tx, matcher, policy, clock, staff, chat, "mobile@example.test")
    with tx() as session:  # capacity 1: an offer arrives before they answer
        conversation, _ = conversations.open_conversation(
            session, Question(text="iOS app crashes", visitor_id="visitor-2"),
            matcher.rank(session, "iOS app crashes").matches, policy, clock())
        routed = route(offers.offer_next(session, conversation, policy, clock()))
    assert routed.employee_id == staff["mobile@example.test"]
    with pytest.raises(ColleagueUnavailable) as refused:
        accept(tx, policy, clock, staff, handover_id, "mobile@example.test")
    assert refused.value.code == "colleague_at_capacity"
    assert holder(tx, chat) == staff["sales@example.test"]


def test_the_text_read_is_the_customers_words_newest_kept(tx, staff, chat):
    with tx() as session:
        conversation = session.get(Conversation, chat)
        assert handovers.conversation_text(session, conversation, 2000) == f"{PRICING}\n{TURNED}"
        assert handovers.conversation_text(session, conversation, len(TURNED) + 5) == TURNED
