"""What the customer says at the end: a rating (only of an answered conversation, and never
forced) and consent to be quoted, each decision kept with the exact wording shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .conversations import answered
from .errors import Conflict, InvalidInput
from .lifecycle import Status, record
from .models import ConsentDecision, Conversation, ConversationEvent, Rating
from .stories import consent as story_consent

# The question the widget shows for each scope, in each language the widget speaks; the server
# decides the words and records the exact text with every decision, so what a customer agreed to
# is never in doubt.
CONSENT_WORDING = {
    "quote_anonymised": {
        "en": "May we quote this conversation (without your personal details)?",
        "nl": "Mogen we dit gesprek citeren (zonder je persoonsgegevens)?",
        "fr": "Pouvons-nous citer cette conversation (sans vos données personnelles) ?",
        "de": "Dürfen wir dieses Gespräch zitieren (ohne Ihre persönlichen Daten)?",
    },
    "quote_named": {
        "en": "May we quote this conversation with your name?",
        "nl": "Mogen we dit gesprek citeren met je naam?",
        "fr": "Pouvons-nous citer cette conversation avec votre nom ?",
        "de": "Dürfen wir dieses Gespräch mit Ihrem Namen zitieren?",
    },
}


# What the widget asks at the end of a chat. (quote_named is worded for when it asks for a name
# too; until then a decision for it is refused.)
OFFERED_SCOPE = "quote_anonymised"


def _wording(scope: str, language: str | None) -> tuple[str, str]:
    """(words, language) of the consent question for scope, in language when we have it."""
    base = (language or "").lower().split("-")[0]
    words = CONSENT_WORDING[scope]
    return (words[base], base) if base in words else (words["en"], "en")


def feedback_state(session: Session, conversation: Conversation) -> str | None:
    """Where the customer's rating stands: rated | skipped | due (closed and answered, not yet
    rated), or None while it cannot be rated (still open, or nobody answered)."""
    if conversation.rating is not None:
        return "rated"
    if conversation.status != Status.CLOSED or not answered(session, conversation):
        return None
    skipped = session.scalar(select(ConversationEvent.id).where(
        ConversationEvent.conversation_id == conversation.id,
        ConversationEvent.kind == "rating_skipped").limit(1))
    return "skipped" if skipped is not None else "due"


def rate(
    session: Session, conversation: Conversation, stars: object, comment: object, now: datetime
) -> Rating:
    """Rate a closed, answered conversation 1-5 (rating again replaces the earlier rating)."""
    if conversation.status != Status.CLOSED:
        raise Conflict("rate the conversation after it is closed", code="not_closed")
    if not answered(session, conversation):
        raise Conflict("nobody answered this conversation, so there is nothing to rate",
                       code="not_answered")
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise InvalidInput("stars must be a whole number from 1 to 5", code="invalid_stars")
    if comment is not None and not isinstance(comment, str):
        raise InvalidInput("comment must be text", code="invalid_comment")
    text = (comment or "").strip()[:2000]
    if conversation.rating is None:
        conversation.rating = Rating(stars=stars, comment=text, created_at=now)
    else:
        conversation.rating.stars, conversation.rating.comment = stars, text
    record(session, conversation, "rated", now, actor="customer", detail={"stars": stars})
    session.flush()
    return conversation.rating


def skip_rating(session: Session, conversation: Conversation, now: datetime) -> None:
    """The customer would rather not rate: it is not asked again (idempotent)."""
    if feedback_state(session, conversation) == "due":
        record(session, conversation, "rating_skipped", now, actor="customer")
        session.flush()


def consent_question(language: str | None) -> dict:
    """What the widget asks, in the server's words and the customer's language."""
    wording, spoken = _wording(OFFERED_SCOPE, language)
    return {"scope": OFFERED_SCOPE, "wording": wording, "language": spoken}


def decide_consent(
    session: Session, conversation: Conversation, granted: object, scope: object, now: datetime,
    source: str = "widget",
) -> ConsentDecision:
    """Record the customer's yes or no to being quoted; every decision is kept, the latest
    counts, and each carries the wording that was shown. Only what the widget asks is taken:
    the offered scope (consent_question), once the conversation is closed and was answered
    (as its rating: feedback_state), so a decision never claims words nobody was shown."""
    if not isinstance(granted, bool):
        raise InvalidInput("granted must be true or false", code="invalid_consent")
    scope = scope or OFFERED_SCOPE
    if scope != OFFERED_SCOPE:
        raise InvalidInput(f"the customer is asked about {OFFERED_SCOPE} only",
                           code="invalid_scope")
    if conversation.status != Status.CLOSED:
        raise Conflict("the customer is asked once the conversation is closed",
                       code="not_closed")
    if not answered(session, conversation):
        raise Conflict("nobody answered this conversation, so there is nothing to quote",
                       code="not_answered")
    wording, spoken = _wording(scope, conversation.language)
    decision = ConsentDecision(granted=granted, scope=scope, wording=wording, language=spoken,
                               source=source, decided_at=now)
    before = story_consent.covered_quotes(session, conversation.id)
    conversation.consents.append(decision)
    session.flush()
    # A no to the whole conversation takes back its quotes: their stories are withdrawn now.
    story_consent.withdraw_revoked(session, conversation.id, before, now)
    session.flush()
    return decision
