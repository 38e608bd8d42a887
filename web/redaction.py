"""Redaction's preview for marketing: a quote's personal data found and masked, with the hand
corrections applied, before anything is published (JSON; the page's CSRF token in
X-CSRFToken, as the console's JSON calls do)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from matchmaker import redaction
from matchmaker.errors import Forbidden, MatchmakerError, Unauthenticated
from matchmaker.redaction.known import known_personal_data

from .api import body_of
from .errors import checked, error_body, status_for
from .runtime import in_thread_pool
from .schemas import RedactionPreview, RedactionPreviewRequest
from .services import services

bp = Blueprint("redaction", __name__, url_prefix="/marketing/redaction")


def _marketing() -> None:
    """Marketing or admin: a JSON caller gets 401/403, not a redirect to the sign-in page."""
    if not current_user.is_authenticated:
        raise Unauthenticated("sign in as marketing")
    if not current_user.may("marketing"):
        raise Forbidden("only marketing may redact quotes")


@bp.post("/preview")
def preview():
    """{text, language, conversation_id?, add?, remove?} → {ok, spans, masked}."""
    _marketing()
    svc = services()
    command = body_of(RedactionPreviewRequest)
    with svc.transaction() as session:
        known = known_personal_data(session, command.conversation_id)
    # The name model is CPU work (15 ms a line, seconds to load on first use): under gevent it
    # runs in the native thread pool so the chat's event loop is never stalled by it.
    run = in_thread_pool if svc.settings.async_mode == "gevent" else _inline
    redactor = redaction.Redactor(svc.names, svc.settings.company_name)
    spans, masked = run(redactor.redact, command.text, command.language, known,
                        [redaction.Correction(r.start, r.end, r.kind) for r in command.add],
                        [redaction.Correction(r.start, r.end) for r in command.remove])
    return jsonify(checked(RedactionPreview, {"ok": True, "masked": masked, "spans": [
        {"kind": s.kind, "start": s.start, "end": s.end, "text": s.text, "source": s.source}
        for s in spans]}))


def _inline(fn, /, *args):
    return fn(*args)


@bp.errorhandler(MatchmakerError)
def redaction_error(error: MatchmakerError):
    """Answers in JSON, with the codes the domain gives."""
    return jsonify(error_body(error)), status_for(error)


@bp.errorhandler(CSRFError)
def redaction_csrf_error(error: CSRFError):
    return jsonify({"error": "csrf", "message": error.description}), 400


@bp.errorhandler(HTTPException)
def redaction_http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return jsonify({"error": code, "message": error.description}), error.code
