"""The widget's HTTP API (/api/v1): asking a question opens a conversation and routes it at once.
Bodies are parsed with the schemas in web/schemas.py, which the OpenAPI document is made from."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, jsonify, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import UnsupportedMediaType

from matchmaker import conversations, intake

from . import live, mail, payloads
from .apidocs import operation
from .config import Settings
from .errors import checked
from .limits import limiter, setting
from .schemas import AskRequest, ConversationOpened, ResumeRequest, parse, parse_json
from .services import services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
_VISITOR_SALT = "matchmaker-visitor"


def visitor_from(settings: Settings, token: str | None) -> tuple[str, str]:
    """The visitor id a token this server signed stands for, and the token; without a valid one,
    a new visitor. A bare or borrowed id cannot name someone else's customer record."""
    signer = URLSafeSerializer(settings.secret_key, salt=_VISITOR_SALT)
    if token:
        try:
            visitor_id = signer.loads(token)
            if isinstance(visitor_id, str):
                return visitor_id, token
        except BadSignature:
            pass  # a forged or stale token: this browser starts as a new visitor
    visitor_id = secrets.token_urlsafe(24)
    return visitor_id, signer.dumps(visitor_id)


def body_of(schema):
    """The request's JSON body as the schema's command."""
    if not request.is_json:
        raise UnsupportedMediaType("send the body as application/json")
    return parse(schema, parse_json(request.get_data(cache=False)))


@bp.post("/conversations")
@operation(AskRequest, {201: ConversationOpened}, (400, 403, 413, 415, 429, 503))
@limiter.limit(setting("limit_questions"))
def ask():
    """Ask: rank everyone, store the question, offer it to the best available person (within
    the team or person it is addressed to first, if any; one not public: 403)."""
    svc = services()
    command = body_of(AskRequest)
    visitor_id, visitor = visitor_from(svc.settings, command.visitor)
    question = conversations.Question(
        text=command.question, visitor_id=visitor_id, name=command.name,
        email=command.email or None, page_url=command.page_url or "",
        language=command.language or "en")
    with svc.transaction() as session:
        conversation, token, happened = intake.ask(session, svc.matcher, question, svc.policy,
                                                   svc.clock(), team=command.team,
                                                   person=command.person)
        events = live.socket_events(session, happened)
        body = {**payloads.customer_view(session, conversation, svc.policy), "token": token,
                "visitor": visitor}
    live.emit_all(svc.socketio, events)
    return jsonify(checked(ConversationOpened, body)), 201


@bp.post("/conversations/resume")
@operation(ResumeRequest, {200: ConversationOpened}, (400, 401, 404, 413, 415, 429))
@limiter.limit(setting("limit_resume"))
def resume():
    """A link from a reply mail: open that conversation in this widget (a new key for it)."""
    svc = services()
    command = body_of(ResumeRequest)
    conversation_id, sent_to = mail.read_resume_token(svc.settings, command.link)
    with svc.transaction() as session:
        conversation, token = conversations.reopen_by_link(
            session, conversation_id, sent_to, svc.clock(),
            timedelta(days=svc.settings.resume_link_days))
        body = {**payloads.customer_view(session, conversation, svc.policy), "token": token}
    return jsonify(checked(ConversationOpened, body)), 200
