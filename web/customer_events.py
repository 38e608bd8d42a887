"""The customer's Socket.IO namespace: one conversation, opened by its secret token."""

from __future__ import annotations

import logging

from flask import request
from flask import session as client_session
from flask_socketio import ConnectionRefusedError, join_room

from matchmaker import conversations, experience, feedback, notes, visitors
from matchmaker.errors import MatchmakerError
from matchmaker.models import Conversation

from . import live, payloads
from .errors import RateLimited, StrictNamespace, on
from .limits import retry_after
from .schemas import (
    AfterSeq,
    ClosedAnswer,
    Consent,
    CustomerAuth,
    CustomerSay,
    CustomerTyping,
    HeartbeatAnswer,
    LeaveEmail,
    Nothing,
    Rate,
    ReadAnswer,
    ReadUpTo,
    SaidAnswer,
    SyncAnswer,
    parse,
)
from .services import services

log = logging.getLogger(__name__)

_KEY = "customer_conversation_id"


def _limit(setting: str, *keys: str) -> None:
    wait = retry_after(setting, *keys)
    if wait is not None:
        raise RateLimited(wait)


def _mine(session) -> Conversation:
    """The conversation this connection authenticated for (kept in its Socket.IO session)."""
    return conversations.get_conversation(session, client_session[_KEY])


class CustomerNamespace(StrictNamespace):
    """Events a customer's widget may send; nothing per client is kept on this object."""

    def on_connect(self, auth=None):
        svc = services()
        try:
            auth = parse(CustomerAuth, auth if isinstance(auth, dict) else {})
            with svc.transaction() as session:
                conversation = conversations.conversation_by_token(
                    session, auth.conversation_id, auth.token, svc.clock())
                happened = visitors.widget_connected(session, conversation, request.sid,
                                                     svc.clock())
                events = live.socket_events(session, happened)
        except MatchmakerError as error:
            raise ConnectionRefusedError(error.code) from None
        except Exception:  # a database outage…: the widget is told, never left hanging
            log.exception("a customer connect failed")
            raise ConnectionRefusedError("unavailable") from None
        client_session[_KEY] = conversation.id
        join_room(live.conversation_room(conversation.id))
        live.emit_all(svc.socketio, events)

    def on_disconnect(self, reason=None):
        svc = services()
        with svc.transaction() as session:
            visitors.widget_disconnected(session, request.sid, svc.clock())

    @on(Nothing, answers=HeartbeatAnswer)
    def on_heartbeat(self, data):
        """Still here; the answer says where the conversation stands (to notice lost events)."""
        svc = services()
        with svc.transaction() as session:
            conversation = _mine(session)
            happened = visitors.widget_heartbeat(session, conversation, request.sid, svc.clock())
            events = live.socket_events(session, happened)
            ack = {"ok": True, "status": conversation.status, "last_seq": conversation.last_seq}
        live.emit_all(svc.socketio, events)
        return ack

    @on(AfterSeq, answers=SyncAnswer)
    def on_sync(self, data):
        """Everything after `after_seq`, and the conversation's state: resume without loss."""
        svc = services()
        with svc.transaction() as session:
            conversation = _mine(session)
            missed = notes.customer_messages(conversations.messages_after(
                session, conversation.id, data.after_seq))  # never a note
            return {"ok": True,
                    "conversation": payloads.customer_view(session, conversation, svc.policy),
                    "messages": [payloads.message(m) for m in missed]}

    @on(ReadUpTo, answers=ReadAnswer)
    def on_read(self, data):
        """The customer has seen the messages up to `seq` (the unread badge and mails)."""
        with services().transaction() as session:
            conversation = _mine(session)
            read = visitors.mark_read(session, conversation, data.seq)
            return {"ok": True, "read_seq": read, "unread": visitors.unread(session, conversation)}

    @on(CustomerSay, answers=SaidAnswer)
    def on_say(self, data):
        svc = services()
        conversation_id = client_session[_KEY]
        _limit("limit_messages", str(conversation_id), "customer")
        with svc.one_statement() as connection:  # the common case: one statement
            stored = conversations.say_at_once(connection, conversation_id, "customer",
                                               data.body, data.client_id, svc.policy, svc.clock())
        if stored is not None:
            live.emit_all(svc.socketio, live.said_events(stored, request.sid))
            return {"ok": True, "message": payloads.said(stored)}
        with svc.transaction() as session:
            conversation = _mine(session)
            message, happened = conversations.say(
                session, conversation, "customer", data.body, data.client_id,
                svc.policy, svc.clock())
            events = live.socket_events(session, happened)
            ack = {"ok": True, "message": payloads.message(message)}
        live.emit_all(svc.socketio, events)
        return ack

    @on(CustomerTyping)
    def on_typing(self, data):
        svc = services()
        with svc.transaction() as session:
            _, employees = conversations.typing_audience(session, _mine(session), None)
        live.emit_all(svc.socketio, [live.to_employee(employee_id, "typing", {
            "conversation_id": client_session[_KEY], "author": "customer",
            "typing": data.typing}) for employee_id in employees])
        return {"ok": True}

    @on(Nothing, answers=ClosedAnswer)
    def on_close(self, data):
        svc = services()
        with svc.transaction() as session:
            conversation = _mine(session)
            happened = conversations.close_conversation(session, conversation, svc.clock())
            events = live.socket_events(session, happened)
            view = payloads.customer_view(session, conversation, svc.policy)
        live.emit_all(svc.socketio, events)
        return {"ok": True, "conversation": view}

    @on(LeaveEmail)
    def on_leave_email(self, data):
        _limit("limit_email_changes", str(client_session[_KEY]))
        svc = services()
        with svc.transaction() as session:
            happened = conversations.leave_email(session, _mine(session), data.email, data.name)
            events = live.socket_events(session, happened)
        live.emit_all(svc.socketio, events)
        return {"ok": True}

    @on(Rate)
    def on_rate(self, data):
        svc = services()
        with svc.transaction() as session:
            experience.rate_and_learn(session, svc.encoder, _mine(session), data.stars,
                                      data.comment, svc.clock())
        return {"ok": True}

    @on(Nothing)
    def on_skip_rating(self, data):
        svc = services()
        with svc.transaction() as session:
            feedback.skip_rating(session, _mine(session), svc.clock())
        return {"ok": True}

    @on(Consent)
    def on_consent(self, data):
        svc = services()
        with svc.transaction() as session:
            experience.decide_consent(session, _mine(session), data.granted,
                                      data.scope, svc.clock())
        return {"ok": True}
