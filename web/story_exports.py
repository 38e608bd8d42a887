"""Stories leaving the product: marketing's export (Markdown, JSON, CSV; only stories the
customer's consent covers, personal data masked), and the share kit in the console (the post a
colleague copies for each published story crediting them, every copy counted)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, jsonify, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from matchmaker import story_sharing
from matchmaker.errors import MatchmakerError, NotFound, Unauthenticated
from matchmaker.models import Employee
from matchmaker.stories.building import get_story

from .api import body_of
from .auth import require
from .errors import error_body, status_for
from .runtime import redactor_for
from .schemas import StoryShareRequest
from .services import services

bp = Blueprint("story_exports", __name__, url_prefix="/marketing/stories")
share_bp = Blueprint("story_shares", __name__, url_prefix="/console/stories")
MIMETYPES = {"markdown": ("text/markdown", "md"), "json": ("application/json", "json"),
             "csv": ("text/csv", "csv")}


@bp.get("/export")
@require("marketing")
def export():
    """The exportable stories as a download: ?format=markdown|json|csv."""
    kind = request.args.get("format", "markdown")
    svc = services()
    with svc.transaction() as session:
        stories = [story_sharing.exported(s, redactor_for(svc))
                   for s in story_sharing.exportable_stories(session)]
        body = story_sharing.render(stories, kind)
    mimetype, extension = MIMETYPES[kind]
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="stories-{date.today()}.{extension}"',
        "Cache-Control": "no-store"})


@bp.post("/<id:story_id>/quotes/<id:quote_id>/masking")
@require("marketing")
def correct_masking(story_id: int, quote_id: int):
    """The preview's form: which ranges stay masked, and words to mask as well."""
    svc = services()
    try:
        with svc.transaction() as session:
            story = get_story(session, story_id)
            quote = next((q for q in story.quotes if q.id == quote_id), None)
            if quote is None:
                raise NotFound("a quote is not in this story", code="invalid_quotes")
            add, remove = story_sharing.decided(
                quote, story, redactor_for(svc), set(request.form.getlist("mask")),
                request.form.get("also", ""), request.form.get("kind", "name"))
            story_sharing.correct_quote(session, story_id, quote_id, add, remove,
                                        session.get(Employee, current_user.id), svc.clock())
        flash(gettext("Masking saved: exports and the share post follow it."), "ok")
    except MatchmakerError as error:  # shown on the story's page, with the domain's words
        flash(str(error), "error")
        if isinstance(error, NotFound):
            raise
    return redirect(url_for("stories.story", story_id=story_id, _anchor=f"masking-{quote_id}"))


def _me(session) -> Employee:
    if not current_user.is_authenticated:
        raise Unauthenticated("sign in as an employee")
    return session.get(Employee, current_user.id)


@share_bp.get("/shareable")
@login_required
def shareable():
    """The signed-in colleague's published stories, each with the post to share and how often
    it was copied."""
    svc = services()
    with svc.transaction() as session:
        me = _me(session)
        stories = story_sharing.shareable_for(session, me)
        counts = story_sharing.share_counts(session, [s.id for s in stories])
        return jsonify({"ok": True, "stories": [
            {"id": s.id, "title": s.title, "language": s.language,
             "text": story_sharing.share_text(s, redactor_for(svc)),
             "shares": counts[s.id]} for s in stories]})


@share_bp.post("/<id:story_id>/shares")
def share(story_id: int):
    """Count one copy of the post (the console calls this when the colleague copies it)."""
    svc = services()
    command = body_of(StoryShareRequest)
    with svc.transaction() as session:
        me = _me(session)
        story_sharing.record_share(session, story_id, me, command.channel, svc.clock())
        counts = story_sharing.share_counts(session, [story_id])
    return jsonify({"ok": True, "shares": counts[story_id]}), 201


@share_bp.errorhandler(MatchmakerError)
def share_error(error: MatchmakerError):
    return jsonify(error_body(error)), status_for(error)


@share_bp.errorhandler(CSRFError)
def share_csrf_error(error: CSRFError):
    return jsonify({"error": "csrf", "message": error.description}), 400
