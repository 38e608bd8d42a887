"""Flask's signed-cookie sessions, without the work Socket.IO events throw away.

Flask-SocketIO runs every event in a request context built from the connection's WSGI environ.
Pushing it opens the cookie session (parse the Cookie header, build an itsdangerous serializer,
check the signature, decode the JSON), and then Flask-SocketIO replaces that session with the
copy it keeps for the connection (`environ["saved_session"]`, made at the first event). So:

- once a connection has that copy, opening the session returns it directly: the same object
  Flask-SocketIO would put in its place, found without decoding the cookie again;
- the serializer is built once per secret key (and fallback keys) instead of per request.

Measured with a request context on /socket.io/ pushed and popped, in-process: see
docs/performance.md ("Per event"). HTTP requests still open and save their cookie as before.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer

SOCKETIO_SESSION = "saved_session"  # where Flask-SocketIO keeps a connection's session copy


class EventSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = self._serializers[key] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        saved = request.environ.get(SOCKETIO_SESSION)
        if saved is not None:
            return saved
        return super().open_session(app, request)
