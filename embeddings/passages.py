"""Every profile passage vector grouped by its employee, and one gist per employee, in numpy: a
question reads the gists first and then only the passages of a shortlist, instead of every
passage. A cache of the database, built whole and swapped in whole."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import faiss
import numpy as np

Blocks = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Snapshot:
    """What one question reads; never changed once published. The passage matrices may hold
    rows past `size` that a later snapshot added (never rows this one reads)."""

    version: str
    blocks: Blocks
    size: int  # passage rows in use
    ids: np.ndarray  # passage id per row
    profile: np.ndarray  # per row: the profile's own words (else history)
    passages: tuple[np.ndarray, ...]  # one C-contiguous matrix per block
    rows_of: dict[int, np.ndarray]  # employee -> their passage rows
    owners: np.ndarray  # employee id per gist row
    gists: tuple[np.ndarray, ...]  # one matrix per block, a row per employee
    gist_row: dict[int, int]


# Below this width FAISS switches to kernels over several rows at once (widths 4 and 8), so a
# row's score would depend on its neighbours in the batch: rank(among=…) must score a person
# exactly as among everyone. Real encoders are far wider.
_FAISS_MIN_WIDTH = 16


def inner_products(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector by FAISS's SIMD kernel, on the calling thread: 2.6x faster than numpy's
    einsum here, and BLAS's gemv (two threads) is slower still (docs/matching.md)."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)  # no copy when it is already
    vector = np.ascontiguousarray(vector, dtype=np.float32)
    if matrix.ndim != 2 or vector.shape != (matrix.shape[1],):
        raise ValueError(f"cannot multiply {matrix.shape} by {vector.shape}")
    if matrix.shape[1] < _FAISS_MIN_WIDTH:
        return np.einsum("ij,j->i", matrix, vector)
    scores = np.empty(len(matrix), dtype=np.float32)
    if len(matrix):
        faiss.fvec_inner_products_ny(faiss.swig_ptr(scores), faiss.swig_ptr(vector),
                                     faiss.swig_ptr(matrix), matrix.shape[1], len(matrix))
    return scores


def _split(vectors: np.ndarray, blocks: Blocks) -> tuple[np.ndarray, ...]:
    return tuple(np.ascontiguousarray(vectors[:, start:end], dtype=np.float32)
                 for start, end in blocks)


def _grow(matrix: np.ndarray, used: int, extra: np.ndarray) -> np.ndarray:
    """matrix with `extra` written after its first `used` rows: in place when there is room
    (rows a published snapshot does not read), else copied into one with a quarter spare."""
    if used + len(extra) > len(matrix):
        bigger = np.empty((int((used + len(extra)) * 1.25) + 16, matrix.shape[1]), np.float32)
        bigger[:used] = matrix[:used]
        matrix = bigger
    matrix[used:used + len(extra)] = extra
    return matrix


class PassageIndex:
    """Passages and gists of every employee; searched gist first. Vectors are normalised, so
    inner product is cosine; a vector made of blocks (one per encoder) is scored only on the
    blocks where the question is not zero."""

    def __init__(self):
        self._snapshot: _Snapshot | None = None
        self._writing = threading.Lock()  # one writer; readers take the snapshot as it is

    @property
    def version(self) -> str | None:
        snapshot = self._snapshot
        return snapshot.version if snapshot else None

    @property
    def size(self) -> int:
        """How many employees it holds."""
        snapshot = self._snapshot
        return len(snapshot.owners) if snapshot else 0

    def rebuild(self, ids: np.ndarray, owners: np.ndarray, profile: np.ndarray,
                vectors: np.ndarray, gist_owners: np.ndarray, gists: np.ndarray, version: str,
                blocks: Sequence[tuple[int, int]] | None = None) -> None:
        """Replace everything: passages (id, owner, profile's own or not, vector) and gists."""
        width = vectors.shape[1] if len(ids) else (gists.shape[1] if len(gist_owners) else 0)
        blocks = tuple(tuple(b) for b in blocks) if blocks else ((0, width),)
        owners = np.asarray(owners, dtype=np.int64)
        order = np.argsort(owners, kind="stable")
        split = np.flatnonzero(np.diff(owners[order])) + 1
        rows_of = {int(owners[group[0]]): group for group in np.split(order, split)
                   if len(group)}
        gist_owners = np.asarray(gist_owners, dtype=np.int64)
        snapshot = _Snapshot(version, blocks, len(ids), np.asarray(ids, dtype=np.int64),
                             np.asarray(profile, dtype=bool), _split(vectors, blocks), rows_of,
                             gist_owners, _split(gists, blocks),
                             {int(eid): row for row, eid in enumerate(gist_owners)})
        with self._writing:
            self._snapshot = snapshot

    def upsert(self, ids: np.ndarray, owners: np.ndarray, profile: np.ndarray,
               vectors: np.ndarray, gist_owners: np.ndarray, gists: np.ndarray,
               version: str) -> None:
        """Add new passages and set these employees' gists (a learned conversation, a new hire);
        published as a new snapshot."""
        with self._writing:
            old = self._snapshot
            if old is None:
                raise RuntimeError("upsert before the first rebuild")
            used, added = old.size, len(ids)
            new_rows = np.arange(used, used + added)
            owners = np.asarray(owners, dtype=np.int64)
            rows_of = dict(old.rows_of)
            for eid in np.unique(owners).tolist():
                mine = new_rows[owners == eid]
                rows_of[eid] = np.concatenate([rows_of[eid], mine]) if eid in rows_of else mine
            passages = tuple(_grow(matrix, used, part)
                             for matrix, part in zip(old.passages, _split(vectors, old.blocks),
                                                     strict=True))
            gist_parts = _split(gists, old.blocks)
            gist_row, owners_all = dict(old.gist_row), old.owners
            fresh = [eid for eid in np.asarray(gist_owners).tolist() if eid not in gist_row]
            if fresh:
                gist_row.update((eid, len(owners_all) + i) for i, eid in enumerate(fresh))
                owners_all = np.concatenate([owners_all, np.array(fresh, dtype=np.int64)])
            where = [gist_row[eid] for eid in np.asarray(gist_owners).tolist()]
            gist_mats = []
            for matrix, part in zip(old.gists, gist_parts, strict=True):
                matrix = np.concatenate([matrix, np.zeros((len(fresh), matrix.shape[1]),
                                                          np.float32)])
                matrix[where] = part
                gist_mats.append(matrix)
            self._snapshot = _Snapshot(
                version, old.blocks, used + added,
                np.concatenate([old.ids, np.asarray(ids, dtype=np.int64)]),
                np.concatenate([old.profile, np.asarray(profile, dtype=bool)]), passages,
                rows_of, owners_all, tuple(gist_mats), gist_row)

    @staticmethod
    def _scores(matrices: tuple[np.ndarray, ...], rows, vector: np.ndarray,
                blocks: Blocks) -> np.ndarray:
        """Inner products of these rows (a slice or an index array) with vector, block by block,
        skipping the blocks where the question is zero."""
        total = None
        for matrix, (start, end) in zip(matrices, blocks, strict=True):
            part = vector[start:end]
            if not part.any():
                continue
            scores = inner_products(matrix[rows], part)
            total = scores if total is None else total + scores
        if total is None:
            total = np.zeros(len(matrices[0][rows]), dtype=np.float32)
        return total

    def shortlist(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k employees whose gist is closest to vector: (employee id, cosine), best first."""
        snapshot = self._snapshot
        if snapshot is None or not len(snapshot.owners) or k <= 0:
            return []
        vector = np.asarray(vector, dtype=np.float32)
        scores = self._scores(snapshot.gists, slice(None), vector, snapshot.blocks)
        best = (np.argpartition(-scores, k - 1)[:k] if k < len(scores)
                else np.arange(len(scores)))
        best = best[np.lexsort((snapshot.owners[best], -scores[best]))]
        return list(zip(snapshot.owners[best].tolist(), scores[best].astype(float).tolist(),
                        strict=True))

    def gists(self, vector: np.ndarray, employees: Iterable[int]) -> dict[int, float]:
        """Gist cosine of each of these employees that has one."""
        snapshot = self._snapshot
        if snapshot is None:
            return {}
        wanted = [eid for eid in employees if eid in snapshot.gist_row]
        if not wanted:
            return {}
        rows = np.array([snapshot.gist_row[eid] for eid in wanted])
        scores = self._scores(snapshot.gists, rows, np.asarray(vector, dtype=np.float32),
                              snapshot.blocks)
        return dict(zip(wanted, scores.astype(float).tolist(), strict=True))

    def closest(self, vector: np.ndarray, employees: Iterable[int]
                ) -> dict[int, tuple[tuple[int, float], tuple[int, float] | None]]:
        """For each of these employees: their closest passage and their closest passage of the
        profile's own words (None if they have none), each as (passage id, cosine)."""
        snapshot = self._snapshot
        if snapshot is None:
            return {}
        groups = [(eid, snapshot.rows_of[eid]) for eid in employees if eid in snapshot.rows_of]
        if not groups:
            return {}
        rows = np.concatenate([group for _, group in groups])
        scores = self._scores(snapshot.passages, rows, np.asarray(vector, dtype=np.float32),
                              snapshot.blocks)
        sizes = np.fromiter((len(group) for _, group in groups), dtype=np.int64,
                            count=len(groups))
        best = _first_max(scores, sizes)
        own = snapshot.profile[rows]
        curated = _first_max(np.where(own, scores, -np.inf), sizes)
        has_own = np.logical_or.reduceat(own, np.cumsum(sizes) - sizes)
        ids = snapshot.ids[rows]
        best_ids, best_scores = ids[best].tolist(), scores[best].astype(float).tolist()
        curated_ids, curated_scores = ids[curated].tolist(), scores[curated].astype(float).tolist()
        return {eid: ((best_ids[i], best_scores[i]),
                      (curated_ids[i], curated_scores[i]) if has_own[i] else None)
                for i, (eid, _) in enumerate(groups)}


def _first_max(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Index into values of the first largest value of each consecutive group of these sizes
    (np.argmax per group, without a Python loop). Groups must not be empty; a group whose
    maximum cannot be told (NaN) falls back to np.argmax, as the loop did."""
    starts = np.cumsum(sizes) - sizes
    group = np.repeat(np.arange(len(sizes)), sizes)
    at_max = np.flatnonzero(values == np.maximum.reduceat(values, starts)[group])
    _, first = np.unique(group[at_max], return_index=True)
    if len(first) != len(sizes):
        if not sizes.all():
            raise ValueError("every group needs at least one value")
        return starts + np.array([np.argmax(values[a:a + n]) for a, n in zip(starts, sizes,
                                                                               strict=True)])
    return at_max[first]
