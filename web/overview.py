"""Marketing's overview: charts of conversations, ratings and consent over time, and of
stories per employee, team and topic (matchmaker/overview.py), drawn by Chart.js in the page
from the figures the server puts in it."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, render_template, request
from flask_babel import gettext

from matchmaker import overview as figures
from matchmaker.errors import InvalidInput

from .auth import require
from .i18n import label
from .services import services

bp = Blueprint("overview", __name__, url_prefix="/marketing")
PERIODS = (4, 12, 26, 52)


def _weeks() -> int:
    value = request.args.get("weeks", "12")
    if not (value.isascii() and value.isdigit() and len(value) <= 3):
        raise InvalidInput("weeks must be a whole number", code="invalid_period")
    return int(value)


def _tally(tally: figures.Tally) -> dict:
    return {"key": tally.key, "label": tally.label, "conversations": tally.conversations,
            "stars": tally.stars, "granted": tally.granted, "stories": dict(tally.stories)}


def chart_data(seen: figures.Overview) -> dict:
    """The figures and every word the charts show (translated here, once)."""
    return {
        "weeks": [asdict(w) | {"start": w.start.isoformat()} for w in seen.weeks],
        "employees": [_tally(t) for t in seen.employees],
        "teams": [_tally(t) | {"label": label(t.label)} for t in seen.teams],
        "topics": [_tally(t) for t in seen.topics],
        "states": [{"key": s, "label": label(s)} for s in figures.STORY_STATES],
        "words": {"conversations": gettext("Conversations"), "answered": gettext("Answered live"),
                  "stars": gettext("Mean stars"), "rated": gettext("Rated"),
                  "granted": gettext("Consent granted"), "refused": gettext("Consent refused"),
                  "not_asked": gettext("Not asked")},
    }


@bp.get("/overview")
@require("marketing")
def index():
    svc = services()
    weeks = _weeks()
    with svc.transaction() as session:
        seen = figures.overview(session, svc.clock(), weeks)
    return render_template("marketing/overview.html", data=chart_data(seen), seen=seen,
                           weeks=weeks, periods=PERIODS)
