"""Rate limits (Flask-Limiter on the `limits` library): per address for questions, mail links
and sign-in attempts (failures only, per account too: the delay grows from tier to tier), and
per conversation for messages over Socket.IO. Counted in Redis when it is configured, so every
worker agrees; in memory on the embedded default, and in each process's memory while Redis is
away (a restart must not stop chats or questions). The limits are settings."""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from redis import RedisError

from .config import Settings

log = logging.getLogger(__name__)


class MemoryCounts(MemoryStorage):
    """limits' in-memory counts, their expired entries swept at most once a second.

    limits' MemoryStorage starts a thread (a greenlet under gevent) 10 ms after a hit to sweep
    every key, so under a steady stream of messages it starts one every 10 ms: measured, 200 µs
    of CPU per message at 200 msgs/s against 30 µs with this (bench/README.md). The counts do
    not change: a moving window reads only entries still inside it, and a fixed window checks
    its expiry when it is read; a later sweep only frees memory later. The hook is limits'
    private method (limits is pinned; tests/web/test_limits.py fails if the hook moves)."""

    STORAGE_SCHEME = ["matchmaker-memory"]
    SWEEP_EVERY = 1.0  # seconds
    _swept_at = float("-inf")

    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_EVERY:
            self._swept_at = now
            super()._MemoryStorage__schedule_expiry()


_while_away = MovingWindowRateLimiter(MemoryCounts())  # counts here while Redis is away

limiter = Limiter(key_func=lambda: request.remote_addr or "unknown", strategy="moving-window",
                  headers_enabled=True)


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(RATELIMIT_STORAGE_URI=settings.redis_url or "matchmaker-memory://",
                      RATELIMIT_KEY_PREFIX="matchmaker",
                      RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True)
    limiter.init_app(app)


def setting(name: str):
    """A limit from the current app's settings, read when the request comes."""
    return lambda: getattr(current_app.extensions["matchmaker"].settings, name)


def account_key() -> str:
    """Sign-in attempts are counted per account (the e-mail typed), too."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def failed(response) -> bool:
    return response.status_code == 401


def retry_after(limit_setting: str, *keys: str) -> int | None:
    """Count one hit against a limit setting for these keys (Socket.IO events have no route);
    None when it is allowed, else the seconds until it would be."""
    settings: Settings = current_app.extensions["matchmaker"].settings
    try:
        return _count(limiter.limiter, settings, limit_setting, keys)
    except (OSError, RedisError) as error:
        log.warning("rate limits counted in this process: their storage is away: %s", error)
        return _count(_while_away, settings, limit_setting, keys)


def _count(strategy: RateLimiter, settings: Settings, limit_setting: str,
           keys: tuple[str, ...]) -> int | None:
    for limit in parse_many(getattr(settings, limit_setting)):
        if not strategy.hit(limit, limit_setting, *keys):
            reset, _ = strategy.get_window_stats(limit, limit_setting, *keys)
            return max(1, int(reset - time.time()))
    return None
