"""Ranking employees for a question: their closest passage, the gist of their whole profile and
history, the words they share, the kind of question against their role, and experience; near
ties go to the lighter load. Every match explains itself."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import experience
from .db import InIds, Transaction, core
from .models import Employee, ProfilePassage
from .ports import Encoder, LanguageDetector, LexicalIndex, ProfileIndex
from .presence import loads
from .profiles import (
    DEFAULT_MIN_FIT,
    Space,
    calibration,
    headline,
    index_behind,
    ranking_state,
    sync_indexes,
)
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
# The closest passages' kind, words and history item: built once, ids bound at each ranking.
_PASSAGES = select(ProfilePassage.id, ProfilePassage.kind, ProfilePassage.text,
                   ProfilePassage.history_item_id).where(
    InIds(ProfilePassage.id, "ids"))
# The parts of a score, in the order they are added up (each shown in the explanation).
PARTS = ("passage", "gist", "words", "role", "experience", "language")
CLEAR_LANGUAGE = 0.8  # a detected language this likely counts as the question's language


def speaks(employee: Employee | experience.Person, language: str | None) -> bool:
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
    # For a question not in English the closest passage and the shared words count for nothing:
    # one short passage matched across languages, and English profile words against another
    # language, are noise; the gist of everything a person knows carries it (docs/matching.md).
    passage_other: float = 0.0
    gist: float = 1.0  # cosine of the normalised mean of all their passages
    words: float = 0.15  # BM25, relative to the best BM25 score for this question
    words_other: float = 0.0
    role: float = 0.05  # the kind of question against the person's role
    language: float = 0.1  # taken off when the person does not speak the question's language
    experience: float = 0.05  # past outcomes, bounded to [-1, 1] before weighting
    tie_margin: float = 0.01  # scores this close are a tie, broken by the lighter load
    candidates: int = 100  # people with the closest gist: all their passages are read
    shortlist: int = 20  # people added by words even without a close gist


@dataclass(frozen=True)
class Ranking:
    """Ranked matches, how well the best one fits (cosine of the closest passage), the fit
    below which nobody fits this question (the encoder's calibration for its language), and
    the question's language when it was clear."""

    matches: list[Match]
    fit: float
    min_fit: float = DEFAULT_MIN_FIT
    language: str | None = None


@dataclass(frozen=True)
class Reading:
    """How a question is read: its vector, how English it is (0..1), its language if clear."""

    vector: np.ndarray
    english: float
    language: str | None


class _Scored(NamedTuple):
    """A contender's score and its parts, before it is explained (only the top ones are)."""

    employee_id: int
    score: float  # rounded as a Match's
    parts: tuple[float, ...]  # in the order of PARTS


_Ranked = TypeVar("_Ranked", _Scored, Match)


@dataclass
class _Evidence:
    passage: tuple[float, str, int | None] | None = None  # closest: (cosine, kind, history item)
    curated: tuple[float, str] | None = None  # closest of the profile's own: (cosine, text)
    gist: float = 0.0
    words: float = 0.0


@dataclass
class _Signals:
    evidence: dict[int, _Evidence] = field(default_factory=dict)

    def of(self, employee_id: int) -> _Evidence:
        evidence = self.evidence.get(employee_id)
        if evidence is None:
            evidence = self.evidence[employee_id] = _Evidence()
        return evidence


class Matcher:
    """Ranks employees for questions; holds the encoder and the indexes (caches of the database)."""

    def __init__(self, encoder: Encoder, index: ProfileIndex, lexical: LexicalIndex,
                 weights: Weights | None = None, detector: LanguageDetector | None = None,
                 min_fit: float | None = None):
        """detector: reads the question's language (None: every question is English); min_fit:
        a fixed threshold instead of the encoder's calibration (MATCHMAKER_MIN_SCORE)."""
        self.encoder, self.index, self.lexical = encoder, index, lexical
        self.weights = weights or Weights()
        self.detector, self.fixed_min_fit = detector, min_fit
        self._kinds: np.ndarray | None = None
        self._lock = threading.Lock()
        self._transaction: Transaction | None = None
        self._spawn: Callable[[Callable[[], None]], object] | None = None
        self._refreshing = False

    def sync(self, session: Session) -> Space | None:
        """Bring the indexes up to the database (cheap when nothing changed); refuse vectors
        another model made. Returns the stored space (None: no vectors yet)."""
        space, version = ranking_state(session, self.encoder)
        sync_indexes(session, self.index, self.lexical, getattr(self.encoder, "blocks", None),
                     version=version)
        return space

    def refresh_in_background(self, transaction: Transaction,
                              spawn: Callable[[Callable[[], None]], object]) -> None:
        """From now on a question never waits for the indexes to be rebuilt: when the database
        is ahead of them, spawn(job) rebuilds them in a transaction of its own and swaps them
        in whole, while questions are ranked with the ones there are (until the first build,
        a question still builds them)."""
        self._transaction, self._spawn = transaction, spawn

    def _catch_up(self, session: Session) -> Space | None:
        if self._spawn is None or self.index.version is None:
            return self.sync(session)
        space, version = ranking_state(session, self.encoder)
        if index_behind(self.index, self.lexical, version):
            with self._lock:
                start, self._refreshing = not self._refreshing, True
            if start:
                try:
                    self._spawn(self._refresh)
                except BaseException:
                    self._refreshing = False
                    raise
        return space

    def _refresh(self) -> None:
        try:
            with self._transaction() as session:
                self.sync(session)
        finally:
            self._refreshing = False

    def read(self, question: str) -> Reading:
        """The question's language, and its vector as the encoder reads that language."""
        chances = self.detector.probabilities(question) if self.detector else {}
        english = chances.get("en", 0.0) if chances else 1.0
        english = 0.0 if english < 0.01 else 1.0 if english > 0.99 else english
        encode_query = getattr(self.encoder, "encode_query", None)
        vector = (encode_query(question, english) if encode_query
                  else self.encoder.encode([question])[0])
        likeliest = max(chances, key=chances.get) if chances else None
        clear = likeliest if likeliest and chances[likeliest] >= CLEAR_LANGUAGE else None
        return Reading(vector, english, clear)

    def threshold(self, english: float, space: Space | None = None) -> float:
        """The fit below which nobody fits a question this English: the calibration stored
        with the vectors (else the encoder's), unless a fixed threshold is configured."""
        if self.fixed_min_fit is not None:
            return self.fixed_min_fit
        english_fit, other_fit = ((space.min_fit_english, space.min_fit_other) if space
                                  else calibration(self.encoder))
        return english * english_fit + (1 - english) * other_fit

    def rank(self, session: Session, question: str, limit: int = 10,
             language: str | None = None, among: Collection[int] | None = None,
             reading: Reading | None = None) -> Ranking:
        """Active employees best placed to answer question, best first. Its language is the
        one detected when clear, else `language` (what the widget speaks), if given. among:
        rank only these people, each scored exactly as among everyone; reading: the question
        already read (self.read), to rank it twice with one encoding."""
        # Encode before the first query: on SQLite that query takes the write lock.
        reading = reading or self.read(question)
        space = self._catch_up(session)
        signals = self._signals(session, reading.vector, question, among)
        # The cross-lingual weights apply to a question more likely not English than English:
        # an English question the detector doubts a little keeps every signal.
        english = 1.0 if reading.english >= 0.5 else reading.english
        people = experience.people(session, list(signals.evidence))
        contenders = self._contenders(signals, list(people), limit, english)
        spoken = reading.language or language
        min_fit = self.threshold(reading.english, space)
        if not contenders:
            return Ranking([], 0.0, min_fit, reading.language)
        kinds = self.question_kinds(reading.vector)
        scored = []
        for eid in contenders:
            parts = self._parts(people[eid], signals.evidence[eid], kinds, spoken, english)
            scored.append(_Scored(eid, round(sum(parts), 4), parts))
        scored.sort(key=lambda s: (-s.score, s.employee_id))
        # Only the matches returned are explained (a hundred contenders are scored).
        matches = [self._match(people[s.employee_id], signals.evidence[s.employee_id], s)
                   for s in self._break_ties(session, scored, limit)[:limit]]
        fit = max((m.fit for m in matches), default=0.0)
        return Ranking(matches, fit, min_fit, reading.language)

    def question_kinds(self, vector: np.ndarray) -> dict[str, float]:
        """Probabilities that the question is technical, commercial or support."""
        with self._lock:
            if self._kinds is None:
                self._kinds = self.encoder.encode(list(KIND_PROTOTYPES.values()))
        sims = self._kinds @ vector
        odds = np.exp((sims - sims.max()) / 0.05)
        return dict(zip(KIND_PROTOTYPES, (odds / odds.sum()).tolist(), strict=True))

    def _signals(self, session: Session, vector: np.ndarray, question: str,
                 among: Collection[int] | None = None) -> _Signals:
        """The candidates (closest gists, and the best shared words; or exactly `among`) and
        their evidence, each read exactly: their closest passage, gist and words."""
        signals = _Signals()
        gists = dict(self.index.shortlist(vector, self.weights.candidates))
        words = self.lexical.top(question, self.weights.shortlist,
                                 among=gists if among is None else among)
        best = max(words.values(), default=0.0)  # the best of all: words scale the same
        if among is not None:
            gists = {eid: cosine for eid, cosine in gists.items() if eid in among}
            words = {eid: value for eid, value in words.items() if eid in among}
        for eid, value in words.items():
            signals.of(eid).words = value / best
        wanted = dict.fromkeys([*words, *(among or ())])
        gists.update(self.index.gists(vector, [eid for eid in wanted if eid not in gists]))
        for eid, cosine in gists.items():
            signals.of(eid).gist = cosine
        closest = self.index.closest(vector, list(signals.evidence))
        wanted = {pid for best, curated in closest.values()
                  for pid, _ in (best, curated or best)}
        rows = {row.id: row
                for row in core(session).execute(_PASSAGES, {"ids": list(wanted)}).all()}
        for eid, ((pid, cosine), curated) in closest.items():
            evidence, row = signals.of(eid), rows.get(pid)
            if row is not None:  # else removed since the indexes were built
                evidence.passage = (cosine, row.kind, row.history_item_id)
            if curated and curated[0] in rows:
                evidence.curated = (curated[1], rows[curated[0]].text)
        return signals

    def _similarity(self, evidence: _Evidence, english: float) -> tuple[float, float, float]:
        """The parts of the score that come from what the person knows: passage, gist, words."""
        w = self.weights
        cosine = evidence.passage[0] if evidence.passage else 0.0
        return (w.passage * (english + (1 - english) * w.passage_other) * cosine,
                w.gist * evidence.gist,
                w.words * (english + (1 - english) * w.words_other) * evidence.words)

    def _contenders(self, signals: _Signals, active: list[int], limit: int,
                    english: float) -> list[int]:
        """The active candidates that can still reach the top `limit`: role, experience and
        language move a score by at most `reach` in all, so whoever is further behind the
        limit-th best on what they know can neither pass nor tie with it."""
        w = self.weights
        known = {eid: sum(self._similarity(signals.evidence[eid], english)) for eid in active}
        if limit <= 0 or len(known) <= limit:
            return list(known)
        kth = sorted(known.values(), reverse=True)[limit - 1]
        reach = (abs(w.role) + 2 * abs(w.experience) + abs(w.language) + abs(w.tie_margin)
                 + 1e-3)  # and the rounding of scores
        return [eid for eid, value in known.items() if value >= kth - reach]

    def _parts(self, employee: experience.Person, evidence: _Evidence, kinds: dict[str, float],
               language: str | None, english: float = 1.0) -> tuple[float, ...]:
        """The score's parts, in the order of PARTS; the score is their sum."""
        w = self.weights
        role_kind = ROLE_KIND.get(employee.role)
        return (*self._similarity(evidence, english),
                w.role * ((kinds[role_kind] - 1 / 3) if role_kind else 0.0),
                w.experience * experience.signal(employee, employee.outcome),
                -w.language * (not speaks(employee, language)))

    @staticmethod
    def _match(employee: experience.Person, evidence: _Evidence, scored: _Scored) -> Match:
        """A scored contender, explained."""
        cosine, kind, history_item = evidence.passage or (0.0, "", None)
        if not kind:
            kind = "words" if evidence.words else "gist"
        # What anyone may be shown: the profile's own words, else its headline.
        reason = evidence.curated[1] if evidence.curated else headline(employee)
        rounded = {name: round(value, 4) for name, value in zip(PARTS, scored.parts, strict=True)}
        explanation = Explanation(reason, kind, rounded,
                                  history_item if kind == "history" else None)
        return Match(employee.id, scored.score, explanation, round(cosine, 4))

    def _break_ties(self, session: Session, matches: list[_Ranked], limit: int) -> list[_Ranked]:
        """Near-ties go to the person with fewer live chats and open offers. Only the groups of
        near-ties that start within the first `limit` are returned (and their loads read)."""
        if len(matches) < 2:
            return matches
        groups: list[list[_Ranked]] = []
        for taken, match in enumerate(matches):
            if groups and groups[-1][0].score - match.score <= self.weights.tie_margin:
                groups[-1].append(match)
            elif taken >= limit > 0:
                break
            else:
                groups.append([match])
        load = loads(session, [m.employee_id for group in groups for m in group])
        return [m for group in groups
                for m in sorted(group, key=lambda m: (load[m.employee_id], -m.score))]
