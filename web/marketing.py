"""The marketing console: every conversation, filtered, with transcript, timeline, rating and
every consent decision."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from matchmaker import conversations, notes, passage_marks, transcripts
from matchmaker.errors import InvalidInput
from matchmaker.lifecycle import Status
from matchmaker.models import Employee
from matchmaker.privacy import audit

from . import live
from .auth import require
from .schemas import whole_number
from .services import services

bp = Blueprint("marketing", __name__, url_prefix="/marketing")


def _int_arg(name: str) -> int | None:
    """A small whole number from the query string, or None (anything else is ignored: the
    list's links are made by the page itself)."""
    try:
        return whole_number(request.args.get(name, ""), name)
    except InvalidInput:
        return None


@bp.get("/")
@require("marketing")
def index():
    filters = transcripts.Filters(
        employee_id=_int_arg("employee"),
        status=request.args.get("status") or None,
        min_rating=_int_arg("rating"),
        consent=request.args.get("consent") or None,
        page=_int_arg("page") or 1,
    )
    with services().transaction() as session:
        rows, total = transcripts.list_conversations(session, filters)
        employees = session.scalars(select(Employee).order_by(Employee.name)).all()
        return render_template(
            "marketing/index.html", rows=rows, total=total, filters=filters,
            employees=employees, statuses=[status.value for status in Status],
            pages=(total + transcripts.PAGE_SIZE - 1) // transcripts.PAGE_SIZE,
        )


@bp.get("/conversations/<id:conversation_id>")
@require("marketing")
def conversation(conversation_id: int):
    svc = services()
    with svc.transaction() as session:
        conv = conversations.get_conversation(session, conversation_id)
        audit.record_view(session, current_user.id, conv.id, "marketing", svc.clock())
        return render_template("marketing/conversation.html", conv=conv,
                               messages=transcripts.transcript(session, conversation_id),
                               timeline=transcripts.timeline(session, conversation_id),
                               notes_after=notes.placed(
                                   notes.transcript_notes(session, conversation_id)),
                               note_client_id=secrets.token_urlsafe(12),
                               marks=passage_marks.conversation_marks(session, conv.id),
                               people={e.id: e for e in session.scalars(select(Employee))})


@bp.post("/conversations/<id:conversation_id>/notes")
@require("marketing")
def add_note(conversation_id: int):
    """An internal note from the transcript (staff only: whoever has the conversation hears of
    it in their console); the form's client_id makes a second click store nothing twice."""
    svc = services()
    with svc.transaction() as session:
        _, happened = notes.add_note(session, conversation_id,
                                     session.get(Employee, current_user.id),
                                     request.form.get("body"), request.form.get("client_id"),
                                     svc.policy, svc.clock())
        events = live.socket_events(session, happened)
    live.emit_all(svc.socketio, events)
    if events:
        flash(gettext("Note saved. Only staff can see it."), "ok")
    return redirect(url_for("marketing.conversation", conversation_id=conversation_id,
                            _anchor="transcript"))
