"""A fresh app per test on a migrated database, with the fixture staff embedded."""

from __future__ import annotations

import re

import pytest

from matchmaker.profiles import embed_employees
from matchmaker.staff import upsert_employee
from tests.conftest import PASSWORD, staff_records
from tests.servers import free_port
from web import create_app
from web.mailcatcher import start_catcher

# Tests ask and write fast from one address; the limits themselves are tested with their own.
GENEROUS_LIMITS = {"limit_questions": "1000 per minute", "limit_messages": "1000 per second",
                   "limit_resume": "1000 per minute", "limit_email_changes": "1000 per minute"}


@pytest.fixture
def smtp(tmp_path):
    """A real SMTP server on a free loopback port keeping mail in a Maildir: (port, folder)."""
    port, folder = free_port(), str(tmp_path / "mail")
    controller = start_catcher("127.0.0.1", port, folder)
    yield port, folder
    controller.stop()


@pytest.fixture
def app_overrides() -> dict:
    """Settings a test module adds to the app's (override this fixture in the module)."""
    return {}


@pytest.fixture
def app(database_url, encoder, clock, app_overrides):
    app = create_app({"database_url": database_url, "secret_key": "test-secret",
                      "min_score": 0.05, "check_answers": True, **GENEROUS_LIMITS,
                      **app_overrides}, encoder=encoder, clock=clock)
    svc = app.extensions["matchmaker"]
    with svc.transaction() as session:
        employees = [upsert_employee(session, r, clock(), PASSWORD)[0] for r in staff_records()]
        embed_employees(session, encoder, employees)
    yield app
    svc.engine.dispose()


@pytest.fixture
def svc(app):
    return app.extensions["matchmaker"]


@pytest.fixture
def socketio(svc):
    return svc.socketio


@pytest.fixture
def staff(svc) -> dict[str, int]:
    from sqlalchemy import select

    from matchmaker.models import Employee

    with svc.transaction() as session:
        return dict(session.execute(select(Employee.email, Employee.id)).all())


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def login(client, email: str, password: str = PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(page)})


def ask(client, question="How do I verify the webhook signature?", **extra) -> dict:
    """Ask as a widget does (extra: name, email, visitor — the token an earlier answer gave)."""
    response = client.post("/api/v1/conversations", json={"question": question} | extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def console(app, socketio):
    """Open a signed-in, available employee console: console(email) → Socket.IO test client."""
    clients = []

    def open_console(email: str, available: bool = True):
        http = app.test_client()
        assert login(http, email).status_code == 302
        client = socketio.test_client(app, namespace="/employee", flask_test_client=http)
        assert client.is_connected("/employee")
        ack = client.emit("set_availability", {"available": available}, namespace="/employee",
                          callback=True)
        assert ack["ok"], ack
        clients.append(client)
        return client

    yield open_console
    for client in clients:
        if client.is_connected("/employee"):
            client.disconnect(namespace="/employee")


@pytest.fixture
def customer(app, socketio):
    """Connect a customer's widget to a conversation: customer(asked) → Socket.IO test client."""
    clients = []

    def connect(asked: dict):
        client = socketio.test_client(app, namespace="/customer",
                                      auth={"conversation_id": asked["id"], "token": asked["token"]})
        assert client.is_connected("/customer")
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected("/customer"):
            client.disconnect(namespace="/customer")


@pytest.fixture
def chat(app, console, customer):
    """A live chat: Dana accepted a question; → (console client, widget client, the asked
    conversation), both clients' received events drained."""
    dev = console("dev@example.test")
    asked = ask(app.test_client())
    widget = customer(asked)
    dev.emit("accept", {"offer_id": events(dev, "/employee", "offered")[0]["offer_id"]},
             namespace="/employee", callback=True)
    events(widget, "/customer")
    return dev, widget, asked


def events(client, namespace: str, name: str | None = None) -> list:
    """Received events (args of each), optionally only one name."""
    received = client.get_received(namespace)
    return [e["args"][0] if e["args"] else None for e in received
            if name is None or e["name"] == name]
