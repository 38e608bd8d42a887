"""Employee records: validated create-or-update by e-mail, shared by the seed, admin and imports."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import signins
from .accounts import hash_password, inline
from .errors import InvalidInput, NotFound
from .inputs import EMAIL
from .models import ACCESS_LEVELS, MAX_CAPACITY, ROLES, Employee
from .ports import CpuRunner

_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_LOCALE = re.compile(r"^([a-z]{2}(-[A-Z]{2})?)?\Z")
PROFILE_FIELDS = ("title", "team", "bio", "expertise")


def _text(record: dict, key: str, limit: int, required: bool = False) -> str:
    value = record.get(key) or ""
    if not isinstance(value, str):
        raise InvalidInput(f"{key} must be text", code="invalid_employee")
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"{key} is required", code="invalid_employee")
    if len(value) > limit:
        raise InvalidInput(f"{key} is longer than {limit} characters", code="invalid_employee")
    return value


def _list(record: dict, key: str) -> list[str]:
    value = record.get(key) or []
    if isinstance(value, str):
        value = [part for part in re.split(r"[;\n]", value)]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{key} must be a list of texts", code="invalid_employee")
    return [item.strip() for item in value if item.strip()]


def validate_employee(record: dict) -> dict:
    """The clean fields of an employee record, or InvalidInput naming the first bad field."""
    email = _text(record, "email", 254, required=True).lower()  # stored lower-case: one index
    if not EMAIL.match(email):
        raise InvalidInput("email does not look like an e-mail address", code="invalid_employee")
    fields = {
        "email": email, "name": _text(record, "name", 120, required=True),
        "role": _text(record, "role", 20, required=True).lower(),
        "access": (_text(record, "access", 20) or "agent").lower(),
        "title": _text(record, "title", 120), "team": _text(record, "team", 120),
        "bio": _text(record, "bio", 5000), "expertise": _list(record, "expertise"),
        "languages": _list(record, "languages") or ["en"],
        "working_hours": _text(record, "working_hours", 20) or "09:00-17:00",
        "timezone": _text(record, "timezone", 64) or "UTC",
    }
    if "locale" in record:  # a personal preference: an import without it keeps it
        fields["locale"] = _text(record, "locale", 8)
        if not _LOCALE.match(fields["locale"]):
            raise InvalidInput("locale must look like nl or nl-BE", code="invalid_employee")
    if _text(record, "external_id", 120):  # absent means "keep", never "clear"
        fields["external_id"] = _text(record, "external_id", 120)
    if fields["role"] not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", code="invalid_employee")
    if fields["access"] not in ACCESS_LEVELS:
        raise InvalidInput(f"access must be one of {', '.join(ACCESS_LEVELS)}",
                           code="invalid_employee")
    start, _, end = fields["working_hours"].partition("-")
    if not _HOURS.match(fields["working_hours"]) or start == end:
        raise InvalidInput("working_hours must look like 09:00-17:30", code="invalid_employee")
    try:
        ZoneInfo(fields["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone must be an IANA name like Europe/Amsterdam",
                           code="invalid_employee") from None
    try:
        raw = record.get("capacity")
        fields["capacity"] = 2 if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        raise InvalidInput("capacity must be a whole number", code="invalid_employee") from None
    if not 1 <= fields["capacity"] <= MAX_CAPACITY:
        raise InvalidInput(f"capacity must be 1 to {MAX_CAPACITY}", code="invalid_employee")
    return fields


def _refuse_email_clash(session: Session, email: str, employee_id: int | None) -> None:
    """Refuse to give employee_id an e-mail another employee has (a new one was looked up by
    e-mail already, so it cannot clash)."""
    if employee_id is None:
        return
    clash = session.scalar(select(Employee.id).where(Employee.email == email,
                                                     Employee.id != employee_id))
    if clash is not None:
        raise InvalidInput("another employee has this e-mail", code="duplicate_email")


def find_employee(session: Session, fields: dict) -> Employee | None:
    """The stored employee these validated fields describe: by external id, then by e-mail."""
    if "external_id" in fields:
        employee = session.scalar(select(Employee).where(Employee.external_id == fields["external_id"]))
        if employee is not None:
            return employee
    return session.scalar(select(Employee).where(Employee.email == fields["email"]))


def upsert_employee(
    session: Session, record: dict, now: datetime, password: str | None = None,
    run: CpuRunner = inline,
) -> tuple[Employee, bool]:
    """Create or update the employee with this e-mail; True when the profile text changed.
    A password is hashed where run does CPU work."""
    fields = validate_employee(record)
    employee = find_employee(session, fields)
    _refuse_email_clash(session, fields["email"], employee.id if employee else None)
    if employee is None:
        employee = Employee(created_at=now, **fields)
        session.add(employee)
        changed = True
    else:
        changed = any(getattr(employee, key) != fields[key] for key in PROFILE_FIELDS)
        for key, value in fields.items():
            setattr(employee, key, value)
    if password:
        employee.password_hash = hash_password(password, run)
    session.flush()
    return employee, changed


def change_password(session: Session, employee_id: int, password: str, now: datetime,
                    run: CpuRunner = inline) -> list[str]:
    """Set a new password (hashed where run does CPU work); every sign-in of this employee
    ends. Returns the console connections to close."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("no such employee")
    employee.password_hash = hash_password(password, run)
    return signins.end_all(session, employee_id, now, "password_changed")


def update_employee(session: Session, employee_id: int, record: dict) -> tuple[Employee, bool]:
    """Edit one employee by id (the e-mail may change); True when the profile text changed.
    (A new password goes through change_password, which ends their sign-ins.)"""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("no such employee")
    fields = validate_employee(record)
    _refuse_email_clash(session, fields["email"], employee_id)
    changed = any(getattr(employee, key) != fields[key] for key in PROFILE_FIELDS)
    for key, value in fields.items():
        setattr(employee, key, value)
    employee.active = bool(record.get("active", employee.active))
    session.flush()
    return employee, changed


def create_employee(
    session: Session, record: dict, now: datetime, password: str | None = None,
    run: CpuRunner = inline,
) -> Employee:
    """Add a new employee; an e-mail already in use is an error, never a silent update."""
    email = validate_employee(record)["email"]
    if session.scalar(select(Employee.id).where(Employee.email == email)):
        raise InvalidInput("another employee has this e-mail", code="duplicate_email")
    return upsert_employee(session, record, now, password, run)[0]


def set_locale(session: Session, employee_id: int, locale: str) -> None:
    """The language the employee's pages use ("" follows their browser)."""
    if not isinstance(locale, str) or not _LOCALE.match(locale):
        raise InvalidInput("locale must look like nl or nl-BE", code="invalid_locale")
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("no such employee")
    employee.locale = locale
    session.flush()
