"""Evaluation metrics on hand-made rankings with known answers."""

import pytest

from matchmaker import evaluation
from matchmaker.evaluation import Question


def q(*ids):
    return Question("text", frozenset(ids))


def test_top1_hit3_and_mrr():
    rankings = [["a", "b", "c"], ["b", "a", "c"], ["c", "b", "a"], ["x", "y", "z"]]
    questions = [q("a"), q("a"), q("a"), q("a")]
    result = evaluation.score(rankings, questions, "s")
    assert (result.top1, result.hit3) == (0.25, 0.75)
    assert result.mrr == pytest.approx((1 + 1 / 2 + 1 / 3 + 0) / 4, abs=1e-4)


def test_any_correct_expert_counts():
    assert evaluation.score([["b", "a"]], [q("a", "b")], "s").top1 == 1.0


@pytest.mark.parametrize("positives, negatives, expected", [
    ([0.9, 0.8], [0.1, 0.2], 1.0), ([0.1], [0.9], 0.0), ([0.5], [0.5], 0.5),
    ([0.9, 0.3], [0.5], 0.5),
])
def test_auroc(positives, negatives, expected):
    assert evaluation.auroc(positives, negatives) == expected


def test_fallback_precision_and_recall():
    result = evaluation.out_of_scope([0.9, 0.2, 0.8], [0.1, 0.25, 0.7], threshold=0.3)
    assert (result.precision, result.recall) == (pytest.approx(2 / 3, abs=1e-4),
                                                 pytest.approx(2 / 3, abs=1e-4))


def test_round_robin_rotates_the_queue():
    experts = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    rankings = evaluation.round_robin_baseline(experts, [q("a")] * 4)
    assert [r[0] for r in rankings] == ["a", "b", "c", "a"]
