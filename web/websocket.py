"""The websocket handshake as this server accepts it."""

from __future__ import annotations

from collections.abc import Callable, Iterable


class WithoutCompression:
    """WSGI middleware: a websocket upgrade's offer of permessage-deflate is taken out before
    simple-websocket reads the handshake (it accepts whatever extension a client offers and has
    no switch), so frames go uncompressed, as socket.io's own server sends them by default. Chat
    frames are small: compressing each one cost the worker 54 µs of a message's CPU (two frames
    out, one in; docs/performance.md). MATCHMAKER_WEBSOCKET_COMPRESSION=1 keeps the offer."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.app(environ, start_response)
