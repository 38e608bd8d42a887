"""Importing employees from CSV, JSON or JSON Lines: every row validated, errors reported by
row, re-imports update (by external id, then e-mail) and never duplicate."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from .errors import InvalidInput
from .models import Employee
from .ports import Encoder
from .profiles import embed_employees, replace_imported_history
from .staff import find_employee, upsert_employee, validate_employee

_SLUG = re.compile(r"[^a-z0-9]+")
_LIST_SEPARATOR = ";"
_DOCS_SEPARATOR = "||"
EMBED_BATCH = 64


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[tuple[int, object]]:
    """(row number, raw row) from a .csv, .json (a list or {"employees": [...]}) or .jsonl file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):  # 1 is the header
                yield number, row
    elif suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield number, json.loads(line)
                    except json.JSONDecodeError as error:
                        yield number, InvalidInput(f"not JSON: {error.msg}")
    elif suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data.get("employees") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise InvalidInput("a JSON file must hold a list of employees or {\"employees\": [...]}")
        yield from enumerate(rows, start=1)
    else:
        raise InvalidInput(f"unsupported file type {suffix!r}: use .csv, .json or .jsonl")


def to_record(row: object) -> tuple[dict, list[str]]:
    """An employee record and the questions they answered before, from one row of any format."""
    if isinstance(row, InvalidInput):
        raise row
    if not isinstance(row, dict):
        raise InvalidInput("each row must be an object with named fields")
    record = {key: value for key, value in row.items() if value not in (None, "")}
    if "id" in record and "external_id" not in record:
        record["external_id"] = str(record.pop("id"))
    if "profile" in record and "bio" not in record:
        record["bio"] = record.pop("profile")
    if "email" not in record and record.get("external_id"):
        slug = _SLUG.sub("-", str(record["external_id"]).lower()).strip("-")
        record["email"] = f"{slug}@imported.invalid"  # reserved TLD: no mail, no sign-in
    for key in ("expertise", "languages"):
        if isinstance(record.get(key), str):
            record[key] = record[key].split(_LIST_SEPARATOR)
    docs = record.pop("profile_docs", None) or record.pop("history", None) or []
    if isinstance(docs, str):
        docs = docs.split(_DOCS_SEPARATOR)
    if not isinstance(docs, list) or not all(isinstance(doc, str) for doc in docs):
        raise InvalidInput("profile_docs must be a list of texts")
    record["prior_threads"] = _count(record.pop("n_profile_threads", 0), "n_profile_threads")
    record["prior_accepted"] = _count(record.pop("n_profile_accepted", 0), "n_profile_accepted")
    return record, docs


def _count(value: object, name: str) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a whole number") from None
    if count < 0:
        raise InvalidInput(f"{name} must not be negative")
    return count


def import_employees(
    session: Session, encoder: Encoder, rows: Iterable[tuple[int, object]], now: datetime,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportReport:
    """Validate and upsert every row (each in its own savepoint); embed what changed."""
    report = ImportReport()
    changed: list[Employee] = []
    for number, row in rows:
        try:
            with session.begin_nested():
                record, docs = to_record(row)
                employee, profile_changed, created = _upsert(session, record, now)
                history_changed = replace_imported_history(session, encoder, employee.id, docs, now)
        except InvalidInput as error:
            report.errors.append((number, str(error)))
        else:
            if created:
                report.created += 1
            elif profile_changed or history_changed:
                report.updated += 1
            else:
                report.unchanged += 1
            if profile_changed:
                changed.append(employee)
            if len(changed) >= EMBED_BATCH:
                embed_employees(session, encoder, changed)
                changed = []
        progress(1)
    embed_employees(session, encoder, changed)
    return report


def _upsert(session: Session, record: dict, now: datetime) -> tuple[Employee, bool, bool]:
    counts = {key: record.pop(key) for key in ("prior_threads", "prior_accepted")}
    created = find_employee(session, validate_employee(record)) is None
    employee, profile_changed = upsert_employee(session, record, now)
    for key, value in counts.items():
        setattr(employee, key, value)
    return employee, profile_changed, created
