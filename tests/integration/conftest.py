"""Live-server fixtures: real server processes on loopback, and real Socket.IO clients.

Every wait is bounded (WAIT seconds); every client is disconnected and every server stopped in
fixture teardown, clients first."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import engineio
import pytest
import requests
import socketio

from tests.conftest import failed
from tests.servers import LiveServer, start_server

PASSWORD = "matchmaker-demo"
EMP, CUS = "/employee", "/customer"
WAIT = 10.0
# Short offer timeout and a fast sweeper so "nobody answered" happens within a test.
SETTINGS = {"offer_timeout": 2, "presence_ttl": 60, "min_score": 0.05, "sweep_interval": 0.2,
            "limit_questions": "1000 per minute", "limit_messages": "1000 per second"}
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def wait_until(condition: Callable[[], Any], timeout: float = WAIT, what: str = "condition"):
    """Poll condition until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


@dataclass
class Peer:
    """One real Socket.IO client on one namespace, recording every event it receives."""

    client: socketio.Client
    namespace: str
    received: list[tuple[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, event: str, *args) -> None:
        with self.lock:
            self.received.append((event, args[0] if args else None))

    def call(self, event: str, data: dict | None = None) -> Any:
        """Emit and wait (bounded) for the ack."""
        return self.client.call(event, data or {}, namespace=self.namespace, timeout=WAIT)

    def events(self, name: str) -> list:
        with self.lock:
            return [data for event, data in self.received if event == name]

    def wait_for(self, name: str, match: Callable[[Any], bool] = lambda _: True,
                 timeout: float = WAIT) -> Any:
        """The first received `name` event whose payload satisfies match (bounded wait)."""

        def found():
            return next((data for data in self.events(name) if match(data)), None)

        return wait_until(found, timeout, f"{name!r} on {self.namespace}")

    def wait_for_count(self, name: str, count: int, timeout: float = WAIT) -> list:
        wait_until(lambda: len(self.events(name)) >= count, timeout,
                   f"{count} {name!r} events on {self.namespace}")
        return self.events(name)

    @property
    def connected(self) -> bool:
        return self.client.connected

    def disconnect(self) -> None:
        if self.client.connected:
            self.client.disconnect()


class _InOrderEngineIO(engineio.Client):
    """Runs each received packet's handler in the read loop, so events are seen in wire order.

    The stock client starts a thread per packet, so two handlers may run in either order
    (python-socketio issue #382): order assertions would test the client, not the server."""

    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class InOrderClient(socketio.Client):
    def _engineio_client_class(self):
        return _InOrderEngineIO


def _connect(url: str, namespace: str, **options) -> Peer:
    # No automatic reconnection: a test reconnects explicitly, so nothing happens behind its back.
    client = InOrderClient(reconnection=False)
    assert isinstance(client.eio, _InOrderEngineIO)
    peer = Peer(client, namespace)
    client.on("*", peer.record, namespace=namespace)
    client.connect(url, namespaces=[namespace], transports=["websocket"], wait_timeout=WAIT,
                   **options)
    return peer


def sign_in(url: str, email: str, password: str = PASSWORD) -> requests.Session:
    """Sign in through the real login form (CSRF token included), as a browser would."""
    http = requests.Session()
    page = http.get(f"{url}/login", timeout=WAIT)
    token = _CSRF.search(page.text).group(1)
    response = http.post(f"{url}/login", data={"email": email, "password": password,
                                               "csrf_token": token},
                         allow_redirects=False, timeout=WAIT)
    assert response.status_code == 302, response.text
    return http


def ask(url: str, question: str) -> dict:
    """POST a question as the widget does; returns the created conversation (with its token)."""
    response = requests.post(f"{url}/api/v1/conversations", json={"question": question},
                             timeout=WAIT)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def launch(tmp_path, request):
    """Start real servers: launch(database_url, seed="demo") → LiveServer; all stopped after
    (their logs printed when the test failed)."""
    started: list[LiveServer] = []

    def start(database_url: str, *, seed: str = "demo", settings: dict | None = None) -> LiveServer:
        server = start_server(tmp_path, database_url, seed=seed,
                              settings={**SETTINGS, **(settings or {})})
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        if failed(request):
            print(f"\n--- server log ({server.log_path}) ---\n{server.log()[-6000:]}")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'live.db'}"


@pytest.fixture
def server(launch, sqlite_url) -> LiveServer:
    """One real server on a fresh SQLite file, seeded with the demo company."""
    return launch(sqlite_url)


@pytest.fixture
def peers(launch):
    """Every client opened by console/customer, disconnected before the servers stop."""
    opened: list[Peer] = []
    yield opened
    # In parallel: websocket-client's close handshake can wait up to 3 s when its reader thread
    # consumes the server's close frame, and that wait should not add up per client.
    closing = [threading.Thread(target=peer.disconnect) for peer in opened]
    for thread in closing:
        thread.start()
    for thread in closing:
        thread.join(timeout=WAIT)


@pytest.fixture
def console(peers):
    """console(url, email, available=True) → a signed-in employee console on /employee."""

    def open_console(url: str, email: str, available: bool = True) -> Peer:
        http = sign_in(url, email)
        peer = _connect(url, EMP, headers={"Cookie": f"session={http.cookies['session']}"})
        peers.append(peer)
        ack = peer.call("set_availability", {"available": available})
        assert ack.get("ok"), ack
        return peer

    return open_console


@pytest.fixture
def customer(peers):
    """customer(url, asked) → the widget's connection to the conversation on /customer."""

    def open_widget(url: str, asked: dict) -> Peer:
        peer = _connect(url, CUS, auth={"conversation_id": asked["id"], "token": asked["token"]})
        peers.append(peer)
        return peer

    return open_widget
