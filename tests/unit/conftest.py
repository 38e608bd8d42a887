"""Domain fixtures: a SQLite database built from the models, staff embedded with the fake encoder."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from embeddings.lexical import BM25Index
from embeddings.passages import PassageIndex
from matchmaker.db import make_engine, make_transaction
from matchmaker.events import Offered, Queued
from matchmaker.models import Base, Employee
from matchmaker.profiles import embed_employees
from matchmaker.routing import Matcher
from matchmaker.staff import upsert_employee
from matchmaker.values import Policy
from tests.conftest import PASSWORD, staff_records


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'unit.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(database_url):
    """An engine on a migrated database: SQLite, and PostgreSQL when its URL is set."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def tx(engine):
    return make_transaction(engine)


@pytest.fixture
def index():
    return PassageIndex()


@pytest.fixture
def matcher(encoder, index):
    return Matcher(encoder, index, BM25Index())


@pytest.fixture
def policy():
    return Policy(offer_timeout_s=30, presence_ttl_s=60, min_fit=0.1)


@pytest.fixture
def staff(tx, encoder, clock) -> dict[str, int]:
    """The fixture staff, embedded; returns e-mail → id."""
    with tx() as session:
        employees = [upsert_employee(session, r, clock(), PASSWORD)[0] for r in staff_records()]
        embed_employees(session, encoder, employees)
        return {e.email: e.id for e in employees}


@pytest.fixture
def staff_by_email(tx):
    """E-mail → id of whatever staff a test embedded."""
    with tx() as session:
        return dict(session.execute(select(Employee.email, Employee.id)).all())


def online(tx, clock, *employee_ids: int, available: bool = True) -> None:
    """Sign these employees in to the console and set them available."""
    from matchmaker import presence

    with tx() as session:
        for eid in employee_ids:
            presence.touch(session, eid, f"sid-{eid}", clock())  # connects, or a heartbeat
            session.get(Employee, eid).available = available


@dataclass(frozen=True)
class Route:
    """Where the last routing step in some domain events sent a conversation."""

    offer_id: int | None
    employee_id: int | None
    offline: bool
    why: str | None = None


def route(events) -> Route | None:
    """The last Offered or Queued among events, as a Route (None: it was not routed)."""
    for event in reversed(events):
        if isinstance(event, Offered):
            return Route(event.offer_id, event.employee_id, False)
        if isinstance(event, Queued):
            return Route(None, event.employee_id, True, event.why)
    return None


def sweep(tx, policy, clock) -> list:
    """Run the sweeper's due steps as the app does (each in its own transaction); all events."""
    from matchmaker import sweeps

    with tx() as session:
        steps = sweeps.due_steps(session, policy, clock())
        sweeps.forget_dead_connections(session, policy, clock())
    happened = []
    for step in steps:
        with tx() as session:
            happened += step.run(session, step.subject, policy, clock())
    return happened


def driver_statements(monkeypatch) -> list[str]:
    """The first word of every statement psycopg's cursors run from now on (PostgreSQL's raw
    path bypasses SQLAlchemy's events)."""
    import psycopg

    seen, execute = [], psycopg.Cursor.execute

    def counted(cursor, query, *args, **kwargs):
        seen.append(str(query).split()[0])
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    return seen
