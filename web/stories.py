"""Proof stories on the web, for marketing: the list (and its JSON, where published means still
publishable), a story built from a transcript's messages, its page with each quote's original
beside the edit, and the steps (submit, publish, withdraw, ask the customer). Each step answers
JSON to a client that asks for it (Accept: application/json), else a page."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session

from matchmaker import story_sharing
from matchmaker.errors import InvalidInput, MatchmakerError
from matchmaker.models import Employee, Story
from matchmaker.redaction import KINDS
from matchmaker.stories import approvals, building, consent, listing, publishing
from matchmaker.stories.states import ALLOWED, EDITABLE, State

from .auth import require
from .consent_page import consent_link
from .errors import error_body, status_for
from .runtime import redactor_for
from .services import services

bp = Blueprint("stories", __name__, url_prefix="/marketing")

# What a marketer reads when a step is refused (the code stays the API's).
REFUSALS = {
    "consent_missing": _l("The customer has not agreed to every quote's exact words yet: the "
                          "story cannot be published."),
    "invalid_story_transition": _l("That step is not possible from the story's state."),
    "story_locked": _l("A published or withdrawn story cannot be changed."),
    "no_quotes": _l("Choose at least one message to quote."),
    "invalid_quotes": _l("Choose messages of this conversation."),
    "invalid_employee": _l("Credit a colleague who answered in this conversation."),
    "conversation_open": _l("Build stories from conversations that have ended."),
    "empty_title": _l("Give the story a title."), "empty_quote": _l("A quote cannot be empty."),
    "title_too_long": _l("The title is too long."), "quote_too_long": _l("A quote is too long."),
    "no_reply_address": _l("The customer left no e-mail address: copy the link and pass it on."),
}
DONE = {"submit": _l("Sent for approval."), "publish": _l("Published."),
        "withdraw": _l("Withdrawn."), "edit": _l("Saved."), "ask": _l("The link is on its way.")}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _me(session: Session) -> Employee:
    return session.get(Employee, current_user.id)


def story_json(session: Session, story: Story, public: bool = False) -> dict:
    """A story as JSON: its quotes with where consent stands (public: only the published
    words, personal data masked, for readers of published stories)."""
    decisions = consent.decisions_for(session, story.conversation_id)
    redactor = redactor_for(services())
    quotes = [{"id": q.id, "seq": q.seq, "author": q.author,
               "text": story_sharing.public_quote(story, q, redactor)}
              if public else
              {"id": q.id, "seq": q.seq, "author": q.author, "original": q.original,
               "text": q.text, "edited": q.edited, "consent": consent.consent_state(q, decisions)}
              for q in story.quotes]
    body = {"id": story.id, "title": story.title, "language": story.language,
            "state": story.state, "employee": {"id": story.employee_id, "name": story.employee.name},
            "published_at": story.published_at.isoformat() if story.published_at else None,
            "quotes": quotes}
    if not public:
        body |= {"conversation_id": story.conversation_id, "updated_at": story.updated_at.isoformat()}
    return body


def _state_arg() -> str | None:
    state = request.args.get("state") or None
    if state is not None and state not in list(State):
        raise InvalidInput("unknown story state", code="invalid_filter")
    return state


@bp.get("/stories")
@require("marketing")
def index():
    with services().transaction() as session:
        state = _state_arg()
        return render_template("marketing/stories.html", stories=listing.list_stories(session, state),
                               state=state, states=[s.value for s in State])


@bp.get("/stories.json")
@require("marketing")
def index_json():
    """The stories as JSON; ?state=published lists only those still publishable (the consent
    of every quote holds), as every reader of published stories must."""
    try:
        with services().transaction() as session:
            state = _state_arg()
            return jsonify({"ok": True, "stories": [
                story_json(session, s, public=state == State.PUBLISHED)
                for s in listing.list_stories(session, state)]})
    except MatchmakerError as error:
        return jsonify(error_body(error)), status_for(error)


def _whole(value: str) -> bool:
    """A small whole number written in ASCII digits (what int() takes without surprise)."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def _seqs() -> list[int]:
    values = request.form.getlist("seq")
    if not all(_whole(v) for v in values):
        raise InvalidInput("messages are chosen by their seq", code="invalid_quotes")
    return [int(v) for v in values]


@bp.post("/conversations/<id:conversation_id>/stories")
@require("marketing")
def create(conversation_id: int):
    """A draft story from the transcript's chosen messages."""
    svc = services()
    try:
        with svc.transaction() as session:
            credited = request.form.get("employee", "")
            story = building.create_story(
                session, conversation_id, _seqs(), request.form.get("title"), _me(session),
                svc.clock(), int(credited) if _whole(credited) else None)
            story_id, body = story.id, story_json(session, story)
    except MatchmakerError as error:
        if _wants_json():
            return jsonify(error_body(error)), status_for(error)
        flash(str(REFUSALS.get(error.code, error)), "error")
        return redirect(url_for("marketing.conversation", conversation_id=conversation_id,
                                _anchor="new-story"))
    if _wants_json():
        return jsonify({"ok": True, "story": body}), 201
    return redirect(url_for("stories.story", story_id=story_id))


def _story_page(story_id: int, status: int = 200):
    svc = services()
    with svc.transaction() as session:
        story = building.get_story(session, story_id)
        decisions = consent.decisions_for(session, story.conversation_id)
        return render_template(
            "marketing/story.html", story=story, allowed=ALLOWED[State(story.state)],
            quotes=[(q, consent.consent_state(q, decisions)) for q in story.quotes],
            approvals=approvals.approvals(session, story), editable=story.state in
            {s.value for s in EDITABLE}, link=consent_link(svc.settings, story.conversation),
            decisions=[d for d in decisions if d.quote_id in {q.id for q in story.quotes}],
            masking={q.id: story_sharing.masking(story, q, redactor_for(svc))
                     for q in story.quotes},
            kinds=KINDS, mail=svc.policy.mail_enabled and bool(story.conversation.reply_to)), status


@bp.get("/stories/<id:story_id>")
@require("marketing")
def story(story_id: int):
    return _story_page(story_id)


def _step(story_id: int, done: str, run):
    """Run one domain step on the story in a transaction; answer JSON or the page."""
    svc = services()
    try:
        with svc.transaction() as session:
            body = story_json(session, run(session, _me(session), svc))
    except MatchmakerError as error:
        if _wants_json():
            return jsonify(error_body(error)), status_for(error)
        flash(str(REFUSALS.get(error.code, error)), "error")
        return _story_page(story_id, status_for(error))
    if _wants_json():
        return jsonify({"ok": True, "story": body})
    flash(str(DONE[done]), "ok")
    return redirect(url_for("stories.story", story_id=story_id))


@bp.post("/stories/<id:story_id>")
@require("marketing")
def edit(story_id: int):
    """The title and the quotes' words (fields quote-<id>); changed words after submitting
    send the story back to draft."""
    texts = {int(k[6:]): v for k, v in request.form.items()
             if k.startswith("quote-") and _whole(k[6:])}
    return _step(story_id, "edit", lambda session, me, svc: building.edit_story(
        session, story_id, request.form.get("title"), texts, me, svc.clock()))


@bp.post("/stories/<id:story_id>/submit")
@require("marketing")
def submit(story_id: int):
    return _step(story_id, "submit", lambda session, me, svc: approvals.submit(
        session, story_id, me, svc.clock()))


@bp.post("/stories/<id:story_id>/publish")
@require("marketing")
def publish(story_id: int):
    """Refused with consent_missing (409) unless every quote has the customer's yes."""
    return _step(story_id, "publish", lambda session, me, svc: publishing.publish(
        session, story_id, me, svc.clock()))


@bp.post("/stories/<id:story_id>/withdraw")
@require("marketing")
def withdraw(story_id: int):
    return _step(story_id, "withdraw", lambda session, me, svc: publishing.withdraw(
        session, story_id, me, svc.clock()))


@bp.post("/stories/<id:story_id>/consent-request")
@require("marketing")
def ask_consent(story_id: int):
    """Mail the consent link to the conversation's reply address (the outbox sends it)."""
    return _step(story_id, "ask", lambda session, me, svc: consent.request_consent(
        session, story_id, me, svc.policy, svc.clock()))
