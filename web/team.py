"""Meet the makers: the public team page (GET /team, embeddable in the company's site) and its
JSON (GET /api/team), built from opted-in profiles only; and each employee's own "My public
profile" page in the console, where they opt in or out."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from matchmaker import makers
from matchmaker.errors import InvalidInput

from .errors import checked
from .i18n import customer_language, in_language
from .schemas import TeamPage
from .services import services

bp = Blueprint("team", __name__)

# A team on the page by its key (a role), and its button.
TEAM_NAMES = {"developer": _l("Developers"), "sales": _l("Sales"), "support": _l("Support"),
              "management": _l("Management"), "other": _l("More makers")}
ASK_TEAM = {"developer": _l("Ask the developers"), "sales": _l("Ask the sales team"),
            "support": _l("Ask the support team"), "management": _l("Ask the management"),
            "other": _l("Ask the team")}
FIELD_LABELS = {"title": _l("Role"), "team": _l("Team"), "works_on": _l("What I work on"),
                "languages": _l("Languages I speak"), "about": _l("About me")}


def person_json(person: makers.PublicPerson) -> dict:
    """What anyone may see of a maker: only what they published."""
    return {"id": person.id, "name": person.name, "initials": person.initials,
            "title": person.title, "team": person.team, "works_on": person.works_on,
            "languages": list(person.languages) if person.languages else None,
            "about": person.about}


def language_names(codes: tuple[str, ...] | None, language: str) -> list[str]:
    """Language codes as the page's language names them (unknown codes as they are)."""
    try:
        names = Locale.parse(language).languages
    except (UnknownLocaleError, ValueError):
        names = {}
    return [names.get(code.split("-")[0], code) for code in codes or ()]


@bp.get("/api/team")
def team_json():
    """The team page as JSON: teams (by role) with their public people."""
    with services().transaction() as session:
        teams = makers.team_page(session)
    body = {"teams": [{"key": team.key, "people": [person_json(p) for p in team.people]}
                      for team in teams]}
    return jsonify(checked(TeamPage, body))


@bp.get("/team")
def team_page():
    """The team page in the customer's language (?lang=nl|fr|de, else the browser's): each
    person with "Ask <name>", each team with "Ask the <team>"; the widget opens addressed."""
    asked = request.args.get("lang") or request.accept_languages.best_match(
        ["en", "nl", "fr", "de"]) or "en"
    language = customer_language(asked)
    with services().transaction() as session:
        teams = makers.team_page(session)
    with in_language(language):
        return render_template(
            "team.html", teams=teams, language=language, team_names=TEAM_NAMES,
            ask_team=ASK_TEAM, languages_of=lambda p: language_names(p.languages, language))


class PublicProfileForm(FlaskForm):
    public = BooleanField(_l("Show me on the public team page"))
    display_name = StringField(_l("Public name"), validators=[DataRequired(), Length(max=120)])
    title = StringField(FIELD_LABELS["title"], validators=[Length(max=120)])
    show_title = BooleanField(_l("Publish my role"))
    team = StringField(FIELD_LABELS["team"], validators=[Length(max=120)])
    show_team = BooleanField(_l("Publish my team"))
    works_on = TextAreaField(FIELD_LABELS["works_on"], validators=[Length(max=500)])
    show_works_on = BooleanField(_l("Publish what I work on"))
    languages = StringField(_l("Languages I speak (e.g. en; nl)"), validators=[Length(max=100)])
    show_languages = BooleanField(_l("Publish my languages"))
    about = TextAreaField(_l("A public text about me"), validators=[Length(max=1000)])
    show_about = BooleanField(_l("Publish this text"))

    def fill(self, choice: makers.ProfileChoice) -> None:
        for name in ("public", "display_name", "title", "team", "works_on", "about"):
            getattr(self, name).data = getattr(choice, name)
        self.languages.data = "; ".join(choice.languages)
        for name in makers.PUBLIC_FIELDS:
            getattr(self, f"show_{name}").data = name in choice.fields

    def choice(self) -> makers.ProfileChoice:
        languages = (self.languages.data or "").replace(",", ";").split(";")
        return makers.ProfileChoice(
            public=bool(self.public.data), display_name=self.display_name.data or "",
            fields=frozenset(n for n in makers.PUBLIC_FIELDS if getattr(self, f"show_{n}").data),
            title=self.title.data or "", team=self.team.data or "",
            works_on=self.works_on.data or "", about=self.about.data or "",
            languages=tuple(code.strip() for code in languages if code.strip()))


@bp.route("/console/profile", methods=["GET", "POST"])
@login_required
def my_profile():
    """The signed-in employee's own public profile: what to publish, and opting in or out."""
    svc = services()
    form = PublicProfileForm()
    if form.validate_on_submit():
        try:
            with svc.transaction() as session:
                shown = makers.decide(session, current_user.id, form.choice(), current_user.id,
                                      svc.clock())
        except InvalidInput as error:
            flash(str(error), "error")
        else:
            flash(gettext("You are on the team page.") if shown
                  else gettext("You are not on the team page."), "ok")
            return redirect(url_for("team.my_profile"))
    with svc.transaction() as session:
        if not form.is_submitted():
            form.fill(makers.draft(session, current_user.id))
        return render_template("my_profile.html", form=form,
                               decisions=makers.decisions(session, current_user.id),
                               field_labels=FIELD_LABELS), 400 if form.is_submitted() else 200
