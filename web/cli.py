"""CLI commands: `flask --app web init-db | seed-demo | create-employee | serve`."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from embeddings.index import FaissIndex
from embeddings.lexical import BM25Index
from matchmaker import demo, evaluation, handover_cases, importing, profiles, snippets, staff
from matchmaker.db import make_engine, make_transaction
from matchmaker.errors import InvalidInput, ModelMismatch
from matchmaker.models import ACCESS_LEVELS, ROLES, Employee
from matchmaker.redaction import Redactor, quality
from matchmaker.routing import Weights

from .services import make_matcher, services

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "matchmaker-demo"


def alembic_config(url: str) -> Config:
    """Alembic's config for this repository's migrations and this database."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema (Alembic upgrade head)."""
    url = services().settings.database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
    click.echo("database is at the latest schema")


@click.command("seed-demo")
@with_appcontext
@click.option("--password", default=DEMO_PASSWORD, show_default=True,
              help="Password given to every demo login.")
def seed_demo(password: str):
    """Seed the demo company when the database has no employees yet; print the logins."""
    svc = services()
    data = demo.load_demo()
    with svc.transaction() as session:
        if demo.is_empty(session):
            click.echo("seeding the demo company (embedding profiles)...")
            demo.seed_demo_company(session, svc.encoder, data, password, svc.clock())
        else:
            click.echo("employees exist already: demo seed skipped")
    by_access = {}
    for record in data["employees"]:
        by_access.setdefault(record.get("access", "agent"), record["email"])
    click.echo(f"Demo logins (password: {password}):")
    for access, email in sorted(by_access.items()):
        click.echo(f"  {access:<10} {email}")


@click.command("create-employee")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--access", default="agent", type=click.Choice(ACCESS_LEVELS))
@click.option("--title", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_employee(email, name, role, access, title, password):
    """Create (or update) one employee account."""
    svc = services()
    record = {"email": email, "name": name, "role": role, "access": access, "title": title}
    try:
        with svc.transaction() as session:
            employee, changed = staff.upsert_employee(session, record, svc.clock(), password)
            if changed:
                profiles.embed_employees(session, svc.encoder, [employee])
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"employee {email} saved")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--catch-mail", is_flag=True,
              help="Also run an SMTP server on MATCHMAKER_SMTP_HOST:PORT (loopback only) that keeps "
                   "every mail in MATCHMAKER_MAIL_CATCHER_DIR, readable at /admin/mail.")
def serve(host: str, port: int, catch_mail: bool = False):
    """Serve the app with Socket.IO, the sweeper, the mail outbox and a warm model."""
    from .mailcatcher import start_catcher
    from .runtime import start_mailer, start_presence_keeper, start_sweeper, warm_up

    app = current_app._get_current_object()
    settings = services().settings
    if catch_mail:
        if settings.smtp_host not in ("127.0.0.1", "localhost", "::1") or not settings.mail_catcher_dir:
            raise click.UsageError("--catch-mail needs MATCHMAKER_SMTP_HOST on loopback and "
                                   "MATCHMAKER_MAIL_CATCHER_DIR")
        start_catcher(settings.smtp_host, settings.smtp_port, settings.mail_catcher_dir)
        click.echo(f"catching mail on {settings.smtp_host}:{settings.smtp_port} "
                   f"into {settings.mail_catcher_dir} (see /admin/mail)")
    warm_up(app)
    start_sweeper(app)
    start_presence_keeper(app)
    start_mailer(app)
    click.echo(f"Matchmaker on http://{host}:{port}/ (demo site), /console, /marketing, /admin")
    # app.run() returns at once under the flask CLI (it assumes `flask run` is serving);
    # this command is the server, so it says it is not that case.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    services().socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                            use_reloader=False, log_output=False)


@click.command("import-employees")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_employees_command(path: Path):
    """Import employees from CSV, JSON or JSON Lines; errors are reported by row."""
    svc = services()
    try:
        rows = list(importing.read_rows(path))
    except (InvalidInput, ValueError) as error:
        raise click.ClickException(str(error)) from None
    with svc.transaction() as session, click.progressbar(
            length=len(rows), label="importing", file=sys.stderr) as bar:
        result = importing.import_employees(session, svc.encoder, rows, svc.clock(), bar.update)
    click.echo(f"created {result.created}, updated {result.updated}, "
               f"unchanged {result.unchanged}, errors {len(result.errors)}")
    for number, message in result.errors:
        click.echo(f"  row {number}: {message}", err=True)
    if result.errors:
        raise SystemExit(1)


@click.command("eval-routing")
@with_appcontext
@click.option("--experts", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--questions", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out-of-scope", "out_of_scope", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of the figures.")
@click.option("--weight", "weights", multiple=True, metavar="NAME=VALUE",
              help="Override a matcher weight (ablation), e.g. --weight gist=0.")
def eval_routing(experts: Path, questions: Path, out_of_scope: Path | None, as_json: bool,
                 weights: tuple[str, ...]):
    """Rank every question with the live ranking code (availability ignored) and baselines."""
    from .runtime import warm_up

    svc = services()
    try:
        chosen = replace(Weights(), **{k: type(getattr(Weights(), k))(v) for k, v in
                                       (w.split("=", 1) for w in weights)})
    except (TypeError, ValueError, AttributeError) as error:
        raise click.BadParameter(str(error), param_hint="--weight") from None
    warm_up(current_app._get_current_object())
    expert_rows = [row for _, row in importing.read_rows(experts)]
    asked = evaluation.read_questions(questions)
    outside = evaluation.read_questions(out_of_scope) if out_of_scope else []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/eval.db"
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        transaction = make_transaction(engine)
        with transaction() as session:
            result = importing.import_employees(session, svc.encoder,
                                                importing.read_rows(experts), svc.clock())
        if result.errors:
            raise click.ClickException(f"{len(result.errors)} experts failed to import: "
                                       f"{result.errors[:3]}")
        matcher = make_matcher(svc.encoder, weights=chosen, detector=svc.detector,
                               min_fit=svc.matcher.fixed_min_fit)
        with transaction() as session:
            ranked = evaluation.rank_with_matcher(session, matcher, asked)
            outside_ranked = evaluation.rank_with_matcher(session, matcher, outside)
        engine.dispose()
    systems = [
        ("matcher", ranked.rankings, ranked.latencies),
        ("bm25", evaluation.bm25_baseline(expert_rows, asked, BM25Index), None),
        ("embedding", evaluation.embedding_baseline(expert_rows, asked, svc.encoder, FaissIndex,
                                                    lambda text: matcher.read(text).vector),
         None),
        ("round_robin", evaluation.round_robin_baseline(expert_rows, asked), None),
    ]
    results = [evaluation.score(order, asked, name, lat) for name, order, lat in systems]
    languages: dict[str, list] = {}
    for name, order, lat in systems:
        for lang, result in evaluation.score_by_language(order, asked, name, lat).items():
            languages.setdefault(lang, []).append(result)
    # Each question has its own threshold (the encoder's calibration for its language): the
    # fallback decision is "best fit below it", i.e. a margin below 0.
    groups = evaluation.by_language(asked) or {"all": list(range(len(asked)))}
    margins = ranked.margins
    fallback = {lang: evaluation.below([margins[i] for i in where], 0.0)
                for lang, where in groups.items()}
    oos = (evaluation.out_of_scope(margins, outside_ranked.margins, 0.0) if outside else None)
    extra = {"encoder": getattr(svc.encoder, "spec", type(svc.encoder).__name__),
             "dimension": svc.encoder.dimension,
             "weights": {k: v for k, v in vars(chosen).items()},
             "thresholds": [round(min(ranked.thresholds, default=0), 4),
                            round(max(ranked.thresholds, default=0), 4)],
             "threshold_for_10pct_in_scope": evaluation.threshold_for(ranked.fits, 0.10),
             "language_detected": evaluation.detection_accuracy(
                 asked, lambda text: matcher.read(text).language) if svc.detector else {}}
    _print_results(results, oos)
    for lang, rs in languages.items():
        click.echo(f"-- lang {lang}")
        _print_results(rs, None)
    if extra["language_detected"]:
        click.echo("question language detected right (when clear): " + ", ".join(
            f"{lang} {share:.3f}" for lang, share in extra["language_detected"].items()))
    click.echo("in-scope questions below their threshold (general queue): " + ", ".join(
        f"{lang} {share:.3f}" for lang, share in fallback.items()))
    if as_json:
        click.echo(json.dumps(evaluation.report(results, oos, languages, fallback, extra)))


@click.command("eval-handover")
@with_appcontext
@click.option("--cases", "cases_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of the figures.")
def eval_handover(cases_path: Path, as_json: bool):
    """Rank whom to hand each labelled conversation to, on the demo company (seeded in a
    temporary database), with the live suggestion code; top-1 and top-3."""
    from .runtime import warm_up

    svc = services()
    warm_up(current_app._get_current_object())
    cases = handover_cases.read_cases(cases_path)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/eval.db"
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        transaction = make_transaction(engine)
        with transaction() as session:
            demo.seed_demo_company(session, svc.encoder, demo.load_demo(), DEMO_PASSWORD,
                                   svc.clock())
        matcher = make_matcher(svc.encoder, detector=svc.detector,
                               min_fit=svc.matcher.fixed_min_fit)
        with transaction() as session:
            ranked = handover_cases.rank_cases(session, matcher, cases,
                                               svc.policy.max_question_chars)
        engine.dispose()
    asked = handover_cases.as_questions(cases)
    results = [evaluation.score(order, asked, name) for name, order in ranked.rankings.items()]
    _print_results(results, None)
    languages: dict[str, list] = {}
    for name, order in ranked.rankings.items():
        for lang, result in evaluation.score_by_language(order, asked, name).items():
            languages.setdefault(lang, []).append(result)
    for lang, rs in languages.items():
        click.echo(f"-- lang {lang}")
        _print_results(rs, None)
    first = sum(ranked.first_was_top) / max(len(cases), 1)
    click.echo(f"the person who had the chat was routing's first choice for the question: "
               f"{first:.3f} of {len(cases)} cases")
    if as_json:
        click.echo(json.dumps(evaluation.report(results, None, languages, {},
                                                {"first_was_top": round(first, 3)})))


def _print_results(results, oos) -> None:
    click.echo(f"{'system':<12} {'n':>5} {'top1':>6} {'hit@3':>6} {'MRR':>6} {'p50 ms':>7} "
               f"{'p99 ms':>7}")
    for r in results:
        latency = f"{r.p50_ms:>7} {r.p99_ms:>7}" if r.p50_ms is not None else f"{'':>7} {'':>7}"
        click.echo(f"{r.system:<12} {r.n:>5} {r.top1:>6.3f} {r.hit3:>6.3f} {r.mrr:>6.3f} {latency}")
    if oos:
        click.echo(f"out of scope: AUROC {oos.auroc:.3f} (of the margin to each question's "
                   "threshold); fallback below the threshold: "
                   f"precision {oos.precision:.3f}, recall {oos.recall:.3f} "
                   f"({oos.n_out_of_scope} out-of-scope, {oos.n_in_scope} in-scope questions)")


@click.command("eval-impact")
@with_appcontext
@click.option("--cases", "cases_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", default=10, show_default=True, help="Precision at this many passages.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_impact(cases_path: Path, k: int, as_json: bool):
    """How well story candidates are recognised: labelled customer passages (impact or not)
    ranked by the configured model; precision at k and average precision, per language."""
    from matchmaker import impact

    svc = services()
    passages = impact.read_labelled(cases_path.read_text(encoding="utf-8").splitlines())
    figures = impact.evaluate(impact.ImpactReader(svc.encoder), passages, k)
    if as_json:
        click.echo(json.dumps(figures))
        return
    click.echo(f"{'set':<6} {'passages':>8} {'impact':>6} {'P@' + str(k):>6} {'AP':>6} {'base':>6}")
    for name, row in figures.items():
        click.echo(f"{name:<6} {row['passages']:>8} {row['impact']:>6} "
                   f"{row[f'precision_at_{k}']:>6.3f} {row['average_precision']:>6.3f} "
                   f"{row['impact'] / row['passages']:>6.3f}")


@click.command("eval-redaction")
@with_appcontext
@click.option("--cases", "cases_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--without-model", is_flag=True,
              help="Names from cue phrases only (what the NER adapter adds).")
@click.option("--show-misses", is_flag=True, help="List each missed span and false alarm.")
@click.option("--company", default=None,
              help="The company the set is written for: its name is never a person's "
                   "(default: MATCHMAKER_COMPANY_NAME; the bundled sets: \"Lumen Ledger\").")
def eval_redaction(cases_path: Path, as_json: bool, without_model: bool, show_misses: bool,
                   company: str | None):
    """Precision and recall of redaction per kind and language on a labelled JSON Lines set
    (a labelled span counts as found when a detection of its kind overlaps it)."""
    svc = services()
    redactor = Redactor(None if without_model else svc.names,
                        svc.settings.company_name if company is None else company)
    try:
        cases = quality.read_cases(cases_path)
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    report = quality.evaluate(cases, redactor.find)
    figures = quality.rows(report)
    if as_json:
        click.echo(json.dumps(figures))
        return
    click.echo("language kind     labelled recall detected precision")
    for row in figures:
        click.echo("{language:8} {kind:8} {labelled:8} {r:>6} {detected:8} {p:>9}".format(
            **row, r=_share(row["recall"]), p=_share(row["precision"])))
    for title, items in (("missed", report.misses), ("false alarms", report.alarms)):
        if show_misses:
            click.echo(f"{title}: " + "; ".join(f"{lang} {kind} {text!r}"
                                                for lang, kind, text in items))


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@click.command("reembed")
@with_appcontext
@click.option("--if-stale", is_flag=True,
              help="Only when the stored vectors come from another model (what `make run` does).")
def reembed(if_stale: bool = False):
    """Re-embed every profile and history item with the configured model (after switching it)."""
    svc = services()
    if if_stale:
        try:
            with svc.transaction() as session:
                profiles.check_space(session, svc.encoder)
            click.echo("the stored vectors come from the configured model: nothing to re-embed")
            return
        except ModelMismatch as mismatch:
            click.echo(f"{mismatch}: re-embedding now")
    with svc.transaction() as session:
        count = session.query(Employee).count()
        with click.progressbar(length=count, label="re-embedding", file=sys.stderr) as bar:
            passages = profiles.reembed_everyone(session, svc.encoder, progress=bar.update)
        snippet_count = snippets.reembed_snippets(session, svc.encoder)
    click.echo(f"re-embedded {passages} passages of {count} employees")
    click.echo(f"re-embedded {snippet_count} snippets")
