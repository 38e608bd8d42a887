"""Handing a live conversation over to a colleague: whom the matcher suggests for the
conversation so far, the request (one colleague or a few at once), their answers, the deadline,
and what a conversation closing meanwhile does. The first colleague to accept wins; until then
the conversation stays the requester's, who keeps chatting. Every step is in the timeline."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from .db import listed
from .errors import (
    ColleagueUnavailable,
    ConversationClosed,
    Forbidden,
    HandoverNotOpen,
    HandoverPending,
    InvalidInput,
    NotFound,
)
from .events import (
    DomainEvent,
    HandedOver,
    HandoverAnswered,
    HandoverFailed,
    HandoverInviteClosed,
    HandoverOffered,
)
from .inputs import clean_id
from .lifecycle import Status, record
from .locks import lock_conversation, lock_employee
from .models import Conversation, Employee, Handover, HandoverInvite, Message, Presence
from .participants import HAND_OVER, INVITE, PURPOSES, check_may_invite, everyone, join, open_clause
from .presence import live_clause, loads, unavailability
from .values import Match, Policy

if TYPE_CHECKING:  # routing imports feedback, which imports the conversations that import this
    from .routing import Matcher, Reading

MAX_COLLEAGUES = 3  # asked at once; the first to accept wins
MAX_NOTE_CHARS = 500
SUGGESTIONS = 5


@dataclass(frozen=True)
class Suggestion:
    """A colleague who could take the conversation now, ranked as routing ranks a question;
    the reason is their own profile's words. load: their live chats and open offers."""

    employee_id: int
    match: Match
    load: int
    capacity: int


def conversation_text(session: Session, conversation: Conversation, limit: int) -> str:
    """What the conversation is about so far: the customer's messages, the question first."""
    said = list(session.scalars(select(Message.body).where(
        Message.conversation_id == conversation.id, Message.author == "customer")
        .order_by(Message.seq)))
    return compose_text(said or [conversation.question], limit)


def compose_text(said: list[str], limit: int) -> str:
    """The customer's messages as one text of at most `limit` characters; when longer, the
    newest messages are kept (where the conversation turned)."""
    kept: list[str] = []
    for body in reversed(said):
        if kept and sum(map(len, kept)) + len(body) + len(kept) > limit:
            break
        kept.append(body)
    return "\n".join(reversed(kept))[-limit:]


def rank_colleagues(session: Session, matcher: Matcher, text: str, language: str | None,
                    exclude: int | None, limit: int, among: Collection[int] | None = None,
                    reading: Reading | None = None) -> list[Match]:
    """The routing ranking of text (among these people, when given), without `exclude`.
    reading: text as matcher.read reads it, when the caller read it outside its transaction."""
    reading = reading or matcher.read(text)
    ids = None if among is None else [eid for eid in among if eid != exclude]
    if ids == []:
        return []
    ranking = matcher.rank(session, text, limit=limit + 1, language=language, among=ids,
                           reading=reading)
    return [m for m in ranking.matches if m.employee_id != exclude][:limit]


def _live_chat(session: Session, conversation_id: object, employee: Employee,
               lock: bool = True, purpose: str = HAND_OVER) -> Conversation:
    """The requester's own active conversation (locked, unless only read); else why not. An
    invite may come from anyone in it (participants.check_may_invite)."""
    conversation_id = clean_id(conversation_id, "conversation_id")
    conversation = (lock_conversation(session, conversation_id) if lock
                    else session.get(Conversation, conversation_id))
    if conversation is None:
        raise NotFound("no such conversation")
    if purpose == INVITE:
        check_may_invite(session, conversation, employee, [])
        return conversation
    if conversation.employee_id != employee.id:
        raise Forbidden("only the colleague who has this conversation can hand it over")
    if conversation.status == Status.CLOSED:
        raise ConversationClosed("this conversation is closed")
    if conversation.status != Status.ACTIVE:
        raise Forbidden("only a live chat can be handed over", code="not_live")
    return conversation


def handover_text(session: Session, conversation_id: object, employee: Employee,
                  policy: Policy, purpose: str = HAND_OVER) -> str:
    """What the requester's live chat is about so far (conversation_text), read without a lock:
    the caller reads it (matcher.read) before the transaction that suggests or requests, so no
    lock is held while the encoder works."""
    conversation = _live_chat(session, conversation_id, employee, lock=False, purpose=purpose)
    return conversation_text(session, conversation, policy.max_question_chars)


def suggest_colleagues(session: Session, matcher: Matcher, conversation_id: object,
                       employee: Employee, policy: Policy, now: datetime,
                       count: int = SUGGESTIONS, reading: Reading | None = None,
                       purpose: str = HAND_OVER) -> list[Suggestion]:
    """The colleagues best placed to take over (or join) this conversation who can take it now
    (signed in, available, under capacity, in working hours when that rule is on, not in it
    already), best first. Only reads: nothing is locked. reading: handover_text as matcher.read
    read it."""
    conversation = _live_chat(session, conversation_id, employee, lock=False, purpose=purpose)
    online = set(session.scalars(select(Presence.employee_id).where(
        live_clause(Presence, now, policy.presence_ttl_s))))
    inside = {employee.id, *everyone(session, conversation)}
    people = list(session.scalars(select(Employee).where(
        Employee.id.in_(online - inside), Employee.active.is_(True),
        Employee.available.is_(True))))
    reasons = unavailability(session, people, now, policy)
    free = {p.id: p for p in people if reasons[p.id] is None}
    if not free:
        return []
    text = conversation_text(session, conversation, policy.max_question_chars)
    matches = rank_colleagues(session, matcher, text, conversation.language, employee.id,
                              count, among=free, reading=reading)
    load = loads(session, [m.employee_id for m in matches])
    return [Suggestion(m.employee_id, m, load[m.employee_id], free[m.employee_id].capacity)
            for m in matches]


def request_handover(session: Session, matcher: Matcher, conversation_id: object,
                     employee: Employee, colleague_ids: object, note: object, policy: Policy,
                     now: datetime, reading: Reading | None = None, purpose: str = HAND_OVER
                     ) -> tuple[Handover, list[DomainEvent]]:
    """Ask one colleague, or up to MAX_COLLEAGUES at once, to take over the requester's live
    chat (purpose invite: to join it). Each must be able to take it now (else
    ColleagueUnavailable, the code saying why). reading: handover_text as matcher.read read it
    (else it is read here, under the lock)."""
    if purpose not in PURPOSES:
        raise InvalidInput("purpose is hand_over or invite", code="invalid_payload")
    chosen = _colleague_ids(colleague_ids, employee.id)
    note = _note(note)
    conversation = _live_chat(session, conversation_id, employee, purpose=purpose)
    if purpose == INVITE:
        check_may_invite(session, conversation, employee, chosen)
    elif set(chosen) & set(everyone(session, conversation)):  # invited in already: not twice
        raise InvalidInput("this colleague is in the conversation already",
                           code="already_in_conversation")
    if session.scalar(select(Handover.id).where(Handover.conversation_id == conversation.id,
                                                Handover.outcome.is_(None))) is not None:
        raise HandoverPending("this conversation already has a handover waiting")
    colleagues = []
    for colleague_id in chosen:  # employees are locked after the conversation (locks.py)
        colleague = lock_employee(session, colleague_id)
        if colleague is None:
            raise NotFound("no such colleague", code="no_such_colleague")
        reason = unavailability(session, [colleague], now, policy)[colleague.id]
        if reason is not None:
            raise ColleagueUnavailable(f"{colleague.name} cannot take a conversation now "
                                       f"({reason})", code=f"colleague_{reason}")
        colleagues.append(colleague)
    text = conversation_text(session, conversation, policy.max_question_chars)
    why = {m.employee_id: m.explanation.reason for m in rank_colleagues(
        session, matcher, text, conversation.language, employee.id, len(chosen), among=chosen,
        reading=reading)}
    handover = Handover(conversation_id=conversation.id, from_employee_id=employee.id,
                        requested_at=now, expires_at=now + timedelta(seconds=policy.offer_timeout_s),
                        note=note, purpose=purpose,
                        invites=[HandoverInvite(employee_id=c.id, reason=why.get(c.id, ""))
                                 for c in colleagues])
    try:
        with session.begin_nested():
            session.add(handover)
    except IntegrityError:
        raise HandoverPending("this conversation already has a handover waiting") from None
    record(session, conversation, "handover_requested", now, actor="employee",
           employee_id=employee.id,
           detail={"handover_id": handover.id, "to": chosen, "purpose": purpose})
    session.flush()
    return handover, [HandoverOffered(conversation.id, handover.id, c) for c in chosen]


def _colleague_ids(value: object, requester_id: int) -> list[int]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_COLLEAGUES:
        raise InvalidInput(f"choose 1 to {MAX_COLLEAGUES} colleagues", code="invalid_colleagues")
    ids = [clean_id(v, "employee_ids") for v in value]
    if len(set(ids)) != len(ids) or requester_id in ids:
        raise InvalidInput("choose each colleague once, and not yourself",
                           code="invalid_colleagues")
    return ids


def _note(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > MAX_NOTE_CHARS:
        raise InvalidInput(f"the note is longer than {MAX_NOTE_CHARS} characters",
                           code="note_too_long")
    return value.strip()


def _invite(session: Session, handover_id: object, employee_id: int) -> HandoverInvite:
    invite = session.scalar(select(HandoverInvite).where(
        HandoverInvite.handover_id == clean_id(handover_id, "handover_id"),
        HandoverInvite.employee_id == employee_id))
    if invite is None:
        raise NotFound("no such handover")
    return invite


def _close_invites(session: Session, handover: Handover, outcome: str, now: datetime,
                   only: int | None = None) -> list[int]:
    """Close the handover's open invites (or just `only`'s) exactly once: whose closed here."""
    query = update(HandoverInvite).where(HandoverInvite.handover_id == handover.id,
                                         HandoverInvite.outcome.is_(None))
    if only is not None:
        query = query.where(HandoverInvite.employee_id == only)
    closed = session.execute(query.values(outcome=outcome, answered_at=now)
                             .returning(HandoverInvite.employee_id)
                             .execution_options(synchronize_session=False)).scalars().all()
    for invite in handover.invites:  # read again when next used
        session.expire(invite)
    return sorted(closed)


def _end(session: Session, handover: Handover, outcome: str, now: datetime,
         to_employee_id: int | None = None) -> bool:
    """End an open, unexpired handover exactly once (rowcount 1 wins), whichever worker asks."""
    still = [Handover.id == handover.id, Handover.outcome.is_(None)]
    if outcome == "accepted":
        still.append(Handover.expires_at > now)
    ended = session.execute(update(Handover).where(*still).values(
        outcome=outcome, answered_at=now, to_employee_id=to_employee_id)
        .execution_options(synchronize_session=False)).rowcount == 1
    session.refresh(handover)
    return ended


def accept_handover(session: Session, handover_id: object, employee: Employee, policy: Policy,
                    now: datetime) -> tuple[Conversation, list[DomainEvent]]:
    """The colleague takes the conversation with its whole history; the requester can no
    longer write in it, the other colleagues asked are told it is gone."""
    invite = _invite(session, handover_id, employee.id)
    handover = invite.handover
    conversation = lock_conversation(session, handover.conversation_id)
    lock_employee(session, employee.id)  # capacity counted once per free seat
    if _close_invites(session, handover, "accepted", now, only=employee.id) != [employee.id] or (
            handover.expires_at <= now):
        raise HandoverNotOpen("this handover was already answered, withdrawn or has expired")
    if _moved_on(session, conversation, handover) or employee.id in everyone(session, conversation):
        raise HandoverNotOpen("this conversation has moved on")
    if loads(session, [employee.id])[employee.id] >= employee.capacity:
        raise ColleagueUnavailable("you are at capacity: close a chat first",
                                   code="colleague_at_capacity")
    if not _end(session, handover, "accepted", now, to_employee_id=employee.id):
        raise HandoverNotOpen("another colleague took this conversation first")
    withdrawn = _close_invites(session, handover, "withdrawn", now)
    closed = [HandoverInviteClosed(conversation.id, handover.id, eid, "withdrawn")
              for eid in withdrawn]
    if handover.purpose == INVITE:
        return conversation, [*closed, *join(session, conversation, handover, invite, now)]
    conversation.employee_id = employee.id
    record(session, conversation, "handed_over", now, actor="employee",
           employee_id=handover.from_employee_id,
           detail={"handover_id": handover.id, "to": employee.id, "why": invite.reason,
                   "seq": conversation.last_seq})
    session.flush()
    return conversation, [
        *closed, HandedOver(conversation.id, handover.id, handover.from_employee_id, employee.id)]


def decline_handover(session: Session, handover_id: object, employee: Employee, now: datetime
                     ) -> list[DomainEvent]:
    """The colleague passes; when nobody asked is left, the handover fails and the requester,
    who keeps the conversation, is told."""
    invite = _invite(session, handover_id, employee.id)
    handover = invite.handover
    conversation = lock_conversation(session, handover.conversation_id)
    session.refresh(handover)  # as it is now, under the lock
    if handover.outcome is not None or not _close_invites(session, handover, "declined", now,
                                                          only=employee.id):
        raise HandoverNotOpen("this handover was already answered, withdrawn or has expired")
    record(session, conversation, "handover_declined", now, actor="employee",
           employee_id=employee.id, detail={"handover_id": handover.id})
    happened: list[DomainEvent] = [HandoverAnswered(conversation.id, handover.id,
                                                    handover.from_employee_id, employee.id,
                                                    "declined")]
    nobody_left = session.scalar(select(HandoverInvite.id).where(
        HandoverInvite.handover_id == handover.id, HandoverInvite.outcome.is_(None))) is None
    if nobody_left:
        happened += _fail(session, conversation, handover, "declined", now)
    return happened


def cancel_handover(session: Session, handover_id: object, employee: Employee, now: datetime
                    ) -> list[DomainEvent]:
    """The requester takes the request back; the colleagues asked are told."""
    handover = session.get(Handover, clean_id(handover_id, "handover_id"))
    if handover is None or handover.from_employee_id != employee.id:
        raise NotFound("no such handover")
    conversation = lock_conversation(session, handover.conversation_id)
    session.refresh(handover)
    if handover.outcome is not None:
        raise HandoverNotOpen("this handover was already answered, withdrawn or has expired")
    return _fail(session, conversation, handover, "cancelled", now)


def _fail(session: Session, conversation: Conversation, handover: Handover, outcome: str,
          now: datetime) -> list[DomainEvent]:
    """End the handover unaccepted: open invites withdrawn (expired at the deadline)."""
    if not _end(session, handover, outcome, now):
        return []
    closed = _close_invites(session, handover, "expired" if outcome == "expired" else "withdrawn",
                            now)
    record(session, conversation, "handover_ended", now, employee_id=handover.from_employee_id,
           actor="employee" if outcome == "cancelled" else "system", reason=outcome,
           detail={"handover_id": handover.id,
                   "answers": {str(i.employee_id): i.outcome for i in handover.invites}})
    session.flush()
    return [*[HandoverInviteClosed(conversation.id, handover.id, eid,
                                   "expired" if outcome == "expired" else "withdrawn")
              for eid in closed],
            HandoverFailed(conversation.id, handover.id, handover.from_employee_id, outcome)]


def due_handovers(now: datetime) -> Select:
    """Open handovers past their deadline, or whose conversation moved on without them (its
    requester left, it was closed), oldest first (db.listed)."""
    moved_on = select(Conversation.id).where(
        Conversation.id == Handover.conversation_id,
        (Conversation.status != Status.ACTIVE.value)
        | (Conversation.employee_id.is_distinct_from(Handover.from_employee_id)
           & ~((Handover.purpose == INVITE)
               & open_clause(Conversation.id, Handover.from_employee_id))))
    return listed(Handover.id, Handover.expires_at, Handover.id).where(
        Handover.outcome.is_(None), (Handover.expires_at <= now) | moved_on.exists())


def expire_due(session: Session, handover_id: int, policy: Policy, now: datetime
               ) -> list[DomainEvent]:
    """The sweeper's step: a handover nobody accepted in time fails (expired); one whose
    conversation moved on is withdrawn (closed: conversation_closed; no longer the requester's,
    e.g. rerouted after their console vanished: moved_on)."""
    handover = session.get(Handover, handover_id)
    if handover is None:
        return []
    conversation = lock_conversation(session, handover.conversation_id)
    session.refresh(handover)
    if handover.outcome is not None:
        return []
    if conversation.status == Status.CLOSED:
        return _fail(session, conversation, handover, "conversation_closed", now)
    if _moved_on(session, conversation, handover):
        return _fail(session, conversation, handover, "moved_on", now)
    if handover.expires_at > now:
        return []
    return _fail(session, conversation, handover, "expired", now)


def _moved_on(session: Session, conversation: Conversation, handover: Handover) -> bool:
    """The conversation is no longer live, or its asker no longer holds it (an invite: is no
    longer in it)."""
    if conversation.status != Status.ACTIVE:
        return True
    if handover.purpose == INVITE:
        return handover.from_employee_id not in everyone(session, conversation)
    return conversation.employee_id != handover.from_employee_id


def withdraw_for_closing(session: Session, conversation: Conversation, now: datetime
                         ) -> list[DomainEvent]:
    """The conversation is closing: its open handover ends (conversation_closed)."""
    handover = session.scalar(select(Handover).where(
        Handover.conversation_id == conversation.id, Handover.outcome.is_(None)))
    if handover is None:
        return []
    return _fail(session, conversation, handover, "conversation_closed", now)


def acknowledge(session: Session, handover_id: object, employee_id: int, now: datetime) -> None:
    """The colleague's console shows the invite (the first time counts); not theirs: NotFound."""
    invite = _invite(session, handover_id, employee_id)
    if invite.seen_at is None:
        session.execute(update(HandoverInvite).where(
            HandoverInvite.id == invite.id, HandoverInvite.seen_at.is_(None))
            .values(seen_at=now).execution_options(synchronize_session=False))


def open_invites(session: Session, employee_id: int) -> list[HandoverInvite]:
    """Handovers waiting for this colleague's answer, oldest first."""
    return list(session.scalars(select(HandoverInvite).join(Handover).where(
        HandoverInvite.employee_id == employee_id, HandoverInvite.outcome.is_(None),
        Handover.outcome.is_(None)).order_by(Handover.requested_at)))


def pending_for(session: Session, employee_id: int) -> list[Handover]:
    """The handovers this employee asked for that are still waiting."""
    return list(session.scalars(select(Handover).where(
        Handover.from_employee_id == employee_id, Handover.outcome.is_(None))
        .order_by(Handover.requested_at)))
