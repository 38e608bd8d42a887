"""Ranking employees for a question: nearest profile passages, aggregated per person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Employee, ProfilePassage
from .ports import Encoder, VectorIndex
from .profiles import sync_index
from .values import Explanation, Match

# How many passages to read back per question: enough to see every plausible person.
_PASSAGES_PER_QUESTION = 200
# A second strong passage is corroboration: it adds a little, never outweighs the best one.
_SUPPORT_WEIGHT = 0.15


def rank_candidates(
    session: Session, encoder: Encoder, index: VectorIndex, question: str, limit: int = 10
) -> list[Match]:
    """Active employees best placed to answer question, best first, each with its explanation."""
    sync_index(session, index)
    vector = encoder.encode([question])[0]
    hits = index.search(vector, _PASSAGES_PER_QUESTION)
    if not hits:
        return []
    scores = dict(hits)
    rows = session.execute(
        select(ProfilePassage.id, ProfilePassage.employee_id, ProfilePassage.kind,
               ProfilePassage.text)
        .join(Employee)
        .where(ProfilePassage.id.in_(scores), Employee.active.is_(True))
    ).all()
    by_employee: dict[int, list[tuple[float, str, str]]] = {}
    for row in rows:
        by_employee.setdefault(row.employee_id, []).append((scores[row.id], row.kind, row.text))
    matches = [_score_employee(eid, found) for eid, found in by_employee.items()]
    matches.sort(key=lambda match: (-match.score, match.employee_id))
    return matches[:limit]


def _score_employee(employee_id: int, found: list[tuple[float, str, str]]) -> Match:
    found.sort(key=lambda item: -item[0])
    best, kind, text = found[0]
    support = found[1][0] if len(found) > 1 else 0.0
    score = best + _SUPPORT_WEIGHT * max(support, 0.0)
    parts = {"best_passage": round(best, 4), "support": round(_SUPPORT_WEIGHT * support, 4)}
    return Match(employee_id, round(score, 4), Explanation(text, kind, parts))
