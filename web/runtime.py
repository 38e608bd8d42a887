"""Process-level runtime: CPU work (encoding, hashing) off the event loop, the sweeper, start-up
warm-up."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Sequence
from datetime import timedelta

import numpy as np
from flask import Flask
from sqlalchemy.orm import Session

from matchmaker import accounts, attachments, presence, sweeps
from matchmaker.ports import CpuRunner, Encoder, NameFinder
from matchmaker.privacy import erasure
from matchmaker.redaction import Redactor

from . import live, mail
from .services import Services

log = logging.getLogger(__name__)


# Work handed to the pool runs at this OS niceness (the loop's thread keeps its own): the loop
# serves every client, so a burst of hashing or encoding must not outweigh it for the CPU.
POOL_NICENESS = 10
# Password hashes one app runs at once; the other sign-ins wait their turn as greenlets, so a
# flood neither fills the pool (encoding waits behind it) nor outnumbers the loop's thread.
# Chat ack p50 under 20 flooding clients, against unloaded (bench/README.md, signin_flood):
# 43x with neither knob, 3.6x with the niceness alone, 2.5x with turns alone, 1.3-1.5x both.
HASHES_AT_ONCE = 1


def in_thread_pool(fn, /, *args):
    """fn(*args) in gevent's native thread pool: the calling greenlet waits for it while the
    event loop serves everyone else (the C code of encoders and hashes releases the GIL)."""
    import gevent

    return gevent.get_hub().threadpool.apply(_below_the_loop, (fn, args))


class OffLoopNames:
    """The names model with every call in the native thread pool (it is 15 ms of CPU a line)."""

    def __init__(self, names: NameFinder):
        self.names = names

    def find_names(self, text: str, language: str) -> list[tuple[int, int]]:
        return in_thread_pool(self.names.find_names, text, language)


def names_for(svc: Services) -> NameFinder | None:
    """The app's names model as background work and requests may call it: off the event loop
    under gevent."""
    if svc.names is None or svc.settings.async_mode != "gevent":
        return svc.names
    return OffLoopNames(svc.names)


def redactor_for(svc: Services) -> Redactor:
    """Redaction as this app runs it for stories, exports and erasure: its names model (off the
    event loop under gevent) and the configured company, whose name is never masked."""
    return Redactor(names_for(svc), svc.settings.company_name)


def _below_the_loop(fn, args):
    # Linux keeps a niceness per thread; raising it needs no privilege (lowering it would).
    if hasattr(os, "setpriority") and os.getpriority(os.PRIO_PROCESS, 0) < POOL_NICENESS:
        os.setpriority(os.PRIO_PROCESS, 0, POOL_NICENESS)
    return fn(*args)


def cpu_runner(async_mode: str) -> CpuRunner:
    """Where this async mode runs password hashing: in gevent's thread pool, HASHES_AT_ONCE at
    a time; inline in threading mode (each request has a thread of its own)."""
    if async_mode != "gevent":
        return accounts.inline
    from gevent.lock import BoundedSemaphore

    turns = BoundedSemaphore(HASHES_AT_ONCE)

    def in_turn(fn, /, *args):
        with turns:
            return in_thread_pool(fn, *args)

    return in_turn


class _ThreadPoolEncoder:
    """Runs encoding in gevent's native thread pool so one question never stalls every client;
    everything else the encoder says (its spec, dimension, calibration) is passed through."""

    def __init__(self, inner: Encoder):
        self.inner = inner
        if hasattr(inner, "encode_query"):
            self.encode_query = self._encode_query

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return in_thread_pool(self.inner.encode, texts)

    def _encode_query(self, text: str, english: float) -> np.ndarray:
        return in_thread_pool(self.inner.encode_query, text, english)

    def load(self) -> None:
        getattr(self.inner, "load", lambda: None)()


def offloaded(encoder: Encoder, async_mode: str) -> Encoder:
    """The encoder as this async mode should call it."""
    return _ThreadPoolEncoder(encoder) if async_mode == "gevent" else encoder


def warm_up(app: Flask) -> None:
    """Load the models and build the ranking indexes before the first question (from then on
    they are rebuilt in the background, never on a question), then freeze the heap so GC
    skips them."""
    svc = app.extensions["matchmaker"]
    for model in (svc.encoder, svc.detector):
        getattr(model, "load", lambda: None)()
    # A rebuild is seconds of CPU at 10,000 employees: under gevent it runs in the native
    # thread pool, so the loop goes on serving everyone meanwhile.
    gevent = svc.settings.async_mode == "gevent"
    svc.matcher.refresh_in_background(svc.transaction, lambda job: svc.socketio.start_background_task(
        (lambda: in_thread_pool(job)) if gevent else job))
    try:
        with svc.transaction() as session:
            svc.matcher.sync(session)
    except Exception as error:  # no database or vectors yet: the first question builds them
        log.warning("ranking indexes not built at start-up: %s", error)
    # torch leaves ~450k long-lived objects; freezing them keeps full collections short.
    gc.collect()
    gc.freeze()


def sweep_once(svc: Services) -> None:
    """Move on what time has decided (matchmaker/sweeps.py): each step in a transaction of its
    own, its events emitted after its commit; a failing step is logged and the rest go on.
    Listing the steps and forgetting dead connections share one transaction: on a quiet server
    that is all a sweep does (4 statements with BEGIN and COMMIT)."""
    now = svc.clock()
    with svc.transaction() as session:
        steps = sweeps.due_steps(session, svc.policy, now)
        sweeps.forget_dead_connections(session, svc.policy, now)
    for step in steps:
        try:
            with svc.transaction() as session:
                events = live.socket_events(session, step.run(session, step.subject, svc.policy, now))
        except Exception:
            log.exception("sweep step failed: %s %s", step.what, step.subject)
            continue
        live.emit_all(svc.socketio, events)


def run_every(app: Flask, seconds: float, job: Callable[[Services], object], what: str) -> None:
    """Run job(services) in the app's context every `seconds` for the life of the process."""
    svc: Services = app.extensions["matchmaker"]

    def loop():
        while True:
            try:
                with app.app_context():
                    job(svc)
            except Exception:  # a bad run must not stop the next one
                log.exception("%s failed", what)
            svc.socketio.sleep(seconds)

    svc.socketio.start_background_task(loop)


def sweep_files_once(svc: Services) -> int:
    """Delete the attachment files no row holds, once older than the grace (an upload whose
    transaction failed after its bytes were stored; docs/attachments.md): how many. On disk,
    the half-written temporaries of a killed worker go too, after the same grace."""
    if svc.attachment_store is None:
        return 0
    grace = timedelta(seconds=svc.settings.attachments_orphan_grace)
    deleted = attachments.sweep_orphans(svc.transaction, svc.attachment_store, svc.clock(), grace)
    if deleted:
        log.info("deleted %d attachment files no row held", deleted)
    if discarded := svc.attachment_store.discard_temporaries(svc.clock() - grace):
        log.info("deleted %d half-written attachment temporaries", discarded)
    return deleted


def start_sweeper(app: Flask) -> None:
    """Run sweep_once every sweep_interval seconds, the orphan files' sweep every
    attachments_sweep_interval, and the retention job every retention_interval (unless
    conversations are kept until erased: retention_days 0). Every process runs them (two
    sweeps of orphan files at once only delete the same files twice)."""
    settings = app.extensions["matchmaker"].settings
    run_every(app, settings.sweep_interval, sweep_once, "sweep")
    run_every(app, settings.attachments_sweep_interval, sweep_files_once, "sweeping orphan files")
    if settings.retention_days > 0:
        run_every(app, settings.retention_interval, retain_once, "retention")


def retain_once(svc: Services) -> int:
    """Anonymise the closed conversations past the retention period, each in a transaction of
    its own (a batch per run; a failing one is logged and the rest go on); how many."""
    now = svc.clock()
    with svc.transaction() as session:
        due = erasure.expired_conversation_ids(session, svc.settings.retention_days, now)
    scrubber = erasure.Scrubber(svc.attachment_store, redactor_for(svc))
    done = 0
    for conversation_id in due:
        try:
            with svc.transaction() as session:
                done += erasure.anonymise_expired(session, conversation_id, scrubber, now) is not None
        except Exception:
            log.exception("retention: conversation %s not anonymised", conversation_id)
    return done


def keep_present(svc: Services) -> None:
    """Refresh the presence of every console connected to this process."""
    if not svc.consoles:
        return
    with svc.statement() as connection, Session(connection) as session:
        presence.keep(session, list(svc.consoles), svc.clock())


def start_presence_keeper(app: Flask) -> None:
    """Say this process's consoles are here three times per presence timeout. A console is up
    while engine.io's pings reach it (a browser that vanished is disconnected within
    ping_interval + ping_timeout), whatever its own heartbeat timers do in a background tab; a
    server that died stops saying so, and its consoles lapse within the timeout."""
    svc: Services = app.extensions["matchmaker"]
    run_every(app, svc.policy.presence_ttl_s / 3, keep_present, "keeping presence")


def start_mailer(app: Flask) -> None:
    """Send the mail outbox every mail_interval seconds (when SMTP is configured)."""
    settings = app.extensions["matchmaker"].settings
    if settings.smtp_host:
        run_every(app, settings.mail_interval, mail.send_due, "sending the outbox")
