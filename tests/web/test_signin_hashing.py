"""The sign-in page's hashing: outdated hashes upgraded, the hash checked off the event loop and
with no database connection held."""

import os
import threading

import pytest

from matchmaker import accounts
from matchmaker.models import Employee
from tests.unit.test_accounts import LEGACY_HASH
from tests.web.conftest import login
from web import runtime

DEV = "dev@example.test"


def stored_hash(svc) -> str:
    with svc.transaction() as session:
        return session.query(Employee).filter_by(email=DEV).one().password_hash


@pytest.fixture
def legacy(svc):
    with svc.transaction() as session:
        session.query(Employee).filter_by(email=DEV).one().password_hash = LEGACY_HASH


def test_signing_in_on_the_page_replaces_a_legacy_hash_with_argon2id(app, svc, legacy):
    assert login(app.test_client(), DEV).status_code == 302
    assert stored_hash(svc).startswith("$argon2id$")


def test_a_wrong_password_on_the_page_leaves_a_legacy_hash_alone(app, svc, legacy):
    assert login(app.test_client(), DEV, "wrong password").status_code == 401
    assert stored_hash(svc) == LEGACY_HASH


def test_the_page_hashes_through_the_app_runner_holding_no_database_connection(app, svc):
    checked_out = []

    def recording(fn, *args):
        checked_out.append(svc.engine.pool.checkedout())
        return fn(*args)

    svc.run_cpu = recording
    assert login(app.test_client(), DEV).status_code == 302
    assert login(app.test_client(), DEV, "wrong password").status_code == 401
    assert checked_out == [0, 0]


def test_threading_mode_hashes_inline():
    assert runtime.cpu_runner("threading") is accounts.inline


def test_a_password_check_under_gevent_runs_off_the_event_loop(monkeypatch):
    gevent = pytest.importorskip("gevent")
    ran_on = []
    check = accounts._check

    def spying(stored, password):
        ran_on.append(threading.get_ident())
        return check(stored, password)

    monkeypatch.setattr(accounts, "_check", spying)
    ticks = 0

    def ticker():  # another client's greenlet: it only runs while the loop is free
        nonlocal ticks
        while True:
            ticks += 1
            gevent.sleep(0)

    def ticks_while_checking(run) -> int:
        greenlet = gevent.spawn(ticker)
        gevent.sleep(0)  # the ticker is running
        before = ticks
        assert not accounts.verify(accounts.Claim(None, ""), "a guess", run).ok
        during = ticks - before
        greenlet.kill()
        return during

    loop_thread = gevent.get_hub().thread_ident
    assert ticks_while_checking(accounts.inline) == 0 and ran_on[-1] == loop_thread
    assert ticks_while_checking(runtime.cpu_runner("gevent")) > 0 and ran_on[-1] != loop_thread


def test_hashes_under_gevent_take_turns():
    gevent = pytest.importorskip("gevent")
    run = runtime.cpu_runner("gevent")
    started, release = [], threading.Event()

    def job(i):
        started.append(i)
        release.wait(10)
        return i

    hashes = [gevent.spawn(run, job, i) for i in range(3)]
    for _ in range(1000):  # until the first is in the pool (bounded)
        if started:
            break
        gevent.sleep(0.005)
    gevent.sleep(0.05)  # the others have had their chance to start
    assert len(started) == runtime.HASHES_AT_ONCE == 1
    release.set()
    gevent.joinall(hashes, timeout=10)
    assert sorted(h.value for h in hashes) == [0, 1, 2]


def test_pool_work_runs_at_a_lower_priority_than_the_loop():
    pytest.importorskip("gevent")
    loop = os.getpriority(os.PRIO_PROCESS, 0)
    if loop >= runtime.POOL_NICENESS:
        pytest.skip("this process already runs at the pool's niceness")
    assert runtime.in_thread_pool(os.getpriority, os.PRIO_PROCESS, 0) == runtime.POOL_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, 0) == loop
