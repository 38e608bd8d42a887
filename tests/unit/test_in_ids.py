"""InIds: `column IN (ids)` bound as one parameter (an array on PostgreSQL, a JSON text on
SQLite), for the statements every ranking runs; on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matchmaker import experience
from matchmaker.db import InIds, make_transaction
from matchmaker.models import Employee
from matchmaker.staff import upsert_employee
from tests.conftest import staff_records

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BY_ID = select(Employee.id).where(InIds(Employee.id, "ids"), Employee.active.is_(True))


@pytest.fixture
def staff_ids(db) -> list[int]:
    with make_transaction(db)() as session:
        return [upsert_employee(session, record, NOW)[0].id for record in staff_records()]


def test_the_rows_whose_ids_are_given_and_no_others(db, staff_ids):
    with db.connect() as connection:
        def found(ids):
            return sorted(connection.execute(BY_ID, {"ids": ids}).scalars())

        assert found(staff_ids) == sorted(staff_ids)
        assert found(staff_ids[1:3]) == sorted(staff_ids[1:3])
        assert found([staff_ids[0], staff_ids[0], staff_ids[0]]) == [staff_ids[0]]  # repeated: once
        assert found([]) == []
        assert found([max(staff_ids) + 1000, -1]) == []
        # far more ids than SQLite lets a statement bind one by one (32,766)
        assert found([*range(max(staff_ids) + 1, max(staff_ids) + 40_000), staff_ids[2]]) == [staff_ids[2]]


def test_one_parameter_whatever_the_number_of_ids(db):
    compiled = BY_ID.compile(dialect=db.dialect)
    assert "ids" in compiled.binds
    assert not any(bind.expanding for bind in compiled.binds.values())
    sql = str(compiled)
    assert ("= ANY" in sql) if db.dialect.name == "postgresql" else ("json_each" in sql)
    assert "= 1" not in sql.split("WHERE", 1)[1].split("AND")[0]  # a condition, not compared


def test_people_reads_the_given_active_employees(db, staff_ids):
    with make_transaction(db)() as session:
        session.get(Employee, staff_ids[1]).active = False
    with make_transaction(db)() as session:
        people = experience.people(session, [staff_ids[0], staff_ids[1], staff_ids[2]])
        assert sorted(people) == sorted([staff_ids[0], staff_ids[2]])
        assert experience.people(session, []) == {}
