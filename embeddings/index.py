"""An exact inner-product FAISS index over profile passages: a cache rebuilt from the database."""

from __future__ import annotations

import threading

import faiss
import numpy as np


class FaissIndex:
    """IndexFlatIP behind an id map; rebuilt whole or grown, searched under a lock."""

    def __init__(self, threads: int = 1):
        # One OpenMP thread: on two cores more threads make single queries slower.
        faiss.omp_set_num_threads(threads)
        self.version: str | None = None
        self._index: faiss.Index | None = None
        self._lock = threading.Lock()

    def rebuild(self, ids: np.ndarray, vectors: np.ndarray, version: str) -> None:
        """Replace the content with these (id, vector) pairs."""
        index = None
        if len(ids):
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                               np.asarray(ids, dtype=np.int64))
        with self._lock:
            self._index, self.version = index, version

    def upsert(self, ids: np.ndarray, vectors: np.ndarray, version: str) -> None:
        """Add these (id, vector) pairs, replacing any with the same ids."""
        with self._lock:
            index = self._index
        if index is None:
            self.rebuild(ids, vectors, version)
            return
        ids = np.asarray(ids, dtype=np.int64)
        with self._lock:
            self._index.remove_ids(ids)
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
            self.version = version

    @property
    def size(self) -> int:
        index = self._index
        return 0 if index is None else int(index.ntotal)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Up to k (id, score) pairs, best first; FAISS's -1 padding is dropped."""
        with self._lock:
            index = self._index
            if index is None or index.ntotal == 0:
                return []
            query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
            scores, ids = index.search(query, min(k, index.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]
