"""Shared fixtures: databases (SQLite always, PostgreSQL when its URL is set), clock, staff."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

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
