"""BM25 keyword scoring (rank-bm25's Okapi BM25) over one document per employee."""

from __future__ import annotations

import re
import threading

from rank_bm25 import BM25Okapi

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


class BM25Index:
    """A rebuildable BM25 index; scores are raw Okapi BM25 (k1=1.5, b=0.75)."""

    def __init__(self):
        self.version: str | None = None
        self._tokens: dict[int, list[str]] = {}
        self._ids: list[int] = []
        self._bm25: BM25Okapi | None = None
        self._lock = threading.Lock()

    def rebuild(self, documents: dict[int, str], version: str) -> None:
        self._tokens = {}
        self.update(documents, version)

    def update(self, documents: dict[int, str], version: str) -> None:
        """Replace these employees' documents (idf is recomputed over everyone)."""
        tokens = {**self._tokens, **{i: tokenize(text) or ["\x00"] for i, text in documents.items()}}
        ids = list(tokens)
        bm25 = BM25Okapi([tokens[i] for i in ids]) if ids else None
        with self._lock:
            self._tokens, self._ids, self._bm25, self.version = tokens, ids, bm25, version

    def scores(self, query: str) -> dict[int, float]:
        with self._lock:
            ids, bm25 = self._ids, self._bm25
        tokens = tokenize(query)
        if bm25 is None or not tokens:
            return {}
        raw = bm25.get_scores(tokens)
        return {ids[i]: float(score) for i, score in enumerate(raw) if score > 0}
