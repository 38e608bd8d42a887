"""Importing employees: every row validated, errors by row, re-import updates, never duplicates."""

import json

import pytest

from matchmaker import importing
from matchmaker.errors import InvalidInput
from matchmaker.models import Employee, HistoryItem, ProfilePassage
from tests.conftest import DATA


def run_import(tx, encoder, clock, path):
    with tx() as session:
        return importing.import_employees(session, encoder, importing.read_rows(path), clock())


def test_csv_rows_are_validated_and_errors_name_the_row(tx, encoder, clock):
    report = run_import(tx, encoder, clock, DATA / "import_rows.csv")
    assert report.created == 1
    assert [number for number, _ in report.errors] == [3, 4, 5, 6]
    messages = dict(report.errors)
    assert "email" in messages[3] and "role" in messages[4]
    assert "capacity" in messages[5] and "timezone" in messages[6]
    with tx() as session:
        ana = session.query(Employee).one()
        assert (ana.email, ana.expertise, ana.languages) == (
            "ana@example.test", ["webhooks", "rate limits"], ["en", "nl"])
        assert session.query(ProfilePassage).filter_by(employee_id=ana.id).count() > 0


def test_the_eval_json_format_imports_profiles_history_and_activity(tx, encoder, clock):
    report = run_import(tx, encoder, clock, DATA / "eval_experts.json")
    assert (report.created, report.errors) == (3, [])
    with tx() as session:
        cards = session.query(Employee).filter_by(external_id="cards").one()
        assert (cards.prior_threads, cards.prior_accepted) == (12, 7)
        assert cards.email == "cards@imported.invalid"
        history = session.query(HistoryItem).filter_by(employee_id=cards.id).all()
        assert sorted(h.text for h in history) == [
            "my card was swallowed by the atm", "the new card never arrived in the post"]
        kinds = {p.kind for p in session.query(ProfilePassage).filter_by(employee_id=cards.id)}
        assert kinds == {"bio", "summary", "history"}


def test_reimport_updates_and_never_duplicates(tx, encoder, clock, tmp_path):
    run_import(tx, encoder, clock, DATA / "eval_experts.json")
    experts = json.loads((DATA / "eval_experts.json").read_text())
    experts[2]["profile_docs"] = ["my card was swallowed by the atm"]
    experts[0]["profile"] = "Webhooks and event delivery."
    changed = tmp_path / "experts.json"
    changed.write_text(json.dumps(experts))
    encoder.calls.clear()
    report = run_import(tx, encoder, clock, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    with tx() as session:
        assert session.query(Employee).count() == 3
        assert session.query(HistoryItem).count() == 1
        texts = [p.text for p in session.query(ProfilePassage).filter_by(kind="history")]
        assert texts == ["my card was swallowed by the atm"]
    embedded = [text for call in encoder.calls for text in call]
    assert "Webhooks and event delivery." in embedded
    assert not any("Pricing" in text for text in embedded)  # unchanged: not re-embedded


def test_an_unchanged_reimport_embeds_nothing(tx, encoder, clock):
    run_import(tx, encoder, clock, DATA / "eval_experts.json")
    encoder.calls.clear()
    report = run_import(tx, encoder, clock, DATA / "eval_experts.json")
    assert (report.unchanged, encoder.calls) == (3, [])


@pytest.mark.parametrize("content, suffix", [("[1, 2]", ".json"), ("{broken", ".jsonl")])
def test_rows_that_are_not_objects_are_errors_by_row(tx, encoder, clock, tmp_path, content,
                                                     suffix):
    path = tmp_path / f"rows{suffix}"
    path.write_text(content)
    report = run_import(tx, encoder, clock, path)
    assert report.errors and report.created == 0


def test_an_unknown_file_type_is_refused(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_text("x")
    with pytest.raises(InvalidInput):
        list(importing.read_rows(path))


def test_a_reimport_giving_someone_anothers_email_is_an_error_for_that_row(tx, encoder, clock,
                                                                            tmp_path):
    run_import(tx, encoder, clock, DATA / "eval_experts.json")
    experts = json.loads((DATA / "eval_experts.json").read_text())
    experts[0]["email"] = "pricing@imported.invalid"  # the pricing expert's address
    path = tmp_path / "clash.json"
    path.write_text(json.dumps(experts))
    report = run_import(tx, encoder, clock, path)
    assert [number for number, _ in report.errors] == [1]
    assert report.unchanged == 2
