"""Bad input gets a clear error code and changes nothing."""

import pytest

from matchmaker.models import Conversation, Message, Offer
from tests.web.conftest import ask, events

EMP, CUS = "/employee", "/customer"


def counts(svc):
    with svc.transaction() as session:
        return (session.query(Conversation).count(), session.query(Message).count(),
                session.query(Offer).count())


@pytest.mark.parametrize("body, code", [
    ({"question": ""}, "empty_question"),
    ({"question": "   "}, "empty_question"),
    ({"question": "x" * 2001}, "question_too_long"),
    ({"question": "hi", "visitor": "not a token"}, "invalid_visitor"),
    ({"question": "hi", "email": "nope"}, "invalid_email"),
    ({"question": "hi", "name": ["x"]}, "invalid_payload"),
    ({"question": 42}, "invalid_payload"),
    ({"question": "hi", "visitor_id": "visitor-0001"}, "invalid_payload"),  # unknown field
    ({}, "invalid_payload"),
    ([1, 2, 3], "invalid_payload"),
])
def test_a_bad_question_is_refused_with_a_code(app, svc, body, code):
    response = app.test_client().post("/api/v1/conversations", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"] == code
    assert counts(svc) == (0, 0, 0)


def test_malformed_json_is_refused(app, svc):
    response = app.test_client().post("/api/v1/conversations", data="{not json",
                                      content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_payload"
    assert counts(svc) == (0, 0, 0)


def test_an_oversized_request_body_is_refused(app, svc):
    response = app.test_client().post(
        "/api/v1/conversations", json={"question": "x" * 300_000})
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"
    assert counts(svc) == (0, 0, 0)


@pytest.mark.parametrize("payload, code", [
    ({"body": "x" * 100_000, "client_id": "c1"}, "message_too_long"),
    ({"body": "", "client_id": "c1"}, "empty_message"),
    ({"body": "hi", "client_id": "x" * 65}, "invalid_client_id"),
    ({"body": "hi", "client_id": 7}, "invalid_client_id"),
    ("just a string", "invalid_payload"),
    ([1, 2], "invalid_payload"),
])
def test_a_bad_message_is_refused_and_not_stored(chat, svc, payload, code):
    dev, widget, _ = chat
    before = counts(svc)
    ack = widget.emit("say", payload, namespace=CUS, callback=True)
    assert ack["error"] == code
    assert counts(svc) == before
    assert events(dev, EMP, "said") == []


@pytest.mark.parametrize("namespace", [CUS, EMP])
def test_an_unknown_event_gets_an_error_ack(chat, namespace):
    dev, widget, _ = chat
    client = widget if namespace == CUS else dev
    ack = client.emit("drop_tables", {"x": 1}, namespace=namespace, callback=True)
    assert ack["error"] == "unknown_event"


@pytest.mark.parametrize("auth", [
    None, {}, {"conversation_id": 1}, {"conversation_id": 1, "token": "wrong"},
    {"conversation_id": "1", "token": "x"}, "garbage",
])
def test_a_wrong_or_missing_token_is_refused(app, socketio, auth):
    asked = ask(app.test_client())
    if isinstance(auth, dict) and auth.get("conversation_id") == 1:
        auth["conversation_id"] = asked["id"]
    client = socketio.test_client(app, namespace=CUS, auth=auth)
    assert not client.is_connected(CUS)


def test_a_token_opens_only_its_own_conversation(app, socketio):
    first = ask(app.test_client())
    second = ask(app.test_client(), question="volume discount")
    client = socketio.test_client(app, namespace=CUS,
                                  auth={"conversation_id": second["id"], "token": first["token"]})
    assert not client.is_connected(CUS)


def test_the_console_refuses_anonymous_connections(app, socketio):
    client = socketio.test_client(app, namespace=EMP)
    assert not client.is_connected(EMP)


def test_accepting_an_expired_offer_is_refused(app, console, svc, clock):
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    clock.advance(svc.policy.offer_timeout_s + 1)
    ack = dev.emit("accept", {"offer_id": offer_id}, namespace=EMP, callback=True)
    assert ack["error"] == "offer_not_open"
    with svc.transaction() as session:
        assert session.get(Conversation, asked["id"]).status == "offered"


def test_accepting_someone_elses_offer_is_refused(app, console, svc):
    dev = console("dev@example.test")
    sales = console("sales@example.test")
    asked = ask(app.test_client())
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    for payload in ({"offer_id": offer_id}, {"offer_id": "1"}, {"offer_id": 999999}, {}):
        ack = sales.emit("accept", payload, namespace=EMP, callback=True)
        assert ack["error"] in ("not_found", "invalid_payload")
    with svc.transaction() as session:
        assert session.get(Conversation, asked["id"]).status == "offered"


def test_an_employee_cannot_read_or_write_a_conversation_not_theirs(chat, console):
    _, _, asked = chat
    sales = console("sales@example.test")
    for event, payload in (("sync", {"after_seq": 0}), ("say", {"body": "hi", "client_id": "s1"}),
                           ("close", {}), ("typing", {"typing": True})):
        ack = sales.emit(event, {"conversation_id": asked["id"], **payload}, namespace=EMP,
                         callback=True)
        assert ack["error"] == "not_found", event


@pytest.mark.parametrize("event, payload, code", [
    ("rate", {"stars": 9}, "invalid_stars"),
    ("rate", {"stars": 5}, "not_closed"),
    ("consent", {"granted": "yes"}, "invalid_consent"),
    ("leave_email", {"email": "not an email"}, "invalid_email"),
    ("sync", {"after_seq": -1}, "invalid_payload"),
])
def test_bad_customer_events_get_clear_codes(chat, event, payload, code):
    _, widget, _ = chat
    assert widget.emit(event, payload, namespace=CUS, callback=True)["error"] == code


def test_set_availability_validates_capacity(console):
    dev = console("dev@example.test")
    for capacity in (0, 21, "3", True):
        ack = dev.emit("set_availability", {"available": True, "capacity": capacity},
                       namespace=EMP, callback=True)
        assert ack["error"] == "invalid_capacity"


def test_a_declined_offer_gives_no_further_access(app, console, customer):
    dev = console("dev@example.test")
    sales = console("sales@example.test")
    asked = ask(app.test_client(), question="webhook signature verification volume discount")
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    assert dev.emit("sync", {"conversation_id": asked["id"]}, namespace=EMP, callback=True)["ok"]
    dev.emit("decline", {"offer_id": offer_id}, namespace=EMP, callback=True)
    sales.emit("accept", {"offer_id": events(sales, EMP, "offered")[0]["offer_id"]},
               namespace=EMP, callback=True)
    for event, payload in (("sync", {}), ("typing", {"typing": True}),
                           ("say", {"body": "x", "client_id": "d1"})):
        ack = dev.emit(event, {"conversation_id": asked["id"], **payload}, namespace=EMP,
                       callback=True)
        assert ack["error"] == "not_found", event


@pytest.mark.parametrize("value", [2**70, -1, True, 1.5])
def test_out_of_range_ids_get_invalid_payload_not_an_internal_error(chat, value):
    dev, widget, _ = chat
    assert widget.emit("sync", {"after_seq": value}, namespace=CUS,
                       callback=True)["error"] == "invalid_payload"
    for event, payload in (("accept", {"offer_id": value}),
                           ("sync", {"conversation_id": value}),
                           ("say", {"conversation_id": value, "body": "x"})):
        assert dev.emit(event, payload, namespace=EMP, callback=True)["error"] == \
            "invalid_payload", event


def test_a_huge_conversation_id_at_connect_is_refused(app, socketio):
    client = socketio.test_client(app, namespace=CUS, auth={"conversation_id": 2**70,
                                                            "token": "x"})
    assert not client.is_connected(CUS)
