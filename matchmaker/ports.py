"""Ports: what the domain needs from the outside, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np

T = TypeVar("T")


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors (inner product = cosine). An encoder may
    also say which model it is (`spec`, recorded with the vectors), the fit below which a match
    is poor on its scale (`min_fit`: a number, or a function of how English the question is),
    how its vectors split into parts (`blocks`), and read questions by their language
    (`encode_query(text, english)`)."""

    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dimension)."""
        ...


class VectorIndex(Protocol):
    """A rebuildable nearest-neighbour cache over vectors kept in the database."""

    version: str | None
    size: int  # how many vectors it holds

    def rebuild(self, ids: np.ndarray, vectors: np.ndarray, version: str) -> None:
        """Replace the whole content with these (id, vector) pairs."""
        ...

    def upsert(self, ids: np.ndarray, vectors: np.ndarray, version: str) -> None:
        """Add these (id, vector) pairs, replacing any with the same ids."""
        ...

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Return up to k (id, score) pairs, best first."""
        ...


class LexicalIndex(Protocol):
    """Keyword scoring (BM25) of one document per employee: rare names and jargon count."""

    version: str | None

    def rebuild(self, documents: dict[int, str], version: str) -> None:
        """Replace the content with one document per id."""
        ...

    def update(self, documents: dict[int, str], version: str) -> None:
        """Replace the documents of these ids, keeping the others."""
        ...

    def scores(self, query: str) -> dict[int, float]:
        """Score of every document that shares a term with query (others are 0)."""
        ...


class LanguageDetector(Protocol):
    """Which language a text is in, as probabilities over the languages the company serves."""

    def probabilities(self, text: str) -> dict[str, float]:
        """P(language | text) by ISO 639-1 code."""
        ...


class CpuRunner(Protocol):
    """Runs one CPU-bound call (password hashing) and returns its result: inline, or in a native
    thread pool so that an event loop goes on serving every other client meanwhile."""

    def __call__(self, fn: Callable[..., T], /, *args: Any) -> T:
        ...
