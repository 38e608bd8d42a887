"""CLI commands: eval-routing on a tiny fixture with known answers, import-employees."""

import json

from matchmaker.models import Employee
from tests.conftest import DATA
from tests.fakes import HashingEncoder
from web.cli import eval_routing, import_employees_command, reembed


def test_eval_routing_reports_every_system_and_ends_with_json(app):
    result = app.test_cli_runner().invoke(eval_routing, [
        "--experts", str(DATA / "eval_experts.json"),
        "--questions", str(DATA / "eval_questions.jsonl"),
        "--out-of-scope", str(DATA / "eval_oos.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    systems = {s["system"]: s for s in figures["systems"]}
    assert set(systems) == {"matcher", "bm25", "embedding", "round_robin"}
    assert systems["matcher"]["n"] == 6
    assert systems["matcher"]["top1"] == 1.0 and systems["matcher"]["mrr"] == 1.0
    assert systems["matcher"]["p50_ms"] is not None
    assert systems["round_robin"]["top1"] < 1.0
    oos = figures["out_of_scope"]
    assert (oos["n_in_scope"], oos["n_out_of_scope"], oos["auroc"]) == (6, 2, 1.0)


def test_eval_routing_weights_can_switch_a_part_off(app):
    result = app.test_cli_runner().invoke(eval_routing, [
        "--experts", str(DATA / "eval_experts.json"),
        "--questions", str(DATA / "eval_questions.jsonl"), "--weight", "words=0", "--json"])
    assert result.exit_code == 0, result.output
    bad = app.test_cli_runner().invoke(eval_routing, [
        "--experts", str(DATA / "eval_experts.json"),
        "--questions", str(DATA / "eval_questions.jsonl"), "--weight", "nonsense=1"])
    assert bad.exit_code != 0 and "--weight" in bad.output


def test_eval_routing_never_touches_the_app_database(app, svc):
    with svc.transaction() as session:
        before = session.query(Employee).count()
    app.test_cli_runner().invoke(eval_routing, [
        "--experts", str(DATA / "eval_experts.json"),
        "--questions", str(DATA / "eval_questions.jsonl")])
    with svc.transaction() as session:
        assert session.query(Employee).count() == before


def test_import_employees_reports_errors_by_row_and_keeps_the_good_rows(app, svc):
    result = app.test_cli_runner().invoke(import_employees_command,
                                          [str(DATA / "import_rows.csv")])
    assert result.exit_code == 1
    assert "created 1, updated 0, unchanged 0, errors 4" in result.output
    for row in (3, 4, 5, 6):
        assert f"row {row}:" in result.output
    with svc.transaction() as session:
        assert session.query(Employee).filter_by(email="ana@example.test").count() == 1


def test_import_employees_twice_updates_nothing_new(app):
    runner = app.test_cli_runner()
    first = runner.invoke(import_employees_command, [str(DATA / "eval_experts.json")])
    second = runner.invoke(import_employees_command, [str(DATA / "eval_experts.json")])
    assert first.exit_code == second.exit_code == 0
    assert "created 3" in first.output and "unchanged 3" in second.output


def test_reembed_rebuilds_every_passage_with_the_current_model(app, svc, encoder):
    from matchmaker.models import ProfilePassage

    with svc.transaction() as session:
        before = sorted((p.employee_id, p.kind, p.text) for p in session.query(ProfilePassage))
    encoder.calls.clear()
    result = app.test_cli_runner().invoke(reembed, [])
    assert result.exit_code == 0, result.output
    with svc.transaction() as session:
        after = sorted((p.employee_id, p.kind, p.text) for p in session.query(ProfilePassage))
    assert after == before and encoder.calls


class OtherModel(HashingEncoder):
    spec = "another-model"


def test_a_switched_model_is_refused_until_reembedded(database_url, app, clock):
    from web import create_app

    assert app.test_cli_runner().invoke(reembed, ["--if-stale"]).output.startswith(
        "the stored vectors come from the configured model")
    switched = create_app({"database_url": database_url, "secret_key": "s", "min_score": 0.05},
                          encoder=OtherModel(), clock=clock)
    refused = switched.test_client().post("/api/v1/conversations", json={
        "question": "webhook signature"})
    assert refused.status_code == 503 and refused.get_json()["error"] == "reembed_needed"
    assert "flask --app web reembed" in refused.get_json()["message"]
    result = switched.test_cli_runner().invoke(reembed, ["--if-stale"])
    assert result.exit_code == 0 and "re-embedding now" in result.output
    assert switched.test_client().post("/api/v1/conversations", json={
        "question": "webhook signature"}).status_code == 201
