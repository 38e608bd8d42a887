"""PostgreSQL going away under a running server, through a TCP relay the test can cut (the
shared database itself is never stopped): connects are refused with a reason, a message gets
`unavailable` and is stored once when sent again after the database is back (no pre-ping: the
first statement on a dead pooled connection fails, and the pool starts afresh)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from urllib.parse import urlsplit, urlunsplit

import pytest
import socketio

from tests.conftest import POSTGRES_ENV, reset_postgres
from tests.servers import free_port

from .conftest import WAIT, ask, wait_until
from .test_live_loop import say_as_customer, start_chat

pytestmark = pytest.mark.live


class CuttableRelay:
    """Forwards 127.0.0.1:port to the database; cut() drops every connection and refuses new
    ones (as a stopped server does), mend() accepts again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.up = threading.Event()
        self.links: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = None
        self.mend()

    def mend(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.up.set()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        self.up.clear()
        with contextlib.suppress(OSError):  # wakes the accept (a bare close would not)
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for link in self.links:
                with contextlib.suppress(OSError):
                    link.shutdown(socket.SHUT_RDWR)
                link.close()
            self.links.clear()

    def _accept(self, listener) -> None:
        while self.up.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()


@pytest.fixture
def relayed_postgres():
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: the database outage test needs PostgreSQL")
    reset_postgres(url)
    parts = urlsplit(url)
    relay = CuttableRelay((parts.hostname or "127.0.0.1", parts.port or 5432))
    netloc = f"{parts.username}@127.0.0.1:{relay.port}" if parts.username \
        else f"127.0.0.1:{relay.port}"
    yield relay, urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    relay.cut()


def test_a_database_outage_refuses_connects_with_a_reason_and_loses_no_message(
        launch, relayed_postgres, console, customer):
    relay, url = relayed_postgres
    server = launch(url)
    asked, jonas, widget = start_chat(server.url, console, customer)
    say_as_customer(widget, "Before the outage", "c-1")

    relay.cut()
    refused, reasons = socketio.Client(reconnection=False), []
    refused.on("connect_error", reasons.append, namespace="/customer")
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(server.url, namespaces=["/customer"], transports=["websocket"],
                        auth={"conversation_id": asked["id"], "token": asked["token"]},
                        wait_timeout=WAIT)
    refused.disconnect()
    assert reasons == [{"message": "unavailable"}]  # answered at once, with a reason
    ack = widget.call("say", {"body": "During the outage", "client_id": "c-2"})
    assert ack["error"] == "unavailable" and ack["retry_after"] >= 1

    relay.mend()
    stored = wait_until(lambda: _resend(widget), what="the message to be stored once the "
                                                       "database is back")
    assert stored["body"] == "During the outage"
    again = widget.call("say", {"body": "During the outage", "client_id": "c-2"})
    assert again["message"]["seq"] == stored["seq"]  # the same client_id is stored once
    synced = widget.call("sync", {"after_seq": 0})
    assert [m["body"] for m in synced["messages"]].count("During the outage") == 1
    assert ask(server.url, "Does the webhook signature use HMAC-SHA256?")["status"]


def _resend(widget):
    ack = widget.call("say", {"body": "During the outage", "client_id": "c-2"})
    return ack.get("message") if ack.get("ok") else None
