"""The live loop through the Flask and Socket.IO test clients: ask → offer → accept → chat."""

from matchmaker.events import CustomerDetails
from matchmaker.models import Conversation, Message
from tests.web.conftest import ask, events
from web import live

EMP, CUS = "/employee", "/customer"


def test_ask_offers_the_best_available_expert_and_says_why(app, console, staff):
    dev = console("dev@example.test")
    console("sales@example.test")
    asked = ask(app.test_client())
    assert asked["status"] == "offered"
    assert asked["asking"]["name"] == "Dana Dev"
    assert asked["reason"] == "webhook signature verification"
    offered = events(dev, EMP, "offered")
    assert [o["conversation_id"] for o in offered] == [asked["id"]]
    assert offered[0]["reason"] == "webhook signature verification"


def test_accept_then_chat_both_ways_in_order(app, console, customer, svc):
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    widget = customer(asked)
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    ack = dev.emit("accept", {"offer_id": offer_id}, namespace=EMP, callback=True)
    assert ack["ok"] and ack["conversation"]["status"] == "active"
    assert events(widget, CUS, "accepted")[0]["employee"]["name"] == "Dana Dev"

    ack = widget.emit("say", {"body": "Hi, any idea?", "client_id": "c1"}, namespace=CUS,
                      callback=True)
    assert ack["ok"] and ack["message"]["seq"] == 2
    assert [m["body"] for m in events(dev, EMP, "said")] == ["Hi, any idea?"]
    ack = dev.emit("say", {"conversation_id": asked["id"], "body": "Yes: sign the raw body.",
                           "client_id": "e1"}, namespace=EMP, callback=True)
    assert ack["message"]["seq"] == 3
    said = events(widget, CUS, "said")  # its own message came in its ack, not again as `said`
    assert [(m["seq"], m["author"]) for m in said] == [(3, "employee")]
    with svc.transaction() as session:
        stored = session.query(Message).filter_by(conversation_id=asked["id"]).order_by(
            Message.seq).all()
        assert [m.body for m in stored] == [
            "How do I verify the webhook signature?", "Hi, any idea?", "Yes: sign the raw body."]


def test_every_other_tab_of_both_sides_hears_a_message_and_the_sender_has_it_in_its_ack(
        chat, console, customer):
    dev, widget, asked = chat
    dev_tab, widget_tab = console("dev@example.test"), customer(asked)
    for client, namespace in [(dev, EMP), (dev_tab, EMP), (widget, CUS), (widget_tab, CUS)]:
        events(client, namespace)
    ack = widget.emit("say", {"body": "From my phone", "client_id": "c1"}, namespace=CUS,
                      callback=True)
    assert ack["ok"] and ack["message"]["body"] == "From my phone"
    assert events(widget, CUS, "said") == []
    for client, namespace in [(widget_tab, CUS), (dev, EMP), (dev_tab, EMP)]:
        assert [m["seq"] for m in events(client, namespace, "said")] == [ack["message"]["seq"]]
    ack = dev.emit("say", {"conversation_id": asked["id"], "body": "Got it", "client_id": "e1"},
                   namespace=EMP, callback=True)
    assert events(dev, EMP, "said") == []
    for client, namespace in [(dev_tab, EMP), (widget, CUS), (widget_tab, CUS)]:
        assert [m["body"] for m in events(client, namespace, "said")] == ["Got it"]


def test_decline_moves_the_offer_to_the_next_candidate(app, console, customer):
    dev = console("dev@example.test")
    sales = console("sales@example.test")
    asked = ask(app.test_client(), question="webhook signature verification volume discount")
    widget = customer(asked)
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    assert dev.emit("decline", {"offer_id": offer_id}, namespace=EMP, callback=True) == {"ok": True}
    assert [o["conversation_id"] for o in events(sales, EMP, "offered")] == [asked["id"]]
    assert events(widget, CUS, "asking")[0]["employee"]["name"] == "Sam Sales"


def test_a_timed_out_offer_moves_on_via_the_sweeper(app, console, customer, svc, clock):
    from web.runtime import sweep_once

    dev = console("dev@example.test")
    sales = console("sales@example.test")
    asked = ask(app.test_client(), question="webhook signature verification volume discount")
    events(dev, EMP)
    clock.advance(svc.policy.offer_timeout_s + 1)
    # The consoles keep sending heartbeats in real life; here they are refreshed by hand.
    for client in (dev, sales):
        client.emit("heartbeat", {}, namespace=EMP, callback=True)
    with app.app_context():
        sweep_once(svc)
    assert events(dev, EMP, "offer_closed")[0]["outcome"] == "expired"
    assert [o["conversation_id"] for o in events(sales, EMP, "offered")] == [asked["id"]]


def test_an_address_left_later_reaches_the_console_that_has_the_question(app, customer, console):
    dev = console("dev@example.test", available=False)
    asked = ask(app.test_client())
    assert asked["status"] == "offline"  # in Dana's inbox
    widget = customer(asked)
    assert widget.emit("leave_email", {"email": "pat@example.org", "name": "Pat"},
                       namespace=CUS, callback=True)["ok"]
    assert events(dev, EMP, "customer_details") == [{
        "conversation_id": asked["id"], "customer_name": "Pat",
        "customer_email": "pat@example.org"}]


def test_an_address_left_reaches_the_general_inbox_and_nobody_before_anyone_has_it(app, svc):
    asked = ask(app.test_client())
    for status, rooms in (("offline", [live.GENERAL_ROOM]), ("offered", [])):
        with svc.transaction() as session:
            conversation = session.get(Conversation, asked["id"])
            conversation.status, conversation.employee_id = status, None
            sent = live.socket_events(session, [CustomerDetails(conversation.id, None)])
        assert [event.room for event in sent] == rooms


def test_nobody_available_goes_offline_and_the_email_is_kept(app, customer, svc, console, staff):
    asked = ask(app.test_client())
    assert asked["status"] == "offline"
    assert asked["employee"]["name"] == "Dana Dev"
    widget = customer(asked)
    ack = widget.emit("leave_email", {"email": "pat@example.org", "name": "Pat"}, namespace=CUS,
                      callback=True)
    assert ack == {"ok": True}
    with svc.transaction() as session:
        conversation = session.get(Conversation, asked["id"])
        assert conversation.customer.email == "pat@example.org"
    dev = console("dev@example.test")
    state = dev.emit("state", {}, namespace=EMP, callback=True)
    assert [c["id"] for c in state["inbox"]] == [asked["id"]]
    ack = dev.emit("say", {"conversation_id": asked["id"], "body": "Here is your answer.",
                           "client_id": "later-1"}, namespace=EMP, callback=True)
    assert ack["ok"]


def test_close_then_rate_and_consent_are_stored(app, console, customer, svc):
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    widget = customer(asked)
    dev.emit("accept", {"offer_id": events(dev, EMP, "offered")[0]["offer_id"]}, namespace=EMP,
             callback=True)
    dev.emit("say", {"conversation_id": asked["id"], "body": "Sign the raw body.",
                     "client_id": "e1"}, namespace=EMP, callback=True)
    assert dev.emit("close", {"conversation_id": asked["id"]}, namespace=EMP, callback=True)["ok"]
    assert events(widget, CUS, "closed")[-1]["by"] == "employee"
    assert widget.emit("rate", {"stars": 5, "comment": "Great"}, namespace=CUS,
                       callback=True) == {"ok": True}
    assert widget.emit("consent", {"granted": True}, namespace=CUS, callback=True) == {"ok": True}
    with svc.transaction() as session:
        conversation = session.get(Conversation, asked["id"])
        assert conversation.rating.stars == 5 and conversation.consent.granted


def test_typing_is_relayed_both_ways(app, console, customer):
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    widget = customer(asked)
    dev.emit("accept", {"offer_id": events(dev, EMP, "offered")[0]["offer_id"]}, namespace=EMP,
             callback=True)
    widget.emit("typing", {"typing": True}, namespace=CUS, callback=True)
    assert events(dev, EMP, "typing")[-1] == {"conversation_id": asked["id"],
                                              "author": "customer", "typing": True}
    dev.emit("typing", {"conversation_id": asked["id"], "typing": True}, namespace=EMP,
             callback=True)
    assert events(widget, CUS, "typing")[-1] == {"author": "employee", "typing": True,
                                                 "employee_name": "Dana Dev"}


def test_sync_after_a_reconnect_returns_exactly_the_missed_messages(app, console, customer):
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    dev.emit("accept", {"offer_id": events(dev, EMP, "offered")[0]["offer_id"]}, namespace=EMP,
             callback=True)
    widget = customer(asked)
    widget.emit("say", {"body": "first", "client_id": "c1"}, namespace=CUS, callback=True)
    widget.disconnect(namespace=CUS)
    for i in range(3):
        dev.emit("say", {"conversation_id": asked["id"], "body": f"reply {i}",
                         "client_id": f"e{i}"}, namespace=EMP, callback=True)
    widget = customer(asked)
    ack = widget.emit("sync", {"after_seq": 2}, namespace=CUS, callback=True)
    assert [m["seq"] for m in ack["messages"]] == [3, 4, 5]
    assert ack["conversation"]["status"] == "active"
    # The resend of a message whose ack was lost is not stored twice.
    again = widget.emit("say", {"body": "first", "client_id": "c1"}, namespace=CUS, callback=True)
    assert again["message"]["seq"] == 2
