"""Offering a conversation to the best available person, in turn, until someone accepts; when
nobody can, it is queued for a later answer. Every step goes through the lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from . import addressing
from .db import listed
from .errors import ConversationClosed, NotFound, OfferNotOpen
from .events import Accepted, DomainEvent, OfferClosed, Offered, Queued
from .inputs import clean_id
from .lifecycle import Status, move
from .locks import lock_conversation, lock_employee
from .models import Conversation, Employee, Offer
from .presence import unavailability
from .values import Match, Policy

# An offer outcome, as the reason a candidate was passed over afterwards.
_PASSED_OVER = {"declined": "declined", "expired": "expired", "unreachable": "unreachable",
                "accepted": "left"}


def offer_next(session: Session, conversation: Conversation, policy: Policy, now: datetime, *,
               left_by: int | None = None) -> list[DomainEvent]:
    """Offer a waiting conversation to the best-ranked available candidate not asked yet; else
    queue it. Nothing when it has moved on meanwhile (offered by another worker, or closed).
    left_by: the employee who had it and vanished (it is re-routed; if nobody can take it, it
    waits for them, who know the conversation)."""
    lock_conversation(session, conversation.id)
    if conversation.status != Status.WAITING:
        return []
    asked = {offer.employee_id: offer.outcome for offer in conversation.offers}
    for candidate in conversation.candidates:  # the audit record: why each was passed over
        if candidate.fit < conversation.min_fit:
            candidate.skipped = "poor_fit"
        elif asked.get(candidate.employee_id) in _PASSED_OVER:
            candidate.skipped = _PASSED_OVER[asked[candidate.employee_id]]
    fitting = [c for c in conversation.candidates if c.fit >= conversation.min_fit]
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
        happened = _offer(session, conversation, candidate.employee_id, policy, now,
                          rerouted=left_by is not None,
                          within=addressing.within(conversation, candidate.employee))
        if happened:  # nobody within the customer's choice could take it: said once
            addressing.note_fallback(session, conversation, candidate.employee, now)
        return happened
    if left_by is not None:
        return _queue(session, conversation, left_by, "employee_left", now)
    # Later answers go to the best fitting person who did not turn it down (else anyone).
    willing = [c for c in fitting if asked.get(c.employee_id) != "declined"]
    why = "nobody_fits" if not fitting else "nobody_free"
    return _queue(session, conversation, willing[0].employee_id if willing else None, why, now)


def _offer(session: Session, conversation: Conversation, employee_id: int, policy: Policy,
           now: datetime, rerouted: bool, within: bool | None = None) -> list[DomainEvent]:
    offer = Offer(conversation_id=conversation.id, employee_id=employee_id, offered_at=now,
                  expires_at=now + timedelta(seconds=policy.offer_timeout_s))
    try:
        with session.begin_nested():
            conversation.offers.append(offer)
    except IntegrityError:
        # Another worker made the open offer first; it owns this step (and its events).
        session.expire(conversation)
        return []
    move(session, conversation, Status.OFFERED, "offered", now, employee_id=employee_id,
         reason="rerouted" if rerouted else None,
         detail={"offer_id": offer.id} | ({} if within is None else {"within_target": within}))
    session.flush()
    return [Offered(conversation.id, offer.id, employee_id, rerouted)]


def _queue(session: Session, conversation: Conversation, best: int | None, why: str,
           now: datetime) -> list[DomainEvent]:
    """Nobody can take it live: it waits in the best match's inbox for a later answer, or in
    the general queue (no owner) when nobody fits the question well."""
    move(session, conversation, Status.OFFLINE, "queued", now, employee_id=best, reason=why,
         detail={"seq": conversation.last_seq})  # replies after this answer it
    conversation.employee_id = best
    session.flush()
    return [Queued(conversation.id, best, why)]


def _answer(session: Session, offer_id: object, employee_id: int, outcome: str, now: datetime) -> Offer:
    """Close an open, unexpired offer of employee_id's exactly once, whichever worker asks."""
    offer = session.get(Offer, clean_id(offer_id, "offer_id"))
    if offer is None or offer.employee_id != employee_id:
        raise NotFound("no such offer")
    lock_conversation(session, offer.conversation_id)
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.outcome.is_(None), Offer.expires_at > now)
        .values(outcome=outcome, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OfferNotOpen("this offer was already answered, withdrawn or has expired")
    session.refresh(offer)
    return offer


def accept_offer(session: Session, offer_id: object, employee_id: int, now: datetime
                 ) -> tuple[Conversation, list[DomainEvent]]:
    """The employee takes the conversation: it becomes active and theirs."""
    offer = _answer(session, offer_id, employee_id, "accepted", now)
    conversation = offer.conversation  # locked by _answer
    if conversation.status != Status.OFFERED:
        raise ConversationClosed("the customer has left this conversation")
    move(session, conversation, Status.ACTIVE, "accepted", now, actor="employee",
         employee_id=employee_id, detail={"offer_id": offer.id})
    conversation.employee_id = employee_id
    conversation.accepted_at = now
    session.flush()
    return conversation, [Accepted(conversation.id, employee_id)]


def decline_offer(
    session: Session, offer_id: object, employee_id: int, policy: Policy, now: datetime
) -> list[DomainEvent]:
    """The employee passes: the next candidate is offered."""
    offer = _answer(session, offer_id, employee_id, "declined", now)
    return _passed(session, offer, "declined", "employee", policy, now)


def _passed(session: Session, offer: Offer, outcome: str, actor: str, policy: Policy,
            now: datetime) -> list[DomainEvent]:
    """An offer closed unaccepted: record it, then route the conversation on."""
    conversation = offer.conversation
    move(session, conversation, Status.WAITING, outcome, now, actor=actor,
         employee_id=offer.employee_id, detail={"offer_id": offer.id})
    closed = OfferClosed(conversation.id, offer.id, offer.employee_id, outcome)
    return [closed, *offer_next(session, conversation, policy, now)]


def acknowledge(session: Session, offer_id: object, employee_id: int, now: datetime) -> None:
    """The employee's console shows the offer (the first time counts); not theirs: NotFound."""
    offer_id = clean_id(offer_id, "offer_id")
    found = session.execute(select(Offer.seen_at).where(
        Offer.id == offer_id, Offer.employee_id == employee_id)).first()
    if found is None:
        raise NotFound("no such offer")
    if found.seen_at is None:
        session.execute(update(Offer).where(Offer.id == offer_id, Offer.seen_at.is_(None))
                        .values(seen_at=now).execution_options(synchronize_session=False))


def unseen_offers(policy: Policy, now: datetime) -> Select | None:
    """Open offers no console has acknowledged within policy.offer_ack_s (None: not asked)."""
    if not policy.offer_ack_s:
        return None
    return listed(Offer.id, Offer.id).where(
        Offer.outcome.is_(None), Offer.seen_at.is_(None),
        Offer.offered_at <= now - timedelta(seconds=policy.offer_ack_s))


def give_up_unseen(session: Session, offer_id: int, policy: Policy, now: datetime
                   ) -> list[DomainEvent]:
    """An offer nobody acknowledged: its console is treated as gone, the next one is asked."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        return []
    lock_conversation(session, offer.conversation_id)
    session.refresh(offer)  # acknowledged meanwhile?
    if offer.seen_at is not None:
        return []
    return close_open_offer(session, offer, "unreachable", policy, now)


def due_offers(now: datetime) -> Select:
    """Open offers past their deadline, oldest first (db.listed)."""
    return listed(Offer.id, Offer.expires_at, Offer.id).where(
        Offer.outcome.is_(None), Offer.expires_at <= now)


def expire_offer(session: Session, offer_id: int, policy: Policy, now: datetime
                 ) -> list[DomainEvent]:
    """Expire one offer past its deadline (if still open) and move its conversation on."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.expires_at > now:
        return []
    return close_open_offer(session, offer, "expired", policy, now)


def close_open_offer(session: Session, offer: Offer, outcome: str, policy: Policy,
                     now: datetime) -> list[DomainEvent]:
    """Close offer unaccepted (expired, or its console vanished) if still open; route on."""
    lock_conversation(session, offer.conversation_id)
    result = session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.outcome.is_(None))
        .values(outcome=outcome, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return []
    session.refresh(offer)
    return _passed(session, offer, outcome, "system", policy, now)


def withdraw_open_offer(session: Session, conversation: Conversation, now: datetime
                        ) -> list[DomainEvent]:
    """The conversation ended before anyone accepted: its open offer is withdrawn."""
    for offer in conversation.offers:
        withdrawn = session.execute(
            update(Offer).where(Offer.id == offer.id, Offer.outcome.is_(None))
            .values(outcome="withdrawn", answered_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if withdrawn:
            session.refresh(offer)
            return [OfferClosed(conversation.id, offer.id, offer.employee_id, "withdrawn")]
    return []


def preview(session: Session, matches: list[Match], min_fit: float, policy: Policy,
            now: datetime) -> dict[int, str | None]:
    """For a ranking, why each person would be passed over right now (None: would be asked)."""
    employees = [session.get(Employee, m.employee_id) for m in matches]
    reasons = unavailability(session, employees, now, policy)
    return {m.employee_id: "poor_fit" if m.fit < min_fit else reasons[m.employee_id]
            for m in matches}
