"""Frozen values that cross layers: matches, candidates and their explanations."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Explanation:
    """Why a person was matched: the passage that matched and the parts of the score."""

    passage: str
    passage_kind: str
    parts: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """One ranked employee for a question, before availability is considered."""

    employee_id: int
    score: float
    explanation: Explanation
    fit: float = 0.0  # cosine of the best passage: does this person fit at all


@dataclass(frozen=True)
class Skip:
    """A matched employee who was not offered the conversation, and why."""

    employee_id: int
    reason: str  # inactive | offline | away | at_capacity | already_offered


@dataclass(frozen=True)
class Policy:
    """The tunable rules of the loop; web builds it from configuration."""

    offer_timeout_s: float = 30.0
    presence_ttl_s: float = 60.0
    min_fit: float = 0.3  # below this a person is never offered the question live
    working_hours: bool = False  # also skip people outside their working hours
    max_candidates: int = 10
    max_question_chars: int = 2000
    max_message_chars: int = 4000
