"""Turning domain outcomes into Socket.IO events, emitted only after the transaction commits."""

from __future__ import annotations

from typing import NamedTuple

from flask_socketio import SocketIO
from sqlalchemy.orm import Session

from matchmaker.models import Conversation, Employee, Message, Offer
from matchmaker.offers import Closed, Routed

from . import payloads

CUSTOMER_NS = "/customer"
EMPLOYEE_NS = "/employee"


class Event(NamedTuple):
    name: str
    data: dict
    room: str
    namespace: str


def conversation_room(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def employee_room(employee_id: int) -> str:
    return f"employee:{employee_id}"


GENERAL_ROOM = "general"  # every console: the queue of questions nobody fitted


def to_customer(conversation_id: int, name: str, data: dict) -> Event:
    return Event(name, data, conversation_room(conversation_id), CUSTOMER_NS)


def to_employee(employee_id: int, name: str, data: dict) -> Event:
    return Event(name, data, employee_room(employee_id), EMPLOYEE_NS)


def emit_all(socketio: SocketIO, events: list[Event]) -> None:
    for event in events:
        socketio.emit(event.name, event.data, to=event.room, namespace=event.namespace)


def routed_events(session: Session, routed: Routed | None) -> list[Event]:
    """Tell the person asked (or the inbox owner) and the customer where the question went."""
    if routed is None:
        return []
    conversation = session.get(Conversation, routed.conversation_id)
    if routed.offline:
        best = session.get(Employee, routed.employee_id) if routed.employee_id else None
        events = [to_customer(conversation.id, "unavailable", {"best": payloads.person(best)})]
        inbox = payloads.conversation(conversation)
        events.append(to_employee(best.id, "inbox", inbox) if best is not None
                      else Event("inbox", inbox, GENERAL_ROOM, EMPLOYEE_NS))
        return events
    offer = session.get(Offer, routed.offer_id)
    return [
        to_employee(offer.employee_id, "offered", payloads.offer(offer)),
        to_customer(conversation.id, "asking", {
            "employee": payloads.person(offer.employee),
            "reason": payloads.candidate_reason(conversation, offer.employee_id),
        }),
    ]


def closed_offer_events(session: Session, closed: Closed) -> list[Event]:
    """The offer disappears from its console; the conversation's next step is announced."""
    events = [to_employee(closed.employee_id, "offer_closed",
                          {"offer_id": closed.offer_id, "outcome": closed.outcome})]
    if closed.routed is not None:
        events += routed_events(session, closed.routed)
    return events


def accepted_events(conversation: Conversation) -> list[Event]:
    return [
        to_customer(conversation.id, "accepted", {"employee": payloads.person(conversation.employee)}),
        to_employee(conversation.employee_id, "assigned", payloads.conversation(conversation)),
    ]


def said_events(conversation: Conversation, msg: Message) -> list[Event]:
    """A stored message goes to the customer and to every console tab of the assigned employee."""
    data = payloads.message(msg)
    events = [to_customer(conversation.id, "said", data)]
    if conversation.employee_id is not None:
        events.append(to_employee(conversation.employee_id, "said", data))
    return events


def closed_events(conversation: Conversation, withdrawn: Closed | None) -> list[Event]:
    data = {"conversation_id": conversation.id, "by": conversation.closed_by}
    events = [to_customer(conversation.id, "closed", data)]
    if conversation.employee_id is not None:
        events.append(to_employee(conversation.employee_id, "closed", data))
    if withdrawn is not None:
        events.append(to_employee(withdrawn.employee_id, "offer_closed",
                                  {"offer_id": withdrawn.offer_id, "outcome": withdrawn.outcome}))
    return events
