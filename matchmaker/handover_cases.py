"""Handover suggestion quality: labelled conversations (the question and the customer's first
messages, who has the chat, and the colleague who should take over) ranked with the live
suggestion code, beside the ranking of the question alone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .evaluation import Question
from .handovers import compose_text, rank_colleagues
from .models import Employee
from .routing import Matcher

SYSTEMS = ("handover", "question_only")


@dataclass(frozen=True)
class Case:
    """One conversation that turned: `current` (an e-mail) has it, `expected` should take it."""

    id: str
    question: str
    messages: tuple[str, ...]
    current: str
    expected: frozenset[str]
    lang: str | None = None


@dataclass(frozen=True)
class Ranked:
    """Each system's ranking (e-mails, best first) per case, and for each case whether the
    person who has it was the routing's first choice for the question alone (the cases are
    written so that they are: it turned later)."""

    rankings: dict[str, list[list[str]]]
    first_was_top: list[bool]


def read_cases(path: Path) -> list[Case]:
    """Cases from JSON Lines: id, question, messages, current, expected (one e-mail or a
    list), lang (for reporting; the ranking reads the language as routing does)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            expected = row["expected"]
            cases.append(Case(row["id"], row["question"], tuple(row.get("messages", ())),
                              row["current"], frozenset([expected] if isinstance(expected, str)
                                                        else expected), row.get("lang")))
    return cases


def as_questions(cases: list[Case]) -> list[Question]:
    """The cases in the routing evaluation's terms, to be scored the same way."""
    return [Question(case.question, case.expected, case.lang) for case in cases]


def rank_cases(session: Session, matcher: Matcher, cases: list[Case], max_chars: int,
               limit: int = 10) -> Ranked:
    """Rank every case as suggest_colleagues does (availability aside: everyone counts as
    free), and by its question alone, the current person left out of both."""
    emails = dict(session.execute(select(Employee.email, Employee.id)).all())
    by_id = {eid: email for email, eid in emails.items()}
    rankings: dict[str, list[list[str]]] = {name: [] for name in SYSTEMS}
    first_was_top = []
    for case in cases:
        current = emails[case.current]
        texts = {"handover": compose_text([case.question, *case.messages], max_chars),
                 "question_only": case.question}
        for name, text in texts.items():
            matches = rank_colleagues(session, matcher, text, case.lang, current, limit)
            rankings[name].append([by_id[m.employee_id] for m in matches])
        routed = matcher.rank(session, case.question, limit=1, language=case.lang).matches
        first_was_top.append(bool(routed) and routed[0].employee_id == current)
    return Ranked(rankings, first_was_top)
