"""A question arrives: rank everyone, store it with its ranking, offer it to the best person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .conversations import Question, open_conversation
from .events import DomainEvent
from .inputs import clean_text
from .models import Conversation
from .offers import offer_next
from .routing import Matcher
from .values import Policy


def ask(session: Session, matcher: Matcher, question: Question, policy: Policy, now: datetime
        ) -> tuple[Conversation, str, list[DomainEvent]]:
    """Open the conversation; returns it, its secret token and what happened (where it went)."""
    text = clean_text(question.text, policy.max_question_chars, "question")  # before encoding
    ranking = matcher.rank(session, text, limit=policy.max_candidates, language=question.language)
    conversation, token = open_conversation(session, question, ranking.matches, policy, now,
                                            min_fit=ranking.min_fit,
                                            question_language=ranking.language)
    return conversation, token, offer_next(session, conversation, policy, now)
