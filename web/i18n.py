"""Languages: the staff pages in English, Dutch, French or German (the account's choice, else the
browser's), dates in the viewer's time zone, and mail in the customer's language (Flask-Babel
catalogs in web/translations, compiled by `make install`)."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request, url_for
from flask_babel import Babel, force_locale, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from matchmaker import staff

from .services import services

STAFF_LANGUAGES = {"en": "English", "nl": "Nederlands", "fr": "Français", "de": "Deutsch"}
CUSTOMER_LANGUAGES = ("en", "nl", "fr", "de")  # the widget's and the mails' languages

bp = Blueprint("i18n", __name__)

# Words stored as codes, as the staff pages show them.
LABELS = {
    "waiting": _l("waiting"), "offered": _l("offered"), "active": _l("live"),
    "offline": _l("answer later"), "closed": _l("ended"),
    "granted": _l("granted"), "refused": _l("refused"), "none": _l("not asked"),
    "quote_anonymised": _l("quote without personal details"), "quote_named": _l("quote with name"),
    "pending": _l("pending"), "sent": _l("sent"), "skipped": _l("skipped (read in time)"),
    "failed": _l("failed"),
    "asked": _l("asked"), "declined": _l("declined"), "expired": _l("expired"),
    "unreachable": _l("console unreachable"), "accepted": _l("accepted"), "queued": _l("queued"),
    "claimed": _l("claimed from the queue"), "left": _l("left"),
    "customer_left": _l("customer left the page"), "customer_returned": _l("customer came back"),
    "rated": _l("rated"), "rating_skipped": _l("rating skipped"), "reopened": _l("reopened"),
    "imported": _l("imported"), "rerouted": _l("re-routed"), "nobody_fits": _l("nobody fits"),
    "nobody_free": _l("nobody free"), "employee_left": _l("the employee left"),
    "presence_lapsed": _l("console gone"), "mail_link": _l("link in a mail"),
    "widget": _l("widget"), "customer": _l("customer"), "employee": _l("employee"),
    "system": _l("system"),
    # a question addressed from the team page (matchmaker/addressing.py)
    "addressed": _l("addressed to a team or person"), "fell_back": _l("fell back to someone else"),
    "target_unavailable": _l("nobody in the chosen team could answer"),
    # a chat handed to a colleague (matchmaker/handovers.py)
    "handover_requested": _l("hand-over requested"), "handover_declined": _l("hand-over declined"),
    "handover_ended": _l("hand-over ended without a taker"), "handed_over": _l("handed over"),
    "cancelled": _l("cancelled"), "conversation_closed": _l("the conversation closed"),
    "moved_on": _l("the chat moved on to a colleague"),
    # colleagues invited into a chat (matchmaker/participants.py)
    "joined": _l("joined the chat"), "lead_changed": _l("now holds the chat"),
    "gone": _l("console gone"), "lead": _l("came to hold the chat"),
    # proof stories (matchmaker/stories)
    "draft": _l("draft"), "awaiting_approval": _l("awaiting approval"), "approved": _l("approved"),
    "published": _l("published"), "withdrawn": _l("withdrawn"), "created": _l("created"),
    "submitted": _l("sent for approval"), "employee_approved": _l("approved by the colleague"),
    "employee_declined": _l("declined by the colleague"),
    "approvals_reset": _l("back to draft: approvals asked again"),
    "quote_edited": _l("quote edited"), "retitled": _l("title changed"),
    "consent_requested": _l("consent link mailed"),
    "customer_declined": _l("the customer said no to the edited words"),
    "consent_revoked": _l("the customer revoked consent"),
    "withdrawn_by_marketing": _l("withdrawn by marketing"),
    "approvals_complete": _l("every approval is in"), "edited": _l("words changed"),
    "marketing": _l("marketing"), "link": _l("consent link"), "story_quote": _l("one quote"),
}


def label(code: str | None) -> str:
    """A stored code in the viewer's language (unknown codes as they are)."""
    return str(LABELS.get(code, code or ""))


def _staff_locale() -> str:
    """The account's language, else the best of the browser's, else English."""
    if current_user.is_authenticated and current_user.locale in STAFF_LANGUAGES:
        return current_user.locale
    return request.accept_languages.best_match(list(STAFF_LANGUAGES)) or "en"


def _timezone() -> str:
    return current_user.timezone if current_user.is_authenticated else "UTC"


def customer_language(language: str | None) -> str:
    """The language a customer is written to in: theirs when we speak it ("nl-BE" is "nl")."""
    base = (language or "").lower().split("-")[0]
    return base if base in CUSTOMER_LANGUAGES else "en"


def in_language(language: str | None):
    """A context in which gettext and templates speak the customer's language."""
    return force_locale(customer_language(language))


@bp.post("/account/language")
@login_required
def set_language():
    """The signed-in employee picks the language of their pages and console."""
    chosen = request.form.get("language", "")
    with services().transaction() as session:
        staff.set_locale(session, current_user.id, chosen if chosen in STAFF_LANGUAGES else "")
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//")
                    else url_for("console.index"))


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_staff_locale, timezone_selector=_timezone)
    app.jinja_env.filters["when"] = lambda value, style="short": format_datetime(value, style)
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals.update(get_locale=get_locale, staff_languages=STAFF_LANGUAGES)
