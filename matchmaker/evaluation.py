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
    # For reporting by language only: rank_with_matcher passes the text alone, never this.
    lang: str | None = None


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
    """Questions from JSON Lines: `text` and `expert_ids`, and `lang` kept aside to report
    figures per language (the ranking never sees it or any other metadata)."""
    questions = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                lang = row.get("lang")
                questions.append(Question(row["text"], frozenset(row["expert_ids"]),
                                          str(lang) if lang else None))
    return questions


def by_language(questions: list[Question]) -> dict[str, list[int]]:
    """Question positions per `lang`, in first-seen order; empty when no question has one."""
    groups: dict[str, list[int]] = {}
    if any(q.lang for q in questions):
        for i, q in enumerate(questions):
            groups.setdefault(q.lang or "?", []).append(i)
    return groups


def score_by_language(rankings: list[list[str]], questions: list[Question], system: str,
                      latencies: list[float] | None = None) -> dict[str, Result]:
    """score() for each language of the questions (nothing when they carry no `lang`)."""
    return {lang: score([rankings[i] for i in where], [questions[i] for i in where], system,
                        [latencies[i] for i in where] if latencies else None)
            for lang, where in by_language(questions).items()}


def detection_accuracy(questions: list[Question], detect: Callable[[str], str | None]
                       ) -> dict[str, float]:
    """Per `lang`, the share of questions whose language detect(text) gets right."""
    return {lang: round(sum(detect(questions[i].text) == lang for i in where) / len(where), 4)
            for lang, where in by_language(questions).items()}


def below(fits: list[float], threshold: float) -> float:
    """Share of questions whose fit is below threshold (they would go to the general queue)."""
    return round(sum(f < threshold for f in fits) / len(fits), 4) if fits else 0.0


def threshold_for(in_fits: list[float], share: float) -> float:
    """The fit below which `share` of these (in-scope) questions fall: a calibration rule that
    does not depend on the encoder's cosine scale."""
    return round(float(np.quantile(np.asarray(in_fits), share)), 4) if in_fits else 0.0


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


@dataclass(frozen=True)
class Ranked:
    """The matcher's answers to a list of questions: external ids best first, the best fit, the
    fit below which nobody fits each question (calibrated for its language), the latency."""

    rankings: list[list[str]]
    fits: list[float]
    thresholds: list[float]
    latencies: list[float]

    @property
    def margins(self) -> list[float]:
        """How far each question's best fit is above its threshold (below 0: general queue)."""
        return [fit - threshold for fit, threshold in zip(self.fits, self.thresholds, strict=True)]


def rank_with_matcher(session: Session, matcher: Matcher, questions: list[Question]) -> Ranked:
    """Rank each question with exactly the live ranking code (it sees the text only)."""
    external = dict(session.execute(select(Employee.id, Employee.external_id)).all())
    ranked = Ranked([], [], [], [])
    matcher.sync(session)  # index building is start-up work, not ranking latency
    for question in questions:
        started = time.perf_counter()
        ranking = matcher.rank(session, question.text, limit=len(external))
        ranked.latencies.append(time.perf_counter() - started)
        ranked.rankings.append([external[m.employee_id] for m in ranking.matches])
        ranked.fits.append(ranking.fit)
        ranked.thresholds.append(ranking.min_fit)
    return ranked


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
                       make_index: Callable[[], VectorIndex],
                       read: Callable[[str], np.ndarray] | None = None) -> list[list[str]]:
    """One embedding per profile, nearest by inner product; read(text) gives a question's
    vector as the matcher reads it (by its language)."""
    index = make_index()
    vectors = encoder.encode([e.get("profile", "") for e in experts])
    index.rebuild(np.arange(len(experts), dtype=np.int64), vectors, "baseline")
    # Questions are read as the matcher reads them (by their language), when it is given.
    query_vectors = ([read(q.text) for q in questions] if read
                     else encoder.encode([q.text for q in questions]))
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


def report(results: list[Result], oos: OutOfScope | None,
           languages: dict[str, list[Result]] | None = None,
           fallback: dict[str, float] | None = None, extra: dict | None = None) -> dict:
    """Everything as one JSON-ready object."""
    return {"systems": [asdict(r) for r in results],
            "out_of_scope": asdict(oos) if oos else None,
            "by_language": {lang: [asdict(r) for r in rs] for lang, rs in (languages or {}).items()},
            "in_scope_below_threshold": fallback or {},
            **(extra or {})}
