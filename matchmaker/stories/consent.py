"""Consent to each quote's exact words: what the customer is asked, the decisions kept (in the
consent log beside the conversation-wide ones), which decision counts for a quote, and the
withdrawal of every story a revocation takes the consent from, in the same transaction.

Which decision counts for a quote: the latest decision about this quote's exact words; a later
conversation-wide refusal overrides it (a "no to everything" withdraws everything). Without a
decision about the quote itself, the conversation-wide decision (the widget's) covers the words
as said, never edited words: those need the customer's yes to exactly those words. A broader
yes never overrides a specific no."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotFound
from ..models import ConsentDecision, Conversation, Employee, OutboxMail, Story, StoryQuote
from ..values import Policy
from .building import get_story, require_marketing
from .states import LIVE, State, move, record

GRANTED, REFUSED, MISSING = "granted", "refused", "missing"
QUOTE_SCOPE = "story_quote"
CONSENT_MAIL = "consent_link"  # the outbox's kind for the mail carrying the consent link
# What the consent page asks for each quote, in each language the widget speaks; the exact
# words shown (quote included) are recorded with the decision.
QUOTE_WORDING = {
    "en": "May we publish these words from our conversation, exactly as shown: “{text}”",
    "nl": "Mogen we deze woorden uit ons gesprek publiceren, precies zoals hier: “{text}”",
    "fr": "Pouvons-nous publier ces mots de notre conversation, exactement ainsi : « {text} »",
    "de": "Dürfen wir diese Worte aus unserem Gespräch genau so veröffentlichen: „{text}“",
}


def quote_wording(text: str, language: str | None) -> tuple[str, str]:
    """(the question about these words, its language): the customer's when we speak it."""
    base = (language or "").lower().split("-")[0]
    base = base if base in QUOTE_WORDING else "en"
    return QUOTE_WORDING[base].format(text=text), base


def decisions_for(session: Session, conversation_id: int) -> list[ConsentDecision]:
    """Every consent decision of a conversation, conversation-wide and per quote, oldest first."""
    return list(session.scalars(select(ConsentDecision).where(
        ConsentDecision.conversation_id == conversation_id).order_by(ConsentDecision.id)))


def consent_state(quote: StoryQuote, decisions: Sequence[ConsentDecision]) -> str:
    """granted | refused | missing: where the customer's consent to this quote's words stands."""
    general = [d for d in decisions if d.quote_id is None]
    specific = [d for d in decisions if d.quote_id == quote.id and d.covers == quote.text]
    last_general = general[-1] if general else None
    if specific:
        last = specific[-1]
        if not last.granted or (last_general is not None and not last_general.granted
                                and last_general.id > last.id):
            return REFUSED
        return GRANTED
    if last_general is None:
        return MISSING
    if not last_general.granted:
        return REFUSED
    return MISSING if quote.edited else GRANTED


def covered(quote: StoryQuote, decisions: Sequence[ConsentDecision]) -> bool:
    """The customer's yes holds for this quote's exact words."""
    return consent_state(quote, decisions) == GRANTED


def stories_of(session: Session, conversation_id: int, lock: bool = False) -> list[Story]:
    """The stories built from a conversation that are not withdrawn, oldest first (lock: re-read
    and locked until commit, as every change to a story takes it)."""
    query = select(Story).where(Story.conversation_id == conversation_id,
                                Story.state.in_([s.value for s in LIVE])).order_by(Story.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(query))


def covered_quotes(session: Session, conversation_id: int) -> set[int]:
    """The ids of the conversation's live quotes the customer's consent covers now."""
    decisions = decisions_for(session, conversation_id)
    return {quote.id for story in stories_of(session, conversation_id)
            for quote in story.quotes if covered(quote, decisions)}


def withdraw_revoked(session: Session, conversation_id: int, before: set[int],
                     now: datetime) -> list[Story]:
    """Withdraw every live story with a quote that was covered before a decision and is not
    now (a revocation), recorded as the customer's step; returns those stories."""
    session.flush()
    now_covered = covered_quotes(session, conversation_id)
    lost = before - now_covered
    withdrawn = []
    for story in stories_of(session, conversation_id, lock=True):
        quotes = sorted(q.id for q in story.quotes if q.id in lost)
        if quotes:
            move(session, story, State.WITHDRAWN, "withdrawn", now, actor="customer",
                 reason="consent_revoked", detail={"quotes": quotes})
            withdrawn.append(story)
    return withdrawn


def decide_quote(session: Session, conversation: Conversation, quote_id: object, granted: object,
                 language: str | None, now: datetime, source: str = "link"
                 ) -> tuple[ConsentDecision, list[Story]]:
    """Record the customer's yes or no to one quote's current words (with the question shown);
    a no that takes consent away withdraws every story depending on it. Returns the decision
    and the stories withdrawn."""
    if not isinstance(granted, bool):
        raise InvalidInput("granted must be true or false", code="invalid_consent")
    quote = _quote_of(session, conversation, quote_id)
    before = covered_quotes(session, conversation.id)
    wording, spoken = quote_wording(quote.text, language)
    decision = ConsentDecision(conversation_id=conversation.id, granted=granted,
                               scope=QUOTE_SCOPE, wording=wording, language=spoken,
                               source=source, decided_at=now, quote_id=quote.id,
                               covers=quote.text)
    session.add(decision)
    return decision, withdraw_revoked(session, conversation.id, before, now)


def _quote_of(session: Session, conversation: Conversation, quote_id: object) -> StoryQuote:
    """A live story's quote from this conversation, or NotFound (another conversation's too)."""
    quote = session.get(StoryQuote, quote_id) if isinstance(quote_id, int) else None
    if (quote is None or quote.story.conversation_id != conversation.id
            or quote.story.state == State.WITHDRAWN):
        raise NotFound("no such quote in this conversation")
    return quote


def request_consent(session: Session, story_id: object, author: Employee, policy: Policy,
                    now: datetime) -> Story:
    """Marketing asks the customer about a story's quotes: a mail with the consent link to the
    conversation's reply address (the outbox sends it), and the request in the story's log.
    Without an address (or mail) Conflict no_reply_address: marketing passes the link on."""
    require_marketing(author)
    story = get_story(session, story_id, lock=True)
    if story.state == State.WITHDRAWN:
        raise Conflict("this story was withdrawn", code="story_locked")
    conversation = story.conversation
    if not (policy.mail_enabled and conversation.reply_to):
        raise Conflict("the customer left no e-mail address: pass the link on yourself",
                       code="no_reply_address")
    session.add(OutboxMail(kind=CONSENT_MAIL, conversation_id=conversation.id,
                           to_address=conversation.reply_to, created_at=now, due_at=now))
    record(session, story, "consent_requested", now, actor="marketing", employee_id=author.id,
           detail={"to": conversation.reply_to})
    session.flush()
    return story
