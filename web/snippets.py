"""Snippets on the web: marketing's pages to keep them (with their use counts), and the two JSON
endpoints the console calls: search as the employee types `/…`, and record a sent use."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from matchmaker import conversations, snippets
from matchmaker.errors import Conflict, InvalidInput, MatchmakerError, Unauthenticated
from matchmaker.models import Employee

from .api import body_of
from .auth import require
from .errors import checked, error_body, status_for
from .schemas import MAX_TEXT, SnippetsAnswer, SnippetSearch, SnippetUseAnswer, SnippetUseRequest
from .schemas import parse as parse_schema
from .services import services

bp = Blueprint("snippets", __name__, url_prefix="/marketing/snippets")
console_bp = Blueprint("console_snippets", __name__, url_prefix="/console/snippets")

# Each language by its own name: a snippet is written in it.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "fr": "Français", "de": "Deutsch"}


def _languages() -> list[str]:
    return services().settings.languages.split()


class SnippetForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=snippets.TITLE_MAX)])
    language = SelectField(_l("Language"), validate_choice=False)
    tags = StringField(_l("Tags (separated by commas)"), validators=[Length(max=400)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    seen = HiddenField()

    def draft(self) -> snippets.Draft:
        return snippets.check_draft(self.title.data, self.body.data, self.language.data,
                                    self.tags.data, languages=_languages(),
                                    max_chars=services().policy.max_message_chars)


@bp.get("/")
@require("marketing")
def index():
    svc = services()
    with svc.transaction() as session:
        return render_template("marketing/snippets.html",
                               active=snippets.list_snippets(session, svc.clock()),
                               archived=snippets.list_snippets(session, svc.clock(), archived=True),
                               recent_days=snippets.RECENT_DAYS, languages=LANGUAGE_NAMES)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<id:snippet_id>", methods=["GET", "POST"])
@require("marketing")
def edit(snippet_id: int | None = None):
    svc = services()
    with svc.transaction() as session:
        snippet = snippets.get_snippet(session, snippet_id) if snippet_id else None
        form = SnippetForm(obj=snippet)
        if snippet is not None and not form.is_submitted():
            form.tags.data = ", ".join(snippet.tags)
            form.seen.data = snippet.updated_at.isoformat()
        archived = snippet is not None and snippet.archived_at is not None
    form.language.choices = [(code, LANGUAGE_NAMES.get(code, code)) for code in _languages()]
    if not form.validate_on_submit():
        return render_template("marketing/snippet_edit.html", form=form, snippet_id=snippet_id,
                               archived=archived)
    try:
        with svc.transaction() as session:
            if snippet_id:
                saved = snippets.edit_snippet(session, svc.encoder, snippet_id, form.draft(),
                                              current_user.id, svc.clock(), form.seen.data or None)
            else:
                saved = snippets.create_snippet(session, svc.encoder, form.draft(),
                                                current_user.id, svc.clock())
            title = saved.title
    except (InvalidInput, Conflict) as error:
        flash(str(error), "error")
        return render_template("marketing/snippet_edit.html", form=form, snippet_id=snippet_id,
                               archived=archived), status_for(error)
    flash(gettext("Saved the snippet “%(title)s”.", title=title), "ok")
    return redirect(url_for("snippets.index"))


@bp.post("/<id:snippet_id>/archive")
@require("marketing")
def archive(snippet_id: int):
    """No longer offered in the console; its uses still count."""
    svc = services()
    with svc.transaction() as session:
        title = snippets.archive_snippet(session, snippet_id, current_user.id, svc.clock()).title
    flash(gettext("Archived the snippet “%(title)s”.", title=title), "ok")
    return redirect(url_for("snippets.index"))


@bp.post("/<id:snippet_id>/restore")
@require("marketing")
def restore(snippet_id: int):
    """Offered in the console again."""
    svc = services()
    with svc.transaction() as session:
        title = snippets.restore_snippet(session, snippet_id, current_user.id, svc.clock()).title
    flash(gettext("Restored the snippet “%(title)s”.", title=title), "ok")
    return redirect(url_for("snippets.index"))


def _signed_in() -> None:
    """Only employees: a customer (or an ended sign-in) is not one."""
    if not current_user.is_authenticated:
        raise Unauthenticated("sign in as an employee")


def _me(session) -> Employee:
    _signed_in()
    return session.get(Employee, current_user.id)


@console_bp.get("")
def search():
    """The snippets matching what follows `/` in the composer, the conversation's language
    first (an empty query: the most used ones)."""
    svc = services()
    command = parse_schema(SnippetSearch, request.args.to_dict())
    _signed_in()
    query = " ".join(command.q.split())
    reading = svc.matcher.read(query) if query else None  # before the transaction's first query
    with svc.transaction() as session:
        me, language = _me(session), None
        if command.conversation is not None:
            conversation = conversations.conversation_for_employee(
                session, command.conversation, me)
            language = conversation.question_language or conversation.language
        found = svc.snippets.search(session, svc.matcher, query, reading, language)
    return jsonify(checked(SnippetsAnswer, {"ok": True, "snippets": [
        {"id": f.id, "title": f.title, "body": f.body, "language": f.language,
         "tags": list(f.tags)} for f in found]}))


@console_bp.post("/<id:snippet_id>/uses")
def record_use(snippet_id: int):
    """The employee's message (by its client_id) came from this snippet: counted once."""
    svc = services()
    command = body_of(SnippetUseRequest)
    with svc.transaction() as session:
        me = _me(session)
        _, created = snippets.record_use(session, snippet_id, me.id, command.conversation_id,
                                         command.client_id, svc.clock())
    return jsonify(checked(SnippetUseAnswer, {"ok": True, "recorded": created}))


@console_bp.errorhandler(MatchmakerError)
def console_error(error: MatchmakerError):
    """The console's calls answer in JSON, with the codes the domain gives."""
    return jsonify(error_body(error)), status_for(error)


@console_bp.errorhandler(CSRFError)
def console_csrf_error(error: CSRFError):
    return jsonify({"error": "csrf", "message": error.description}), 400


@console_bp.errorhandler(HTTPException)
def console_http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return jsonify({"error": code, "message": error.description}), error.code
