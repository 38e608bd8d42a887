"""Questions read by an ONNX export of the sentence-transformers model, passages by torch as
before: onnxruntime on one thread reads one short question several times faster than torch.

The export keeps torch's float32 weights by default (the same vectors to 1e-6); int8 weights
(INT8) are ~3x faster again but come out at cosine ~0.99 to torch, which cost routing quality
(docs/matching.md). It is made on first start from the model that is loaded anyway, cached on
disk outside git (MATCHMAKER_ONNX_CACHE, else instance/onnx), and checked against torch at every
start: when any reference text comes out with a cosine below MIN_COSINE, questions stay on
torch."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MIN_COSINE = 0.98  # an ONNX vector this close to torch's or the ONNX path is refused
INT8 = False  # int8 weights: ~3x faster again, but cosine ~0.99 to torch cost banking77 top-1
# Checked at every start: short questions, long ones, other languages, digits and symbols.
REFERENCE_TEXTS = (
    "How do I verify the webhook signature?",
    "What is the volume discount on pricing plans for 200 seats?",
    "My card payment failed twice yesterday and I was charged anyway",
    "Why does the bank feed stop syncing after I changed my password? It worked last week.",
    "Kan ik mijn abonnement maandelijks opzeggen?",
    "Wie ändere ich die Adresse auf meiner Rechnung?",
    "ma carte bancaire ne marche pas à l'étranger",
    "postgres replication lag 30s after vacuum full on a 2TB table",
    "API 429 rate limit",
    "refund",
    "Hi, we are evaluating you and wonder how single sign-on with SAML works in practice. "
    "We run Azure AD and need SCIM provisioning for about 4,000 users across three legal "
    "entities; is that included in the enterprise plan or sold separately?",
)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_cache() -> Path:
    """Where exports are kept: MATCHMAKER_ONNX_CACHE, else instance/onnx (git-ignored)."""
    configured = os.environ.get("MATCHMAKER_ONNX_CACHE")
    return (Path(configured) if configured
            else Path(__file__).resolve().parent.parent / "instance" / "onnx")


def _fingerprint(model_path: str, int8: bool) -> str:
    """Names the export: the model's files (names, sizes, times), the exporting versions and
    whether its weights are int8."""
    import onnxruntime
    import torch

    digest = hashlib.sha256(f"{torch.__version__} {onnxruntime.__version__} "
                            f"{'int8-pc' if int8 else 'fp32'}".encode())
    for path in sorted(Path(model_path).rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(model_path)} {stat.st_size} {stat.st_mtime_ns}"
                          .encode())
    return digest.hexdigest()[:16]


class _Pooled:
    """The transformer with the model's mean pooling and normalisation, for the export."""

    def __new__(cls, transformer):
        import torch

        class Pooled(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.transformer = transformer

            def forward(self, input_ids, attention_mask, token_type_ids):
                tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                          token_type_ids=token_type_ids).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(mean, p=2, dim=1)

        return Pooled().eval()


def export(model, target: Path, int8: bool) -> Path:
    """Export a loaded mean-pooling sentence-transformers model to ONNX at target, with int8
    weights if asked (per channel, matrix multiplications only: per tensor loses too much,
    cosine ~0.92 against torch)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    transformer = model[0].auto_model
    sample = model.tokenizer(["a question", "a longer question to export with"],
                             padding=True, return_tensors="pt")
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        full = Path(scratch) / "model.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Pooled(transformer), tuple(sample[k] for k in _INPUTS), str(full),
                input_names=list(_INPUTS), output_names=["embedding"], opset_version=17,
                dynamic_axes={**{k: {0: "batch", 1: "tokens"} for k in _INPUTS},
                              "embedding": {0: "batch"}}, dynamo=False)
        if int8:
            quantized = Path(scratch) / "model.int8.onnx"
            quantize_dynamic(str(full), str(quantized), per_channel=True,
                             op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8)
            full = quantized
        os.replace(full, target)  # whole or not at all: another process may read it
    return target


class OnnxQuestions:
    """Reads questions (`encode_query`) with an ONNX export; passages (`encode`) go to the torch
    model as before, so stored vectors never change."""

    def __init__(self, inner, cache: Path | None = None, threads: int = 1, int8: bool = INT8):
        """inner: a SentenceTransformerEncoder (loaded lazily, as before); int8: quantised
        weights (else the export keeps torch's float32 weights)."""
        self.inner, self.cache, self.threads, self.int8 = inner, cache, threads, int8
        self.spec, self.min_fit = inner.spec, inner.min_fit
        self.active = False  # whether questions go through ONNX (decided by load)
        self._session = self._tokenizer = None
        self._lock = threading.Lock()
        self._loaded = False

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def load(self) -> None:
        """Load torch, then the export (made now if missing), and check it against torch."""
        self.inner.load()
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            try:
                self._session, self._tokenizer = self._open()
            except Exception:  # an export that cannot be made or read: questions stay on torch
                log.exception("ONNX question encoder unavailable; questions use torch")
                return
            worst = self._worst_cosine()
            self.active = worst >= MIN_COSINE
            if not self.active:
                log.warning("ONNX question encoder refused (cosine %.4f < %.2f against torch); "
                            "questions use torch", worst, MIN_COSINE)

    def _open(self):
        import onnxruntime
        from tokenizers import Tokenizer

        from .encoder import resolve_model_path

        model_path = resolve_model_path(self.spec)
        folder = self.cache or default_cache()
        kind = "int8" if self.int8 else "fp32"
        path = folder / f"{_fingerprint(model_path, self.int8)}.{kind}.onnx"
        if not path.exists():
            log.info("exporting %s to ONNX (%s) in %s", self.spec, kind, folder)
            export(self.inner.model, path, self.int8)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(path), options,
                                               providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        tokenizer.enable_truncation(self.inner.model.get_max_seq_length())
        tokenizer.no_padding()
        return session, tokenizer

    def _worst_cosine(self) -> float:
        ours = np.stack([self._run(text) for text in REFERENCE_TEXTS])
        theirs = self.inner.encode(list(REFERENCE_TEXTS))
        return float((ours * theirs).sum(axis=1).min())

    def _run(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text)
        feed = {"input_ids": [encoding.ids], "attention_mask": [encoding.attention_mask],
                "token_type_ids": [encoding.type_ids]}
        (vector,) = self._session.run(None, {k: np.asarray(v, dtype=np.int64)
                                             for k, v in feed.items()})
        return vector[0].astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Passages: the torch model, as before."""
        return self.inner.encode(texts)

    def encode_query(self, text: str, english: float = 1.0) -> np.ndarray:
        """One question's vector: ONNX when it passed the check, else torch."""
        if not self._loaded:
            self.load()
        if not self.active:
            return self.inner.encode([text])[0]
        with self._lock:  # one fast tokenizer shared by threads raises "Already borrowed"
            vector = self._run(text)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)
