"""Ranking employees for a question: passages found by meaning and by words, fused with the
kind of question, experience and load; every match explains itself."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import experience
from .models import Employee, ProfilePassage
from .ports import Encoder, LexicalIndex, VectorIndex
from .presence import loads
from .profiles import sync_indexes
from .values import Explanation, Match

KIND_PROTOTYPES = {
    "technical": "a technical question about code, an API, an integration, a database, an error "
                 "message, a bug, performance, configuration, infrastructure or security",
    "commercial": "a question about buying: pricing, plans, cost, discounts, contracts, a trial, "
                  "a demo, procurement or a partnership",
    "support": "a question about using the product or an account: logging in, a payment, a card, "
               "a transfer, an order, a delivery, a refund or something that does not work",
}
ROLE_KIND = {"developer": "technical", "sales": "commercial", "support": "support"}


@dataclass(frozen=True)
class Weights:
    """How the signals add up; one set of defaults for every company (never tuned per data set)."""

    dense_best: float = 1.0
    dense_support: float = 0.15  # mean of the next best passages of the same person
    lexical: float = 0.15  # BM25 relative to the best BM25 score for this question
    role: float = 0.05  # the kind of question against the person's role
    experience: float = 0.05  # past outcomes, bounded
    tie_margin: float = 0.01  # scores this close are a tie, broken by the lighter load
    passages: int = 200  # nearest passages read per question
    lexical_candidates: int = 20  # best keyword matches considered even if no passage is near


@dataclass(frozen=True)
class Ranking:
    """Ranked matches and how well the best one fits (cosine of its best passage)."""

    matches: list[Match]
    fit: float


@dataclass
class _Found:
    passages: list[tuple[float, str, str]]
    lexical: float = 0.0


class Matcher:
    """Ranks employees for questions; holds the encoder and the indexes (caches of the database)."""

    def __init__(self, encoder: Encoder, index: VectorIndex, lexical: LexicalIndex,
                 weights: Weights | None = None):
        self.encoder, self.index, self.lexical = encoder, index, lexical
        self.weights = weights or Weights()
        self._kinds: np.ndarray | None = None
        self._lock = threading.Lock()

    def rank(self, session: Session, question: str, limit: int = 10) -> Ranking:
        """Active employees best placed to answer question, best first."""
        sync_indexes(session, self.index, self.lexical)
        vector = self.encoder.encode([question])[0]
        found = self._passages(session, vector)
        self._add_lexical(found, question)
        if not found:
            return Ranking([], 0.0)
        employees = {e.id: e for e in session.scalars(
            select(Employee).where(Employee.id.in_(found), Employee.active.is_(True)))}
        found = {eid: f for eid, f in found.items() if eid in employees}
        kinds = self.question_kinds(vector)
        outcomes = experience.outcomes(session, list(found))
        matches = [self._score(employees[eid], f, kinds, outcomes.get(eid))
                   for eid, f in found.items()]
        matches.sort(key=lambda m: (-m.score, m.employee_id))
        matches = self._break_ties(session, matches)[:limit]
        fit = max((p[0] for f in found.values() for p in f.passages), default=0.0)
        return Ranking(matches, round(fit, 4))

    def question_kinds(self, vector: np.ndarray) -> dict[str, float]:
        """Probabilities that the question is technical, commercial or support."""
        with self._lock:
            if self._kinds is None:
                self._kinds = self.encoder.encode(list(KIND_PROTOTYPES.values()))
        sims = self._kinds @ vector
        odds = np.exp((sims - sims.max()) / 0.05)
        return dict(zip(KIND_PROTOTYPES, (odds / odds.sum()).tolist(), strict=True))

    def _passages(self, session: Session, vector: np.ndarray) -> dict[int, _Found]:
        hits = dict(self.index.search(vector, self.weights.passages))
        found: dict[int, _Found] = {}
        if not hits:
            return found
        rows = session.execute(select(ProfilePassage.id, ProfilePassage.employee_id,
                                      ProfilePassage.kind, ProfilePassage.text)
                               .where(ProfilePassage.id.in_(hits))).all()
        for row in rows:
            found.setdefault(row.employee_id, _Found([])).passages.append(
                (hits[row.id], row.kind, row.text))
        floor = min(hits.values())
        for f in found.values():
            f.passages.sort(key=lambda p: -p[0])
            f.passages.append((floor, "", ""))  # anything unseen is at most this close
        return found

    def _add_lexical(self, found: dict[int, _Found], question: str) -> None:
        scores = self.lexical.scores(question)
        if not scores:
            return
        best = max(scores.values())
        top = sorted(scores, key=lambda eid: -scores[eid])[: self.weights.lexical_candidates]
        floor = min((f.passages[-1][0] for f in found.values()), default=0.0)
        for eid in top:
            found.setdefault(eid, _Found([(floor, "", "")]))
        for eid, f in found.items():
            f.lexical = scores.get(eid, 0.0) / best

    def _score(self, employee: Employee, found: _Found, kinds: dict[str, float],
               outcome: experience.Outcome | None) -> Match:
        w = self.weights
        best, kind, text = found.passages[0]
        following = [p[0] for p in found.passages[1:3]] or [best]
        role_kind = ROLE_KIND.get(employee.role)
        parts = {
            "meaning": w.dense_best * best,
            "breadth": w.dense_support * float(np.mean(following)),
            "words": w.lexical * found.lexical,
            "role": w.role * ((kinds[role_kind] - 1 / 3) if role_kind else 0.0),
            "experience": w.experience * experience.signal(employee, outcome),
        }
        score = sum(parts.values())
        if not text:
            kind, text = "words", "matching words in the profile"
        parts = {name: round(value, 4) for name, value in parts.items()}
        return Match(employee.id, round(score, 4), Explanation(text, kind, parts), round(best, 4))

    def _break_ties(self, session: Session, matches: list[Match]) -> list[Match]:
        """Near-ties go to the person with fewer live chats and open offers."""
        if len(matches) < 2:
            return matches
        load = loads(session, [m.employee_id for m in matches])
        result: list[Match] = []
        group: list[Match] = []
        for match in matches:
            if group and group[0].score - match.score > self.weights.tie_margin:
                result += sorted(group, key=lambda m: (load[m.employee_id], -m.score))
                group = []
            group.append(match)
        return result + sorted(group, key=lambda m: (load[m.employee_id], -m.score))
