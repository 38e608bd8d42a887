"""How well redaction does on a labelled set: precision and recall per kind and per language.

A labelled span counts as found when a detected span of the same kind overlaps it (a partial
overlap counts: the placeholder then hides at least part of it, and the preview shows the
rest); a detected span is correct when it overlaps a labelled span of its kind."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InvalidInput
from .spans import KINDS, Span


@dataclass(frozen=True)
class Case:
    """One labelled line: its language, text and the spans of personal data in it."""

    language: str
    text: str
    spans: tuple[tuple[str, int, int], ...]  # (kind, start, end)


@dataclass
class Tally:
    """Counts of one kind (in one language, or all)."""

    found: int = 0       # labelled spans detected
    missed: int = 0      # labelled spans not detected
    correct: int = 0     # detections that overlap a labelled span
    wrong: int = 0       # detections that overlap none (false alarms)

    @property
    def recall(self) -> float | None:
        """Share of labelled spans found (None: nothing labelled)."""
        total = self.found + self.missed
        return self.found / total if total else None

    @property
    def precision(self) -> float | None:
        """Share of detections that are right (None: nothing detected)."""
        total = self.correct + self.wrong
        return self.correct / total if total else None


@dataclass
class Report:
    """Tallies by (language or "all", kind)."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    misses: list[tuple[str, str, str]] = field(default_factory=list)     # (language, kind, text)
    alarms: list[tuple[str, str, str]] = field(default_factory=list)

    def tally(self, language: str, kind: str) -> Tally:
        """The tally of one kind in one language ("all": every language)."""
        return self.tallies.setdefault((language, kind), Tally())


def read_cases(path: Path) -> list[Case]:
    """The JSON Lines file of labelled lines; a malformed line is refused with its number."""
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            spans = tuple((s["kind"], int(s["start"]), int(s["end"])) for s in row["spans"])
            cases.append(Case(str(row["language"]), str(row["text"]), spans))
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidInput(f"line {number}: {error}", code="invalid_case") from error
    return cases


def evaluate(cases: Iterable[Case], detect: Callable[[str, str], list[Span]]) -> Report:
    """Run detect(text, language) on every case and count, per kind and language."""
    report = Report()
    for case in cases:
        detected = detect(case.text, case.language)
        for kind, start, end in case.spans:
            hit = any(s.kind == kind and s.overlaps(start, end) for s in detected)
            for language in (case.language, "all"):
                tally = report.tally(language, kind)
                tally.found, tally.missed = tally.found + hit, tally.missed + (not hit)
            if not hit:
                report.misses.append((case.language, kind, case.text[start:end]))
        for s in detected:
            right = any(s.kind == kind and s.overlaps(start, end)
                        for kind, start, end in case.spans)
            for language in (case.language, "all"):
                tally = report.tally(language, s.kind)
                tally.correct, tally.wrong = tally.correct + right, tally.wrong + (not right)
            if not right:
                report.alarms.append((case.language, s.kind, s.text))
    return report


def rows(report: Report) -> list[dict]:
    """The figures as rows (language, kind, labelled, recall, detected, precision), kinds in
    placeholder order, languages sorted with "all" last."""
    languages = sorted({lang for lang, _ in report.tallies} - {"all"}) + ["all"]
    out = []
    for language in languages:
        for kind in KINDS:
            tally = report.tallies.get((language, kind))
            if tally is not None:
                out.append({"language": language, "kind": kind,
                            "labelled": tally.found + tally.missed, "recall": tally.recall,
                            "detected": tally.correct + tally.wrong,
                            "precision": tally.precision})
    return out
