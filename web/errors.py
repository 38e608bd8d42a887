"""Domain errors mapped once: to HTTP statuses for views and to ack codes for events."""

from __future__ import annotations

import functools
import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_socketio import Namespace
from socketio import packet
from werkzeug.exceptions import HTTPException

from matchmaker.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    MatchmakerError,
    ModelMismatch,
    NotFound,
    Unauthenticated,
)

log = logging.getLogger(__name__)

HTTP_STATUS = {InvalidInput: 400, Unauthenticated: 401, Forbidden: 403, NotFound: 404, Conflict: 409,
               ModelMismatch: 503}


def status_for(error: MatchmakerError) -> int:
    for kind, status in HTTP_STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def error_body(error: MatchmakerError) -> dict:
    return {"error": error.code, "message": str(error)}


class RateLimited(Exception):
    """Too many events of one kind, too fast (a web concern: the domain does not count)."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many at once; try again in {retry_after} s")
        self.retry_after = retry_after


def ack_errors(handler):
    """Wrap a Socket.IO handler: payload must be an object; domain errors become error acks."""

    @functools.wraps(handler)
    def wrapper(self, data=None, *args):
        if data is None:
            data = {}
        if not isinstance(data, dict) or args:
            return {"error": "invalid_payload", "message": "send one JSON object"}
        try:
            return handler(self, data)
        except MatchmakerError as error:
            return error_body(error)
        except RateLimited as error:
            return {"error": "rate_limited", "message": str(error),
                    "retry_after": error.retry_after}
        except Exception:
            log.exception("event %s failed", handler.__name__)
            return {"error": "internal", "message": "something went wrong; nothing was changed"}

    return wrapper


RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error", "error", "message"})


def refuse_reserved_events(socketio) -> None:
    """A client may not send an event named like one of Socket.IO's own (a fake `disconnect`
    would reach the disconnect handler while the socket stays up): it gets an error ack and
    reaches no handler. python-socketio has no switch for this, so its dispatch is wrapped."""
    server = socketio.server
    dispatch = server._handle_event

    def guarded(eio_sid, namespace, id, data):
        if isinstance(data, list) and data and data[0] in RESERVED_EVENTS:
            if id is not None:
                server._send_packet(eio_sid, server.packet_class(
                    packet.ACK, namespace=namespace or "/", id=id,
                    data=[{"error": "reserved_event",
                           "message": f"{data[0]!r} is reserved and cannot be sent"}]))
            return None
        return dispatch(eio_sid, namespace, id, data)

    server._handle_event = guarded


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
