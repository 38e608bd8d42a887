"""Finding proof stories: the customer passages of closed conversations that state an impact,
ranked for marketing by meaning (impact.py), with the rating and the consent state counting,
narrowed by employee, team, rating, consent, language and date, and searched by words and by
meaning ("customers who saved time on reconciliation")."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from .errors import InvalidInput
from .impact import ImpactReader, Reading
from .lifecycle import Status
from .models import ConsentDecision, Conversation, Employee, Message, Rating
from .passage_marks import marks_of

# What a rating and the consent state add to (or take from) a passage's meaning score, whose
# useful range is about -0.1 to 0.25: a 5-star conversation lifts a passage past a slightly
# clearer one from a 3-star chat; a refused consent sinks it below every usable one (marketing
# still finds it by filtering on refused).
PER_STAR_ABOVE_THREE = 0.02
CONSENT_GRANTED = 0.03
CONSENT_REFUSED = -0.5
MARKED = 1.0  # a passage marketing marked by hand comes before any the model found
# At or below this meaning score a passage is not a candidate (closer to questions, problems
# and small talk than to impact).
MIN_MEANING = 0.0
# A search: how close in meaning (cosine) or how many of its words a passage must have, and
# what its words and its impact add to the cosine.
MIN_RELEVANCE = 0.2
WORDS_WEIGHT = 0.25
IMPACT_WEIGHT = 0.5
MAX_QUERY_CHARS = 300
LIMIT = 20
MAX_SCANNED = 20_000  # customer messages read per search (the newest first)


@dataclass(frozen=True)
class Filters:
    """What marketing narrows the candidates by; None means any."""

    employee_id: int | None = None
    team: str | None = None  # an employee role: developer | sales | support | ...
    min_rating: int | None = None
    consent: str | None = None  # granted | refused | none
    language: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive

    def __post_init__(self):
        if self.consent is not None and self.consent not in ("granted", "refused", "none"):
            raise InvalidInput("consent must be granted, refused or none", code="invalid_filter")
        if self.min_rating is not None and not 1 <= self.min_rating <= 5:
            raise InvalidInput("rating must be 1 to 5", code="invalid_filter")
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("the period ends before it starts", code="invalid_filter")


@dataclass(frozen=True)
class StoryCandidate:
    """One passage worth a story: the message, the sentence to highlight (body[start:end]),
    its meaning score and the rank score that adds rating and consent."""

    conversation_id: int
    seq: int
    body: str
    start: int
    end: int
    meaning: float
    score: float
    employee_id: int | None
    stars: int | None
    consent: bool | None  # the latest decision: None when never asked
    language: str
    closed_at: datetime | None
    mark_id: int | None = None  # marked by hand: that mark, whose part is highlighted


class PassageReadings:
    """ImpactReader with the readings of messages kept, by message id and text (an erased or
    anonymised message reads anew, and its old reading is never returned), so repeated searches
    read each passage once. Bounded; thread-safe."""

    def __init__(self, reader: ImpactReader, size: int = 50_000):
        self.reader, self.size = reader, size
        self._kept: OrderedDict[tuple[int, str], Reading] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, text: str) -> np.ndarray:
        """A search's words in the passages' space."""
        return np.asarray(self.reader.encoder.encode([text])[0], dtype=np.float32)

    def of(self, messages: list[tuple[int, str]]) -> dict[int, Reading]:
        """The reading of each (message id, body)."""
        keys = [(mid, _digest(body)) for mid, body in messages]
        with self._lock:
            found = {key[0]: self._kept[key] for key in keys if key in self._kept}
        missing = [(key, body) for key, (mid, body) in zip(keys, messages, strict=True)
                   if mid not in found]
        if missing:
            read = self.reader.read([body for _, body in missing])
            with self._lock:
                for (key, _), reading in zip(missing, read, strict=True):
                    found[key[0]] = self._kept[key] = reading
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return found


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _latest_consent():
    """Each conversation's latest consent decision (granted), as a correlated subquery."""
    return (select(ConsentDecision.granted)
            .where(ConsentDecision.conversation_id == Conversation.id)
            .order_by(ConsentDecision.id.desc()).limit(1).scalar_subquery())


def _answered():
    """An employee wrote in the conversation: a question nobody answered tells no story, and
    the employee it waited for took no part in one."""
    reply = aliased(Message)
    return (select(reply.id).where(reply.conversation_id == Conversation.id,
                                   reply.author == "employee").exists())


def _query(filters: Filters) -> Select:
    consent = _latest_consent()
    language = func.coalesce(Conversation.question_language, Conversation.language)
    query = (select(Message.id, Message.conversation_id, Message.seq, Message.body,
                    Conversation.employee_id, Rating.stars, consent, language,
                    Conversation.closed_at)
             .join(Conversation, Conversation.id == Message.conversation_id)
             .outerjoin(Rating, Rating.conversation_id == Conversation.id)
             .where(Conversation.status == Status.CLOSED.value, Message.author == "customer",
                    _answered()))
    if filters.employee_id is not None:
        query = query.where(Conversation.employee_id == filters.employee_id)
    if filters.team is not None:
        query = query.where(Conversation.employee_id.in_(
            select(Employee.id).where(Employee.role == filters.team)))
    if filters.min_rating is not None:
        query = query.where(Rating.stars >= filters.min_rating)
    if filters.consent is not None:
        query = query.where(consent.is_(None) if filters.consent == "none"
                            else consent.is_(filters.consent == "granted"))
    if filters.language is not None:
        query = query.where(language == filters.language)
    if filters.since is not None:
        query = query.where(Conversation.closed_at >= _midnight(filters.since))
    if filters.until is not None:
        query = query.where(Conversation.closed_at < _midnight(filters.until + timedelta(days=1)))
    return query.order_by(Message.id.desc()).limit(MAX_SCANNED)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def rank_score(meaning: float, stars: int | None, consent: bool | None) -> float:
    """The meaning score with the conversation's rating and consent state counted."""
    score = meaning + PER_STAR_ABOVE_THREE * ((stars or 3) - 3)
    if consent is True:
        score += CONSENT_GRANTED
    elif consent is False:
        score += CONSENT_REFUSED
    return score


def _folded(text: str) -> str:
    """Lower case without accents: "Réconciliation" finds "reconciliation"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(c))


_WORD = re.compile(r"\w{3,}")


@dataclass(frozen=True)
class _Search:
    vector: np.ndarray
    words: frozenset[str]

    def relevance(self, body: str, vector: np.ndarray | None) -> float | None:
        """Cosine plus the share of the search's words the passage has; None: not relevant."""
        cosine = float(np.dot(self.vector, vector.astype(np.float32))) if vector is not None else 0.0
        found = set(_WORD.findall(_folded(body)))
        share = len(self.words & found) / len(self.words) if self.words else 0.0
        if cosine < MIN_RELEVANCE and not share:
            return None
        return cosine + WORDS_WEIGHT * share


def search_for(readings: PassageReadings, query: object) -> _Search | None:
    """A search from marketing's words (None: no search, rank by impact alone)."""
    if query is None or (isinstance(query, str) and not query.strip()):
        return None
    if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"a search is text of at most {MAX_QUERY_CHARS} characters",
                           code="invalid_query")
    return _Search(readings.encode(query.strip()), frozenset(_WORD.findall(_folded(query))))


def find_candidates(session: Session, readings: PassageReadings, filters: Filters,
                    query: object = None, limit: int = LIMIT) -> list[StoryCandidate]:
    """The best passages for a story among the closed conversations that match filters, at
    most one per conversation (its best), best first; passages marked by hand first of all.
    With a search (query): every customer passage close to it in meaning or sharing its
    words, impact and marks still counting."""
    search = search_for(readings, query)
    rows = session.execute(_query(filters)).all()
    read = readings.of([(row.id, row.body) for row in rows])
    marks = marks_of(session, [row.id for row in rows])
    best: dict[int, StoryCandidate] = {}
    for row in rows:
        reading, mark = read[row.id], marks.get(row.id)
        stars, consent = row.stars, row[6]
        score = rank_score(reading.score, stars, consent) + (MARKED if mark else 0.0)
        if search is None and reading.score <= MIN_MEANING and mark is None:
            continue
        if search is not None:
            relevance = search.relevance(row.body, reading.vector)
            if relevance is None:
                continue
            score = relevance + IMPACT_WEIGHT * score
        start, end = (mark.start, mark.end) if mark else (reading.start, reading.end)
        candidate = StoryCandidate(
            row.conversation_id, row.seq, row.body, start, end,
            round(reading.score, 4), round(score, 4),
            row.employee_id, stars, consent, row[7], row.closed_at, mark.id if mark else None)
        kept = best.get(row.conversation_id)
        if kept is None or candidate.score > kept.score:
            best[row.conversation_id] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.score, -c.conversation_id, c.seq))
    return ranked[:limit]
