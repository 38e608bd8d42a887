"""Stories leaving the product: marketing's export (Markdown, JSON, CSV; only stories the
customer's consent covers, personal data masked), and the share kit in the console (the post a
colleague copies for each published story crediting them, every copy counted)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from matchmaker import story_sharing
from matchmaker.errors import MatchmakerError, Unauthenticated
from matchmaker.models import Employee

from .api import body_of
from .auth import require
from .errors import error_body, status_for
from .runtime import names_for
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
        stories = [story_sharing.exported(s, names_for(svc))
                   for s in story_sharing.exportable_stories(session)]
        body = story_sharing.render(stories, kind)
    mimetype, extension = MIMETYPES[kind]
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="stories-{date.today()}.{extension}"',
        "Cache-Control": "no-store"})


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
             "text": story_sharing.share_text(s, names_for(svc), svc.settings.company_name),
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
