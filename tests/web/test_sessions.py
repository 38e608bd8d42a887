"""Socket.IO events do not decode the session cookie again (web/sessions.py); HTTP requests and
the console's sign-in behave as before."""

from __future__ import annotations

import pytest

from .conftest import login


@pytest.fixture
def loads(app, monkeypatch):
    """How many times a session cookie was decoded."""
    serializer = app.session_interface.get_signing_serializer(app)
    count = {"n": 0}
    original = serializer.loads

    def counting(*args, **kwargs):
        count["n"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(serializer, "loads", counting)
    return count


def test_a_console_event_uses_the_connections_session_without_decoding_the_cookie(
        app, console, loads):
    client = console("dev@example.test")  # signs in (HTTP), connects, sets availability
    decoded = loads["n"]
    assert decoded >= 1  # the connect read the cookie: who this is
    for _ in range(5):
        ack = client.emit("heartbeat", {}, namespace="/employee", callback=True)
        assert ack["ok"], ack  # still the signed-in employee
        ack = client.emit("state", {}, namespace="/employee", callback=True)
        assert ack["ok"], ack
    assert loads["n"] == decoded


def test_http_requests_still_read_and_write_the_cookie(app, loads):
    http = app.test_client()
    assert login(http, "dev@example.test").status_code == 302
    before = loads["n"]
    assert http.get("/console/").status_code == 200  # signed in: the cookie was read
    assert loads["n"] > before
    other = app.test_client()
    assert other.get("/console/").status_code in (302, 401)  # no cookie, no console


def test_the_serializer_is_built_once_per_key(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    old = app.secret_key
    app.secret_key = "another secret key, rotated"
    try:
        assert interface.get_signing_serializer(app) is not first
    finally:
        app.secret_key = old
    assert interface.get_signing_serializer(app) is first
