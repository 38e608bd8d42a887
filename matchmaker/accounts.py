"""Employee accounts: password hashing (scrypt, stdlib) and sign-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Unauthenticated
from .models import Employee

_N, _R, _P = 2**14, 8, 1
_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 86 + "=="


def hash_password(password: str) -> str:
    """A salted scrypt hash in a self-describing string."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(stored: str, password: str) -> bool:
    """True when password matches the stored hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def authenticate(session: Session, email: str, password: str) -> Employee:
    """The active employee with these credentials, or Unauthenticated."""
    employee = session.scalar(
        select(Employee).where(Employee.email == email.strip().lower())
    )
    # Unknown e-mails cost a hash too, so timing does not tell which addresses exist.
    stored = employee.password_hash if employee is not None else _DUMMY_HASH
    if not check_password(stored, password) or employee is None or not employee.active:
        raise Unauthenticated("wrong e-mail or password")
    return employee
