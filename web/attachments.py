"""Attachments over HTTP: the widget uploads with the conversation's key, the console with the
employee's sign-in (and its CSRF token); anyone holding a link minted for a reader downloads
the file until the link expires (web/attachment_links.py). docs/attachments.md."""

from __future__ import annotations

import io
import logging

from flask import Blueprint, jsonify, request, send_file
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from wtforms import ValidationError

from matchmaker import attachments, conversations
from matchmaker.errors import InvalidInput, MatchmakerError, Unauthenticated
from matchmaker.models import Employee, Message

from . import attachment_links, live, payloads
from .errors import checked, error_body, status_for
from .limits import retry_after
from .schemas import AttachedAnswer, AttachRequest, parse
from .services import Services, services

log = logging.getLogger(__name__)

bp = Blueprint("attachments", __name__, url_prefix="/api/v1")
console_bp = Blueprint("console_attachments", __name__, url_prefix="/console/conversations")

FORM_SLACK = 64 * 1024  # the multipart body around the file: boundaries, name, client_id
SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; " \
          "frame-ancestors 'none'"


def _too_large() -> InvalidInput:
    return InvalidInput(f"a file may be up to {attachments.MAX_BYTES // (1024 * 1024)} MB",
                        code="attachment_too_large")


def _upload() -> tuple[str, bytes, str | None]:
    """The file's name and bytes, and the client_id: a body over the limit is refused from its
    Content-Length before it is read (and, sent chunked, as soon as it passes the limit)."""
    limit = attachments.MAX_BYTES + FORM_SLACK
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    request.max_content_length = limit  # this request only; the app's stays small
    command = parse(AttachRequest, {k: v for k, v in request.form.items()
                                    if k not in ("file", "csrf_token")})
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("send the file as the form field `file`", code="attachment_missing")
    data = upload.stream.read(attachments.MAX_BYTES + 1)
    if len(data) > attachments.MAX_BYTES:
        raise RequestEntityTooLarge()
    return upload.filename or "", data, command.client_id


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("send the conversation's key as Authorization: Bearer")
    return token.strip()


def _stored(conversation_id: int, name: str, data: bytes, client_id: str | None, open_it) -> tuple:
    """Check the caller and count them against the rate limit (per conversation and author,
    only once they are authenticated: nobody else can use up a conversation's allowance), check
    the file (off the event loop: decoding an image takes a while), then one domain call in one
    transaction; the said event goes out after commit. open_it(session) → (the conversation,
    the employee or None), and refuses whoever may not attach."""
    svc = services()
    with svc.transaction() as session:  # a stranger's upload is never decoded, nor counted
        author = "customer" if open_it(session)[1] is None else "employee"
    wait = retry_after("limit_attachments", str(conversation_id), author)
    if wait is not None:
        return jsonify({"error": "rate_limited", "retry_after": wait,
                        "message": f"too many files at once; try again in {wait} s"}), 429, \
            {"Retry-After": str(wait)}
    file = svc.run_cpu(attachments.prepare, svc.file_inspector, name, data)
    stored = None  # the key this upload stored, until its row is committed
    try:
        with svc.transaction() as session:
            conversation, employee = open_it(session)
            message, happened = attachments.attach(session, svc.attachment_store, conversation,
                                                   file, client_id, svc.policy, svc.clock(),
                                                   employee=employee)
            stored = message.attachment.storage_key if happened else None  # a resend stores none
            events = live.socket_events(session, happened)
            body = {"ok": True, "message": payloads.message(message)}
    except Exception:
        if stored is not None:
            _discard(svc, stored)
        raise
    live.emit_all(svc.socketio, events)
    return jsonify(checked(AttachedAnswer, body)), 201


def _discard(svc: Services, key: str) -> None:
    """The bytes of an upload whose transaction failed after they were stored (at commit, say)
    go at once; should even that fail, the orphan files' sweep deletes them later."""
    try:
        with svc.transaction() as session:
            attachments.discard_unrecorded(session, svc.attachment_store, key)
    except Exception:
        log.exception("the bytes of a failed upload are left to the orphan sweep: %s", key)


@bp.post("/conversations/<id:conversation_id>/attachments")
def customer_attach(conversation_id: int):
    """The customer attaches an image or a PDF (multipart: `file`, optional `client_id`),
    authenticated by the conversation's key (Authorization: Bearer)."""
    name, data, client_id = _upload()
    token, svc = _bearer(), services()

    def open_it(session):
        return conversations.conversation_by_token(session, conversation_id, token,
                                                   svc.clock()), None

    return _stored(conversation_id, name, data, client_id, open_it)


@console_bp.post("/<id:conversation_id>/attachments")
def employee_attach(conversation_id: int):
    """The employee who has the conversation, or a colleague invited in, attaches an image or a
    PDF."""
    if not current_user.is_authenticated:
        raise Unauthenticated("sign in as an employee")
    name, data, client_id = _upload()
    # Checked here rather than by CSRFProtect, which reads the form before this view can raise
    # the request's size limit (csrf.exempt in the factory): the header, or the form field.
    validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))

    def open_it(session):
        me = session.get(Employee, current_user.id)
        return conversations.conversation_for_employee(session, conversation_id, me), me

    return _stored(conversation_id, name, data, client_id, open_it)


@bp.get("/attachments/<id:attachment_id>/<token>")
def download(attachment_id: int, token: str):
    """The file, for whoever holds a link minted for a reader: 404 for a link altered or for
    another file, 410 once it has expired. Images inline, PDFs always as a download."""
    svc = services()
    conversation_id = attachment_links.opened(attachment_id, token)
    with svc.transaction() as session:
        attachment = attachments.get_attachment(session, attachment_id, conversation_id)
        data = attachments.read(svc.attachment_store, attachment)
        name, content_type = attachment.name, attachment.content_type
    response = send_file(io.BytesIO(data), mimetype=content_type, download_name=name,
                         as_attachment=content_type not in attachments.IMAGES,
                         conditional=False, etag=False, max_age=None)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_template_global("attachment_link")
def attachment_link(message: Message) -> dict | None:
    """A transcript page's link to a message's file (marketing and admins read every one)."""
    return attachment_links.public(attachments.of_message(message))


def _refused_size(error: RequestEntityTooLarge):
    return jsonify(error_body(_too_large())), 413


bp.register_error_handler(RequestEntityTooLarge, _refused_size)
console_bp.register_error_handler(RequestEntityTooLarge, _refused_size)


@console_bp.errorhandler(MatchmakerError)
def console_error(error: MatchmakerError):
    """The console's calls answer in JSON, with the codes the domain gives."""
    return jsonify(error_body(error)), status_for(error)


@console_bp.errorhandler(CSRFError)
def console_csrf_error(error: CSRFError):
    return jsonify({"error": "csrf", "message": error.description}), 400


@console_bp.errorhandler(ValidationError)
def console_csrf_refused(error: ValidationError):
    return jsonify({"error": "csrf", "message": str(error)}), 400


@console_bp.errorhandler(HTTPException)
def console_http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return jsonify({"error": code, "message": error.description}), error.code
