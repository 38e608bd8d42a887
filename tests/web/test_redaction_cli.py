"""`flask eval-redaction`: the figures of a labelled set, as a table or JSON."""

from __future__ import annotations

import json

import pytest


def write_cases(tmp_path):
    path = tmp_path / "cases.jsonl"
    rows = [{"language": "nl", "text": "Bel me op 06-12345678, groeten, Sanne",
             "spans": [{"kind": "phone", "start": 10, "end": 21},
                       {"kind": "name", "start": 32, "end": 37}]},
            {"language": "en", "text": "Ask Wout about it",
             "spans": [{"kind": "name", "start": 4, "end": 8}]}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_eval_redaction_prints_recall_and_precision_per_kind_as_json(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["eval-redaction", "--cases",
                                                str(write_cases(tmp_path)), "--json",
                                                "--without-model"])
    assert result.exit_code == 0, result.output
    figures = {(r["language"], r["kind"]): r for r in json.loads(result.output)}
    assert figures["all", "phone"]["recall"] == 1.0
    assert figures["all", "name"] == {"language": "all", "kind": "name", "labelled": 2,
                                      "recall": 0.5, "detected": 1, "precision": 1.0}


def test_eval_redaction_lists_what_it_missed(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["eval-redaction", "--cases",
                                                str(write_cases(tmp_path)), "--show-misses",
                                                "--without-model"])
    assert result.exit_code == 0, result.output
    assert "all      name" in result.output and "missed: en name 'Wout'" in result.output


def test_eval_redaction_refuses_a_malformed_line_by_its_number(app, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"language": "en", "text": "hi", "spans": []}\nnot json\n')
    result = app.test_cli_runner().invoke(args=["eval-redaction", "--cases", str(path)])
    assert result.exit_code == 1 and "line 2" in result.output


@pytest.mark.parametrize(("app_overrides", "args", "detected"), [
    ({}, [], 2),
    ({}, ["--company", "Acme Works"], 1),
    ({"company_name": "Acme Works"}, [], 1),
    ({"company_name": "Acme Works"}, ["--company", "Lumen Ledger"], 2),
])
def test_eval_redaction_takes_the_company_from_the_option_or_the_configuration(
        app, tmp_path, args, detected):
    path = tmp_path / "company.jsonl"
    text = "Thanks, Works team. Kind regards, Sanne"
    path.write_text(json.dumps({"language": "en", "text": text, "spans": [
        {"kind": "name", "start": text.index("Sanne"), "end": len(text)}]}) + "\n")
    result = app.test_cli_runner().invoke(args=["eval-redaction", "--cases", str(path), "--json",
                                                "--without-model", *args])
    assert result.exit_code == 0, result.output
    figures = {(r["language"], r["kind"]): r for r in json.loads(result.output)}
    assert figures["all", "name"]["detected"] == detected
