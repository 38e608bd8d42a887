"""A real SMTP server on loopback that keeps what it receives in a Maildir, for development and
tests (`serve --catch-mail`); the admin mail page reads it. Never for production."""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.utils import parsedate_to_datetime
from pathlib import Path


@dataclass(frozen=True)
class CaughtMail:
    key: str
    sender: str
    to: str
    subject: str
    date: str
    text: str


def start_catcher(host: str, port: int, folder: str):
    """Start aiosmtpd on host:port writing every mail into the Maildir folder; returns its
    controller (stop() ends it)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    for part in ("tmp", "new", "cur"):  # a Maildir, even if the folder was made empty
        Path(folder, part).mkdir(parents=True, exist_ok=True)
    controller = Controller(Mailbox(folder), hostname=host, port=port)
    controller.start()
    return controller


def _header(value: str | None) -> str:
    return str(make_header(decode_header(value))) if value else ""


def _text(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True) or b""
            return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    return ""


def caught(folder: str, limit: int = 50) -> list[CaughtMail]:
    """The newest mails the catcher kept, newest first."""
    if not folder or not Path(folder, "cur").is_dir():
        return []
    box = mailbox.Maildir(folder, create=False)
    mails = []
    for key, message in box.items():
        date = message.get("Date")
        mails.append((parsedate_to_datetime(date).timestamp() if date else 0.0, CaughtMail(
            key, _header(message.get("From")), _header(message.get("To")),
            _header(message.get("Subject")), date or "", _text(message))))
    mails.sort(key=lambda pair: pair[0], reverse=True)
    return [mail for _, mail in mails[:limit]]
