"""E-mail: the outbox sent over SMTP with Flask-Mailman, and the signed, expiring links that
reopen a conversation in the widget. The domain decides what must be sent (matchmaker/outbox);
this module renders and delivers it."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_babel import gettext
from flask_mailman import EmailMultiAlternatives, Mail
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from matchmaker import conversations, notes, outbox
from matchmaker.errors import Unauthenticated
from matchmaker.models import Conversation
from matchmaker.stories.consent import CONSENT_MAIL

from .config import Settings
from .consent_page import consent_letter
from .i18n import customer_language, in_language
from .limits import retry_after
from .services import Services

log = logging.getLogger(__name__)
_SALT = "matchmaker.resume-link"
SMTP_TIMEOUT_S = 15


def init_app(app: Flask, settings: Settings) -> None:
    """SMTP settings for Flask-Mailman (always real SMTP, also under test)."""
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER=settings.smtp_host, MAIL_PORT=settings.smtp_port,
        MAIL_USE_TLS=settings.smtp_security == "starttls",
        MAIL_USE_SSL=settings.smtp_security == "ssl",
        MAIL_USERNAME=settings.smtp_username or None, MAIL_PASSWORD=settings.smtp_password or None,
        MAIL_DEFAULT_SENDER=settings.mail_from, MAIL_TIMEOUT=SMTP_TIMEOUT_S,
    )
    Mail(app)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def resume_token(settings: Settings, conversation: Conversation) -> str:
    """A signed token naming one conversation and (by digest) the address it was mailed to; it
    says nothing secret, expires, and dies when the conversation's reply address changes."""
    return _serializer(settings).dumps(
        {"c": conversation.id, "a": conversations.reply_address_digest(conversation.reply_to)})


def read_resume_token(settings: Settings, token: object) -> tuple[int, str]:
    """(conversation id, address digest) of a resume token, or Unauthenticated (expired or
    forged)."""
    if not isinstance(token, str) or not 0 < len(token) <= 500:
        raise Unauthenticated("this link is not valid", code="invalid_link")
    try:
        data = _serializer(settings).loads(token, max_age=settings.resume_link_days * 86400)
    except SignatureExpired:
        raise Unauthenticated("this link has expired; ask your question again",
                              code="link_expired") from None
    except BadSignature:
        raise Unauthenticated("this link is not valid", code="invalid_link") from None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(
            data.get("a"), str):
        raise Unauthenticated("this link is not valid", code="invalid_link")
    return data["c"], data["a"]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def resume_link(settings: Settings, conversation: Conversation) -> str:
    """Where the mail's link goes: back to the page the question was asked on when that page
    is one of ours (this server, or a site allowed to embed the widget), else to the widget on
    this server. Never to a page a client merely claimed."""
    token = resume_token(settings, conversation)
    allowed = {_origin(settings.public_url)} | {
        _origin(site) for site in settings.widget_origins.split() if site != "*"}
    page = conversation.page_url
    if page and _origin(page) in allowed and _origin(page)[0] in ("http", "https"):
        return f"{page.split('#', 1)[0]}#mm-resume={token}"
    return f"{settings.public_url.rstrip('/')}/widget?resume={token}"


def send_due(svc: Services, limit: int = 50) -> int:
    """Send the outbox's due mails, one claim at a time (a claim outlives one send by far, so
    no other process sends it meanwhile); returns how many went out."""
    sent = 0
    for _ in range(limit):
        with svc.transaction() as session:
            jobs = outbox.claim_due(session, svc.clock(), limit=1)
            letter = _render(session, svc.settings, jobs[0]) if jobs else None
        if not jobs:
            return sent
        sent += _deliver(svc, jobs[0], letter)
    return sent


def _deliver(svc: Services, job: outbox.MailJob, letter) -> int:
    if letter is None:
        with svc.transaction() as session:
            outbox.mark_skipped(session, job.mail_id, svc.clock())
        return 0
    wait = retry_after("limit_mail_recipient", job.to_address.lower())
    if wait is not None:  # nobody's inbox gets flooded through us
        with svc.transaction() as session:
            outbox.defer(session, job, svc.clock() + timedelta(seconds=wait))
        return 0
    try:
        letter.send()
    except Exception as error:  # any SMTP or network failure: retried with backoff
        log.warning("mail %s to %s failed (attempt %s): %s", job.mail_id, job.to_address,
                    job.attempt, error)
        with svc.transaction() as session:
            outbox.mark_failed(session, job.mail_id, f"{type(error).__name__}: {error}",
                               svc.clock())
        return 0
    with svc.transaction() as session:
        outbox.mark_sent(session, job, letter.subject, svc.clock())
    return 1


def _render(session, settings: Settings, job: outbox.MailJob) -> EmailMultiAlternatives | None:
    """The reply mail: the employee's unread messages and a link back to the conversation."""
    conversation = session.get(Conversation, job.conversation_id)
    if job.kind == CONSENT_MAIL:  # a story consent link, only to the address it was meant for
        ok = conversation is not None and conversation.reply_to == job.to_address
        return consent_letter(settings, conversation, job.to_address) if ok else None
    replies = notes.customer_messages(outbox.replies_to_mail(session, job))  # never a note
    if conversation is None or not replies:
        return None
    context = {"conversation": conversation, "employee": conversation.employee,
               "replies": replies, "link": resume_link(settings, conversation),
               "days": settings.resume_link_days,
               "language": customer_language(conversation.language)}
    with in_language(conversation.language):  # the customer's language, not the server's
        subject = (gettext("%(name)s answered your question", name=conversation.employee.name)
                   if conversation.employee else gettext("Your question was answered"))
        letter = EmailMultiAlternatives(
            subject=subject, to=[job.to_address], body=render_template("mail/reply.txt", **context),
            from_email=current_app.config["MAIL_DEFAULT_SENDER"])
        letter.attach_alternative(render_template("mail/reply.html", **context), "text/html")
    return letter
