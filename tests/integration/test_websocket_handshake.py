"""The websocket handshake on a real server: permessage-deflate only when it is configured."""

from __future__ import annotations

import base64
import os
import socket
from urllib.parse import urlsplit

from tests.integration.conftest import WAIT


def handshake(url: str, path: str = "/socket.io/?EIO=4&transport=websocket") -> dict:
    """Upgrade to a websocket offering permessage-deflate, as browsers do; the response's
    status line and headers (lower-cased names)."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=WAIT) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return {"status": head[0], **{name.lower(): value for name, value in headers.items()}}


def test_frames_go_uncompressed_by_default(server):
    answer = handshake(server.url)
    assert answer["status"].startswith("HTTP/1.1 101")
    assert "sec-websocket-extensions" not in answer


def test_compression_is_accepted_when_configured(launch, sqlite_url):
    answer = handshake(launch(sqlite_url, settings={"websocket_compression": True}).url)
    assert answer["status"].startswith("HTTP/1.1 101")
    assert answer["sec-websocket-extensions"].startswith("permessage-deflate")
