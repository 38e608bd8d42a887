"""Employee records and sign-in."""

import pytest

from matchmaker import accounts, staff
from matchmaker.errors import InvalidInput, Unauthenticated
from tests.conftest import PASSWORD, staff_records

GOOD = staff_records()[0]


@pytest.mark.parametrize("change", [
    {"email": "not-an-email"}, {"name": ""}, {"role": "wizard"}, {"access": "root"},
    {"working_hours": "9-5"}, {"timezone": "Mars/Olympus"}, {"capacity": 0},
    {"capacity": "many"}, {"expertise": [1, 2]}, {"bio": "x" * 5001},
])
def test_invalid_employee_fields_are_refused(change):
    with pytest.raises(InvalidInput):
        staff.validate_employee({**GOOD, **change})


def test_upsert_updates_by_email_and_reports_profile_changes(tx, clock):
    with tx() as session:
        first, created = staff.upsert_employee(session, GOOD, clock())
        same, changed_same = staff.upsert_employee(session, {**GOOD, "capacity": 3}, clock())
        edited, changed = staff.upsert_employee(session, {**GOOD, "bio": "New bio."}, clock())
    assert created and not changed_same and changed
    assert first.id == same.id == edited.id


def test_create_refuses_a_duplicate_email(tx, clock):
    with tx() as session:
        staff.create_employee(session, GOOD, clock())
        with pytest.raises(InvalidInput) as raised:
            staff.create_employee(session, {**GOOD, "email": GOOD["email"].upper()}, clock())
    assert raised.value.code == "duplicate_email"


def test_sign_in_checks_the_hashed_password(tx, clock, staff):
    with tx() as session:
        assert accounts.authenticate(session, "DEV@example.test", PASSWORD).email == \
            "dev@example.test"
        with pytest.raises(Unauthenticated):
            accounts.authenticate(session, "dev@example.test", "wrong password")
        with pytest.raises(Unauthenticated):
            accounts.authenticate(session, "nobody@example.test", PASSWORD)


def test_passwords_are_salted_hashes():
    first, second = accounts.hash_password("secret"), accounts.hash_password("secret")
    assert first != second and "secret" not in first
    assert accounts.check_password(first, "secret") and not accounts.check_password(first, "x")
