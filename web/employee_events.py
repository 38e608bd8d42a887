"""The employee console's Socket.IO namespace: offers, chats, presence."""

from __future__ import annotations

import logging

from flask import request
from flask import session as client_session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy.orm import Session

from matchmaker import (
    conversations,
    handovers,
    notes,
    offers,
    participants,
    presence,
    signins,
    workload,
)
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
    EmployeeNote,
    EmployeeSay,
    EmployeeSync,
    EmployeeTyping,
    HandOver,
    HandOverAnswer,
    HandoverRef,
    HandoverStateAnswer,
    Invite,
    NotedAnswer,
    Nothing,
    OfferRef,
    SaidAnswer,
    SetAvailability,
    StateAnswer,
    SuggestColleagues,
    SuggestionsAnswer,
)
from .services import services

log = logging.getLogger(__name__)


_ACCOUNT = "console_account"  # (employee id, sign-in id), remembered from the connect


def _account() -> tuple[int, int]:
    """Who this connection signed in as. Kept per connection instead of loaded per event:
    ending a sign-in disconnects its consoles (signins.end), and every write re-checks it in
    its own statement (signins.is_open), so an ended sign-in does nothing more."""
    employee_id, signin_id = client_session[_ACCOUNT]
    return employee_id, signin_id


def _me(session: Session) -> Employee:
    """The signed-in employee, checked against their sign-in (ended: Unauthenticated)."""
    return signins.signed_in(session, *_account())


def _handover_reading(svc, conversation_id: object, purpose: str = participants.HAND_OVER):
    """The live chat's text read by the encoder outside any transaction (no lock is held while
    it works: on SQLite every write waits on the lock a transaction takes)."""
    with svc.transaction() as session:
        text = handovers.handover_text(session, conversation_id, _me(session), svc.policy,
                                       purpose)
    return svc.matcher.read(text)


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
        client_session[_ACCOUNT] = (current_user.id, current_user.signin_id)
        svc.consoles.add(request.sid)
        join_room(live.employee_room(current_user.id))
        join_room(live.GENERAL_ROOM)

    def on_disconnect(self, reason=None):
        svc = services()
        svc.consoles.discard(request.sid)
        with svc.transaction() as session:
            presence.disconnect(session, request.sid, svc.clock())

    @on(Nothing, answers=ConsoleHeartbeatAnswer)
    def on_heartbeat(self, data):
        """Still here; the answer lists open offers and where each live chat stands, so the
        console notices an event lost on the way within one heartbeat. Three statements, in
        autocommit on PostgreSQL (the touch is one, and stands alone)."""
        svc = services()
        employee_id, signin_id = _account()
        with svc.statement() as connection, Session(connection) as session:
            presence.touch(session, employee_id, request.sid, svc.clock(), signin_id)
            offered, chats = workload.at_a_glance(session, employee_id)
        return {"ok": True, "offers": offered,
                "conversations": [{"id": c, "status": status, "last_seq": seq}
                                  for c, status, seq in chats]}

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
                "conversations": [payloads.conversation(c, participants.people(session, c))
                                  for c in workload.live_conversations(session, me.id)],
                "inbox": [payloads.conversation(c) for c in workload.inbox(session, me.id)],
            }

    @on(SetAvailability, answers=AvailabilityAnswer)
    def on_set_availability(self, data):
        with services().transaction() as session:
            me = workload.set_availability(session, _me(session).id, data.available,
                                           data.capacity)
            return {"ok": True, "available": me.available, "capacity": me.capacity}

    @on(OfferRef, answers=AcceptAnswer)
    def on_accept(self, data):
        svc = services()
        with svc.transaction() as session:
            conversation, happened = offers.accept_offer(session, data.offer_id,
                                                         _me(session).id, svc.clock())
            events = live.socket_events(session, happened)
            ack = {"ok": True, "conversation": payloads.conversation(conversation)}
        live.emit_all(svc.socketio, events)
        return ack

    @on(OfferRef)
    def on_seen_offer(self, data):
        """The console shows this offer (sent by itself when the offer arrives)."""
        svc = services()
        with svc.transaction() as session:
            offers.acknowledge(session, data.offer_id, _account()[0], svc.clock())
        return {"ok": True}

    @on(OfferRef)
    def on_decline(self, data):
        svc = services()
        with svc.transaction() as session:
            happened = offers.decline_offer(session, data.offer_id, _me(session).id,
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
            team = participants.people(session, conversation)
            return {"ok": True, "conversation": payloads.conversation(conversation, team),
                    "messages": [payloads.message(m) for m in missed],
                    "notes": [payloads.note(n)
                              for n in notes.notes_for(session, conversation, me)]}

    @on(EmployeeSay, answers=SaidAnswer)
    def on_say(self, data):
        svc = services()
        employee_id, signin_id = _account()
        wait = retry_after("limit_messages", str(employee_id), "employee")
        if wait is not None:
            raise RateLimited(wait)
        with svc.one_statement() as connection:  # the common case: one statement
            stored = conversations.say_at_once(
                connection, data.conversation_id, "employee", data.body, data.client_id,
                svc.policy, svc.clock(), employee_id=employee_id, signin_id=signin_id)
        if stored is not None:
            live.emit_all(svc.socketio, live.said_events(stored, request.sid))
            return {"ok": True, "message": payloads.said(stored)}
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

    @on(EmployeeNote, answers=NotedAnswer)
    def on_note(self, data):
        """An internal note: to the colleagues of the conversation, never to the customer."""
        svc = services()
        wait = retry_after("limit_messages", str(_account()[0]), "note")
        if wait is not None:
            raise RateLimited(wait)
        with svc.transaction() as session:
            note, happened = notes.add_note(session, data.conversation_id, _me(session),
                                            data.body, data.client_id, svc.policy, svc.clock())
            events = live.socket_events(session, happened)
            ack = {"ok": True, "note": payloads.note(note)}
        live.emit_all(svc.socketio, events)
        return ack

    @on(EmployeeTyping)
    def on_typing(self, data):
        svc = services()
        with svc.transaction() as session:
            me = _me(session)
            conversation = conversations.conversation_for_employee(
                session, data.conversation_id, me)
            customer, colleagues = conversations.typing_audience(session, conversation, me)
            # who is typing: with a colleague invited in, there are two it could be
            typing = {"author": "employee", "typing": data.typing, "employee_name": me.name}
        live.emit_all(svc.socketio, [
            *([live.to_customer(customer, "typing", typing)] if customer is not None else []),
            *[live.to_employee(i, "typing", {**typing, "conversation_id": conversation.id})
              for i in colleagues]])
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

    # Handovers (matchmaker/handovers.py): the chat to a colleague the matcher suggests.

    @on(SuggestColleagues, answers=SuggestionsAnswer)
    def on_suggest_colleagues(self, data):
        """The colleagues best placed to take over (or join: purpose invite) this live chat
        now, with why."""
        svc = services()
        reading = _handover_reading(svc, data.conversation_id, data.purpose)
        with svc.transaction() as session:
            suggested = handovers.suggest_colleagues(session, svc.matcher, data.conversation_id,
                                                     _me(session), svc.policy, svc.clock(),
                                                     reading=reading, purpose=data.purpose)
            return {"ok": True,
                    "suggestions": [payloads.suggestion(session, s) for s in suggested]}

    @on(HandOver, answers=HandOverAnswer)
    def on_hand_over(self, data):
        """Ask one colleague, or up to three at once, to take over this live chat."""
        svc = services()
        reading = _handover_reading(svc, data.conversation_id)
        with svc.transaction() as session:
            handover, happened = handovers.request_handover(
                session, svc.matcher, data.conversation_id, _me(session), data.employee_ids,
                data.note, svc.policy, svc.clock(), reading=reading)
            events = live.socket_events(session, happened)
            ack = {"ok": True, "handover": payloads.handover(handover)}
        live.emit_all(svc.socketio, events)
        return ack

    @on(HandoverRef, answers=AcceptAnswer)
    def on_accept_handover(self, data):
        """Take over the chat, with its whole history."""
        svc = services()
        with svc.transaction() as session:
            conversation, happened = handovers.accept_handover(
                session, data.handover_id, _me(session), svc.policy, svc.clock())
            events = live.socket_events(session, happened)
            ack = {"ok": True, "conversation": payloads.conversation(
                conversation, participants.people(session, conversation))}
        live.emit_all(svc.socketio, events)
        return ack

    @on(HandoverRef)
    def on_decline_handover(self, data):
        svc = services()
        with svc.transaction() as session:
            happened = handovers.decline_handover(session, data.handover_id, _me(session),
                                                  svc.clock())
            events = live.socket_events(session, happened)
        live.emit_all(svc.socketio, events)
        return {"ok": True}

    @on(HandoverRef)
    def on_cancel_handover(self, data):
        """The requester takes the request back."""
        svc = services()
        with svc.transaction() as session:
            happened = handovers.cancel_handover(session, data.handover_id, _me(session),
                                                 svc.clock())
            events = live.socket_events(session, happened)
        live.emit_all(svc.socketio, events)
        return {"ok": True}

    @on(HandoverRef)
    def on_seen_handover(self, data):
        """The console shows this handover offer (sent by itself when it arrives)."""
        svc = services()
        with svc.transaction() as session:
            handovers.acknowledge(session, data.handover_id, _account()[0], svc.clock())
        return {"ok": True}

    @on(Nothing, answers=HandoverStateAnswer)
    def on_handover_state(self, data):
        """Handovers waiting for my answer, and those I asked for (after a reload)."""
        with services().transaction() as session:
            me = _me(session)
            return {"ok": True,
                    "offers": [payloads.handover_offer(session, i)
                               for i in handovers.open_invites(session, me.id)],
                    "pending": [payloads.handover(h)
                                for h in handovers.pending_for(session, me.id)]}

    # Teamwork (matchmaker/participants.py): a colleague invited in beside me.

    @on(Invite, answers=HandOverAnswer)
    def on_invite(self, data):
        """Ask one colleague, or up to three at once, to join this live chat beside me."""
        svc = services()
        reading = _handover_reading(svc, data.conversation_id, participants.INVITE)
        with svc.transaction() as session:
            handover, happened = handovers.request_handover(
                session, svc.matcher, data.conversation_id, _me(session), data.employee_ids,
                data.note, svc.policy, svc.clock(), reading=reading, purpose=participants.INVITE)
            events = live.socket_events(session, happened)
            ack = {"ok": True, "handover": payloads.handover(handover)}
        live.emit_all(svc.socketio, events)
        return ack

    @on(ConversationRef)
    def on_leave(self, data):
        """Step out of a chat a colleague stays in (the last one closes it instead)."""
        svc = services()
        with svc.transaction() as session:
            happened = participants.leave(session, data.conversation_id, _me(session),
                                          svc.clock())
            events = live.socket_events(session, happened)
        live.emit_all(svc.socketio, events)
        return {"ok": True}
