"""The message queue's stream manager without a Redis: events that cannot be appended wait in
order and go when Redis is back; a very long outage drops the oldest, counted. (Against a real
Redis that is stopped and started: tests/integration/test_realtime_faults.py.)"""

from __future__ import annotations

import json

import redis

from web import streams


class FlakyRedis:
    """Refuses every append while `down`; keeps what it accepted."""

    def __init__(self):
        self.down = False
        self.entries: list[str] = []

    def xadd(self, stream, fields, maxlen=None, approximate=True):
        if self.down:
            raise redis.ConnectionError("Connection refused")
        self.entries.append(fields["m"])


class NoServer:
    def start_background_task(self, target, *args):
        return object()  # the test runs the sender by hand

    def sleep(self, seconds):
        pass


def manager() -> tuple[streams.StreamManager, FlakyRedis]:
    queue = streams.StreamManager("redis://127.0.0.1:1/0")
    queue.server = NoServer()
    queue._writer = FlakyRedis()
    return queue, queue._writer


def test_events_wait_while_redis_is_away_and_go_in_order_when_it_is_back():
    queue, writer = manager()
    queue._publish({"n": 1})
    writer.down = True
    queue._publish({"n": 2})
    queue._publish({"n": 3})  # behind 2, even though Redis may be back by now
    assert [json.loads(e)["n"] for e in writer.entries] == [1]
    assert len(queue.unsent) == 2
    writer.down = False
    queue._send_when_back()  # the sender, once Redis answers again
    queue._publish({"n": 4})
    assert [json.loads(e)["n"] for e in writer.entries] == [1, 2, 3, 4]
    assert not queue.unsent


def test_a_long_outage_keeps_the_newest_events(monkeypatch):
    monkeypatch.setattr(streams, "UNSENT_LIMIT", 3)
    queue, writer = manager()
    writer.down = True
    for n in range(5):
        queue._publish({"n": n})
    assert [json.loads(e)["n"] for e in queue.unsent] == [2, 3, 4]
    assert queue.dropped == 2


def test_while_the_sender_runs_it_alone_appends():
    """Emitting greenlets never append beside the sender (two appenders took the same event
    off the queue, and the sender died with events still waiting)."""
    queue, writer = manager()
    writer.down = True
    queue._publish({"n": 1})
    assert queue._sender is not None  # started: Redis is away
    writer.down = False
    queue._publish({"n": 2})  # Redis is back, but the sender owns the queue
    assert writer.entries == []
    queue._send_when_back()
    assert [json.loads(e)["n"] for e in writer.entries] == [1, 2]
    assert queue._sender is None and not queue.unsent
