"""BM25 keyword scoring over one document per employee: bm25s's sparse matrix of precomputed
term scores, so a question costs a few vector additions instead of a Python loop per document."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Collection
from dataclasses import dataclass

import bm25s
import numpy as np

# bm25s logs every index build at DEBUG on a logger set to DEBUG: quiet unless it warns.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Letters and digits of any script (für, étranger, Müller stay whole), then as before: inner
# + # . _ - allowed, ending on a letter, digit, + or #.
_TOKEN = re.compile(r"[^\W_](?:[\w+#.-]*(?:[^\W_]|[+#]))?")
_STOP = frozenset(
    "a an and are as at be been but by can could do does for from had has have how i if in "
    "into is it its me my no not of on or our so that the their them then there these they "
    "this to was we were what when where which who why will with would you your".split()
    # Function words of Dutch, German and French that are no English content words: a question
    # in one of these languages must not match an English profile on them ("am", "over"...).
    + """am also de het een en van ik je dat op te voor met niet zijn wat er maar om ze ook als
    bij dan nog wel mijn kan heb naar uit hoe wil moet mij graag jullie u uw welke waar wanneer
    der die das und ist ich nicht es ein eine einen einem zu den dem mit sie auf für von im wie
    mein meine meinen habe kann ich wir ihr ihre ob oder aber auch noch schon bitte wo wann
    le la les un une des du et est je vous pour pas que qui dans sur avec ce cette mon ma mes au
    aux il elle nous votre vos est-ce ou où quand comment""".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of two or more characters (single letters are mostly clitics:
    the m of I'm, the d of d'argent); keeps tokens like c#, node.js, sql-server, x509."""
    return [token for token in _TOKEN.findall(text.lower())
            if len(token) > 1 and token not in _STOP]


def _as_okapi(model: bm25s.BM25) -> None:
    """Turn bm25s's precomputed term scores from its idf into Okapi's, as rank-bm25 has it:
    log((N - n + 0.5) / (n + 0.5)), and a quarter of the mean idf for a word in more than half
    of the documents (where that log is negative). Each word's scores are one column."""
    scores = model.scores
    documents = scores["num_docs"]
    df = np.diff(scores["indptr"]).astype(np.float64)
    bm25s_idf = np.log(1 + (documents - df + 0.5) / (df + 0.5))  # its "lucene" idf
    okapi = np.log(documents - df + 0.5) - np.log(df + 0.5)
    okapi = np.where(okapi < 0, 0.25 * okapi[df > 0].mean(), okapi)
    ratio = np.where(df > 0, okapi / bm25s_idf, 0.0)
    scores["data"] = (scores["data"] * np.repeat(ratio, df.astype(np.int64))).astype(np.float32)


@dataclass(frozen=True)
class _Snapshot:
    version: str
    ids: np.ndarray  # document row -> employee id
    rows: dict[int, int]  # employee id -> document row
    model: bm25s.BM25


class BM25Index:
    """A rebuildable BM25 index: Okapi BM25 as rank-bm25 scored it (k1=1.5, b=0.75), on
    bm25s's precomputed sparse matrix. Built whole and swapped in whole."""

    def __init__(self):
        self.version: str | None = None
        self._tokens: dict[int, list[str]] = {}
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()  # one writer at a time

    def rebuild(self, documents: dict[int, str], version: str) -> None:
        with self._lock:
            self._tokens = {}
        self.update(documents, version)

    def update(self, documents: dict[int, str], version: str) -> None:
        """Replace these employees' documents (idf is recomputed over everyone)."""
        with self._lock:
            tokens = {**self._tokens,
                      **{i: tokenize(text) or ["\x00"] for i, text in documents.items()}}
            snapshot = None
            if tokens:
                # "atire" is Okapi's term weight tf*(k1+1)/(tf + k1*(1-b+b*dl/avgdl)).
                model = bm25s.BM25(k1=1.5, b=0.75, method="atire", idf_method="lucene")
                model.index(list(tokens.values()), show_progress=False)
                _as_okapi(model)
                ids = np.fromiter(tokens, dtype=np.int64, count=len(tokens))
                snapshot = _Snapshot(version, ids, {eid: row for row, eid in enumerate(tokens)},
                                     model)
            self._tokens, self._snapshot, self.version = tokens, snapshot, version

    def _raw(self, query: str) -> tuple[_Snapshot, np.ndarray] | None:
        snapshot = self._snapshot
        if snapshot is None:
            return None
        words = snapshot.model.get_tokens_ids(tokenize(query))
        if not words:
            return None
        return snapshot, snapshot.model.get_scores_from_ids(words)

    def scores(self, query: str) -> dict[int, float]:
        raw = self._raw(query)
        if raw is None:
            return {}
        snapshot, scores = raw
        hits = np.flatnonzero(scores > 0)
        return dict(zip(snapshot.ids[hits].tolist(), scores[hits].astype(float).tolist(), strict=True))

    def top(self, query: str, k: int, among: Collection[int] = ()) -> dict[int, float]:
        """Positive scores of the k best documents, and of those of `among` (for the best of
        them, the best score of all)."""
        raw = self._raw(query)
        if raw is None:
            return {}
        snapshot, scores = raw
        best = np.flatnonzero(scores > 0)
        if len(best) > k:
            best = best[np.argpartition(-scores[best], k - 1)[:k]]
        result = dict(zip(snapshot.ids[best].tolist(), scores[best].astype(float).tolist(),
                          strict=True))
        for eid in among:
            row = snapshot.rows.get(eid)
            if row is not None and scores[row] > 0:
                result[eid] = float(scores[row])
        return result
