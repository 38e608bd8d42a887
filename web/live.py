"""Domain events mapped to Socket.IO events and the rooms that must hear of them; emitted only
after the transaction commits."""

from __future__ import annotations

from functools import singledispatch
from typing import NamedTuple

from flask_socketio import SocketIO
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker import participants
from matchmaker.events import (
    Accepted,
    Claimed,
    Closed,
    CustomerDetails,
    CustomerPresence,
    DomainEvent,
    EmployeeLeft,
    HandedOver,
    HandoverAnswered,
    HandoverFailed,
    HandoverInviteClosed,
    HandoverOffered,
    Noted,
    OfferClosed,
    Offered,
    ParticipantJoined,
    ParticipantLeft,
    Queued,
    Said,
)
from matchmaker.lifecycle import Status
from matchmaker.models import Conversation, Employee, Handover, HandoverInvite, Note, Offer

from . import payloads
from .schemas import SERVER_EVENTS, answer
from .services import services

CUSTOMER_NS = "/customer"
EMPLOYEE_NS = "/employee"


class Event(NamedTuple):
    name: str
    data: dict
    room: str
    namespace: str
    skip_sid: str | None = None  # the connection that asked: its ack carries the same data


def conversation_room(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def employee_room(employee_id: int) -> str:
    return f"employee:{employee_id}"


GENERAL_ROOM = "general"  # every console: the queue of questions nobody fitted


def to_customer(conversation_id: int, name: str, data: dict) -> Event:
    return Event(name, data, conversation_room(conversation_id), CUSTOMER_NS)


def to_employee(employee_id: int, name: str, data: dict) -> Event:
    return Event(name, data, employee_room(employee_id), EMPLOYEE_NS)


def to_every_console(name: str, data: dict) -> Event:
    return Event(name, data, GENERAL_ROOM, EMPLOYEE_NS)


def emit_all(socketio: SocketIO, events: list[Event]) -> None:
    """Emit each event; where settings.check_answers asks, its payload is first checked against
    the schema the AsyncAPI document gives it (a mismatch raises: a bug)."""
    check = services().settings.check_answers
    for event in events:
        if check:
            answer(SERVER_EVENTS[event.namespace][event.name][0], event.data)
        socketio.emit(event.name, event.data, to=event.room, namespace=event.namespace,
                      skip_sid=event.skip_sid)


def socket_events(session: Session, happened: list[DomainEvent]) -> list[Event]:
    """Everything the domain reported, as Socket.IO events (built inside the transaction)."""
    return [event for item in happened for event in _map(item, session)]


@singledispatch
def _map(item, session: Session) -> list[Event]:
    raise TypeError(f"no Socket.IO mapping for {type(item).__name__}")


@_map.register
def _(item: Offered, session: Session) -> list[Event]:
    """The person asked gets the offer; the customer sees who is asked and why."""
    offer = session.get(Offer, item.offer_id)
    conversation = offer.conversation
    return [
        to_employee(item.employee_id, "offered", payloads.offer(session, offer)),
        to_customer(item.conversation_id, "asking", {
            "employee": payloads.person(offer.employee),
            **payloads.customer_reason(conversation, item.employee_id),
            "rerouted": item.rerouted,
            "addressed": payloads.addressed(session, conversation, item.employee_id),
        }),
    ]


@_map.register
def _(item: OfferClosed, session: Session) -> list[Event]:
    return [to_employee(item.employee_id, "offer_closed",
                        {"offer_id": item.offer_id, "outcome": item.outcome})]


@_map.register
def _(item: Queued, session: Session) -> list[Event]:
    """The customer learns nobody can take it live (and why); the inbox owner, or every
    console for the general queue, gets it."""
    conversation = session.get(Conversation, item.conversation_id)
    best = session.get(Employee, item.employee_id) if item.employee_id else None
    inbox = payloads.conversation(conversation)
    return [
        to_customer(item.conversation_id, "unavailable",
                    {**payloads.unavailable(conversation, best, item.why, services().policy),
                     "addressed": payloads.addressed(session, conversation, item.employee_id)}),
        to_employee(best.id, "inbox", inbox) if best is not None
        else to_every_console("inbox", inbox),
    ]


@_map.register
def _(item: Accepted, session: Session) -> list[Event]:
    conversation = session.get(Conversation, item.conversation_id)
    return [
        to_customer(item.conversation_id, "accepted",
                    {"employee": payloads.person(conversation.employee)}),
        to_employee(item.employee_id, "assigned", payloads.conversation(conversation)),
    ]


@_map.register
def _(item: Claimed, session: Session) -> list[Event]:
    """Every console drops it from the general queue; the claimer lists it as theirs."""
    conversation = session.get(Conversation, item.conversation_id)
    return [to_every_console("claimed", {"conversation_id": item.conversation_id,
                                         "employee": payloads.person(conversation.employee)}),
            to_employee(item.employee_id, "inbox", payloads.conversation(conversation))]


@_map.register
def _(item: Said, session: Session) -> list[Event]:
    return said_events(item)


def said_events(item: Said, sender_sid: str | None = None) -> list[Event]:
    """A stored message goes to the customer and to every console tab of each employee in the
    conversation, the lead and the colleagues invited in (built from the event alone: the
    one-statement write path has no session). The connection that sent it (sender_sid) is left
    out: its ack carries the message (a frame less per message)."""
    data = payloads.said(item)
    customer = sender_sid if item.author == "customer" else None
    events = [to_customer(item.conversation_id, "said", data)._replace(skip_sid=customer)]
    employee = sender_sid if item.author == "employee" else None
    inside = [] if item.employee_id is None else [item.employee_id]
    for employee_id in [*inside, *(i for i in item.participants if i not in inside)]:
        events.append(to_employee(employee_id, "said", data)._replace(skip_sid=employee))
    return events


@_map.register
def _(item: Closed, session: Session) -> list[Event]:
    data = {"conversation_id": item.conversation_id, "by": item.by}
    return [to_customer(item.conversation_id, "closed", data),
            to_employee(item.employee_id, "closed", data) if item.employee_id is not None
            else to_every_console("closed", data),  # it may sit in the general queue
            *[to_employee(i, "closed", data) for i in item.participants]]


@_map.register
def _(item: EmployeeLeft, session: Session) -> list[Event]:
    """The customer is told their colleague had to leave; the employee's other tabs (or their
    console when it comes back) learn the chat moved on."""
    employee = session.get(Employee, item.employee_id)
    data = {"conversation_id": item.conversation_id, "employee": payloads.person(employee),
            "reason": item.reason}
    return [to_customer(item.conversation_id, "left", data),
            to_employee(item.employee_id, "left", data)]


@_map.register
def _(item: CustomerPresence, session: Session) -> list[Event]:
    if item.employee_id is None:
        return []
    conversation = session.get(Conversation, item.conversation_id)
    return [to_employee(employee_id, "customer_presence",
                        {"conversation_id": item.conversation_id, "present": item.present})
            for employee_id in participants.everyone(session, conversation)
            or (item.employee_id,)]


@_map.register
def _(item: CustomerDetails, session: Session) -> list[Event]:
    conversation = session.get(Conversation, item.conversation_id)
    data = {"conversation_id": conversation.id, "customer_name": conversation.customer.name,
            "customer_email": conversation.reply_to}
    if item.employee_id is None:  # only the general inbox lists it: else nobody has it yet
        return ([to_every_console("customer_details", data)]
                if conversation.status == Status.OFFLINE else [])
    return [to_employee(employee_id, "customer_details", data)
            for employee_id in participants.everyone(session, conversation)
            or (item.employee_id,)]


@_map.register
def _(item: Noted, session: Session) -> list[Event]:
    """An internal note goes to each recipient's own room on /employee only: never to the
    conversation's room, which the customer's widget joined."""
    data = payloads.note(session.get(Note, item.note_id))
    return [to_employee(employee_id, "noted", data) for employee_id in item.recipients]


@_map.register
def _(item: HandoverOffered, session: Session) -> list[Event]:
    """The colleague asked sees the chat's preview, who asks, the note and the deadline."""
    invite = session.scalars(select(HandoverInvite).where(
        HandoverInvite.handover_id == item.handover_id,
        HandoverInvite.employee_id == item.employee_id)).one()
    return [to_employee(item.employee_id, "handover_offered",
                        payloads.handover_offer(session, invite))]


@_map.register
def _(item: HandoverInviteClosed, session: Session) -> list[Event]:
    return [to_employee(item.employee_id, "handover_closed", {
        "handover_id": item.handover_id, "conversation_id": item.conversation_id,
        "outcome": item.outcome})]


@_map.register
def _(item: HandoverAnswered, session: Session) -> list[Event]:
    return [to_employee(item.requester_id, "handover_answered", {
        "handover_id": item.handover_id, "conversation_id": item.conversation_id,
        "employee_id": item.employee_id,
        "employee": payloads.person(session.get(Employee, item.employee_id)),
        "outcome": item.outcome})]


@_map.register
def _(item: HandedOver, session: Session) -> list[Event]:
    """The customer sees who joined and why; the colleague's console gets the chat (it loads
    the whole history), their other tabs drop the offer; the requester's drops the chat."""
    handover = session.get(Handover, item.handover_id)
    conversation = session.get(Conversation, item.conversation_id)
    ref = {"handover_id": item.handover_id, "conversation_id": item.conversation_id}
    return [
        to_customer(item.conversation_id, "joined", payloads.joined(handover)),
        to_employee(item.employee_id, "handover_closed", {**ref, "outcome": "accepted"}),
        to_employee(item.employee_id, "assigned", payloads.conversation(conversation)),
        to_employee(item.requester_id, "handed_over",
                    {**ref, "employee": payloads.person(conversation.employee)}),
    ]


@_map.register
def _(item: HandoverFailed, session: Session) -> list[Event]:
    """Nobody took over: the requester, who keeps the chat, hears how each colleague answered."""
    handover = session.get(Handover, item.handover_id)
    return [to_employee(item.requester_id, "handover_failed", {
        "handover_id": item.handover_id, "conversation_id": item.conversation_id,
        "outcome": item.outcome, "answers": payloads.handover_answers(handover)})]


# Teamwork (matchmaker/participants.py): colleagues invited in beside the one who holds it.

def _participants_changed(session: Session, conversation: Conversation, change: str,
                          employee: Employee, reason: str | None) -> dict:
    return {"conversation_id": conversation.id, "change": change, "employee_id": employee.id,
            "employee": payloads.person(employee), "reason": reason,
            "lead_id": conversation.employee_id,
            "participants": [payloads.colleague(e, e.id == conversation.employee_id)
                             for e in participants.people(session, conversation)]}


@_map.register
def _(item: ParticipantJoined, session: Session) -> list[Event]:
    """The customer sees who joined, why them and beside whom; the colleague's console gets the
    chat (it loads the whole history) and drops the offer; everyone in it sees who is there."""
    handover = session.get(Handover, item.handover_id)
    conversation = session.get(Conversation, item.conversation_id)
    team = participants.people(session, conversation)
    data = _participants_changed(session, conversation, "joined",
                                 session.get(Employee, item.employee_id), None)
    return [
        to_customer(item.conversation_id, "joined",
                    payloads.joined(handover, beside=conversation.employee)),
        to_employee(item.employee_id, "handover_closed", {
            "handover_id": item.handover_id, "conversation_id": item.conversation_id,
            "outcome": "accepted"}),
        to_employee(item.employee_id, "assigned", payloads.conversation(conversation, team)),
        *[to_employee(e.id, "participants_changed", data) for e in team],
    ]


@_map.register
def _(item: ParticipantLeft, session: Session) -> list[Event]:
    """The customer hears who left and who is with them now; the one who left (their other
    tabs) and everyone still in it see who is there."""
    conversation = session.get(Conversation, item.conversation_id)
    employee = session.get(Employee, item.employee_id)
    data = _participants_changed(session, conversation, "left", employee, item.reason)
    team = participants.people(session, conversation)
    return [
        to_customer(item.conversation_id, "colleague_left", {
            "employee": payloads.person(employee), "lead": payloads.person(conversation.employee),
            "colleagues": [payloads.person(e) for e in team if e.id != conversation.employee_id],
            "reason": item.reason}),
        *[to_employee(i, "participants_changed", data)
          for i in (item.employee_id, *item.remaining)],
    ]
