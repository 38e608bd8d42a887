"""Faults of the realtime core, on two real server processes sharing one database and a Redis of
the test's own (redis-server on a free port, so it can be stopped and started again): a Redis
restart mid-chat loses no live event, and a console whose server died gets no new offer once
its presence has lapsed."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

import pytest

from tests.servers import free_port

from .conftest import WAIT, ask, wait_until
from .test_live_loop import (
    JONAS,
    SOPHIE,
    WEBHOOKS,
    for_conversation,
    say_as_customer,
    say_as_employee,
)

pytestmark = pytest.mark.live
PRESENCE_TTL_S = 4  # short, so the test waits little; the product's default is 10 s
# (a "volume discounts" passage of Sophie's and nothing of Jonas's, under the fake encoder)
PRICING = "Do you offer volume discounts on the annual plan?"


class PrivateRedis:
    """A redis-server of the test's own, without persistence: a restart empties it."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._answers, what="redis-server to answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=WAIT)

    def _answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            time.sleep(0.05)
            return False


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: the Redis restart test needs its own")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def two_servers(launch, sqlite_url, private_redis):
    """Two processes on one SQLite file, sharing events through the private Redis."""
    settings = {"redis_url": private_redis.url, "presence_ttl": PRESENCE_TTL_S,
                "offer_timeout": 60}
    return launch(sqlite_url, settings=settings), launch(sqlite_url, settings=settings)


def test_a_redis_restart_mid_chat_loses_no_live_event(two_servers, private_redis, console,
                                                      customer):
    first, second = two_servers
    jonas = console(second.url, JONAS)  # the console on one process, the customer on the other
    asked = ask(first.url, WEBHOOKS)
    offer = jonas.wait_for("offered", for_conversation(asked))
    assert jonas.call("accept", {"offer_id": offer["offer_id"]})["ok"]
    widget = customer(first.url, asked)
    before = say_as_customer(widget, "Before the restart", "c-0")
    jonas.wait_for("said", lambda m: m["seq"] == before["seq"])

    private_redis.stop()
    during = [say_as_customer(widget, f"While Redis is away {n}", f"c-{n}") for n in (1, 2, 3)]
    answer = say_as_employee(jonas, asked, "I am here", "e-1")
    sophie = console(second.url, SOPHIE)  # online while Redis is away
    priced = ask(first.url, PRICING)  # offered by the first process, to a console on the second
    assert priced["status"] == "offered" and priced["asking"]["name"] == "Sophie Brennan"
    time.sleep(1)
    private_redis.start()  # empty: no stream, no cursor survives
    back = time.monotonic()

    for message in during:
        assert jonas.wait_for("said", lambda m, seq=message["seq"]: m["seq"] == seq,
                              timeout=5) == message
    assert widget.wait_for("said", lambda m: m["seq"] == answer["seq"], timeout=5) == answer
    sophie.wait_for("offered", for_conversation(priced), timeout=5)
    assert time.monotonic() - back <= 5
    after = say_as_customer(widget, "After the restart", "c-4")  # and the stream goes on
    assert jonas.wait_for("said", lambda m: m["seq"] == after["seq"]) == after


def beating(peer, every: float) -> threading.Event:
    """Send the console's heartbeat every `every` seconds, as console.js does, until set."""
    stop = threading.Event()

    def beat():
        while not stop.wait(every) and peer.connected:
            try:
                peer.call("heartbeat")
            except Exception:  # noqa: BLE001 - the server died: the beats stop
                return

    threading.Thread(target=beat, daemon=True).start()
    return stop


def test_a_console_whose_server_died_gets_no_offer_once_its_presence_lapsed(two_servers,
                                                                             console):
    first, second = two_servers
    jonas = console(second.url, JONAS)
    assert jonas.call("set_availability", {"available": True, "capacity": 20})["ok"]
    stop = beating(jonas, PRESENCE_TTL_S / 3)
    try:
        time.sleep(PRESENCE_TTL_S + 1)  # beating, he stays online past the timeout
        assert ask(first.url, WEBHOOKS)["asking"]["name"] == "Jonas Vermeulen"
        second.kill()  # no disconnect reaches the database: only the missing heartbeats tell
        died = time.monotonic()
    finally:
        stop.set()

    def moved_on() -> bool:
        return ask(first.url, WEBHOOKS)["status"] != "offered"

    wait_until(moved_on, timeout=PRESENCE_TTL_S + 3, what="offers to stop going to Jonas")
    assert time.monotonic() - died <= PRESENCE_TTL_S + 3
    for _ in range(3):  # and it stays so
        assert ask(first.url, WEBHOOKS)["status"] != "offered"
