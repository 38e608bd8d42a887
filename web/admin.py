"""Admin pages: the employee list, and creating or editing a profile (re-embedded on change)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matchmaker import offers, outbox, profiles, signins, staff
from matchmaker.errors import InvalidInput
from matchmaker.models import ACCESS_LEVELS, MAX_CAPACITY, ROLES, Employee

from .auth import close_consoles, require
from .i18n import STAFF_LANGUAGES
from .mailcatcher import caught
from .services import services

bp = Blueprint("admin", __name__, url_prefix="/admin")


class EmployeeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLES)
    access = SelectField(_l("Access"), choices=ACCESS_LEVELS)
    title = StringField(_l("Title"), validators=[Length(max=120)])
    team = StringField(_l("Team"), validators=[Length(max=120)])
    bio = TextAreaField(_l("Bio"), validators=[Length(max=5000)])
    expertise = TextAreaField(_l("Expertise (one item a line)"), validators=[Length(max=5000)])
    languages = StringField(_l("Languages (e.g. en; nl)"), validators=[Length(max=100)])
    capacity = IntegerField(_l("Capacity (chats at once)"), validators=[NumberRange(1, MAX_CAPACITY)])
    working_hours = StringField(_l("Working hours"), validators=[Length(max=20)])
    timezone = StringField(_l("Time zone"), validators=[Length(max=64)])
    locale = SelectField(_l("Language of their pages"), validate_choice=False, choices=[
        SelectChoice("", _l("as their browser asks")),
        *(SelectChoice(code, name) for code, name in STAFF_LANGUAGES.items())])
    active = BooleanField(_l("Active"))
    password = PasswordField(_l("New password"), validators=[Optional(), Length(min=8, max=200)])

    def record(self) -> dict:
        data = {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "password")}
        data["expertise"] = (self.expertise.data or "").split("\n")
        data["languages"] = (self.languages.data or "").replace(",", ";")
        data["locale"] = self.locale.data if self.locale.data in STAFF_LANGUAGES else ""
        return data


@bp.get("/")
@require("admin")
def index():
    with services().transaction() as session:
        employees = session.scalars(select(Employee).order_by(Employee.role, Employee.name)).all()
        return render_template("admin/index.html", employees=employees)


@bp.route("/employees/new", methods=["GET", "POST"])
@bp.route("/employees/<id:employee_id>", methods=["GET", "POST"])
@require("admin")
def edit(employee_id: int | None = None):
    svc = services()
    with svc.transaction() as session:
        employee = session.get(Employee, employee_id) if employee_id else None
        if employee_id and employee is None:
            return render_template("error.html", message=gettext("No such employee.")), 404
        form = EmployeeForm(obj=employee, data=None if employee else {"active": True,
                                                                      "capacity": 2})
        if employee is not None and not form.is_submitted():
            form.expertise.data = "\n".join(employee.expertise)
            form.languages.data = "; ".join(employee.languages)
    if not form.validate_on_submit():
        return render_template("admin/edit.html", form=form, employee_id=employee_id)
    closed: list[str] = []
    try:
        with svc.transaction() as session:
            if employee_id:
                saved, changed = staff.update_employee(session, employee_id, form.record())
                if form.password.data:  # a new password ends every sign-in
                    closed = staff.change_password(session, employee_id, form.password.data,
                                                   svc.clock(), run=svc.run_cpu)
                if not saved.active:
                    closed += signins.end_all(session, employee_id, svc.clock(), "deactivated")
            else:
                saved = staff.create_employee(session, form.record(), svc.clock(),
                                              form.password.data or None, run=svc.run_cpu)
                changed = True
            if changed:
                profiles.embed_employees(session, svc.encoder, [saved])
    except InvalidInput as error:
        flash(str(error), "error")
        return render_template("admin/edit.html", form=form, employee_id=employee_id), 400
    close_consoles(closed)
    flash(gettext("Saved %(name)s.", name=saved.name)
          + (" " + gettext("Profile re-embedded.") if changed else ""), "ok")
    return redirect(url_for("admin.index"))


@bp.post("/employees/<id:employee_id>/sign-out")
@require("admin")
def sign_out_everywhere(employee_id: int):
    """End every sign-in of this employee and close their consoles, on every worker."""
    svc = services()
    with svc.transaction() as session:
        employee = session.get(Employee, employee_id)
        if employee is None:
            return render_template("error.html", message=gettext("No such employee.")), 404
        closed = signins.end_all(session, employee_id, svc.clock(), "signed_out_by_admin")
        name = employee.name
    close_consoles(closed)  # after commit: each disconnect runs its own transaction
    flash(gettext("%(name)s is signed out everywhere.", name=name), "ok")
    return redirect(url_for("admin.edit", employee_id=employee_id))


@bp.get("/playground")
@require("admin")
def playground():
    """Type a question, see who would be asked, why, and who would be passed over now."""
    svc = services()
    question = request.args.get("q", "").strip()[: svc.policy.max_question_chars]
    rows, ranking, kinds = [], None, {}
    if question:
        with svc.transaction() as session:
            ranking = svc.matcher.rank(session, question, limit=svc.policy.max_candidates)
            skips = offers.preview(session, ranking.matches, ranking.min_fit, svc.policy,
                                   svc.clock())
            rows = [(m, session.get(Employee, m.employee_id), skips[m.employee_id])
                    for m in ranking.matches]
            kinds = svc.matcher.question_kinds(svc.matcher.read(question).vector)
    return render_template("admin/playground.html", question=question, rows=rows,
                           ranking=ranking, kinds=kinds,
                           min_fit=ranking.min_fit if ranking else svc.policy.min_fit)


@bp.get("/mail")
@require("admin")
def mail():
    """The outbox (what was sent, what waits or failed) and, in development, what the loopback
    SMTP server caught."""
    svc = services()
    with svc.transaction() as session:
        mails = outbox.recent(session)
        return render_template("admin/mail.html", mails=mails, enabled=svc.policy.mail_enabled,
                               caught=caught(svc.settings.mail_catcher_dir),
                               catcher=svc.settings.mail_catcher_dir)
