"""Marketing's search for proof stories: the passages of closed conversations where a customer
states an impact, searched by words and meaning, filtered, the sentence to quote highlighted
(matchmaker/story_finder.py). As a page, and as JSON under /api for the same query string; and
passages marked by hand in a transcript (matchmaker/passage_marks.py)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from matchmaker import passage_marks, story_finder
from matchmaker.errors import InvalidInput
from matchmaker.models import ROLES, Employee

from .auth import require
from .schemas import whole_number
from .services import services

bp = Blueprint("story_search", __name__, url_prefix="/marketing")
# Read-only JSON for staff signed in as marketing (GET only, so no CSRF token is needed).
api_bp = Blueprint("story_search_api", __name__, url_prefix="/api/marketing")


def _int(name: str) -> int | None:
    return whole_number(request.args.get(name, ""), name)


def _day(name: str) -> date | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a date (YYYY-MM-DD)", code="invalid_filter") from None


def _text(name: str) -> str | None:
    return request.args.get(name, "").strip() or None


def _filters() -> story_finder.Filters:
    return story_finder.Filters(
        employee_id=_int("employee"), team=_text("team"), min_rating=_int("rating"),
        consent=_text("consent"), language=_text("language"), since=_day("since"),
        until=_day("until"))


def _search() -> tuple[story_finder.Filters, str | None, list[story_finder.StoryCandidate]]:
    svc = services()
    filters, query = _filters(), _text("q")
    with svc.transaction() as session:
        found = story_finder.find_candidates(session, svc.story_readings, filters, query)
    return filters, query, found


@bp.get("/candidates")
@require("marketing")
def candidates():
    filters, query, found = _search()
    with services().transaction() as session:
        employees = session.scalars(select(Employee).order_by(Employee.name)).all()
        return render_template("marketing/candidates.html", found=found, filters=filters,
                               query=query or "", employees=employees, teams=ROLES,
                               people={e.id: e for e in employees})


@api_bp.get("/candidates")
@require("marketing")
def candidates_json():
    _, _, found = _search()
    return jsonify({"candidates": [_candidate(c) for c in found]})


def _candidate(c: story_finder.StoryCandidate) -> dict:
    return {"conversation_id": c.conversation_id, "seq": c.seq, "body": c.body,
            "highlight": {"start": c.start, "end": c.end}, "impact": c.meaning,
            "score": c.score, "employee_id": c.employee_id, "stars": c.stars,
            "consent": c.consent, "language": c.language, "marked": c.mark_id is not None,
            "closed_at": c.closed_at.isoformat() if c.closed_at else None}


def _form_int(name: str) -> int | None:
    return whole_number(request.form.get(name, ""), name, code="invalid_payload")


@bp.post("/conversations/<id:conversation_id>/marks")
@require("marketing")
def mark(conversation_id: int):
    """Mark a customer's message (or the part of it selected: start, end) as story material."""
    svc = services()
    seq = _form_int("seq")
    with svc.transaction() as session:
        passage_marks.mark_passage(session, conversation_id, seq,
                                   session.get(Employee, current_user.id), svc.clock(),
                                   _form_int("start"), _form_int("end"))
    flash(gettext("Marked: it now leads the story candidates."), "ok")
    return redirect(url_for("marketing.conversation", conversation_id=conversation_id,
                            _anchor=f"m{seq}"))


@bp.post("/marks/<id:mark_id>/unmark")
@require("marketing")
def unmark(mark_id: int):
    svc = services()
    with svc.transaction() as session:
        mark = passage_marks.unmark_passage(session, mark_id,
                                            session.get(Employee, current_user.id), svc.clock())
        conversation_id = mark.conversation_id
    flash(gettext("Mark taken back."), "ok")
    return redirect(url_for("marketing.conversation", conversation_id=conversation_id,
                            _anchor="transcript"))
