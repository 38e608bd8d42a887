"""Frozen values that cross layers: matches, candidates and their explanations."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Explanation:
    """Why a person was matched, fit to show anyone: curated words from their own profile
    (never another customer's question), the kind of passage that decided (title, expertise,
    bio, summary, history; words or gist when none was near), and the parts of the score.
    When a question they answered before decided, history_item_id says which one."""

    reason: str
    passage_kind: str
    parts: dict[str, float] = field(default_factory=dict)
    history_item_id: int | None = None


@dataclass(frozen=True)
class Match:
    """One ranked employee for a question, before availability is considered."""

    employee_id: int
    score: float
    explanation: Explanation
    fit: float = 0.0  # cosine of the best passage: does this person fit at all


@dataclass(frozen=True)
class Policy:
    """The tunable rules of the loop; web builds it from configuration."""

    offer_timeout_s: float = 30.0
    presence_ttl_s: float = 10.0  # a console connection without a heartbeat this long is dead
    widget_ttl_s: float = 60.0  # the same for a customer's widget connection
    # An offer no console acknowledged this long moves on as unreachable (0: never).
    offer_ack_s: float = 10.0
    rejoin_grace_s: float = 15.0  # a closed connection still counts this long (reloads)
    # Below this a person is never offered the question live, when the ranking does not say
    # (a fixed MATCHMAKER_MIN_SCORE, or a bare list of matches as in tests).
    min_fit: float = 0.3
    working_hours: bool = False  # also skip people outside their working hours
    max_candidates: int = 10
    max_question_chars: int = 2000
    max_message_chars: int = 4000
    mail_enabled: bool = False  # replies can reach customers by e-mail (SMTP configured)
    mail_delay_s: float = 60.0  # a reply still unread after this long is e-mailed
