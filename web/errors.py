"""Domain errors mapped once: to HTTP statuses for views and to ack codes for events."""

from __future__ import annotations

import functools
import json
import logging
import re

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext
from flask_socketio import Namespace
from socketio import packet
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from matchmaker.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    MatchmakerError,
    ModelMismatch,
    NotFound,
    Unauthenticated,
)

from . import schemas
from .schemas import Answer, InvalidFields, Ok, Schema, answer, parse

log = logging.getLogger(__name__)

HTTP_STATUS = {InvalidInput: 400, Unauthenticated: 401, Forbidden: 403, NotFound: 404, Conflict: 409,
               ModelMismatch: 503, Gone: 410}


def status_for(error: MatchmakerError) -> int:
    for kind, status in HTTP_STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def error_body(error: MatchmakerError) -> dict:
    body = {"error": error.code, "message": str(error)}
    if isinstance(error, InvalidFields):
        body["fields"] = error.fields
    return body


class RateLimited(Exception):
    """Too many events of one kind, too fast (a web concern: the domain does not count)."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many at once; try again in {retry_after} s")
        self.retry_after = retry_after


INTERNAL = {"error": "internal", "message": "something went wrong; nothing was changed"}
# The database cannot be reached right now (a restart, a failover, a connection that died):
# nothing was stored, and the clients send the same event again after retry_after seconds.
UNAVAILABLE = {"error": "unavailable", "retry_after": 1,
               "message": "the service is briefly unavailable; trying again"}


def database_away(error: DBAPIError) -> bool:
    """A lost or refused connection, not a mistake in a statement."""
    return error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError))


def on(schema: type[Schema], answers: type[Answer] = Ok):
    """A Socket.IO handler: its payload parsed into the schema's command first; a bad payload,
    a domain error or a rate limit becomes an error ack (the same body as over HTTP); the
    answer is checked against `answers` where settings.check_answers asks for it."""

    def wrap(handler):
        @functools.wraps(handler)
        def wrapper(self, data=None, *args):
            try:
                if args:
                    raise InvalidInput("send one JSON object", code="invalid_payload")
                result = handler(self, parse(schema, data))
            except MatchmakerError as error:
                return error_body(error)
            except RateLimited as error:
                return {"error": "rate_limited", "message": str(error),
                        "retry_after": error.retry_after}
            except DBAPIError as error:
                if not database_away(error):
                    log.exception("event %s failed", handler.__name__)
                    return INTERNAL
                log.warning("event %s: the database is away: %s", handler.__name__, error)
                return UNAVAILABLE
            except Exception:
                log.exception("event %s failed", handler.__name__)
                return INTERNAL
            return checked(answers, result)

        wrapper.schema, wrapper.answers = schema, answers
        return wrapper

    return wrap


def checked(shape: type[Answer], body: dict) -> dict:
    """body as it is, checked against its schema first when the settings ask (a mismatch
    raises: a bug), so tests see exactly what production sends."""
    if current_app.extensions["matchmaker"].settings.check_answers:
        answer(shape, body)
    return body


RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error", "error", "message"})
# A packet's type, namespace and ack id, read as python-socketio's decoder reads them.
_PACKET_HEAD = re.compile(r"^([0-6])(?:\d+-)?(?:(/[^,]*),)?(\d{1,100})?")


class PacketJSON:
    """The JSON module Socket.IO decodes packets with: too deep a nesting is bad JSON."""

    dumps = staticmethod(json.dumps)
    loads = staticmethod(schemas.loads)


def guard_socketio(socketio) -> None:
    """What no handler can answer gets an error ack rather than silence: a packet that does
    not decode, an event that is no [name, ...] list, and an event named like one of
    Socket.IO's own (a fake `disconnect` would reach the disconnect handler while the socket
    stays up). python-socketio has no switch for these, so its dispatch is wrapped."""
    server = socketio.server
    dispatch, receive = server._handle_event, server._handle_eio_message

    def refuse(eio_sid, namespace, id, code, message):
        if id is not None:
            server._send_packet(eio_sid, server.packet_class(
                packet.ACK, namespace=namespace or "/", id=id,
                data=[{"error": code, "message": message}]))

    def guarded_event(eio_sid, namespace, id, data):
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            return refuse(eio_sid, namespace, id, "invalid_payload",
                          "an event is a list: its name, then one JSON object")
        if data[0] in RESERVED_EVENTS:
            return refuse(eio_sid, namespace, id, "reserved_event",
                          f"{data[0]!r} is reserved and cannot be sent")
        return dispatch(eio_sid, namespace, id, data)

    def guarded_receive(eio_sid, data):
        try:
            return receive(eio_sid, data)
        except (ValueError, IndexError, TypeError, KeyError) as error:  # it did not decode
            server._binary_packet.pop(eio_sid, None)  # a half-read binary packet jams no more
            head = _PACKET_HEAD.match(data) if isinstance(data, str) else None
            kind, namespace, ack = head.groups() if head else (None, None, None)
            if kind == str(packet.CONNECT):  # a connect is refused, never left waiting
                server._send_packet(eio_sid, server.packet_class(
                    packet.CONNECT_ERROR, namespace=namespace or "/",
                    data={"message": "invalid_payload"}))
            elif kind in (str(packet.EVENT), str(packet.BINARY_EVENT)) and ack:
                refuse(eio_sid, namespace, int(ack), "invalid_payload",
                       f"the event could not be read: {error}")
            log.info("refused an undecodable Socket.IO packet: %s", error)

    server._handle_event = guarded_event
    server._handle_eio_message = guarded_receive
    server.eio.on("message", guarded_receive)


class StrictNamespace(Namespace):
    """A namespace that answers an unknown event with an error ack instead of silence."""

    def trigger_event(self, event, *args):
        if event not in ("connect", "disconnect") and not hasattr(self, f"on_{event}"):
            return {"error": "unknown_event", "message": f"no event named {event!r}"}
        return super().trigger_event(event, *args)


def init_app(app: Flask) -> None:
    """JSON errors under /api, pages elsewhere."""

    @app.errorhandler(MatchmakerError)
    def domain_error(error: MatchmakerError):
        if request.path.startswith("/api/"):
            return jsonify(error_body(error)), status_for(error)
        return render_template("error.html", message=str(error)), status_for(error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_away_error(error: DBAPIError):
        """The database cannot be reached: 503 with Retry-After, not an internal error."""
        log.warning("%s: the database is away: %s", request.path, error)
        if request.path.startswith("/api/"):
            return jsonify(UNAVAILABLE), 503, {"Retry-After": "1"}
        return ServiceUnavailable(retry_after=1)

    @app.errorhandler(429)
    def too_many(error: HTTPException):
        """A rate limit: a clear word, and when to try again (Retry-After, set by the limiter)."""
        message = gettext("Too many attempts in a short time. Please wait a moment and try "
                          "again.")
        if request.path.startswith("/api/"):
            return jsonify({"error": "rate_limited", "message": message}), 429
        return render_template("error.html", message=message), 429

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            code = (error.name or "error").lower().replace(" ", "_")
            return jsonify({"error": code, "message": error.description}), error.code
        return error
