"""Expertise profiles as embedded passages, and keeping the vector index in step with them."""

from __future__ import annotations

import re

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import Employee, ProfilePassage
from .ports import Encoder, VectorIndex

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def profile_passages(employee: Employee) -> list[tuple[str, str]]:
    """The (kind, text) pieces of a profile, each embedded on its own so none is truncated."""
    passages: list[tuple[str, str]] = []
    headline = ", ".join(part for part in (employee.title, employee.team) if part)
    if headline:
        passages.append(("title", headline))
    passages += [("expertise", item.strip()) for item in employee.expertise if item.strip()]
    passages += [
        ("bio", sentence.strip())
        for sentence in _SENTENCE_END.split(employee.bio or "")
        if len(sentence.strip()) > 3
    ]
    return passages


def embed_employees(session: Session, encoder: Encoder, employees: list[Employee]) -> int:
    """Replace the stored passages of these employees with fresh embeddings; returns a count."""
    if not employees:
        return 0
    ids = [employee.id for employee in employees]
    session.execute(delete(ProfilePassage).where(ProfilePassage.employee_id.in_(ids)))
    rows = [(employee.id, kind, text) for employee in employees for kind, text in
            profile_passages(employee)]
    if rows:
        vectors = encoder.encode([text for _, _, text in rows]).astype(np.float32)
        session.add_all(
            ProfilePassage(employee_id=eid, kind=kind, text=text, vector=vector.tobytes())
            for (eid, kind, text), vector in zip(rows, vectors, strict=True)
        )
    session.flush()
    for employee in employees:
        session.expire(employee, ["passages"])
    return len(rows)


def index_version(session: Session) -> str:
    """Identifies the stored passages: ids only grow, so (count, max id) changes on any edit."""
    count, top = session.execute(
        select(func.count(ProfilePassage.id), func.max(ProfilePassage.id))
    ).one()
    return f"{count}:{top or 0}"


def sync_index(session: Session, index: VectorIndex) -> None:
    """Rebuild the index from the database when it is behind (another worker, a restart)."""
    version = index_version(session)
    if index.version == version:
        return
    rows = session.execute(select(ProfilePassage.id, ProfilePassage.vector)).all()
    ids = np.array([row.id for row in rows], dtype=np.int64)
    vectors = (
        np.stack([np.frombuffer(row.vector, dtype=np.float32) for row in rows])
        if rows
        else np.zeros((0, 0), dtype=np.float32)
    )
    index.rebuild(ids, vectors, version)
