"""Benchmark (not a test): this checkout's ranking against another checkout's, in one process,
question by question, on the same database, question vectors and machine load.

rank_bench.py times one checkout at a time; on a shared 2-core machine, two runs minutes apart
can differ by more than a change gains. Here the other checkout's `matchmaker` and `embeddings`
packages are copied under other names (`matchmaker_base`, `embeddings_base`: their imports are
relative) and both `Matcher`s, each with its own checkout's indexes, rank every question,
alternating which goes first, each with the same reading of the question (so what is timed is
everything after reading it: the part a change to ranking moves). It also counts the questions
both rank the same.

    git clone -q . /tmp/base && (cd /tmp/base && git checkout -q <commit>)
    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rank_ab --base /tmp/base --sizes 1000 10000 \
      --cache /tmp/rank-bench-cache

Both sides read questions with this checkout's encoder (the reading is shared, not timed).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import rank_bench
from embeddings.language import shared_detector
from embeddings.multilingual import DEFAULT_MODEL, make_encoder

QUESTIONS = 200


def load_base(checkout: Path, folder: Path):
    """The other checkout's Matcher, PassageIndex and BM25Index classes, its packages imported
    as matchmaker_base and embeddings_base."""
    if not (checkout / "matchmaker" / "routing.py").exists():
        raise SystemExit(f"{checkout} holds no matchmaker/routing.py")
    for package in ("matchmaker", "embeddings"):
        shutil.copytree(checkout / package, folder / f"{package}_base",
                        ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(folder))
    from embeddings_base.lexical import BM25Index  # noqa: PLC0415
    from embeddings_base.passages import PassageIndex  # noqa: PLC0415
    from matchmaker_base.routing import Matcher  # noqa: PLC0415

    return Matcher, PassageIndex, BM25Index


def same(a, b) -> bool:
    """Equal rankings, field by field (the two sides' classes differ)."""
    def fields(ranking):
        return ([dataclasses.asdict(m) for m in ranking.matches], ranking.fit, ranking.min_fit,
                ranking.language)
    return fields(a) == fields(b)


def run_size(folder: str, size: int, args, cache, model, base) -> dict:
    from embeddings.lexical import BM25Index
    from embeddings.passages import PassageIndex
    from matchmaker.routing import Matcher

    transaction, engine, _ = rank_bench.build_database(folder, size, args.seed, cache)
    detector = shared_detector(("en", "nl", "fr", "de"))
    base_matcher, base_passages, base_lexical = base
    sides = {"base": base_matcher(model, base_passages(), base_lexical(), detector=detector),
             "this": Matcher(model, PassageIndex(), BM25Index(), detector=detector)}
    questions = rank_bench.make_questions(args.seed, args.questions)
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    identical = same_order = 0
    largest = 0.0  # the largest difference of a score between the two sides
    with transaction() as session:
        for matcher in sides.values():
            matcher.sync(session)
            for question in questions[:rank_bench.WARM_UP_QUESTIONS]:
                matcher.rank(session, question, limit=args.limit)
        gc.collect()
        for number, question in enumerate(questions):
            reading = sides["this"].read(question)
            order = ["base", "this"] if number % 2 else ["this", "base"]
            rankings = {}
            for name in order:
                started = time.perf_counter()
                rankings[name] = sides[name].rank(session, question, limit=args.limit,
                                                  reading=reading)
                seconds[name].append(time.perf_counter() - started)
            identical += same(rankings["base"], rankings["this"])
            ids = {name: [m.employee_id for m in r.matches] for name, r in rankings.items()}
            if ids["base"] == ids["this"]:
                same_order += 1
                largest = max([largest, *(abs(a.score - b.score) for a, b in zip(
                    rankings["base"].matches, rankings["this"].matches, strict=True))])
    engine.dispose()
    figures = {name: rank_bench.percentiles(values) for name, values in seconds.items()}
    return {"employees": size, "questions": len(questions), **figures,
            "ratio_p50": round(figures["this"]["p50_ms"] / figures["base"]["p50_ms"], 3),
            "ratio_p99": round(figures["this"]["p99_ms"] / figures["base"]["p99_ms"], 3),
            "identical_rankings": identical, "same_people_in_order": same_order,
            "largest_score_difference": round(largest, 6)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--questions", type=int, default=QUESTIONS)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", default=os.environ.get("MATCHMAKER_MODEL") or DEFAULT_MODEL)
    parser.add_argument("--cache", type=Path, metavar="DIR")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    if any(not 1 <= s <= rank_bench.MAX_EMPLOYEES for s in args.sizes):
        parser.error(f"each size must be 1..{rank_bench.MAX_EMPLOYEES}")
    if not 1 <= args.questions <= rank_bench.MAX_QUESTIONS:
        parser.error(f"--questions must be 1..{rank_bench.MAX_QUESTIONS}")
    import faiss

    faiss.omp_set_num_threads(1)
    model = make_encoder(args.model)
    model.load()
    shared_detector(("en", "nl", "fr", "de")).load()
    gc.collect()  # as rank_bench and web.runtime.warm_up do
    gc.freeze()
    cache = rank_bench.CachedEncoder(model, args.cache)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        base = load_base(args.base.resolve(), Path(folder))
        for size in args.sizes:
            print(f"{size} employees...", file=sys.stderr)
            results.append(run_size(folder, size, args, cache, model, base))
            cache.save()
    print(f"{'employees':>9} | {'base p50/p99 ms':>17} | {'this p50/p99 ms':>17} | "
          f"{'this/base p50':>13} {'p99':>6} | identical | same order | largest score diff")
    for r in results:
        print(f"{r['employees']:>9} | {r['base']['p50_ms']:>7.2f} / {r['base']['p99_ms']:<7.2f} | "
              f"{r['this']['p50_ms']:>7.2f} / {r['this']['p99_ms']:<7.2f} | "
              f"{r['ratio_p50']:>13} {r['ratio_p99']:>6} | "
              f"{r['identical_rankings']:>4}/{r['questions']:<4} | "
              f"{r['same_people_in_order']:>5}/{r['questions']:<4} | "
              f"{r['largest_score_difference']}")
    if args.json:
        print(json.dumps({"base": str(args.base), "sizes": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
