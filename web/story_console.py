"""The employee console's "My stories": the stories crediting the signed-in colleague, with the
exact words they are asked to approve, and their approve / decline (JSON, session and CSRF)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from matchmaker import story_sharing
from matchmaker.errors import MatchmakerError, Unauthenticated
from matchmaker.models import Employee
from matchmaker.stories import approvals, listing

from .api import body_of
from .errors import error_body, status_for
from .runtime import redactor_for
from .schemas import StoryDeclineRequest
from .services import services
from .stories import story_json

bp = Blueprint("console_stories", __name__, url_prefix="/console/stories")


def _me(session) -> Employee:
    if not current_user.is_authenticated:
        raise Unauthenticated("sign in as an employee")
    return session.get(Employee, current_user.id)


def _mine(session, me: Employee, story) -> dict:
    """A story as its credited colleague sees it: whether it waits for their answer."""
    waiting = story.state == "awaiting_approval" and not approvals.approvals(
        session, story).employee
    return story_json(session, story) | {"needs_you": waiting}


@bp.get("/mine")
@login_required
def page():
    """The "My stories" page: each credited story's state and exact words, approve / decline;
    for a published one, the post to share and how often it was copied."""
    svc = services()
    with svc.transaction() as session:
        me = _me(session)
        published = story_sharing.shareable_for(session, me)
        counts = story_sharing.share_counts(session, [s.id for s in published])
        shares = {s.id: {"text": story_sharing.share_text(s, redactor_for(svc)),
                         "count": counts[s.id]} for s in published}
        return render_template("my_stories.html", shares=shares, stories=[
            (story, _mine(session, me, story)["needs_you"])
            for story in listing.stories_credited_to(session, me.id)])


@bp.get("")
def index():
    """The signed-in colleague's credited stories, newest first."""
    with services().transaction() as session:
        me = _me(session)
        return jsonify({"ok": True, "stories": [
            _mine(session, me, s) for s in listing.stories_credited_to(session, me.id)]})


@bp.post("/<id:story_id>/approve")
def approve(story_id: int):
    """Approve the story's words as they are now (refused once they changed: not_awaiting)."""
    svc = services()
    with svc.transaction() as session:
        me = _me(session)
        story = approvals.approve(session, story_id, me, svc.clock())
        return jsonify({"ok": True, "story": _mine(session, me, story)})


@bp.post("/<id:story_id>/decline")
def decline(story_id: int):
    """Decline, with a reason for marketing: the story goes back to draft."""
    svc = services()
    command = body_of(StoryDeclineRequest)
    with svc.transaction() as session:
        me = _me(session)
        story = approvals.decline(session, story_id, me, command.reason, svc.clock())
        return jsonify({"ok": True, "story": _mine(session, me, story)})


@bp.errorhandler(MatchmakerError)
def console_error(error: MatchmakerError):
    """The console's calls answer in JSON, with the codes the domain gives."""
    return jsonify(error_body(error)), status_for(error)


@bp.errorhandler(CSRFError)
def console_csrf_error(error: CSRFError):
    return jsonify({"error": "csrf", "message": error.description}), 400


@bp.errorhandler(HTTPException)
def console_http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return jsonify({"error": code, "message": error.description}), error.code
