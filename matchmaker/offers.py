"""Offering a conversation to the best available person, in turn, until someone accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import ConversationClosed, NotFound, OfferNotOpen
from .inputs import clean_id
from .locks import lock_conversation, lock_employee
from .models import Conversation, Employee, Offer
from .presence import unavailability
from .values import Match, Policy


@dataclass(frozen=True)
class Routed:
    """Where a conversation went: to a live offer, or offline into the best match's inbox."""

    conversation_id: int
    offer_id: int | None
    employee_id: int | None
    offline: bool


@dataclass(frozen=True)
class Closed:
    """An offer that stopped being open without being accepted, and what happened next."""

    offer_id: int
    employee_id: int
    outcome: str
    routed: Routed | None


def offer_next(
    session: Session, conversation: Conversation, policy: Policy, now: datetime
) -> Routed | None:
    """Offer to the best-ranked available candidate not asked yet; else take it offline.
    None when the conversation has moved on (accepted or closed meanwhile)."""
    lock_conversation(session, conversation.id)
    if conversation.status not in ("waiting", "offered"):
        return None
    asked = {offer.employee_id: offer.outcome for offer in conversation.offers}
    for candidate in conversation.candidates:  # the audit record: why each was passed over
        if candidate.fit < policy.min_fit:
            candidate.skipped = "poor_fit"
        elif asked.get(candidate.employee_id) in ("declined", "expired"):
            candidate.skipped = asked[candidate.employee_id]
    fitting = [c for c in conversation.candidates if c.fit >= policy.min_fit]
    pending = [c for c in fitting if c.employee_id not in asked]
    reasons = unavailability(session, [c.employee for c in pending], now, policy)
    for candidate in pending:
        reason = reasons[candidate.employee_id]
        if reason is None:  # count again under the employee's lock: one offer per free seat
            lock_employee(session, candidate.employee_id)
            reason = unavailability(session, [candidate.employee], now, policy)[candidate.employee_id]
        if reason is not None:
            candidate.skipped = reason
            continue
        candidate.skipped = None
        offer = Offer(conversation_id=conversation.id, employee_id=candidate.employee_id,
                      offered_at=now, expires_at=now + timedelta(seconds=policy.offer_timeout_s))
        try:
            with session.begin_nested():
                conversation.offers.append(offer)
        except IntegrityError:
            # Another worker made the open offer first; it owns this step.
            session.expire(conversation)
            return _current_route(conversation)
        conversation.status = "offered"
        session.flush()
        return Routed(conversation.id, offer.id, candidate.employee_id, offline=False)
    # Later answers go to the best fitting person who did not turn it down (else anyone).
    willing = [c for c in fitting if asked.get(c.employee_id) != "declined"]
    return _take_offline(session, conversation, willing[0].employee_id if willing else None)


def _take_offline(session: Session, conversation: Conversation, best: int | None) -> Routed:
    """Nobody can take it live: it waits in the best match's inbox for a later answer, or in
    the general queue (no owner) when nobody fits the question well."""
    conversation.status = "offline"
    conversation.employee_id = best
    session.flush()
    return Routed(conversation.id, None, best, offline=True)


def _current_route(conversation: Conversation) -> Routed:
    open_offer = next((o for o in conversation.offers if o.outcome is None), None)
    if open_offer is None:
        return Routed(conversation.id, None, conversation.employee_id, conversation.status == "offline")
    return Routed(conversation.id, open_offer.id, open_offer.employee_id, offline=False)


def _answer(session: Session, offer_id: object, employee_id: int, outcome: str, now: datetime) -> Offer:
    """Close an open, unexpired offer of employee_id's exactly once, whichever worker asks."""
    offer = session.get(Offer, clean_id(offer_id, "offer_id"))
    if offer is None or offer.employee_id != employee_id:
        raise NotFound("no such offer")
    lock_conversation(session, offer.conversation_id)
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.outcome.is_(None), Offer.expires_at > now)
        .values(outcome=outcome, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OfferNotOpen("this offer was already answered, withdrawn or has expired")
    session.refresh(offer)
    return offer


def accept_offer(session: Session, offer_id: object, employee_id: int, now: datetime) -> Conversation:
    """The employee takes the conversation: it becomes active and theirs."""
    offer = _answer(session, offer_id, employee_id, "accepted", now)
    conversation = offer.conversation  # locked by _answer
    if conversation.status not in ("waiting", "offered"):
        raise ConversationClosed("the customer has left this conversation")
    conversation.status = "active"
    conversation.employee_id = employee_id
    conversation.accepted_at = now
    session.flush()
    return conversation


def decline_offer(
    session: Session, offer_id: object, employee_id: int, policy: Policy, now: datetime
) -> Closed:
    """The employee passes: the next candidate is offered."""
    offer = _answer(session, offer_id, employee_id, "declined", now)
    return Closed(offer.id, employee_id, "declined",
                  offer_next(session, offer.conversation, policy, now))


def expire_due_offers(session: Session, policy: Policy, now: datetime) -> list[Closed]:
    """Expire every open offer past its deadline and move each conversation on."""
    due = session.scalars(
        select(Offer).where(Offer.outcome.is_(None), Offer.expires_at <= now)
        .order_by(Offer.expires_at)
    ).all()
    closed = []
    for offer in due:
        lock_conversation(session, offer.conversation_id)
        result = session.execute(
            update(Offer).where(Offer.id == offer.id, Offer.outcome.is_(None))
            .values(outcome="expired", answered_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            continue
        session.refresh(offer)
        routed = offer_next(session, offer.conversation, policy, now)
        closed.append(Closed(offer.id, offer.employee_id, "expired", routed))
    return closed


def withdraw_open_offer(session: Session, conversation: Conversation, now: datetime) -> Closed | None:
    """The conversation ended before anyone accepted: its open offer is withdrawn."""
    for offer in conversation.offers:
        withdrawn = session.execute(
            update(Offer).where(Offer.id == offer.id, Offer.outcome.is_(None))
            .values(outcome="withdrawn", answered_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if withdrawn:
            session.refresh(offer)
            return Closed(offer.id, offer.employee_id, "withdrawn", None)
    return None


def preview(session: Session, matches: list[Match], policy: Policy, now: datetime
            ) -> dict[int, str | None]:
    """For a ranking, why each person would be passed over right now (None: would be asked)."""
    employees = [session.get(Employee, m.employee_id) for m in matches]
    reasons = unavailability(session, employees, now, policy)
    return {m.employee_id: "poor_fit" if m.fit < policy.min_fit else reasons[m.employee_id]
            for m in matches}
