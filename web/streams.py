"""Socket.IO's message queue between worker processes, on a Redis stream instead of pub/sub, so
an event is not lost while Redis restarts.

python-socketio's RedisManager publishes each emit once with PUBLISH: while Redis is away the
publish fails and the event is dropped, and a worker whose subscription broke misses everything
published until it subscribes again (its retry waits 1, 2, 4… up to 60 s). Here:

- publishing appends to the stream (XADD, trimmed to about STREAM_LENGTH entries); an event
  that cannot be appended waits in this process, in order, and a sender greenlet appends it
  when Redis is back (up to UNSENT_LIMIT events; beyond that the oldest go, and the clients'
  heartbeat-and-sync heals what they missed);
- each process reads the stream with a cursor of its own (XREAD BLOCK from the last entry it
  read), so after an outage it reads on from where it was: nothing published while it was
  disconnected is skipped. A Redis restarted empty starts new entry ids from its clock, past
  every cursor.

A process's own events are emitted locally when published and skipped when read back (the
manager's host_id), as with pub/sub.
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
RETRY_S = 0.5


class StreamManager(PubSubManager):
    """A Socket.IO client manager sharing emits across processes through a Redis stream."""

    name = "redis-stream"

    def __init__(self, url: str, stream: str = "matchmaker:socketio", write_only: bool = False,
                 logger=None, json=None):
        super().__init__(channel=stream, write_only=write_only, logger=logger, json=json)
        self.url = url
        self.unsent: deque[str] = deque()
        self.dropped = 0  # events given up because too many waited (a long outage)
        self._sender = None
        self._error: Exception | None = None  # why the last append failed
        self._appending = threading.Lock()  # gevent's, where it patched threading
        self._writer = self._client()

    def _client(self) -> redis.Redis:
        # Fail fast while Redis is away (a refused connection is immediate; an unreachable host
        # waits at most this long), so an emit never holds up its handler for long.
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=5,
                                    health_check_interval=30)

    # -- publishing --------------------------------------------------------------------------

    def _publish(self, data) -> None:
        """Append to the stream, after whatever is still waiting (order is kept). One greenlet
        appends at a time: the emitter itself when nobody else is, else the sender."""
        if len(self.unsent) >= UNSENT_LIMIT:
            self.unsent.popleft()
            self.dropped += 1
        self.unsent.append(self.json.dumps(data))
        if self._sender is None and self._appending.acquire(blocking=False):
            try:
                if self._send_waiting():
                    return
            finally:
                self._appending.release()
        self._start_sender()

    def _send_waiting(self) -> bool:
        """Append every waiting event (the caller holds _appending); False when Redis is away
        (they keep waiting)."""
        try:
            while self.unsent:
                self._writer.xadd(self.channel, {"m": self.unsent[0]}, maxlen=STREAM_LENGTH,
                                  approximate=True)
                self.unsent.popleft()
            return True
        except redis.RedisError as error:
            self._error = error
            return False

    def _start_sender(self) -> None:
        if self._sender is not None or self.server is None:
            return
        self._sender = self.server.start_background_task(self._send_when_back)

    def _send_when_back(self) -> None:
        """Append what waits, again every RETRY_S until Redis takes it."""
        tries = 0
        try:
            while True:
                with self._appending:
                    if self._send_waiting():
                        break
                if tries % 60 == 0:  # the first failure, then every 30 s: no log flood
                    log.warning("the message queue is away (%d events waiting): %s",
                                len(self.unsent), self._error)
                tries += 1
                self.server.sleep(RETRY_S)
            if tries:
                log.info("the message queue is back: the waiting events are sent")
        finally:
            self._sender = None
        if self.unsent:  # published while the sender was finishing: nobody else will send it
            self._start_sender()

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
            for _stream, entries in batches or ():
                for entry_id, fields in entries:
                    cursor = entry_id
                    yield fields[b"m"]
