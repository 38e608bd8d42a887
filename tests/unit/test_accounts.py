"""Password hashing (argon2id, legacy scrypt) and sign-in."""

import argon2
import pytest

from matchmaker import accounts
from matchmaker.errors import Unauthenticated
from matchmaker.models import Employee
from matchmaker.staff import change_password
from tests.conftest import PASSWORD

# Made by the scrypt release (matchmaker/accounts.py before argon2id) for PASSWORD.
LEGACY_HASH = ("scrypt$16384$8$1$xW7GkykMcSuBkUhPSoBF4Q==$CBRDt0eu7wHy8Y/5gSB36leTP9ByM7ETmidfuO51"
               "/uC6Y47EDNVETXTT8A0CFVhgNjcP1WdlaoyPutMFjFQEoQ==")
OLDER_ARGON2 = argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
DEV = "dev@example.test"


def stored_hash(tx, email=DEV) -> str:
    with tx() as session:
        return session.query(Employee).filter_by(email=email).one().password_hash


def set_hash(tx, stored: str, email=DEV) -> None:
    with tx() as session:
        session.query(Employee).filter_by(email=email).one().password_hash = stored


def test_new_passwords_are_argon2id_at_owasp_parameters():
    stored = accounts.hash_password("secret")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert accounts.check_password(stored, "secret") and not accounts.check_password(stored, "x")
    assert not accounts.needs_rehash(stored)


@pytest.mark.parametrize("stored", [LEGACY_HASH, OLDER_ARGON2.hash(PASSWORD)])
def test_outdated_hashes_still_verify_and_ask_to_be_rehashed(stored):
    assert accounts.check_password(stored, PASSWORD)
    assert not accounts.check_password(stored, PASSWORD + "x")
    assert accounts.needs_rehash(stored)


@pytest.mark.parametrize("outdated", [LEGACY_HASH, OLDER_ARGON2.hash(PASSWORD)])
def test_signing_in_replaces_an_outdated_hash_with_argon2id(tx, staff, outdated):
    set_hash(tx, outdated)
    with tx() as session:
        accounts.authenticate(session, DEV, PASSWORD)
    upgraded = stored_hash(tx)
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert accounts.check_password(upgraded, PASSWORD)


def test_a_failed_sign_in_leaves_a_legacy_hash_alone(tx, staff):
    set_hash(tx, LEGACY_HASH)
    with pytest.raises(Unauthenticated), tx() as session:
        accounts.authenticate(session, DEV, "wrong password")
    assert stored_hash(tx) == LEGACY_HASH


def test_a_current_hash_is_kept_on_signing_in(tx, staff):
    before = stored_hash(tx)
    with tx() as session:
        accounts.authenticate(session, DEV, PASSWORD)
    assert stored_hash(tx) == before


class CountingHasher(argon2.PasswordHasher):
    """The module's hasher, counting the hashes it verifies against."""

    verified: list[str]

    def verify(self, hash, password):
        self.verified.append(hash)
        return super().verify(hash, password)


@pytest.mark.parametrize("case", ["unknown e-mail", "no password", "inactive"])
def test_a_sign_in_that_cannot_succeed_still_costs_an_argon2_verification(
        tx, staff, monkeypatch, case):
    counting = CountingHasher.from_parameters(argon2.extract_parameters(accounts.hash_password("x")))
    counting.verified = []
    monkeypatch.setattr(accounts, "_ARGON2", counting)
    email = "nobody@example.test" if case == "unknown e-mail" else DEV
    with tx() as session:
        employee = session.query(Employee).filter_by(email=DEV).one()
        employee.password_hash = "" if case == "no password" else employee.password_hash
        employee.active = case != "inactive"
    with pytest.raises(Unauthenticated), tx() as session:
        accounts.authenticate(session, email, PASSWORD)
    assert len(counting.verified) == 1
    assert argon2.extract_parameters(counting.verified[0]) == \
        argon2.extract_parameters(accounts.hash_password("x"))


def test_hashing_goes_through_the_cpu_runner_it_is_given(tx, staff, clock):
    calls = []

    def recording(fn, *args):
        calls.append(fn)
        return fn(*args)

    with tx() as session:
        accounts.authenticate(session, DEV, PASSWORD, recording)
        change_password(session, staff[DEV], "new secret", clock(), recording)
    assert len(calls) == 2
    assert accounts.check_password(stored_hash(tx), "new secret")


def test_a_password_changed_while_the_old_one_is_checked_no_longer_opens_the_account(
        tx, staff, clock):
    with tx() as session:
        claim = accounts.look_up(session, DEV)
    verdict = accounts.verify(claim, PASSWORD)
    with tx() as session:
        change_password(session, claim.employee_id, "a new password", clock())
    assert verdict.ok
    with pytest.raises(Unauthenticated), tx() as session:
        accounts.admit(session, claim, verdict)
