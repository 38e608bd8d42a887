"""InIds: `column IN (ids)` bound as one parameter (an array on PostgreSQL, a JSON text on
SQLite), for the statements every ranking runs; on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matchmaker import experience
from matchmaker.db import InIds, make_engine, make_transaction
from matchmaker.models import Employee
from matchmaker.staff import upsert_employee
from tests.conftest import staff_records

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BY_ID = select(Employee.id).where(InIds(Employee.id, "ids"), Employee.active.is_(True))


@pytest.fixture
def db(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def staff(db) -> list[int]:
    with make_transaction(db)() as session:
        return [upsert_employee(session, record, NOW)[0].id for record in staff_records()]


def test_the_rows_whose_ids_are_given_and_no_others(db, staff):
    with db.connect() as connection:
        def found(ids):
            return sorted(connection.execute(BY_ID, {"ids": ids}).scalars())

        assert found(staff) == sorted(staff)
        assert found(staff[1:3]) == sorted(staff[1:3])
        assert found([staff[0], staff[0], staff[0]]) == [staff[0]]  # repeated: once
        assert found([]) == []
        assert found([max(staff) + 1000, -1]) == []
        # far more ids than SQLite lets a statement bind one by one (32,766)
        assert found([*range(max(staff) + 1, max(staff) + 40_000), staff[2]]) == [staff[2]]


def test_ids_from_numpy_are_taken_as_ints(db, staff):
    import numpy as np

    with db.connect() as connection:
        ids = [int(i) for i in np.array(staff[:2], dtype=np.int64)]
        assert sorted(connection.execute(BY_ID, {"ids": ids}).scalars()) == sorted(staff[:2])


def test_one_parameter_whatever_the_number_of_ids(db):
    compiled = BY_ID.compile(dialect=db.dialect)
    assert "ids" in compiled.binds
    assert not any(bind.expanding for bind in compiled.binds.values())
    sql = str(compiled)
    assert ("= ANY" in sql) if db.dialect.name == "postgresql" else ("json_each" in sql)
    assert "= 1" not in sql.split("WHERE", 1)[1].split("AND")[0]  # a condition, not compared


def test_people_reads_the_given_active_employees(db, staff):
    with make_transaction(db)() as session:
        session.get(Employee, staff[1]).active = False
    with make_transaction(db)() as session:
        people = experience.people(session, [staff[0], staff[1], staff[2]])
        assert sorted(people) == sorted([staff[0], staff[2]])
        assert experience.people(session, []) == {}
