"""Public pages: the demo company's website, the widget loader and its frame, health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, send_from_directory
from sqlalchemy import text

from matchmaker import demo

from .services import services

bp = Blueprint("pages", __name__)


@bp.get("/")
def demo_site():
    """A fictional company homepage that embeds the widget with one script tag; ?lang=nl|fr|de
    shows it in another language (the widget follows the page's lang)."""
    site = demo.load_site()
    language = request.args.get("lang", "en")
    language = language if language in site else "en"
    return render_template("demo_site.html", company=demo.load_demo()["company"],
                           copy=site[language], language=language, languages=list(site))


@bp.get("/widget.js")
def widget_loader():
    """The one script a website includes: it opens the widget frame from this server."""
    response = send_from_directory(current_app.static_folder, "loader.js",
                                   mimetype="text/javascript", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def client_config() -> dict:
    """The server's settings the browser needs (limits, whether mail is sent), rendered into
    each page so nothing is copied by hand into the JavaScript."""
    policy = services().policy
    return {"max_question_chars": policy.max_question_chars,
            "max_message_chars": policy.max_message_chars, "mail": policy.mail_enabled,
            # three beats per timeout: one lost or late beat is not a departure
            "console_heartbeat_ms": round(policy.presence_ttl_s * 1000 / 3),
            "widget_heartbeat_ms": round(min(20.0, policy.widget_ttl_s / 3) * 1000)}


@bp.get("/widget")
def widget_frame():
    """The widget itself, inside an iframe on our own origin (no third-party cookies or CORS);
    on its own page when opened from a mail link (?resume=...)."""
    return render_template("widget_frame.html", config=client_config())


@bp.get("/healthz")
def health():
    with services().transaction() as session:
        session.execute(text("SELECT 1"))
    return jsonify({"ok": True})
