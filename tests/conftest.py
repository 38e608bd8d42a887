"""Shared fixtures: databases (SQLite always, PostgreSQL when its URL is set), clock, staff."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.fakes import HashingEncoder

DATA = Path(__file__).parent / "data"
POSTGRES_ENV = "MATCHMAKER_TEST_POSTGRES_URL"
PASSWORD = "correct horse battery"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell a failed test in teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def failed(request) -> bool:
    """Whether the test a fixture serves failed (in its teardown)."""
    report = getattr(request.node, "rep_call", None)
    return report is not None and report.failed


def pytest_configure(config) -> None:
    """Each run gets a database of its own on the PostgreSQL server MATCHMAKER_TEST_POSTGRES_URL
    names, so two runs at once (a developer's and a helper's, or two CI jobs on one server) never
    reset each other's schema mid-test. The variable is pointed at it for the run (tests and the
    servers they start read it from there) and the database is dropped at the end."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        return
    url = make_url(base)
    prefix = f"{url.database or 'test'}_run_"
    name = f"{prefix}{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with _server(url).connect() as connection:
        if url.host in (None, "127.0.0.1", "localhost"):
            _drop_abandoned(connection, prefix)
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    config._matchmaker_postgres = (base, url.set(database=name))
    os.environ[POSTGRES_ENV] = url.set(database=name).render_as_string(hide_password=False)


def pytest_unconfigure(config) -> None:
    base, run = getattr(config, "_matchmaker_postgres", (None, None))
    if run is None:
        return
    os.environ[POSTGRES_ENV] = base
    with _server(run).connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{run.database}" WITH (FORCE)'))


def _drop_abandoned(connection, prefix: str) -> None:
    """Databases of earlier runs on this machine whose pytest process is gone (killed before it
    could drop its own)."""
    names = connection.execute(text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
                               {"p": prefix}).scalars()
    for name in list(names):
        pid = name[len(prefix):].partition("_")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _server(url):
    """An engine on the server's own database, outside any transaction (CREATE/DROP DATABASE)."""
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                         poolclass=NullPool)


def reset_postgres(url: str) -> None:
    """An empty public schema, so Alembic runs on an empty database every time."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(url: str) -> None:
    from web.cli import alembic_config

    command.upgrade(alembic_config(url), "head")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A migrated, empty database: a SQLite file, or PostgreSQL when MATCHMAKER_TEST_POSTGRES_URL
    is set (CI sets it)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL variant skipped")
        reset_postgres(url)
    migrate(url)
    return url


def staff_records() -> list[dict]:
    return json.loads((DATA / "staff.json").read_text())["employees"]
