"""Ranking employees for a question: their closest passage, the gist of their whole profile and
history, the words they share, the kind of question against their role, and experience; near
ties go to the lighter load. Every match explains itself."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import experience
from .models import Employee, ProfilePassage
from .ports import Encoder, LexicalIndex, VectorIndex
from .presence import loads
from .profiles import PROFILE_KINDS, headline, sync_indexes
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


def speaks(employee: Employee, language: str | None) -> bool:
    """Whether the employee speaks language ("nl-BE" counts as "nl"); unknown means yes."""
    if not language or not employee.languages:
        return True
    base = language.lower().split("-")[0]
    return base in {spoken.lower().split("-")[0] for spoken in employee.languages}


@dataclass(frozen=True)
class Weights:
    """How the signals add up: one set of defaults for every company, chosen on three public
    data sets together (docs/matching.md), never per data set."""

    passage: float = 1.0  # cosine of the person's closest passage
    gist: float = 1.0  # cosine of the normalised mean of all their passages
    words: float = 0.15  # BM25, relative to the best BM25 score for this question
    role: float = 0.05  # the kind of question against the person's role
    language: float = 0.1  # taken off when the person does not speak the question's language
    experience: float = 0.05  # past outcomes, bounded to [-1, 1] before weighting
    tie_margin: float = 0.01  # scores this close are a tie, broken by the lighter load
    passages: int = 200  # nearest passages read per question
    shortlist: int = 20  # people added by gist and by words even without a near passage


@dataclass(frozen=True)
class Ranking:
    """Ranked matches and how well the best one fits (cosine of the closest passage)."""

    matches: list[Match]
    fit: float


@dataclass
class _Evidence:
    passage: tuple[float, str, int | None] | None = None  # closest: (cosine, kind, history item)
    curated: tuple[float, str] | None = None  # closest of the profile's own: (cosine, text)
    gist: float = 0.0
    words: float = 0.0


@dataclass
class _Signals:
    evidence: dict[int, _Evidence] = field(default_factory=dict)
    floor: float = 0.0  # any passage not read back is at most this close

    def of(self, employee_id: int) -> _Evidence:
        return self.evidence.setdefault(employee_id, _Evidence())


class Matcher:
    """Ranks employees for questions; holds the encoder and the indexes (caches of the database)."""

    def __init__(self, encoder: Encoder, index: VectorIndex, centroids: VectorIndex,
                 lexical: LexicalIndex, weights: Weights | None = None):
        self.encoder, self.index, self.centroids, self.lexical = encoder, index, centroids, lexical
        self.weights = weights or Weights()
        self._kinds: np.ndarray | None = None
        self._lock = threading.Lock()

    def sync(self, session: Session) -> None:
        """Bring the indexes up to the database (cheap when nothing changed)."""
        sync_indexes(session, self.index, self.centroids, self.lexical)

    def rank(self, session: Session, question: str, limit: int = 10,
             language: str | None = None) -> Ranking:
        """Active employees best placed to answer question (asked in language, when known),
        best first."""
        # Encode before the first query: on SQLite that query takes the write lock.
        vector = self.encoder.encode([question])[0]
        self.sync(session)
        signals = self._signals(session, vector, question)
        employees = {e.id: e for e in session.scalars(select(Employee).where(
            Employee.id.in_(signals.evidence), Employee.active.is_(True)))}
        if not employees:
            return Ranking([], 0.0)
        kinds = self.question_kinds(vector)
        outcomes = experience.outcomes(session, list(employees))
        matches = [self._score(employee, signals, kinds, outcomes.get(eid), language)
                   for eid, employee in employees.items()]
        matches.sort(key=lambda m: (-m.score, m.employee_id))
        matches = self._break_ties(session, matches)[:limit]
        fit = max((m.fit for m in matches), default=0.0)
        return Ranking(matches, fit)

    def question_kinds(self, vector: np.ndarray) -> dict[str, float]:
        """Probabilities that the question is technical, commercial or support."""
        with self._lock:
            if self._kinds is None:
                self._kinds = self.encoder.encode(list(KIND_PROTOTYPES.values()))
        sims = self._kinds @ vector
        odds = np.exp((sims - sims.max()) / 0.05)
        return dict(zip(KIND_PROTOTYPES, (odds / odds.sum()).tolist(), strict=True))

    def _signals(self, session: Session, vector: np.ndarray, question: str) -> _Signals:
        signals = _Signals()
        hits = dict(self.index.search(vector, self.weights.passages))
        if hits:
            signals.floor = min(hits.values())
            rows = session.execute(select(ProfilePassage.id, ProfilePassage.employee_id,
                                          ProfilePassage.kind, ProfilePassage.text,
                                          ProfilePassage.history_item_id)
                                   .where(ProfilePassage.id.in_(hits))).all()
            for row in rows:
                evidence, cosine = signals.of(row.employee_id), hits[row.id]
                if evidence.passage is None or cosine > evidence.passage[0]:
                    evidence.passage = (cosine, row.kind, row.history_item_id)
                if row.kind in PROFILE_KINDS and (evidence.curated is None
                                                  or cosine > evidence.curated[0]):
                    evidence.curated = (cosine, row.text)
        gists = self.centroids.search(vector, self.centroids.size)  # all: one per employee
        for rank, (eid, cosine) in enumerate(gists):
            if rank < self.weights.shortlist or eid in signals.evidence:
                signals.of(eid).gist = cosine
        words = self.lexical.scores(question)
        if words:
            best = max(words.values())
            shortlist = set(sorted(words, key=words.get, reverse=True)[: self.weights.shortlist])
            for eid, value in words.items():
                if eid in shortlist or eid in signals.evidence:
                    signals.of(eid).words = value / best
        gist = dict(gists)
        for eid, evidence in signals.evidence.items():
            evidence.gist = gist.get(eid, evidence.gist)
        return signals

    def _score(self, employee: Employee, signals: _Signals, kinds: dict[str, float],
               outcome: experience.Outcome | None, language: str | None) -> Match:
        w = self.weights
        evidence = signals.evidence[employee.id]
        cosine, kind, history_item = evidence.passage or (signals.floor, "", None)
        role_kind = ROLE_KIND.get(employee.role)
        parts = {
            "passage": w.passage * cosine,
            "gist": w.gist * evidence.gist,
            "words": w.words * evidence.words,
            "role": w.role * ((kinds[role_kind] - 1 / 3) if role_kind else 0.0),
            "experience": w.experience * experience.signal(employee, outcome),
            "language": -w.language * (not speaks(employee, language)),
        }
        score = sum(parts.values())
        if not kind:
            kind = "words" if evidence.words else "gist"
        # What anyone may be shown: the profile's own words, else its headline.
        reason = evidence.curated[1] if evidence.curated else headline(employee)
        rounded = {name: round(value, 4) for name, value in parts.items()}
        explanation = Explanation(reason, kind, rounded,
                                  history_item if kind == "history" else None)
        return Match(employee.id, round(score, 4), explanation, round(cosine, 4))

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
