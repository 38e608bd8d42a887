"""The customer's Socket.IO namespace: one conversation, opened by its secret token."""

from __future__ import annotations

from flask import request
from flask import session as client_session
from flask_socketio import ConnectionRefusedError, join_room

from matchmaker import conversations, experience, feedback, visitors
from matchmaker.errors import MatchmakerError
from matchmaker.models import Conversation

from . import live, payloads
from .errors import RateLimited, StrictNamespace, ack_errors
from .limits import retry_after
from .services import services

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
        auth = auth if isinstance(auth, dict) else {}
        svc = services()
        try:
            with svc.transaction() as session:
                conversation = conversations.conversation_by_token(
                    session, auth.get("conversation_id"), auth.get("token"), svc.clock())
                happened = visitors.widget_connected(session, conversation, request.sid,
                                                     svc.clock())
                events = live.socket_events(session, happened)
        except MatchmakerError as error:
            raise ConnectionRefusedError(error.code) from None
        client_session[_KEY] = conversation.id
        join_room(live.conversation_room(conversation.id))
        live.emit_all(svc.socketio, events)

    def on_disconnect(self, reason=None):
        svc = services()
        with svc.transaction() as session:
            visitors.widget_disconnected(session, request.sid, svc.clock())

    @ack_errors
    def on_heartbeat(self, data):
        svc = services()
        with svc.transaction() as session:
            happened = visitors.widget_heartbeat(session, _mine(session), request.sid, svc.clock())
            events = live.socket_events(session, happened)
        live.emit_all(svc.socketio, events)
        return {"ok": True}

    @ack_errors
    def on_sync(self, data):
        """Everything after `after_seq`, and the conversation's state: resume without loss."""
        svc = services()
        with svc.transaction() as session:
            conversation = _mine(session)
            missed = conversations.messages_after(session, conversation.id,
                                                  data.get("after_seq", 0))
            return {"ok": True,
                    "conversation": payloads.customer_view(session, conversation, svc.policy),
                    "messages": [payloads.message(m) for m in missed]}

    @ack_errors
    def on_read(self, data):
        """The customer has seen the messages up to `seq` (the unread badge and mails)."""
        with services().transaction() as session:
            conversation = _mine(session)
            read = visitors.mark_read(session, conversation, data.get("seq"))
            return {"ok": True, "read_seq": read, "unread": visitors.unread(session, conversation)}

    @ack_errors
    def on_say(self, data):
        svc = services()
        _limit("limit_messages", str(client_session[_KEY]), "customer")
        with svc.transaction() as session:
            conversation = _mine(session)
            message, happened = conversations.say(
                session, conversation, "customer", data.get("body"), data.get("client_id"),
                svc.policy, svc.clock())
            events = live.socket_events(session, happened)
            ack = {"ok": True, "message": payloads.message(message)}
        live.emit_all(svc.socketio, events)
        return ack

    @ack_errors
    def on_typing(self, data):
        svc = services()
        with svc.transaction() as session:
            recipient = conversations.typing_recipient(_mine(session), None)
        if recipient is not None:
            live.emit_all(svc.socketio, [live.to_employee(recipient, "typing", {
                "conversation_id": client_session[_KEY], "author": "customer",
                "typing": bool(data.get("typing"))})])
        return {"ok": True}

    @ack_errors
    def on_close(self, data):
        svc = services()
        with svc.transaction() as session:
            conversation = _mine(session)
            happened = conversations.close_conversation(session, conversation, svc.clock())
            events = live.socket_events(session, happened)
            view = payloads.customer_view(session, conversation, svc.policy)
        live.emit_all(svc.socketio, events)
        return {"ok": True, "conversation": view}

    @ack_errors
    def on_leave_email(self, data):
        _limit("limit_email_changes", str(client_session[_KEY]))
        with services().transaction() as session:
            conversations.leave_email(session, _mine(session), data.get("email"), data.get("name"))
        return {"ok": True}

    @ack_errors
    def on_rate(self, data):
        svc = services()
        with svc.transaction() as session:
            experience.rate_and_learn(session, svc.encoder, _mine(session), data.get("stars"),
                                      data.get("comment"), svc.clock())
        return {"ok": True}

    @ack_errors
    def on_skip_rating(self, data):
        svc = services()
        with svc.transaction() as session:
            feedback.skip_rating(session, _mine(session), svc.clock())
        return {"ok": True}

    @ack_errors
    def on_consent(self, data):
        svc = services()
        with svc.transaction() as session:
            experience.decide_consent(session, _mine(session), data.get("granted"),
                                      data.get("scope"), svc.clock())
        return {"ok": True}
