"""The message queue's stream manager without a Redis: events are appended by one sender, a
burst in one round trip, in order; events that cannot be appended wait in order and go when
Redis is back; a very long outage drops the oldest, counted; a process skips its own events
when it reads them back. (Against a real Redis that is stopped and started:
tests/integration/test_realtime_faults.py.)"""

from __future__ import annotations

import json

import pytest
import redis

from web import streams


class FlakyRedis:
    """Refuses every append while `down`; keeps what it accepted; counts round trips."""

    def __init__(self):
        self.down = False
        self.entries: list[dict] = []
        self.round_trips = 0

    def pipeline(self, transaction=True):
        return Pipeline(self)


class Pipeline:
    def __init__(self, server: FlakyRedis):
        self.server, self.queued = server, []

    def xadd(self, stream, fields, maxlen=None, approximate=True):
        self.queued.append(fields)

    def execute(self):
        self.server.round_trips += 1
        if self.server.down:
            raise redis.ConnectionError("Connection refused")
        self.server.entries.extend(self.queued)


class NoServer:
    """Records the sender instead of running it: the test runs it by hand."""

    def __init__(self):
        self.started = 0
        self.slept: list[float] = []

    def start_background_task(self, target, *args):
        self.started += 1
        return object()

    def sleep(self, seconds):
        self.slept.append(seconds)


def manager() -> tuple[streams.StreamManager, FlakyRedis]:
    queue = streams.StreamManager("redis://127.0.0.1:1/0")
    queue.server = NoServer()
    queue._writer = FlakyRedis()
    return queue, queue._writer


def numbers(entries) -> list[int]:
    return [json.loads(e["m"] if isinstance(e, dict) else e)["n"] for e in entries]


def test_emitting_queues_and_one_sender_appends_a_burst_in_one_round_trip():
    queue, writer = manager()
    for n in range(3):
        queue._publish({"n": n})
    assert writer.entries == [] and queue.server.started == 1  # the emitter did not wait
    assert queue._waiting.is_set()
    assert queue._send_waiting()
    assert numbers(writer.entries) == [0, 1, 2] and writer.round_trips == 1
    assert {e["h"] for e in writer.entries} == {queue.host_id}
    assert not queue.unsent


def test_events_wait_while_redis_is_away_and_go_in_order_when_it_is_back():
    queue, writer = manager()
    queue._publish({"n": 1})
    queue._send_waiting()
    writer.down = True
    queue._publish({"n": 2})
    queue._publish({"n": 3})
    assert not queue._send_waiting()
    queue._publish({"n": 4})  # behind 2 and 3, which went back to the head
    assert numbers(queue.unsent) == [2, 3, 4]
    writer.down = False
    assert queue._send_waiting()
    assert numbers(writer.entries) == [1, 2, 3, 4]
    assert not queue.unsent


def test_a_long_outage_keeps_the_newest_events(monkeypatch):
    monkeypatch.setattr(streams, "UNSENT_LIMIT", 3)
    queue, writer = manager()
    writer.down = True
    for n in range(5):
        queue._publish({"n": n})
    assert numbers(queue.unsent) == [2, 3, 4]
    assert queue.dropped == 2
    queue._publish({"n": 5})
    assert not queue._send_waiting()
    assert numbers(queue.unsent) == [3, 4, 5] and queue.dropped == 3


def test_a_burst_larger_than_a_batch_goes_in_several_round_trips_in_order(monkeypatch):
    monkeypatch.setattr(streams, "SEND_BATCH", 2)
    queue, writer = manager()
    for n in range(5):
        queue._publish({"n": n})
    assert queue._send_waiting()
    assert numbers(writer.entries) == [0, 1, 2, 3, 4] and writer.round_trips == 3


def test_without_a_server_the_emitter_appends_itself():
    queue, writer = manager()
    queue.server = None
    queue._publish({"n": 1})
    assert numbers(writer.entries) == [1]


class StreamReader:
    """Answers each XREAD with the next list of entries given, then stops the test's read."""

    def __init__(self, *reads):
        self.reads = list(reads)

    def ping(self):
        return True

    def xrevrange(self, stream, count=1):
        return []

    def xread(self, streams_, block=None, count=None):
        if not self.reads:
            raise KeyboardInterrupt  # out of the endless read loop
        return [(b"matchmaker:socketio", self.reads.pop(0))]


def read_all(queue, reader) -> list[int]:
    queue._client = lambda: reader
    read = []
    try:
        for message in queue._listen():
            read.append(json.loads(message)["n"])
    except KeyboardInterrupt:
        pass
    return read


def test_reading_skips_the_process_own_events_without_decoding_them():
    queue, _ = manager()
    other = b"0" * 32
    reader = StreamReader([
        (b"1-0", {b"m": b'{"n": 1}', b"h": queue.host_id.encode()}),
        (b"2-0", {b"m": b'{"n": 2}', b"h": other}),
        (b"3-0", {b"m": b'{"n": 3}'}),  # appended by a process of the version before
    ])
    assert read_all(queue, reader) == [2, 3]


def test_a_busy_stream_is_read_in_bursts_a_quiet_one_at_once():
    """After a read of several entries the next waits READ_LINGER_S; after one, it does not."""
    queue, _ = manager()
    entry = lambda n: (f"{n}-0".encode(), {b"m": json.dumps({"n": n}).encode()})  # noqa: E731
    reader = StreamReader([entry(1)], [entry(2), entry(3), entry(4)], [entry(5)], [])
    assert read_all(queue, reader) == [1, 2, 3, 4, 5]
    assert queue.server.slept == [streams.READ_LINGER_S]


def test_the_sender_outlives_a_failure_that_is_not_redis(monkeypatch):
    """The one sender must not die on a bug: the events behind it would wait forever."""
    queue, writer = manager()
    calls = []

    def send_waiting():
        calls.append(1)
        if len(calls) == 1:
            raise TypeError("a bug")
        raise KeyboardInterrupt  # out of the endless loop

    monkeypatch.setattr(queue, "_send_waiting", send_waiting)
    queue._waiting.set()
    with pytest.raises(KeyboardInterrupt):
        queue._send_forever()
    assert len(calls) == 2  # it tried again after the bug, without being woken by an emit
    assert queue.server.slept == [streams.RETRY_S]
