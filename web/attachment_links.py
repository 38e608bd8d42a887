"""Signed, expiring links to attachments: minted into the payloads of those who may read the
conversation, checked when a browser follows one. A link names its attachment, conversation and
expiry, signed with the app's key; the clock is the app's (tests move it by hand)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from flask import url_for
from itsdangerous import BadSignature, URLSafeSerializer

from matchmaker.errors import Gone, NotFound
from matchmaker.events import AttachmentInfo

from .services import services

_SALT = "matchmaker-attachment"


class LinkExpired(Gone):
    """The link to this file has expired: reload the conversation for a fresh one."""

    code = "attachment_link_expired"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(services().settings.secret_key, salt=_SALT)


def mint(item: AttachmentInfo) -> tuple[str, datetime]:
    """A link to the file, and when it stops working."""
    svc = services()
    expires = svc.clock() + timedelta(minutes=svc.settings.attachment_link_minutes)
    token = _signer().dumps([item.id, item.conversation_id, math.ceil(expires.timestamp())])
    return url_for("attachments.download", attachment_id=item.id, token=token), expires


def opened(attachment_id: int, token: str) -> int:
    """The conversation a link for this attachment was minted in; NotFound for a link that is
    forged, altered or for another file, LinkExpired once its time is up."""
    try:
        named, conversation_id, expires = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("no such attachment", code="attachment_not_found") from None
    if named != attachment_id:
        raise NotFound("no such attachment", code="attachment_not_found")
    if services().clock() >= datetime.fromtimestamp(expires, UTC):
        raise LinkExpired()
    return conversation_id


def public(item: AttachmentInfo | None) -> dict | None:
    """The file as a reader's payload shows it, with a fresh link."""
    if item is None:
        return None
    url, expires = mint(item)
    return {"id": item.id, "name": item.name, "content_type": item.content_type,
            "size": item.byte_size, "width": item.width, "height": item.height,
            "image": item.content_type.startswith("image/"), "url": url,
            "expires_at": expires.isoformat()}
