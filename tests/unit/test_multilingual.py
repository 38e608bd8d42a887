"""Multilingual routing: the routed encoder, per-block gists, the question's language, the
threshold per language, vectors of another model refused, tokens of any script."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from embeddings.lexical import BM25Index, tokenize
from embeddings.multilingual import LanguageRoutedEncoder
from embeddings.passages import PassageIndex
from matchmaker import evaluation, profiles
from matchmaker.errors import ModelMismatch
from matchmaker.profiles import _centroids
from matchmaker.routing import Matcher
from tests.fakes import HashingEncoder


class Detector:
    """Dutch when the text has 'de', else English."""

    def probabilities(self, text: str) -> dict[str, float]:
        return {"nl": 1.0, "en": 0.0} if " de " in f" {text} " else {"en": 1.0}


class Calibrated(HashingEncoder):
    def __init__(self, dimension: int, min_fit: float):
        super().__init__(dimension)
        self.min_fit = min_fit


def routed() -> LanguageRoutedEncoder:
    return LanguageRoutedEncoder(Calibrated(64, 0.3), Calibrated(128, 0.25))


def test_an_english_question_reads_the_english_block_only_and_others_the_multilingual_one():
    encoder = routed()
    passage = encoder.encode(["invoice export to csv"])[0]
    cos_en = float(encoder.english.encode(["invoice export to csv"])[0]
                   @ encoder.english.encode(["export invoice"])[0])
    cos_nl = float(encoder.multilingual.encode(["invoice export to csv"])[0]
                   @ encoder.multilingual.encode(["export de invoice"])[0])
    assert float(passage @ encoder.encode_query("export invoice", 1.0)) == pytest.approx(cos_en, abs=1e-5)
    assert float(passage @ encoder.encode_query("export de invoice", 0.0)) == pytest.approx(
        cos_nl, abs=1e-5)
    mixed = float(passage @ encoder.encode_query("export de invoice", 0.25))
    cos_mixed_en = float(encoder.english.encode(["invoice export to csv"])[0]
                         @ encoder.english.encode(["export de invoice"])[0])
    assert mixed == pytest.approx(0.25 * cos_mixed_en + 0.75 * cos_nl, abs=1e-5)
    assert encoder.dimension == 192 and encoder.blocks == ((0, 64), (64, 192))


def test_the_threshold_follows_the_questions_language():
    encoder = routed()
    assert encoder.min_fit(1.0) == pytest.approx(0.3)
    assert encoder.min_fit(0.0) == pytest.approx(0.25)


def test_block_centroids_give_each_encoder_its_own_gist():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 6))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    vectors = (np.hstack([a, b]) * np.sqrt(0.5)).astype(np.float32)
    rows = [SimpleNamespace(employee_id=7)] * 3
    _, centroids = _centroids(rows, vectors, ((0, 4), (4, 10)))
    gist_a = a.mean(0) / np.linalg.norm(a.mean(0))
    assert np.allclose(centroids[0, :4], gist_a * np.sqrt(0.5), atol=1e-6)
    assert np.linalg.norm(centroids[0]) == pytest.approx(1.0, abs=1e-5)


@pytest.fixture
def multilingual(tx, clock):
    """The fixture staff embedded with the routed encoder; a matcher that detects languages."""
    from matchmaker.staff import upsert_employee
    from tests.conftest import PASSWORD, staff_records

    encoder = routed()
    with tx() as session:
        employees = [upsert_employee(session, r, clock(), PASSWORD)[0] for r in staff_records()]
        profiles.embed_employees(session, encoder, employees)
    return Matcher(encoder, PassageIndex(), BM25Index(), detector=Detector())


def test_a_ranking_carries_its_questions_language_and_threshold(tx, multilingual, staff_by_email):
    with tx() as session:
        english = multilingual.rank(session, "webhook signature verification")
        dutch = multilingual.rank(session, "webhook de signature verification")
    assert (english.language, english.min_fit) == ("en", pytest.approx(0.3))
    assert (dutch.language, dutch.min_fit) == ("nl", pytest.approx(0.25))


def test_the_detected_language_counts_against_people_who_do_not_speak_it(
        tx, multilingual, staff_by_email):
    with tx() as session:
        dutch = multilingual.rank(session, "pricing de plans volume discount", language="en")
    sales = next(m for m in dutch.matches if m.employee_id == staff_by_email["sales@example.test"])
    assert sales.explanation.parts["language"] < 0  # speaks en and fr, not nl


def test_vectors_of_another_model_are_refused_until_reembedded(tx, multilingual, encoder):
    other = Matcher(encoder, PassageIndex(), BM25Index())
    with pytest.raises(ModelMismatch, match="reembed"), tx() as session:
        other.rank(session, "webhook signature")
    with tx() as session:
        profiles.reembed_everyone(session, encoder)
    with tx() as session:
        assert other.rank(session, "webhook signature").matches


def test_tokens_of_any_script_without_clitics_or_foreign_function_words():
    assert tokenize("I'm on c# and c++ with node.js") == ["c#", "c++", "node.js"]
    assert tokenize("Weck mich für Müller am Montag, d'argent à l'étranger") == [
        "weck", "mich", "müller", "montag", "argent", "étranger"]


def test_figures_per_language_never_change_the_pooled_ones():
    questions = [evaluation.Question("a", frozenset({"x"}), "nl"),
                 evaluation.Question("b", frozenset({"y"}), "en")]
    per = evaluation.score_by_language([["x"], ["x", "y"]], questions, "m")
    assert per["nl"].top1 == 1.0 and per["en"].top1 == 0.0 and per["en"].mrr == 0.5
    assert evaluation.score_by_language([["x"]], [evaluation.Question("a", frozenset())], "m") == {}
