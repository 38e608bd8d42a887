"""Ports: what the domain needs from the outside, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
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


class ProfileIndex(Protocol):
    """Every employee's passage vectors and gist (the normalised mean of their passages): a
    cache of the database, built whole (or grown) and swapped in whole. A question reads the
    gists first, then only the passages of a shortlist."""

    version: str | None
    size: int  # how many employees it holds

    def rebuild(self, ids: np.ndarray, owners: np.ndarray, profile: np.ndarray,
                vectors: np.ndarray, gist_owners: np.ndarray, gists: np.ndarray, version: str,
                blocks: Sequence[tuple[int, int]] | None = None) -> None:
        """Replace everything: passages (id, owner, whether it is the profile's own words,
        vector), one gist per owner, and the parts of a vector that come from different
        encoders (a question is scored only on the parts it uses)."""
        ...

    def upsert(self, ids: np.ndarray, owners: np.ndarray, profile: np.ndarray,
               vectors: np.ndarray, gist_owners: np.ndarray, gists: np.ndarray,
               version: str) -> None:
        """Add new passages and set these owners' gists."""
        ...

    def shortlist(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k owners with the closest gist: (owner, cosine), best first."""
        ...

    def gists(self, vector: np.ndarray, owners: Iterable[int]) -> dict[int, float]:
        """The gist cosine of each of these owners."""
        ...

    def closest(self, vector: np.ndarray, owners: Iterable[int]
                ) -> dict[int, tuple[tuple[int, float], tuple[int, float] | None]]:
        """Per owner: (passage id, cosine) of their closest passage, and of their closest
        passage of the profile's own words (None: they have none)."""
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

    def top(self, query: str, k: int, among: Collection[int] = ()) -> dict[int, float]:
        """Positive scores of the k best documents, and of those of `among`."""
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


class NameFinder(Protocol):
    """Where person names are in a text (a named-entity model, a first-name list): character
    ranges, in any order; the domain cleans and merges them."""

    def find_names(self, text: str, language: str) -> list[tuple[int, int]]:
        """(start, end) of each name found in text, written in language (ISO 639-1)."""
        ...


class AttachmentStore(Protocol):
    """Where attachments' bytes live (local disk, an S3-compatible store), by a key the domain
    chooses; the database keeps everything else."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store these bytes under key (a key is never reused)."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under key; KeyError when there are none."""
        ...

    def delete(self, key: str) -> None:
        """Forget key's bytes (nothing stored under it is fine)."""
        ...

    def stored(self) -> Iterator[StoredFile]:
        """Every key kept, with when its bytes were written, in no set order (what the store
        holds that is not a key, such as a file being written, is left out)."""
        ...

    def discard_temporaries(self, written_before: datetime) -> int:
        """Delete what the store's own unfinished writes left behind (a worker killed while
        writing), last written before written_before, and any of its own layout left empty
        since then (a folder on disk): how many unfinished writes."""
        ...


@dataclass(frozen=True)
class StoredFile:
    """A key an attachment store holds, and when its bytes were written (timezone-aware)."""

    key: str
    modified: datetime


@dataclass(frozen=True)
class Inspected:
    """A file as an inspector found it: its content type, the bytes to keep, an image's size."""

    content_type: str
    data: bytes
    width: int | None = None
    height: int | None = None


class FileInspector(Protocol):
    """Says what a file's bytes are (by their content, never by a name) and returns the bytes to
    keep: images decoded and re-encoded without their metadata, other types as they are."""

    def inspect(self, data: bytes) -> Inspected:
        """What the bytes are; InvalidInput when they claim a type they do not decode as."""
        ...
