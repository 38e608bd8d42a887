"""The in-process rate-limit counts: the same answers as limits' MemoryStorage, swept lazily."""

from __future__ import annotations

import threading

import pytest
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from web import limits as web_limits
from web.limits import MemoryCounts


@pytest.fixture
def timers(monkeypatch) -> list:
    """Every sweep limits' in-memory storage starts (it starts them as threading.Timer)."""
    started: list = []

    class Counted(threading.Timer):
        def start(self):
            started.append(self)
            super().start()

    monkeypatch.setattr("limits.storage.memory.threading.Timer", Counted)
    return started


@pytest.mark.parametrize("storage, most", [(MemoryStorage, None), (MemoryCounts, 2)])
def test_a_stream_of_hits_starts_a_sweep_per_second_not_one_per_hit(timers, storage, most):
    counts = MovingWindowRateLimiter(storage())
    limit = parse("1000 per minute")
    for n in range(60):
        counts.hit(limit, "messages", str(n % 5))
        threading.Event().wait(0.002)  # hits 2 ms apart: limits' own sweep runs after 10 ms
    if most is None:  # limits' own storage: a sweep every 10 ms (the cost this class removes)
        assert len(timers) >= 5
    else:
        assert 1 <= len(timers) <= most


@pytest.mark.parametrize("strategy", [MovingWindowRateLimiter, FixedWindowRateLimiter])
def test_the_counts_are_limits_own(strategy, monkeypatch):
    now = [1_000.0]
    monkeypatch.setattr("limits.storage.memory.time.time", lambda: now[0])
    ours, theirs = strategy(MemoryCounts()), strategy(MemoryStorage())
    limit = parse("3 per 10 seconds")
    answers = []
    for step in [0, 1, 1, 1, 2, 9, 3, 0.5]:
        now[0] += step
        answers.append((ours.hit(limit, "k"), theirs.hit(limit, "k")))
    assert [a for a, _ in answers] == [b for _, b in answers]
    assert answers[3] == (False, False)  # the fourth within 10 s is refused by both
    assert answers[5] == (True, True)  # and allowed again once the window moved on


def test_the_embedded_default_counts_with_it(app):
    assert isinstance(web_limits.limiter._storage, MemoryCounts)
    assert isinstance(storage_from_string("matchmaker-memory://"), MemoryCounts)
