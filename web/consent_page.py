"""The customer's consent page for proof stories: a signed, expiring link scoped to one
conversation (mailed to its reply address, or copied by marketing) that shows each quote's
exact words and takes a yes or no per quote, revocable later from the same link."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext
from flask_mailman import EmailMultiAlternatives
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from matchmaker import conversations
from matchmaker.errors import MatchmakerError, Unauthenticated
from matchmaker.models import Conversation
from matchmaker.stories import approvals, consent

from .config import Settings
from .errors import status_for
from .i18n import CUSTOMER_LANGUAGES, customer_language, in_language
from .services import services

bp = Blueprint("consent", __name__, url_prefix="/consent")
_SALT = "matchmaker.story-consent-link"
TOKEN_MAX = 500


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def consent_token(settings: Settings, conversation: Conversation) -> str:
    """A signed token naming one conversation and (by digest) its reply address: it expires,
    and dies when the address changes, like the reply mails' links."""
    return _serializer(settings).dumps(
        {"c": conversation.id, "a": conversations.reply_address_digest(conversation.reply_to)})


def consent_link(settings: Settings, conversation: Conversation) -> str:
    """The full address of a conversation's consent page, as the customer reaches it."""
    return f"{settings.public_url.rstrip('/')}/consent/{consent_token(settings, conversation)}"


def read_consent_token(session: Session, settings: Settings, token: str) -> Conversation:
    """The conversation a consent token opens, or Unauthenticated (invalid_link, link_expired)."""
    if not 0 < len(token) <= TOKEN_MAX:
        raise Unauthenticated("this link is not valid", code="invalid_link")
    try:
        data = _serializer(settings).loads(token, max_age=settings.consent_link_days * 86400)
    except SignatureExpired:
        raise Unauthenticated("this link has expired", code="link_expired") from None
    except BadSignature:
        raise Unauthenticated("this link is not valid", code="invalid_link") from None
    conversation = (session.get(Conversation, data.get("c"))
                    if isinstance(data, dict) and isinstance(data.get("c"), int) else None)
    if conversation is None or data.get("a") != conversations.reply_address_digest(
            conversation.reply_to):
        raise Unauthenticated("this link is not valid", code="invalid_link")
    return conversation


def _language(conversation: Conversation) -> str:
    """The page's language: the one the customer picked on it, else their widget's."""
    chosen = request.values.get("lang", "")
    return chosen if chosen in CUSTOMER_LANGUAGES else customer_language(conversation.language)


def _page(session: Session, conversation: Conversation, token: str, language: str,
          status: int = 200, saved: bool = False, failed: bool = False):
    decisions = consent.decisions_for(session, conversation.id)
    quotes = [(story, quote, consent.consent_state(quote, decisions),
               consent.quote_wording(quote.text, language)[0])
              for story in consent.stories_of(session, conversation.id) for quote in story.quotes]
    with in_language(language):
        return render_template("consent.html", quotes=quotes, token=token, language=language,
                               languages=CUSTOMER_LANGUAGES, saved=saved,
                               failed=failed), status


def _refused(error: MatchmakerError, language: str):
    with in_language(language):
        message = (gettext("This link has expired. Ask us for a new one.")
                   if error.code == "link_expired" else gettext("This link is not valid."))
        return render_template("consent.html", error=message, language=language,
                               languages=CUSTOMER_LANGUAGES), status_for(error)


@bp.get("/<token>")
def page(token: str):
    """Each quote of the conversation's stories, its exact words and the customer's decision."""
    svc = services()
    try:
        with svc.transaction() as session:
            conversation = read_consent_token(session, svc.settings, token)
            return _page(session, conversation, token, _language(conversation))
    except Unauthenticated as error:
        return _refused(error, customer_language(request.values.get("lang")))


@bp.post("/<token>/quotes/<id:quote_id>")
def decide(token: str, quote_id: int):
    """The customer's yes or no to one quote's words as shown (a no after a yes withdraws
    every story quoting them); the page again, with the decision in place."""
    svc = services()
    granted = {"yes": True, "no": False}.get(request.form.get("decision", ""))
    error: MatchmakerError | None = None
    try:
        with svc.transaction() as session:
            conversation = read_consent_token(session, svc.settings, token)
            conversation_id, language = conversation.id, _language(conversation)
            consent.decide_quote(session, conversation, quote_id, granted, language, svc.clock())
            approvals.settle_conversation(session, conversation, svc.clock())
    except Unauthenticated as refused:
        return _refused(refused, customer_language(request.values.get("lang")))
    except MatchmakerError as failed:  # nothing stored: the page again, with what went wrong
        error = failed
    with svc.transaction() as session:
        conversation = session.get(Conversation, conversation_id)
        if error is not None:
            return _page(session, conversation, token, language, status_for(error), failed=True)
        return _page(session, conversation, token, language, saved=True)


def consent_letter(settings: Settings, conversation: Conversation, to: str
                   ) -> EmailMultiAlternatives:
    """The mail asking the customer about the quotes, with the link, in their language."""
    context = {"conversation": conversation, "link": consent_link(settings, conversation),
               "days": settings.consent_link_days,
               "language": customer_language(conversation.language)}
    with in_language(conversation.language):
        letter = EmailMultiAlternatives(
            subject=gettext("May we quote you?"), to=[to],
            body=render_template("mail/consent.txt", **context),
            from_email=current_app.config["MAIL_DEFAULT_SENDER"])
        letter.attach_alternative(render_template("mail/consent.html", **context), "text/html")
    return letter
