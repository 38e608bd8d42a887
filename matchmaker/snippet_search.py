"""Finding snippets as an employee types: by words (the BM25 scorer the routing uses) and by
meaning (cosine against the vectors stored when each snippet was saved; a few hundred snippets
are one brute-force matrix product, no index needed), the conversation's language first."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Snippet
from .ports import LexicalIndex
from .profiles import model_of
from .routing import Matcher, Reading
from .snippets import use_totals

LIMIT = 8


@dataclass(frozen=True)
class SnippetWeights:
    """How meaning and words add up. Words weigh more than in routing (0.15 there): a query
    typed after `/` is a few deliberate words, not a customer's long question."""

    meaning: float = 1.0  # cosine of the query and the snippet's title and text
    words: float = 0.3  # BM25 over title, tags and text, relative to the best for this query


@dataclass(frozen=True)
class Found:
    """A snippet offered to the employee, with the parts of its score."""

    id: int
    title: str
    body: str
    language: str
    tags: tuple[str, ...]
    score: float = 0.0
    meaning: float = 0.0
    words: float = 0.0


@dataclass(frozen=True)
class _Snapshot:
    version: str
    entries: dict[int, Found]  # every active snippet, unscored
    ids: np.ndarray  # row of `vectors` -> snippet id (the vectors the current model made)
    vectors: np.ndarray
    lexical: LexicalIndex  # title, tags and text of every active snippet


class SnippetIndex:
    """The active snippets' words and vectors: a cache of the database, rebuilt whole and
    swapped in whole when a snippet was saved or archived since (one small version query)."""

    def __init__(self, lexical: Callable[[], LexicalIndex],
                 weights: SnippetWeights | None = None):
        """lexical: makes an empty keyword index (one per snapshot)."""
        self.make_lexical, self.weights = lexical, weights or SnippetWeights()
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    def search(self, session: Session, matcher: Matcher, query: str,
               reading: Reading | None = None, language: str | None = None,
               limit: int = LIMIT) -> list[Found]:
        """The active snippets that match query by words or meaning (a cosine at least the
        encoder's calibrated fit), those in `language` first, each group best first. An empty
        query lists them by how often they were used. reading: the query as matcher.read reads
        it, when the caller read it already (before its transaction: on SQLite the first
        query takes the write lock)."""
        query = " ".join(query.split())
        if query and reading is None:
            reading = matcher.read(query)
        snapshot = self._sync(session, matcher)
        preferred = (language or "").lower().split("-")[0]
        if not query:
            totals = use_totals(session, list(snapshot.entries))
            ranked = sorted(snapshot.entries.values(), key=lambda f: (
                f.language != preferred, -totals.get(f.id, 0), f.title.lower(), f.id))
            return ranked[:limit]
        meaning = self._meaning(snapshot, reading)
        words = snapshot.lexical.scores(query)
        best = max(words.values(), default=0.0)
        min_fit = matcher.threshold(reading.english)
        found = []
        for sid, entry in snapshot.entries.items():
            cosine, word = meaning.get(sid, 0.0), words.get(sid, 0.0) / best if best else 0.0
            if word <= 0 and cosine < min_fit:
                continue
            score = self.weights.meaning * cosine + self.weights.words * word
            found.append(Found(entry.id, entry.title, entry.body, entry.language, entry.tags,
                               round(score, 4), round(cosine, 4), round(word, 4)))
        found.sort(key=lambda f: (f.language != preferred, -f.score, f.title.lower(), f.id))
        return found[:limit]

    @staticmethod
    def _meaning(snapshot: _Snapshot, reading: Reading) -> dict[int, float]:
        """Cosine of the query with every snippet whose vector the current model made."""
        if not len(snapshot.ids) or reading.vector.shape[0] != snapshot.vectors.shape[1]:
            return {}
        cosines = snapshot.vectors @ reading.vector.astype(np.float32)
        return dict(zip(snapshot.ids.tolist(), cosines.astype(float).tolist(), strict=True))

    def _sync(self, session: Session, matcher: Matcher) -> _Snapshot:
        """The current snapshot, rebuilt first when the database moved on. Vectors another
        model made are left out (words still find those snippets) until `reembed`."""
        model = model_of(matcher.encoder)
        stamps = session.execute(select(Snippet.id, Snippet.updated_at, Snippet.vector_model)
                                 .where(Snippet.archived_at.is_(None))
                                 .order_by(Snippet.id)).all()
        version = hashlib.sha256(repr((model, [tuple(row) for row in stamps])).encode()
                                 ).hexdigest()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        with self._lock:
            rows = session.scalars(select(Snippet).where(Snippet.archived_at.is_(None))
                                   .order_by(Snippet.id)).all()
            current = [s for s in rows if s.vector_model == model]
            vectors = (np.stack([np.frombuffer(s.vector, dtype=np.float32) for s in current])
                       if current else np.zeros((0, 0), dtype=np.float32))
            lexical = self.make_lexical()
            lexical.rebuild({s.id: " ".join([s.title, *s.tags, s.body]) for s in rows}, version)
            entries = {s.id: Found(s.id, s.title, s.body, s.language, tuple(s.tags))
                       for s in rows}
            snapshot = _Snapshot(version, entries,
                                 np.array([s.id for s in current], dtype=np.int64), vectors,
                                 lexical)
            self._snapshot = snapshot
        return snapshot
