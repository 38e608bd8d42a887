"""The widget's HTTP API: asking a question opens a conversation and routes it at once."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, jsonify, request

from matchmaker import conversations, intake
from matchmaker.errors import InvalidInput

from . import live, mail, payloads
from .limits import limiter, setting
from .services import services

bp = Blueprint("api", __name__, url_prefix="/api")
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _question_from(body: object) -> conversations.Question:
    if not isinstance(body, dict):
        raise InvalidInput("send a JSON object", code="invalid_payload")
    visitor_id = body.get("visitor_id")
    if not isinstance(visitor_id, str) or not _VISITOR_ID.match(visitor_id):
        raise InvalidInput("visitor_id must be 8-64 letters, digits, - or _", code="invalid_visitor")
    for key in ("name", "email", "page_url", "language"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise InvalidInput(f"{key} must be text", code="invalid_payload")
    return conversations.Question(
        text=body.get("question"), visitor_id=visitor_id, name=body.get("name"),
        email=body.get("email") or None, page_url=body.get("page_url") or "",
        language=body.get("language") or "en",
    )


@bp.post("/conversations")
@limiter.limit(setting("limit_questions"))
def ask():
    """Ask: rank everyone, store the question, offer it to the best available person."""
    svc = services()
    question = _question_from(request.get_json(silent=True))
    with svc.transaction() as session:
        conversation, token, happened = intake.ask(session, svc.matcher, question, svc.policy,
                                                   svc.clock())
        events = live.socket_events(session, happened)
        body = {**payloads.customer_view(session, conversation, svc.policy), "token": token}
    live.emit_all(svc.socketio, events)
    return jsonify(body), 201


@bp.post("/conversations/resume")
@limiter.limit(setting("limit_resume"))
def resume():
    """A link from a reply mail: open that conversation in this widget (a new key for it)."""
    svc = services()
    body = request.get_json(silent=True)
    link = body.get("link") if isinstance(body, dict) else None
    conversation_id, sent_to = mail.read_resume_token(svc.settings, link)
    with svc.transaction() as session:
        conversation, token = conversations.reopen_by_link(
            session, conversation_id, sent_to, svc.clock(),
            timedelta(days=svc.settings.resume_link_days))
        body = {**payloads.customer_view(session, conversation, svc.policy), "token": token}
    return jsonify(body), 200
