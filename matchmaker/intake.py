"""A question arrives: rank everyone, store it with its ranking, offer it to the best person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from . import addressing
from .conversations import Question, open_conversation
from .events import DomainEvent
from .inputs import clean_text
from .models import Conversation
from .offers import offer_next
from .routing import Matcher
from .values import Policy


def ask(session: Session, matcher: Matcher, question: Question, policy: Policy, now: datetime,
        *, team: str | None = None, person: int | None = None
        ) -> tuple[Conversation, str, list[DomainEvent]]:
    """Open the conversation; returns it, its secret token and what happened (where it went).
    team or person: whom the customer addressed it to on the team page (ranked first, see
    addressing.py); one that is not public is refused."""
    text = clean_text(question.text, policy.max_question_chars, "question")  # before encoding
    if team is None and person is None:
        ranking = matcher.rank(session, text, limit=policy.max_candidates,
                               language=question.language)
        matches, min_fit, language = ranking.matches, ranking.min_fit, ranking.language
        target = None
    else:
        reading = matcher.read(text)  # before the first query (SQLite's write lock)
        target = addressing.resolve(session, team, person)
        matches, min_fit, language = addressing.rank(session, matcher, text, target,
                                                     policy.max_candidates, question.language,
                                                     reading)
    conversation, token = open_conversation(session, question, matches, policy, now,
                                            min_fit=min_fit, question_language=language)
    if target is not None:
        addressing.address(session, conversation, target, now)
    return conversation, token, offer_next(session, conversation, policy, now)
