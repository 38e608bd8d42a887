"""Employee sign-in (Flask-Login, CSRF-protected form) and access checks by role."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from matchmaker import accounts, signins
from matchmaker.errors import Unauthenticated
from matchmaker.models import Employee

from .limits import account_key, failed, limiter, setting
from .services import services

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
# JSON for staff (signed in as marketing): a caller signed out gets 401 with an error body
# (web/errors.py answers JSON under /api/), not a redirect to the sign-in page.
login_manager.blueprint_login_views["story_search_api"] = None


@dataclass(frozen=True)
class Account(UserMixin):
    """The signed-in employee, detached from any database session, with their sign-in: the
    cookie names it by a secret key, and the server's record of it must still be open."""

    id: int
    name: str
    email: str
    access: str
    role: str
    locale: str
    timezone: str
    signin_id: int
    signin_key: str

    @classmethod
    def of(cls, employee: Employee, signin_id: int, signin_key: str) -> Account:
        return cls(employee.id, employee.name, employee.email, employee.access, employee.role,
                   employee.locale, employee.timezone, signin_id, signin_key)

    def get_id(self) -> str:
        return f"{self.id}:{self.signin_key}"

    def may(self, access: str) -> bool:
        """Admins may do everything; marketing reads transcripts; agents chat."""
        return self.access == "admin" or self.access == access


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    """The account of an open sign-in (ended ones, and cookies from before sign-ins were kept
    on the server, are signed out)."""
    employee_id, _, key = str(user_id).partition(":")
    if not employee_id.isascii() or not employee_id.isdigit() or not key or len(key) > 100:
        return None
    with services().transaction() as session:
        found = signins.current(session, int(employee_id), key)
        return Account.of(found[0], found[1], key) if found else None


def require(access: str):
    """A view decorator: signed in, with this access level (or admin)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.may(access):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _local(target: str) -> str | None:
    """target when it is a path on this site, else None: never an open redirect."""
    if any(ord(c) < 32 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(account: Account) -> str:
    return url_for("marketing.index" if account.access == "marketing" else "console.index")


@bp.route("/login", methods=["GET", "POST"])
# Failed attempts only, per account and per address; each tier waits longer than the last.
@limiter.limit(setting("limit_signin_account"), key_func=account_key, deduct_when=failed,
               methods=["POST"], scope="signin-account")
@limiter.limit(setting("limit_signin_address"), deduct_when=failed, methods=["POST"],
               scope="signin-address")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        svc = services()
        try:
            with svc.transaction() as session:
                claim = accounts.look_up(session, form.email.data)
            # Between transactions: a flood of sign-ins must not hold every pooled connection
            # while it hashes (off the event loop, under gevent).
            verdict = accounts.verify(claim, form.password.data, svc.run_cpu)
            with svc.transaction() as session:
                employee = accounts.admit(session, claim, verdict)  # an outdated hash: replaced
                account = Account.of(employee, *signins.begin(session, employee.id, svc.clock()))
        except Unauthenticated:
            flash(gettext("Wrong e-mail or password."), "error")
            return render_template("login.html", form=form), 401
        login_user(account)
        return redirect(_local(request.args.get("next", "")) or home_for(account))
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End this sign-in (a copy of its cookie opens nothing any more) and close its consoles,
    on every worker."""
    svc = services()
    with svc.transaction() as session:
        sids = signins.end(session, current_user.signin_key, svc.clock())
    close_consoles(sids)
    logout_user()
    return redirect(url_for("auth.login"))


def close_consoles(sids: list[str]) -> None:
    """Disconnect these console connections, wherever they are (through the message queue)."""
    socketio = services().socketio
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/employee")


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
