"""Socket.IO's message queue between worker processes, on a Redis stream instead of pub/sub, so
an event is not lost while Redis restarts.

python-socketio's RedisManager publishes each emit once with PUBLISH: while Redis is away the
publish fails and the event is dropped, and a worker whose subscription broke misses everything
published until it subscribes again (its retry waits 1, 2, 4… up to 60 s). Here:

- publishing queues the event for one sender greenlet per process, which appends everything
  waiting to the stream (XADD, trimmed to about STREAM_LENGTH entries) in one pipelined round
  trip: an emitting handler never waits for Redis, and a burst of events costs one round trip,
  not one each. An event that cannot be appended waits in this process, in order, and the
  sender appends it when Redis is back (up to UNSENT_LIMIT events; beyond that the oldest go,
  and the clients' heartbeat-and-sync heals what they missed);
- each process reads the stream with a cursor of its own (XREAD BLOCK from the last entry it
  read), so after an outage it reads on from where it was: nothing published while it was
  disconnected is skipped. A Redis restarted empty starts new entry ids from its clock, past
  every cursor.

A process's own events are emitted locally when published and skipped when read back, by a
field naming the process beside the event, so they are not decoded just to be dropped.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

import redis
from socketio import PubSubManager

log = logging.getLogger(__name__)

STREAM_LENGTH = 10_000  # entries kept (approximately): minutes of traffic, for catching up
UNSENT_LIMIT = 10_000  # events one process keeps while Redis is away
READ_BLOCK_MS = 1000
# After a read that found several entries (events are coming faster than one per read), the next
# waits this long, so a burst is read in a few round trips instead of one per event. A read that
# found one entry does not wait: a quiet stream is read at once.
READ_LINGER_S = 0.002
RETRY_S = 0.5
SEND_BATCH = 500  # events appended in one round trip at most


class StreamManager(PubSubManager):
    """A Socket.IO client manager sharing emits across processes through a Redis stream."""

    name = "redis-stream"

    def __init__(self, url: str, stream: str = "matchmaker:socketio", write_only: bool = False,
                 logger=None, json=None):
        super().__init__(channel=stream, write_only=write_only, logger=logger, json=json)
        self.url = url
        self.unsent: deque[str] = deque()
        self.dropped = 0  # events given up because too many waited (a long outage)
        self._sender = None  # the greenlet (or thread) that appends
        self._waiting = threading.Event()  # gevent's, where it patched threading
        self._error: Exception | None = None  # why the last append failed
        self._writer = self._client()
        self._own = self.host_id.encode()

    def _client(self) -> redis.Redis:
        # Fail fast while Redis is away (a refused connection is immediate; an unreachable host
        # waits at most this long), so an emit never holds up its handler for long.
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=5,
                                    health_check_interval=30)

    # -- publishing --------------------------------------------------------------------------

    def _publish(self, data) -> None:
        """Queue the event for the sender, behind whatever waits (order is kept); the emitter
        does not wait for Redis. Without a server to run the sender (a manager used outside
        one), the emitter appends it itself."""
        if len(self.unsent) >= UNSENT_LIMIT:
            self.unsent.popleft()
            self.dropped += 1
        self.unsent.append(self.json.dumps(data))
        if self.server is None:
            self._send_waiting()
            return
        self._waiting.set()
        if self._sender is None:
            self._sender = self.server.start_background_task(self._send_forever)

    def _send_waiting(self) -> bool:
        """Append every waiting event, up to SEND_BATCH in one pipelined round trip, in order;
        False when Redis is away (they keep waiting, in order). One sender at a time."""
        while self.unsent:
            batch = [self.unsent.popleft() for _ in range(min(len(self.unsent), SEND_BATCH))]
            try:
                pipe = self._writer.pipeline(transaction=False)
                for message in batch:
                    pipe.xadd(self.channel, {"m": message, "h": self.host_id},
                              maxlen=STREAM_LENGTH, approximate=True)
                pipe.execute()
            except redis.RedisError as error:
                # Back at the head, in order; what came meanwhile stays behind them. (If the
                # connection broke after Redis took some, those go twice, as a single XADD
                # whose reply was lost did before: clients drop a `said` whose seq they hold;
                # other events shown twice were not checked one by one.)
                self.unsent.extendleft(reversed(batch))
                while len(self.unsent) > UNSENT_LIMIT:
                    self.unsent.popleft()
                    self.dropped += 1
                self._error = error
                return False
        return True

    def _send_forever(self) -> None:
        """The sender: appends what waits as soon as it waits (a burst goes in one round
        trip), and every RETRY_S while Redis is away."""
        failures = 0
        while True:
            self._waiting.wait()
            self._waiting.clear()
            try:
                while not self._send_waiting():
                    if failures % 60 == 0:  # the first failure, then every 30 s: no log flood
                        log.warning("the message queue is away (%d events waiting): %s",
                                    len(self.unsent), self._error)
                    failures += 1
                    self.server.sleep(RETRY_S)
            except Exception:  # a bug, not Redis: the sender must outlive it (it is the only one)
                log.exception("the message queue's sender failed; %d events wait",
                              len(self.unsent))
                self.server.sleep(RETRY_S)
                self._waiting.set()
                continue
            if failures:
                log.info("the message queue is back: the waiting events are sent")
                failures = 0

    # -- reading -----------------------------------------------------------------------------

    def _listen(self):
        """Every entry after this process's cursor, for as long as the process lives."""
        reader, cursor, failures = None, None, 0
        while True:
            try:
                if reader is None:
                    reader = self._client()
                    reader.ping()
                    if failures:
                        log.info("reading the message queue again after %d failed tries",
                                 failures)
                        failures = 0
                if cursor is None:  # where the stream ends now: what came before is not ours
                    last = reader.xrevrange(self.channel, count=1)
                    cursor = last[0][0] if last else b"0-0"
                batches = reader.xread({self.channel: cursor}, block=READ_BLOCK_MS, count=500)
            except redis.RedisError as error:
                if failures % 60 == 0:  # the first failure, then every 30 s: no log flood
                    log.warning("cannot read the message queue (trying every %s s): %s",
                                RETRY_S, error)
                failures += 1
                reader = None
                self.server.sleep(RETRY_S)
                continue
            read = 0
            for _stream, entries in batches or ():
                read += len(entries)
                for entry_id, fields in entries:
                    cursor = entry_id
                    if fields.get(b"h") != self._own:  # its own were emitted when published
                        yield fields[b"m"]
            if read > 1:
                self.server.sleep(READ_LINGER_S)
