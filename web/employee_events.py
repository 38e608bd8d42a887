"""The employee console's Socket.IO namespace: offers, chats, presence."""

from __future__ import annotations

import logging

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from matchmaker import conversations, offers, presence, workload
from matchmaker.errors import Unauthenticated
from matchmaker.models import Employee

from . import live, payloads
from .errors import RateLimited, StrictNamespace, on
from .limits import retry_after
from .schemas import (
    AcceptAnswer,
    AvailabilityAnswer,
    ConsoleHeartbeatAnswer,
    ConsoleSyncAnswer,
    ConversationRef,
    EmployeeSay,
    EmployeeSync,
    EmployeeTyping,
    Nothing,
    OfferRef,
    SaidAnswer,
    SetAvailability,
    StateAnswer,
)
from .services import services

log = logging.getLogger(__name__)


def _my_id() -> int:
    """The signed-in employee's id; a session that ended (sign-out, deactivation) is refused."""
    if not current_user.is_authenticated:
        raise Unauthenticated("sign in again")
    return current_user.id


def _me(session) -> Employee:
    return session.get(Employee, _my_id())


class EmployeeNamespace(StrictNamespace):
    """Events the console may send; who is asking comes from the signed-in session."""

    def on_connect(self, auth=None):
        svc = services()
        try:
            if not current_user.is_authenticated:
                raise ConnectionRefusedError("unauthenticated")
            with svc.transaction() as session:
                presence.connect(session, current_user.id, request.sid, svc.clock(),
                                 current_user.signin_id)
        except ConnectionRefusedError:
            raise
        except Exception:  # a database outage…: the console is told, never left hanging
            log.exception("a console connect failed")
            raise ConnectionRefusedError("unavailable") from None
        join_room(live.employee_room(current_user.id))
        join_room(live.GENERAL_ROOM)

    def on_disconnect(self, reason=None):
        svc = services()
        with svc.transaction() as session:
            presence.disconnect(session, request.sid, svc.clock())

    @on(Nothing, answers=ConsoleHeartbeatAnswer)
    def on_heartbeat(self, data):
        """Still here; the answer lists open offers and where each live chat stands, so the
        console notices an event lost on the way within one heartbeat."""
        svc = services()
        with svc.transaction() as session:
            me = _my_id()
            presence.touch(session, me, request.sid, svc.clock(), current_user.signin_id)
            return {"ok": True,
                    "offers": [o.id for o in workload.open_offers(session, me)],
                    "conversations": [{"id": c.id, "status": c.status, "last_seq": c.last_seq}
                                      for c in workload.live_conversations(session, me)]}

    @on(Nothing, answers=StateAnswer)
    def on_state(self, data):
        """Everything the console shows: me, open offers, live chats, the offline inbox."""
        with services().transaction() as session:
            me = _me(session)
            return {
                "ok": True,
                "me": {"id": me.id, "name": me.name, "available": me.available,
                       "capacity": me.capacity},
                "offers": [payloads.offer(session, o)
                           for o in workload.open_offers(session, me.id)],
                "conversations": [payloads.conversation(c)
                                  for c in workload.live_conversations(session, me.id)],
                "inbox": [payloads.conversation(c) for c in workload.inbox(session, me.id)],
            }

    @on(SetAvailability, answers=AvailabilityAnswer)
    def on_set_availability(self, data):
        with services().transaction() as session:
            me = workload.set_availability(session, _my_id(), data.available,
                                           data.capacity)
            return {"ok": True, "available": me.available, "capacity": me.capacity}

    @on(OfferRef, answers=AcceptAnswer)
    def on_accept(self, data):
        svc = services()
        with svc.transaction() as session:
            conversation, happened = offers.accept_offer(session, data.offer_id, _my_id(),
                                                         svc.clock())
            events = live.socket_events(session, happened)
            ack = {"ok": True, "conversation": payloads.conversation(conversation)}
        live.emit_all(svc.socketio, events)
        return ack

    @on(OfferRef)
    def on_decline(self, data):
        svc = services()
        with svc.transaction() as session:
            happened = offers.decline_offer(session, data.offer_id, _my_id(),
                                            svc.policy, svc.clock())
            events = live.socket_events(session, happened)
        live.emit_all(svc.socketio, events)
        return {"ok": True}

    @on(EmployeeSync, answers=ConsoleSyncAnswer)
    def on_sync(self, data):
        with services().transaction() as session:
            me = _me(session)
            conversation = conversations.conversation_for_employee(
                session, data.conversation_id, me)
            missed = conversations.messages_after(
                session, conversation.id, data.after_seq,
                until=conversations.readable_until(session, conversation, me))
            return {"ok": True, "conversation": payloads.conversation(conversation),
                    "messages": [payloads.message(m) for m in missed]}

    @on(EmployeeSay, answers=SaidAnswer)
    def on_say(self, data):
        svc = services()
        wait = retry_after("limit_messages", str(_my_id()), "employee")
        if wait is not None:
            raise RateLimited(wait)
        with svc.transaction() as session:
            me = _me(session)
            conversation = conversations.conversation_for_employee(
                session, data.conversation_id, me)
            message, happened = conversations.say(
                session, conversation, "employee", data.body, data.client_id,
                svc.policy, svc.clock(), employee=me)
            events = live.socket_events(session, happened)
            ack = {"ok": True, "message": payloads.message(message)}
        live.emit_all(svc.socketio, events)
        return ack

    @on(EmployeeTyping)
    def on_typing(self, data):
        svc = services()
        with svc.transaction() as session:
            me = _me(session)
            conversation = conversations.conversation_for_employee(
                session, data.conversation_id, me)
            recipient = conversations.typing_recipient(conversation, me)
        if recipient is not None:
            live.emit_all(svc.socketio, [live.to_customer(
                recipient, "typing", {"author": "employee", "typing": data.typing})])
        return {"ok": True}

    @on(ConversationRef)
    def on_close(self, data):
        svc = services()
        with svc.transaction() as session:
            me = _me(session)
            conversation = conversations.conversation_for_employee(
                session, data.conversation_id, me)
            happened = conversations.close_conversation(session, conversation, svc.clock(),
                                                        employee=me)
            events = live.socket_events(session, happened)
        live.emit_all(svc.socketio, events)
        return {"ok": True}
