"""The employee console page; its live parts talk over the /employee namespace."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .pages import client_config

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.get("/")
@login_required
def index():
    return render_template("console.html", me=current_user, config=client_config())
