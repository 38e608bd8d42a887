"""The ONNX question encoder is used only when it agrees with torch; otherwise questions stay on
torch."""

import numpy as np
import pytest

from embeddings.quantized import OnnxQuestions
from tests.fakes import HashingEncoder


class Inner(HashingEncoder):
    """Stands for the torch encoder."""

    spec, min_fit = "fake-model", 0.3

    def load(self) -> None:
        pass


@pytest.mark.parametrize("noise, used", [(0.0, True), (0.05, True), (5.0, False)])
def test_questions_use_onnx_only_when_it_agrees_with_torch(monkeypatch, noise, used):
    inner = Inner()
    rng = np.random.default_rng(3)

    def run(self, text):  # the "export": torch's vector with some error
        vector = inner.encode([text])[0] + rng.normal(scale=noise, size=inner.dimension) / 64
        return vector.astype(np.float32)

    monkeypatch.setattr(OnnxQuestions, "_open", lambda self: ("session", "tokenizer"))
    monkeypatch.setattr(OnnxQuestions, "_run", run)
    fast = OnnxQuestions(inner)
    fast.load()
    assert fast.active is used
    question = "webhook signature verification"
    vector = fast.encode_query(question)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    if not used:
        assert np.array_equal(vector, inner.encode([question])[0])


def test_an_export_that_cannot_be_made_leaves_questions_on_torch(monkeypatch, caplog):
    def fail(self):
        raise RuntimeError("no onnxruntime here")

    monkeypatch.setattr(OnnxQuestions, "_open", fail)
    fast = OnnxQuestions(Inner())
    fast.load()
    assert not fast.active
    assert "questions use torch" in caplog.text
    assert fast.encode_query("refund").shape == (4096,)


def test_passages_are_always_encoded_by_torch(monkeypatch):
    inner = Inner()
    monkeypatch.setattr(OnnxQuestions, "_open", lambda self: pytest.fail("not for passages"))
    fast = OnnxQuestions(inner)
    assert np.array_equal(fast.encode(["a", "b c"]), inner.encode(["a", "b c"]))
