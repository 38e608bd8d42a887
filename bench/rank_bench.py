"""Benchmark (not a test): ranking one question among thousands of employees with the real model.

Synthetic employees are generated deterministically (seeded), imported through the product's own
path (`importing.import_employees` into a throwaway SQLite database migrated with Alembic), and N
questions are ranked with `Matcher.rank` and the configured model (the product's default: English
questions by all-MiniLM-L6-v2, others by USE multilingual, see docs/matching.md). Reported:
p50/p99 of the whole rank call, of encoding the question alone and of the rest (index search,
scoring, database), against a baseline of one vector per employee in a FAISS IndexFlatIP.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rank_bench --sizes 1000 10000 --questions 200
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script or as `python -m bench.rank_bench`
    sys.path.insert(0, str(ROOT))

import faiss  # noqa: E402
from alembic import command  # noqa: E402
from sqlalchemy import select  # noqa: E402

from embeddings.language import shared_detector  # noqa: E402
from embeddings.lexical import BM25Index  # noqa: E402
from embeddings.multilingual import DEFAULT_MODEL, make_encoder  # noqa: E402
from embeddings.passages import PassageIndex  # noqa: E402
from matchmaker import importing  # noqa: E402
from matchmaker.db import make_engine, make_transaction  # noqa: E402
from matchmaker.models import Employee, ProfilePassage  # noqa: E402
from matchmaker.profiles import add_history  # noqa: E402
from matchmaker.routing import Matcher  # noqa: E402
from web.cli import alembic_config  # noqa: E402

MAX_EMPLOYEES = 50_000
MAX_QUESTIONS = 2_000
WARM_UP_QUESTIONS = 5

# Areas of a software company (accounting SaaS), each a few subjects of a few topics.
AREAS = {
    "technical": {
        "API": ["REST API authentication with OAuth 2.0", "API rate limits and retries",
                "webhook delivery and signature verification", "pagination of API results",
                "idempotency keys for payment requests", "GraphQL schema design",
                "API versioning and deprecations", "the Python and JavaScript SDKs"],
        "data": ["PostgreSQL query performance", "database migrations without downtime",
                 "data exports to CSV and Parquet", "ETL pipelines into a data warehouse",
                 "Elasticsearch indexing", "Redis caching", "backups and point-in-time recovery",
                 "database replication"],
        "infrastructure": ["Kubernetes deployments", "Terraform infrastructure as code",
                           "AWS networking and VPC peering", "CI/CD pipelines",
                           "monitoring with Prometheus and Grafana", "log aggregation",
                           "incident response and on-call", "load balancers and TLS certificates"],
        "security": ["single sign-on with SAML", "SCIM user provisioning",
                     "two-factor authentication", "encryption at rest and in transit",
                     "SOC 2 audits", "GDPR data deletion requests", "penetration test findings",
                     "role-based access control"],
        "integrations": ["the Salesforce integration", "the Shopify app", "Zapier automations",
                         "Slack notifications", "the Microsoft Teams app", "the SAP ERP connector",
                         "QuickBooks synchronisation", "Xero synchronisation"],
        "apps": ["embedding the JavaScript widget", "iOS app crashes", "Android push notifications",
                 "the React component library", "accessibility and WCAG",
                 "browser compatibility", "offline mode in the mobile app",
                 "localisation and translations"],
    },
    "commercial": {
        "pricing": ["pricing plans and tiers", "volume discounts", "annual versus monthly billing",
                    "enterprise contracts", "free trial extensions",
                    "nonprofit and education discounts", "usage-based pricing",
                    "price quotes for procurement"],
        "partners": ["reseller partnerships", "the referral programme",
                     "technology partner integrations", "marketplace listings",
                     "co-marketing campaigns", "onboarding agency partners"],
        "procurement": ["data processing agreements", "security questionnaires",
                        "service level agreements", "contract renewals",
                        "invoicing in several currencies", "purchase orders and vendor registration"],
        "sales": ["product demos", "migrating from a competitor", "ROI business cases",
                  "rolling out to large teams", "groups with several legal entities",
                  "solutions for retail chains"],
    },
    "support": {
        "accounts": ["password resets", "locked accounts", "changing the account owner",
                     "adding and removing users", "closing an account",
                     "e-mail verification problems"],
        "billing": ["failed card payments", "refunds and credit notes",
                    "changing the payment method", "VAT on invoices", "downloading invoices",
                    "duplicate charges"],
        "product": ["bank reconciliation", "importing bank statements", "recurring invoices",
                    "scanning expense receipts", "payroll runs", "multi-currency accounts",
                    "financial reports and dashboards", "inventory tracking", "time tracking",
                    "budget forecasts"],
        "troubleshooting": ["bank feed synchronisation errors", "missing transactions",
                            "slow pages", "export files that will not open",
                            "notification e-mails that never arrive", "signing in to the mobile app"],
    },
}
ROLE_AREA = {"developer": "technical", "sales": "commercial", "support": "support"}
ROLE_WEIGHTS = {"developer": 0.45, "support": 0.35, "sales": 0.20}
TITLES = {
    "developer": ["Backend developer", "Senior backend developer", "Frontend developer",
                  "Site reliability engineer", "Security engineer", "Mobile developer",
                  "Data engineer", "Integration engineer"],
    "sales": ["Account executive", "Sales engineer", "Partner manager", "Solutions consultant"],
    "support": ["Support engineer", "Customer success manager", "Onboarding specialist",
                "Billing specialist"],
}
FIRST = ("Anna Ben Carla Daan Eva Farid Greta Hugo Ines Jonas Kim Lars Mila Noor Omar Pia Quinn "
         "Rosa Sam Tess Umar Vera Wim Xena Yara Zeno").split()
LAST = ("Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De Vries Bakker "
        "Visser Smit Meijer Mulder Bos Vos Dekker Brouwer").split()
BIO = [
    "I have worked on {t} for {n} years.", "Most of my week goes into {t}.",
    "Customers usually come to me about {t}.", "I wrote our internal guide to {t}.",
    "Before joining I was responsible for {t} at a {industry} company.",
    "I lead the team that looks after {t}.", "I am the go-to person for {t} in {region}.",
    "Lately I have been improving {t}.",
]
HISTORY = [
    "How do I set up {t}?", "Why does {t} fail for us since yesterday?",
    "Is {t} included in our plan?", "Can you help me with {t} for our {industry} business?",
    "What is the best practice for {t}?", "We get an error with {t}, what should we check?",
    "Who can explain {t} to our finance team?", "Does {t} work with {other}?",
]
QUESTIONS = [
    "Hi, we are evaluating you and wonder how {t} works in practice.",
    "Something is wrong with {t} on our account, can someone look at it today?",
    "Our {industry} company needs {t} and {other}; is that possible?",
    "I am the IT lead at a {industry} firm: what do you offer for {t}?",
    "Since the last update {t} behaves differently, is this a known problem?",
    "Could you explain {t} before we sign the contract?",
    "Quick question about {t}: do we need to change anything on our side?",
    "Where can I find documentation about {t}?",
]
INDUSTRIES = ["retail", "logistics", "healthcare", "hospitality", "construction", "software",
              "manufacturing", "legal"]
REGIONS = ["the Benelux", "Germany", "the Nordics", "France", "the UK", "North America"]
ALL_TOPICS = [t for area in AREAS.values() for topics in area.values() for t in topics]


def make_employee(seed: int, number: int) -> dict:
    """One synthetic employee in the import format; the same (seed, number) gives the same one."""
    rng = random.Random(f"{seed}:{number}")
    role = rng.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()))[0]
    subjects = AREAS[ROLE_AREA[role]]
    chosen = rng.sample(sorted(subjects), k=2)
    pool = subjects[chosen[0]] + subjects[chosen[1]]
    expertise = rng.sample(pool, k=5) + [rng.choice(ALL_TOPICS)]
    fill = {"n": rng.randint(2, 9), "industry": rng.choice(INDUSTRIES),
            "region": rng.choice(REGIONS)}
    bio = " ".join(template.format(t=rng.choice(expertise), **fill)
                   for template in rng.sample(BIO, k=3))
    history = [rng.choice(HISTORY).format(t=rng.choice(expertise), other=rng.choice(pool),
                                          industry=rng.choice(INDUSTRIES))
               for _ in range(rng.randint(2, 4))]
    return {
        "id": f"bench-{number}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": role,
        "title": rng.choice(TITLES[role]), "team": chosen[0].capitalize(), "bio": bio,
        "expertise": expertise, "profile_docs": history,
        "n_profile_accepted": rng.randint(0, 150),
    }


def make_questions(seed: int, count: int) -> list[str]:
    """Customer questions built from the same topics, in words no profile uses."""
    rng = random.Random(f"{seed}:questions")
    return [rng.choice(QUESTIONS).format(t=rng.choice(ALL_TOPICS), other=rng.choice(ALL_TOPICS),
                                         industry=rng.choice(INDUSTRIES))
            for _ in range(count)]


class CachedEncoder:
    """The real encoder, each distinct text embedded once: synthetic profiles repeat texts."""

    def __init__(self, inner, folder: Path | None = None):
        self.inner, self.folder = inner, folder
        self.vectors: dict[str, np.ndarray] = {}
        self.seconds, self.embedded = 0.0, 0
        if folder and (folder / "model.txt").exists() and (
                (folder / "model.txt").read_text(encoding="utf-8") == inner.spec):
            texts = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
            self.vectors = dict(zip(texts, np.load(folder / "vectors.npy"), strict=True))

    def save(self) -> None:
        """Keep the vectors for the next run (JSON + .npy, never pickle)."""
        if self.folder and self.vectors:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "model.txt").write_text(self.inner.spec, encoding="utf-8")
            (self.folder / "texts.json").write_text(json.dumps(list(self.vectors)), encoding="utf-8")
            np.save(self.folder / "vectors.npy", np.stack(list(self.vectors.values())))

    def __getattr__(self, name: str):  # the model's spec, dimension, blocks, calibration
        return getattr(self.inner, name)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            started = time.perf_counter()
            self.vectors.update(zip(missing, self.inner.encode(missing), strict=True))
            self.seconds += time.perf_counter() - started
            self.embedded += len(missing)
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros(
            (0, self.dimension), dtype=np.float32)


class TimedEncoder:
    """The real encoder, remembering how long its last call took (a question goes through
    encode_query when the encoder reads questions by their language)."""

    def __init__(self, inner):
        self.inner = inner
        self.last = 0.0
        if hasattr(inner, "encode_query"):
            self.encode_query = self._encode_query

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.inner.encode(texts)
        self.last = time.perf_counter() - started
        return vectors

    def _encode_query(self, text: str, english: float) -> np.ndarray:
        started = time.perf_counter()
        vector = self.inner.encode_query(text, english)
        self.last = time.perf_counter() - started
        return vector


def build_database(folder: str, size: int, seed: int, cache: CachedEncoder) -> tuple:
    """A migrated SQLite database holding `size` imported employees; returns (transaction,
    engine, timings)."""
    url = f"sqlite:///{folder}/bench-{size}.db"
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    transaction = make_transaction(engine)
    rows = [(n, make_employee(seed, n)) for n in range(1, size + 1)]
    embed_before, started = cache.seconds, time.perf_counter()
    with transaction() as session:
        report = importing.import_employees(session, cache, rows, datetime.now(UTC))
    if report.errors:
        raise SystemExit(f"{len(report.errors)} synthetic employees failed: {report.errors[:3]}")
    embedding = cache.seconds - embed_before
    return transaction, engine, {"import_s": round(time.perf_counter() - started - embedding, 1),
                                 "embed_new_texts_s": round(embedding, 1)}


def employee_vectors(session) -> tuple[np.ndarray, int]:
    """One vector per employee for the baseline (the normalised mean of their passages), and
    how many passages there are."""
    rows = session.execute(select(ProfilePassage.employee_id, ProfilePassage.vector)).all()
    sums: dict[int, np.ndarray] = {}
    for eid, blob in rows:
        vector = np.frombuffer(blob, dtype=np.float32)
        sums[eid] = sums[eid] + vector if eid in sums else vector.copy()
    matrix = np.stack(list(sums.values()))
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True), len(rows)


def time_matcher(session, matcher: Matcher, encoder: TimedEncoder, questions: list[str],
                 limit: int) -> tuple[dict[str, list[float]], int]:
    """Seconds per question (the whole rank call, its encode, and the rest), and how many full
    garbage collections ran meanwhile."""
    for question in questions[:WARM_UP_QUESTIONS]:  # kind prototypes, first-call allocations
        matcher.rank(session, question, limit=limit)
    gc.collect()  # the import's garbage is not the ranking's to pay
    full_before = gc.get_stats()[2]["collections"]
    whole, embed = [], []
    for question in questions:
        started = time.perf_counter()
        matcher.rank(session, question, limit=limit)
        whole.append(time.perf_counter() - started)
        embed.append(encoder.last)
    full = gc.get_stats()[2]["collections"] - full_before
    return {"rank": whole, "embed": embed,
            "search": [w - e for w, e in zip(whole, embed, strict=True)]}, full


def time_learning(session, matcher: Matcher, cache: CachedEncoder, question: str) -> float:
    """Seconds the indexes take to catch up after one learned conversation (as rate_and_learn
    adds it: one history passage), paid by the next rank call in every process."""
    employee_id = session.scalar(select(Employee.id).order_by(Employee.id).limit(1))
    add_history(session, cache, employee_id, [question], "conversation", datetime.now(UTC))
    started = time.perf_counter()
    matcher.sync(session)
    return round(time.perf_counter() - started, 3)


def time_baseline(vectors: np.ndarray, queries: np.ndarray, limit: int) -> list[float]:
    """Seconds per query: a flat inner-product search over one vector per employee."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    for query in queries[:WARM_UP_QUESTIONS]:
        index.search(query.reshape(1, -1), limit)
    seconds = []
    for query in queries:
        started = time.perf_counter()
        index.search(query.reshape(1, -1), limit)
        seconds.append(time.perf_counter() - started)
    return seconds


def percentiles(seconds: list[float]) -> dict[str, float]:
    p50, p99 = np.percentile(seconds, [50, 99]) * 1000
    return {"p50_ms": round(float(p50), 3), "p99_ms": round(float(p99), 3)}


def run_size(folder: str, size: int, args, cache: CachedEncoder, model) -> dict:
    """Build, index and time one company size."""
    transaction, engine, build = build_database(folder, size, args.seed, cache)
    timed = TimedEncoder(model)
    # As web.services builds it: the language detector reads each question first.
    matcher = Matcher(timed, PassageIndex(), BM25Index(),
                      detector=shared_detector(("en", "nl", "fr", "de")))
    questions = make_questions(args.seed, args.questions)
    with transaction() as session:
        started = time.perf_counter()
        matcher.sync(session)
        build["index_sync_s"] = round(time.perf_counter() - started, 2)
        vectors, passages = employee_vectors(session)
        seconds, build["full_gcs_while_timing"] = time_matcher(session, matcher, timed, questions,
                                                               args.limit)
        build["learn_sync_s"] = time_learning(session, matcher, cache, questions[0])
    engine.dispose()
    seconds["baseline_search"] = time_baseline(
        vectors, np.stack([matcher.read(q).vector for q in questions]), args.limit)
    figures = {name: percentiles(values) for name, values in seconds.items()}
    base = figures["baseline_search"]["p50_ms"]
    return {"employees": size, "passages": passages, "questions": len(questions),
            "build": build, **figures,
            "ratio_p50": {"rank_vs_baseline": round(figures["rank"]["p50_ms"] / base, 1),
                          "search_vs_baseline": round(figures["search"]["p50_ms"] / base, 1)}}


def print_table(results: list[dict]) -> None:
    print(f"{'employees':>9} {'passages':>8} | {'rank p50/p99 ms':>17} | {'embed p50/p99':>15} | "
          f"{'search p50/p99':>15} | {'baseline p50/p99':>17} | {'rank/base':>9} "
          f"{'search/base':>11}")
    for r in results:
        cells = [f"{r[k]['p50_ms']:>7.2f} / {r[k]['p99_ms']:<7.2f}"
                 for k in ("rank", "embed", "search", "baseline_search")]
        print(f"{r['employees']:>9} {r['passages']:>8} | {cells[0]:>17} | {cells[1]:>15} | "
              f"{cells[2]:>15} | {cells[3]:>17} | {r['ratio_p50']['rank_vs_baseline']:>8}x "
              f"{r['ratio_p50']['search_vs_baseline']:>10}x")
    for r in results:
        print(f"build {r['employees']}: {r['build']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--limit", type=int, default=10, help="matches asked for (the app: 10)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", default=os.environ.get("MATCHMAKER_MODEL") or DEFAULT_MODEL)
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="keep profile-text vectors here between runs (for this --model only)")
    parser.add_argument("--budget", type=float, default=1800,
                        help="stop before starting another size after this many seconds")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    if not all(0 < s <= MAX_EMPLOYEES for s in args.sizes):
        parser.error(f"sizes must be 1..{MAX_EMPLOYEES}")
    if not 0 < args.questions <= MAX_QUESTIONS:
        parser.error(f"questions must be 1..{MAX_QUESTIONS}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    faiss.omp_set_num_threads(1)  # as the product does: faster single queries on 2 cores
    started = time.perf_counter()
    model = make_encoder(args.model)
    model.load()
    shared_detector(("en", "nl", "fr", "de")).load()
    gc.collect()  # as web.runtime.warm_up does: full collections then skip torch's objects
    gc.freeze()
    cache, results = CachedEncoder(model, args.cache), []
    with tempfile.TemporaryDirectory(prefix="rank-bench-") as folder:
        for size in sorted(args.sizes):
            if time.perf_counter() - started > args.budget:
                print(f"budget of {args.budget:.0f} s spent: skipping {size}", file=sys.stderr)
                continue
            print(f"{size} employees...", file=sys.stderr, flush=True)
            results.append(run_size(folder, size, args, cache, model))
            cache.save()
    print_table(results)
    print(f"model {args.model}; torch threads {torch_threads()}; FAISS threads 1; "
          f"{len(cache.vectors)} distinct profile texts ({cache.embedded} embedded by this run); "
          f"{time.perf_counter() - started:.0f} s in all")
    if args.json:
        print(json.dumps({"model": args.model, "sizes": results}))
    return 0


def torch_threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    raise SystemExit(main())
