"""Past outcomes as a bounded signal: accepted, well-rated conversations count for a person,
declines against; it saturates so a few busy people cannot take everything."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from . import feedback
from .db import InIds, core
from .feedback import rate
from .models import ConsentDecision, Conversation, Employee, HistoryItem, Offer, Rating
from .ports import Encoder
from .profiles import add_history, forget_history

_SATURATION = 100  # accepted conversations at which experience stops growing
LEARN_FROM_STARS = 4  # a conversation rated this well teaches the matcher


@dataclass(frozen=True)
class Outcome:
    accepted: int = 0
    declined: int = 0
    ratings: int = 0
    rating_sum: int = 0


class Person(NamedTuple):
    """What ranking reads of an employee: a few columns and their live outcomes (a tuple:
    a hundred are made for every question)."""

    id: int
    role: str
    languages: list[str]
    title: str
    team: str
    prior_accepted: int
    outcome: Outcome


_NO_OUTCOME = Outcome()


def _people_statement():
    """Active employees among :ids with their live outcomes; built once (the hot path of every
    ranking), its ids bound at each call."""
    offers = (select(Offer.employee_id,
                     func.sum(case((Offer.outcome == "accepted", 1), else_=0)).label("accepted"),
                     func.sum(case((Offer.outcome == "declined", 1), else_=0)).label("declined"))
              .where(InIds(Offer.employee_id, "ids"), Offer.outcome.in_(("accepted", "declined")))
              .group_by(Offer.employee_id).subquery())
    ratings = (select(Conversation.employee_id, func.count().label("ratings"),
                      func.sum(Rating.stars).label("rating_sum"))
               .join(Rating, Rating.conversation_id == Conversation.id)
               .where(InIds(Conversation.employee_id, "ids"))
               .group_by(Conversation.employee_id).subquery())
    return (select(Employee.id, Employee.role, Employee.languages, Employee.title,
                   Employee.team, Employee.prior_accepted, offers.c.accepted, offers.c.declined,
                   ratings.c.ratings, ratings.c.rating_sum)
            .outerjoin(offers, offers.c.employee_id == Employee.id)
            .outerjoin(ratings, ratings.c.employee_id == Employee.id)
            .where(InIds(Employee.id, "ids"), Employee.active.is_(True)))


_PEOPLE = _people_statement()


def people(session: Session, employee_ids: list[int]) -> dict[int, Person]:
    """The active ones of these employees, each with their live outcomes (offers accepted or
    declined, ratings of their conversations): one statement, whatever their number."""
    if not employee_ids:
        return {}
    people = {}
    for (eid, role, languages, title, team, prior, accepted, declined, ratings,
         rating_sum) in core(session).execute(_PEOPLE, {"ids": list(employee_ids)}).all():
        outcome = (Outcome(int(accepted or 0), int(declined or 0), int(ratings or 0),
                           int(rating_sum or 0)) if accepted or declined or ratings
                   else _NO_OUTCOME)
        people[eid] = Person(eid, role, languages or [], title or "", team or "", prior or 0,
                             outcome)
    return people


def signal(employee: Employee | Person, outcome: Outcome | None) -> float:
    """A number in [-1, 1]: volume of accepted work (log, saturating), rating and declines."""
    outcome = outcome or Outcome()
    accepted = employee.prior_accepted + outcome.accepted
    volume = min(1.0, math.log1p(accepted) / math.log1p(_SATURATION))
    declined = outcome.declined / (outcome.accepted + outcome.declined + 2)
    rating = 0.0
    if outcome.ratings:
        confidence = min(1.0, outcome.ratings / 5)
        rating = confidence * (outcome.rating_sum / outcome.ratings - 3) / 2
    return max(-1.0, min(1.0, volume + 0.5 * rating - 0.5 * declined))


def rate_and_learn(session: Session, encoder: Encoder, conversation: Conversation, stars: object,
                   comment: object, now: datetime) -> None:
    """Store the rating; a well-rated conversation the employee answered teaches the matcher its
    question (once), unless the customer refused to be quoted; a lower rating takes it back."""
    rate(session, conversation, stars, comment, now)  # only an answered conversation is rated
    if conversation.employee_id is None:
        return
    refused = conversation.consent is not None and not conversation.consent.granted
    learned = _learned(session, conversation)
    if conversation.rating.stars >= LEARN_FROM_STARS and not refused and learned is None:
        add_history(session, encoder, conversation.employee_id, [conversation.question],
                    "conversation", now, conversation_id=conversation.id)
    elif conversation.rating.stars < LEARN_FROM_STARS and learned is not None:
        forget_history(session, learned)


def decide_consent(session: Session, conversation: Conversation, granted: object, scope: object,
                   now: datetime) -> ConsentDecision:
    """Record the customer's decision; a refusal also takes back what the matcher learned from
    their words (they stay in their conversation only)."""
    decision = feedback.decide_consent(session, conversation, granted, scope, now)
    learned = _learned(session, conversation)
    if not decision.granted and learned is not None:
        forget_history(session, learned)
    return decision


def _learned(session: Session, conversation: Conversation) -> HistoryItem | None:
    return session.scalar(select(HistoryItem).where(HistoryItem.conversation_id == conversation.id))
