"""The edge's schemas: the inputs that used to end in a 500 or in silence get a clear error and
change nothing, on SQLite and on PostgreSQL; a visitor cannot be borrowed."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from flask_socketio import ConnectionRefusedError

from matchmaker.errors import InvalidInput
from matchmaker.models import Conversation, Customer, Message
from tests.web.conftest import ask, events, login
from web.schemas import whole_number

EMP, CUS = "/employee", "/customer"
DEEP = "[" * 1000 + "]" * 1000


def stored(svc) -> tuple[int, int]:
    with svc.transaction() as session:
        return session.query(Conversation).count(), session.query(Message).count()


def post_raw(app, body: str, path="/api/v1/conversations"):
    return app.test_client().post(path, data=body, content_type="application/json")


@pytest.mark.parametrize("field", ["question", "name", "email", "page_url"])
def test_a_nul_byte_in_any_text_field_is_refused(app, svc, field):
    body = {"question": "webhook signature", field: "nul \x00 here"}
    response = app.test_client().post("/api/v1/conversations", json=body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["fields"][0]["field"] == field and "NUL" in answer["fields"][0]["problem"]
    assert stored(svc) == (0, 0)


def test_a_lone_surrogate_is_refused(app, svc):
    response = post_raw(app, '{"question": "broken \\ud800 text"}')
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_payload"
    assert response.get_json()["fields"][0]["field"] == "question"
    assert stored(svc) == (0, 0)


@pytest.mark.parametrize("body", [DEEP, '{"question": ' + DEEP + "}", "\xff\xfe", "[]", "null"])
def test_json_nested_too_deep_or_not_an_object_is_refused(app, svc, body):
    response = post_raw(app, body)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_payload"
    assert stored(svc) == (0, 0)


def test_a_body_that_is_not_declared_json_is_refused(app, svc):
    response = app.test_client().post("/api/v1/conversations", data='{"question": "hi"}',
                                      content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


@pytest.mark.parametrize("token", ["visitor-0001\n", "a" * 513, "x y"])
def test_a_malformed_visitor_token_is_refused(app, svc, token):
    response = app.test_client().post("/api/v1/conversations",
                                      json={"question": "webhook", "visitor": token})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_visitor"


@pytest.mark.parametrize("path", ["/marketing/conversations/2147483648",
                                  "/marketing/conversations/99999999999999999999",
                                  "/marketing/conversations/0",
                                  "/admin/employees/2147483648"])
def test_ids_beyond_the_column_are_not_found(app, path):
    client = app.test_client()
    login(client, "admin@example.test")
    assert client.get(path).status_code == 404


class TestVisitorIdentity:
    def test_the_server_issues_the_visitor_token_and_it_names_the_same_customer(self, app, svc):
        first = ask(app.test_client(), name="Ann", email="ann@example.org")
        again = ask(app.test_client(), question="And the rate limits?", visitor=first["visitor"])
        assert again["visitor"] == first["visitor"]
        with svc.transaction() as session:
            customers = {session.get(Conversation, c["id"]).customer_id for c in (first, again)}
        assert len(customers) == 1

    def test_a_bare_or_forged_visitor_changes_nobody_elses_record(self, app, svc):
        first = ask(app.test_client(), name="Ann", email="ann@example.org")
        with svc.transaction() as session:
            victim = session.get(Conversation, first["id"]).customer
            victim_id, visitor_id = victim.id, victim.visitor_id
        bare = app.test_client().post("/api/v1/conversations", json={
            "question": "hi", "visitor_id": visitor_id, "name": "Mallory",
            "email": "mallory@example.org"})
        assert bare.status_code == 400  # an unknown field: nothing is read from it
        forged = ask(app.test_client(), name="Mallory", email="mallory@example.org",
                     visitor=visitor_id)  # the raw id, unsigned
        with svc.transaction() as session:
            victim = session.get(Customer, victim_id)
            assert (victim.name, victim.email) == ("Ann", "ann@example.org")
            assert session.get(Conversation, forged["id"]).customer_id != victim_id
        assert forged["visitor"] != first["visitor"]


# ------------------------------------------------------------------ Socket.IO

def send_raw(socketio, client, packet: str):
    """A Socket.IO packet exactly as written (the test client only sends what it can encode)."""
    client.acks = None
    socketio.server._handle_eio_message(client.eio_sid, packet)
    return client.acks["args"][0] if client.acks else None


@pytest.mark.parametrize("payload, code", [
    ({"body": "nul \x00", "client_id": "c1"}, "invalid_payload"),
    ({"body": "half \ud800 a pair", "client_id": "c1"}, "invalid_payload"),
    ({"body": "hi", "client_id": "c1\n"}, "invalid_client_id"),
    ({"body": "hi", "client_id": "c1", "extra": 1}, "invalid_payload"),
    ({"body": ["hi"], "client_id": "c1"}, "invalid_payload"),
])
def test_bad_text_in_a_message_is_refused_and_not_stored(chat, svc, payload, code):
    dev, widget, _ = chat
    before = stored(svc)
    ack = widget.emit("say", payload, namespace=CUS, callback=True)
    assert ack["error"] == code and ack["fields"]
    assert stored(svc) == before and events(dev, EMP, "said") == []


@pytest.mark.parametrize("conversation_id", [2**31, 2**63, -1, 0, "1", 1.5, True])
def test_an_id_out_of_range_or_of_the_wrong_type_is_refused(chat, conversation_id):
    dev, _, _ = chat
    for event in ("sync", "close"):
        ack = dev.emit(event, {"conversation_id": conversation_id}, namespace=EMP, callback=True)
        assert ack["error"] == "invalid_payload", (event, conversation_id)


@pytest.mark.parametrize("packet", [
    '2/customer,7["say",' + DEEP + "]",  # too deep for the JSON parser
    '2/customer,7["say",{"body": "unfinished',  # not JSON
    "2/customer,7[]",  # no event name
    "2/customer,7[42]",  # a name that is not text
    '2/customer,7{"say": 1}',  # not a list
])
def test_a_packet_that_cannot_be_read_gets_an_error_ack(socketio, chat, packet):
    _, widget, _ = chat
    ack = send_raw(socketio, widget, packet)
    assert ack is not None and ack["error"] == "invalid_payload"
    assert widget.is_connected(CUS)
    assert widget.emit("heartbeat", {}, namespace=CUS, callback=True)["ok"] is True


def test_a_broken_binary_packet_is_answered_and_does_not_jam_the_socket(socketio, chat):
    _, widget, _ = chat
    # One attachment announced, a placeholder pointing at the sixth: it cannot be rebuilt.
    assert send_raw(socketio, widget, '51-/customer,8["say",{"_placeholder":true,"num":5}]') \
        is None  # (the attachment is still to come)
    ack = send_raw(socketio, widget, b"attachment")
    assert ack is None or ack["error"] == "invalid_payload"
    assert widget.emit("heartbeat", {}, namespace=CUS, callback=True)["ok"] is True


def test_an_ack_id_too_long_to_read_is_refused_without_failing(socketio, chat):
    _, widget, _ = chat
    send_raw(socketio, widget, "2/customer," + "9" * 5000 + '["heartbeat",{}]')
    assert widget.emit("heartbeat", {}, namespace=CUS, callback=True)["ok"] is True


def test_a_connect_packet_that_cannot_be_read_is_refused(app, socketio, chat):
    _, widget, _ = chat
    sent = []
    original = socketio.server._send_packet
    with mock.patch.object(socketio.server, "_send_packet",
                           side_effect=lambda sid, pkt: (sent.append(pkt), original(sid, pkt))):
        socketio.server._handle_eio_message(widget.eio_sid, '0/customer,{"token": ')
    assert [(p.packet_type, p.data) for p in sent] == [(4, {"message": "invalid_payload"})]


@pytest.mark.parametrize("auth", [
    {"conversation_id": 1, "token": "tok\ud800en"},
    {"conversation_id": 2**40, "token": "x"},
    {"conversation_id": "1", "token": "x"},
    {"conversation_id": 1, "token": "x" * 600},
    None, [], "token",
])
def test_a_malformed_connect_is_refused_not_left_hanging(app, socketio, auth):
    ask(app.test_client())
    client = socketio.test_client(app, namespace=CUS, auth=auth)
    assert not client.is_connected(CUS)


def refusals(module: str):
    """The reasons a namespace's connect handler refuses with (the client's connect_error)."""
    said = []

    class Recorded(ConnectionRefusedError):
        def __init__(self, *args):
            said.extend(args)
            super().__init__(*args)

    return said, mock.patch(f"{module}.ConnectionRefusedError", Recorded)


def test_a_connect_that_fails_inside_is_refused_as_unavailable(app, socketio):
    asked = ask(app.test_client())
    said, recording = refusals("web.customer_events")
    with recording, mock.patch("matchmaker.conversations.conversation_by_token",
                               side_effect=RuntimeError("the database went away")):
        client = socketio.test_client(app, namespace=CUS,
                                      auth={"conversation_id": asked["id"],
                                            "token": asked["token"]})
    assert not client.is_connected(CUS)
    assert said == ["unavailable"]  # not `unauthenticated`: the widget keeps its conversation


def test_a_console_connect_that_fails_inside_is_refused_as_unavailable(app, socketio):
    client = app.test_client()
    login(client, "dev@example.test")
    said, recording = refusals("web.employee_events")
    with recording, mock.patch("matchmaker.presence.connect",
                               side_effect=RuntimeError("the database went away")):
        console = socketio.test_client(app, namespace=EMP, flask_test_client=client)
    assert not console.is_connected(EMP)
    assert said == ["unavailable"]
    console = socketio.test_client(app, namespace=EMP, flask_test_client=client)
    assert console.is_connected(EMP)  # and once the database is back, it connects


def test_the_error_format_is_the_same_over_http_and_socketio(app, chat):
    _, widget, _ = chat
    over_http = app.test_client().post("/api/v1/conversations",
                                       json={"question": "x", "name": 42}).get_json()
    over_socket = widget.emit("leave_email", {"email": 42}, namespace=CUS, callback=True)
    for body in (over_http, over_socket):
        assert set(body) == {"error", "message", "fields"}
        assert set(body["fields"][0]) == {"field", "problem"}
    assert json.dumps(over_socket)  # plain JSON


@pytest.mark.parametrize("value, expected", [("", None), ("0", 0), ("42", 42),
                                             ("999999999", 999999999)])
def test_a_whole_number_typed_into_a_filter_is_read(value, expected):
    assert whole_number(value, "page") == expected


@pytest.mark.parametrize("value", ["-1", "4.2", "1e3", "١٢", "1234567890", " 7", "seven"])
def test_anything_else_typed_into_a_filter_is_a_clear_error(value):
    with pytest.raises(InvalidInput, match="page must be a whole number") as raised:
        whole_number(value, "page", code="invalid_payload")
    assert raised.value.code == "invalid_payload"
