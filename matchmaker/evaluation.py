"""Routing evaluation: the product's matcher and baselines on the same questions, same run."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Employee
from .ports import Encoder, LexicalIndex, VectorIndex
from .routing import Matcher


@dataclass(frozen=True)
class Question:
    text: str
    expert_ids: frozenset[str]


@dataclass(frozen=True)
class Result:
    """Figures for one system: top-1, hit@3, MRR over n questions, ranking latency in ms."""

    system: str
    n: int
    top1: float
    hit3: float
    mrr: float
    p50_ms: float | None = None
    p99_ms: float | None = None


@dataclass(frozen=True)
class OutOfScope:
    """How well the fit score separates questions nobody covers, and the fallback decision."""

    n_in_scope: int
    n_out_of_scope: int
    auroc: float
    threshold: float
    precision: float
    recall: float


def read_questions(path: Path) -> list[Question]:
    """Questions from JSON Lines: only `text` and `expert_ids` are read (never the metadata)."""
    questions = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                questions.append(Question(row["text"], frozenset(row["expert_ids"])))
    return questions


def score(rankings: list[list[str]], questions: list[Question], system: str,
          latencies: list[float] | None = None) -> Result:
    """Top-1, hit@3 and MRR of ranked expert ids against the correct ones."""
    top1 = hit3 = rr = 0.0
    for ranked, question in zip(rankings, questions, strict=True):
        rank = next((i for i, eid in enumerate(ranked, 1) if eid in question.expert_ids), None)
        if rank is not None:
            top1 += rank == 1
            hit3 += rank <= 3
            rr += 1 / rank
    n = len(questions)
    p50 = p99 = None
    if latencies:
        p50, p99 = (round(float(v) * 1000, 2) for v in np.percentile(latencies, [50, 99]))
    return Result(system, n, round(top1 / n, 4), round(hit3 / n, 4), round(rr / n, 4), p50, p99)


def auroc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = np.asarray(positives), np.asarray(negatives)
    if not len(pos) or not len(neg):
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return round(float(wins / (len(pos) * len(neg))), 4)


def rank_with_matcher(session: Session, matcher: Matcher, questions: list[Question]
                      ) -> tuple[list[list[str]], list[float], list[float]]:
    """Rankings (external ids), fit scores and latencies from exactly the live ranking code."""
    external = dict(session.execute(select(Employee.id, Employee.external_id)).all())
    rankings, fits, latencies = [], [], []
    matcher.sync(session)  # index building is start-up work, not ranking latency
    for question in questions:
        started = time.perf_counter()
        ranking = matcher.rank(session, question.text, limit=len(external))
        latencies.append(time.perf_counter() - started)
        rankings.append([external[m.employee_id] for m in ranking.matches])
        fits.append(ranking.fit)
    return rankings, fits, latencies


def bm25_baseline(experts: list[dict], questions: list[Question],
                  make_lexical: Callable[[], LexicalIndex]) -> list[list[str]]:
    """BM25 over each expert's profile text alone."""
    index = make_lexical()
    index.rebuild({i: e.get("profile", "") for i, e in enumerate(experts)}, "baseline")
    rankings = []
    for question in questions:
        scores = index.scores(question.text)
        order = sorted(range(len(experts)), key=lambda i: (-scores.get(i, 0.0), i))
        rankings.append([experts[i]["id"] for i in order])
    return rankings


def embedding_baseline(experts: list[dict], questions: list[Question], encoder: Encoder,
                       make_index: Callable[[], VectorIndex]) -> list[list[str]]:
    """One embedding per profile, nearest by inner product."""
    index = make_index()
    vectors = encoder.encode([e.get("profile", "") for e in experts])
    index.rebuild(np.arange(len(experts), dtype=np.int64), vectors, "baseline")
    query_vectors = encoder.encode([q.text for q in questions])
    return [[experts[i]["id"] for i, _ in index.search(v, len(experts))] for v in query_vectors]


def round_robin_baseline(experts: list[dict], questions: list[Question]) -> list[list[str]]:
    """What a queue does: the next person in turn, whatever the question."""
    ids = [e["id"] for e in experts]
    return [ids[n % len(ids):] + ids[: n % len(ids)] for n in range(len(questions))]


def out_of_scope(in_fits: list[float], out_fits: list[float], threshold: float) -> OutOfScope:
    """AUROC of the fit score (higher = in scope) and the fallback decision fit < threshold."""
    flagged_out = sum(f < threshold for f in out_fits)
    flagged_in = sum(f < threshold for f in in_fits)
    flagged = flagged_out + flagged_in
    return OutOfScope(
        len(in_fits), len(out_fits), auroc(in_fits, out_fits), threshold,
        round(flagged_out / flagged, 4) if flagged else 0.0,
        round(flagged_out / len(out_fits), 4) if out_fits else 0.0,
    )


def report(results: list[Result], oos: OutOfScope | None) -> dict:
    """Everything as one JSON-ready object."""
    return {"systems": [asdict(r) for r in results],
            "out_of_scope": asdict(oos) if oos else None}
