"""The heartbeats say where things stand, so a client notices a live event lost on the way
(the message queue restarting) within one heartbeat and syncs (web/static/seqs.js)."""

from tests.web.conftest import ask, events

EMP, CUS = "/employee", "/customer"


def test_the_widgets_heartbeat_says_the_status_and_last_seq(app, console, customer):
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    widget = customer(asked)
    assert widget.emit("heartbeat", {}, namespace=CUS, callback=True) == {
        "ok": True, "status": "offered", "last_seq": 1}
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    dev.emit("accept", {"offer_id": offer_id}, namespace=EMP, callback=True)
    dev.emit("say", {"conversation_id": asked["id"], "body": "Hello", "client_id": "d1"},
             namespace=EMP, callback=True)
    assert widget.emit("heartbeat", {}, namespace=CUS, callback=True) == {
        "ok": True, "status": "active", "last_seq": 2}


def test_the_consoles_heartbeat_lists_open_offers_and_where_each_chat_stands(
        app, console, customer):
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    beat = dev.emit("heartbeat", {}, namespace=EMP, callback=True)
    assert beat["offers"] == [offer_id] and beat["conversations"] == []
    dev.emit("accept", {"offer_id": offer_id}, namespace=EMP, callback=True)
    customer(asked).emit("say", {"body": "Still there?", "client_id": "c1"}, namespace=CUS,
                         callback=True)
    beat = dev.emit("heartbeat", {}, namespace=EMP, callback=True)
    assert beat["offers"] == []
    assert beat["conversations"] == [{"id": asked["id"], "status": "active", "last_seq": 2}]
