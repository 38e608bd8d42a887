"""Employee accounts: password hashing (argon2id; older scrypt hashes still verify) and sign-in."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Unauthenticated
from .models import Employee
from .ports import CpuRunner

# OWASP's Password Storage Cheat Sheet minimum for argon2id: 19 MiB, 2 passes, 1 lane (~30 ms
# here). Not argon2-cffi's default (RFC 9106 low-memory: 64 MiB, 3 passes, 4 lanes; ~240 ms on
# 2 cores): a sign-in flood hashes in every pool thread at once, so memory stays at 19 MiB a
# thread, and one lane because the pool already runs hashes side by side on the same cores.
_ARGON2 = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32,
                         salt_len=16)
_SCRYPT = "scrypt$"  # the scheme before argon2id: still verified, replaced on signing in


def inline(fn, /, *args: Any):
    """Run fn(*args) here and now: the CpuRunner of seeding, the CLI and threading mode."""
    return fn(*args)


@dataclass(frozen=True)
class Claim:
    """What a sign-in attempt is checked against, read before the slow check: the employee
    (None for an unknown e-mail) and their stored hash."""

    employee_id: int | None
    stored: str


@dataclass(frozen=True)
class Verdict:
    """Whether the password matched; `rehashed` is the password hashed afresh when the stored
    hash is outdated (scrypt, or older argon2 parameters), to be stored with the sign-in."""

    ok: bool
    rehashed: str | None = None


def hash_password(password: str, run: CpuRunner = inline) -> str:
    """A salted argon2id hash in a self-describing string, computed where run does CPU work."""
    return run(_ARGON2.hash, password)


def check_password(stored: str, password: str) -> bool:
    """True when password matches the stored hash (argon2id, or a legacy scrypt one)."""
    if stored.startswith(_SCRYPT):
        return _check_scrypt(stored, password)
    try:
        return _ARGON2.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True unless the stored hash is argon2id at today's parameters."""
    try:
        return stored.startswith(_SCRYPT) or _ARGON2.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _check_scrypt(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                   r=int(r), p=int(p))
    except ValueError:  # not six fields, not numbers, or parameters scrypt refuses
        return False
    return hmac.compare_digest(candidate, base64.b64decode(digest))


@functools.cache
def _dummy_hash() -> str:
    """An argon2id hash of a random secret at today's parameters, made when first needed."""
    return _ARGON2.hash(secrets.token_urlsafe(16))


def _check(stored: str, password: str) -> Verdict:
    """All the CPU work of a sign-in, in one call (one trip to the thread pool)."""
    if not stored.startswith((_SCRYPT, "$argon2")):
        # Unknown e-mails and accounts without a password cost a hash too, at the same
        # parameters, so timing does not tell which addresses exist.
        check_password(_dummy_hash(), password)
        return Verdict(False)
    if not check_password(stored, password):
        return Verdict(False)
    return Verdict(True, _ARGON2.hash(password) if needs_rehash(stored) else None)


def look_up(session: Session, email: str) -> Claim:
    """The account a sign-in attempt names, read before its password is checked."""
    employee = session.scalar(
        select(Employee).where(Employee.email == email.strip().lower())
    )
    return Claim(None, "") if employee is None else Claim(employee.id, employee.password_hash)


def verify(claim: Claim, password: str, run: CpuRunner = inline) -> Verdict:
    """Check the password against the claim where run does CPU work (hold no database
    connection meanwhile: under a flood of sign-ins the pool would run dry)."""
    return run(_check, claim.stored, password)


def admit(session: Session, claim: Claim, verdict: Verdict) -> Employee:
    """The active employee the verdict lets in, or Unauthenticated; an outdated hash is
    replaced by the fresh one in the caller's transaction."""
    employee = session.get(Employee, claim.employee_id) if claim.employee_id is not None else None
    # A hash changed since the look-up (a new password) no longer opens the account.
    if (not verdict.ok or employee is None or not employee.active
            or employee.password_hash != claim.stored):
        raise Unauthenticated("wrong e-mail or password")
    if verdict.rehashed:
        employee.password_hash = verdict.rehashed
        session.flush()
    return employee


def authenticate(session: Session, email: str, password: str,
                 run: CpuRunner = inline) -> Employee:
    """The active employee with these credentials, or Unauthenticated: look_up, verify and
    admit in one session (the sign-in page holds none while verifying)."""
    claim = look_up(session, email)
    return admit(session, claim, verify(claim, password, run))
