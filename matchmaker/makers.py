"""Meet the makers: an employee's explicit opt-in to a public profile, what it publishes, and the
team page built from the published profiles only. Nothing is public by default; an opt-out takes
the profile off the page at once; every decision is kept with what it made public."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Forbidden, InvalidInput, NotFound
from .models import ROLES, Employee, PublicProfile, PublicProfileDecision

# What an employee may choose to publish besides their name and team (their role): never their
# e-mail, working hours, capacity or internal bio; `about` is a public text written for it.
PUBLIC_FIELDS = ("title", "team", "works_on", "languages", "about")
DEFAULT_FIELDS = ("title", "team", "languages")
_LIMITS = {"display_name": 120, "title": 120, "team": 120, "works_on": 500, "about": 1000}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2})?$")
MAX_LANGUAGES = 10


@dataclass(frozen=True)
class ProfileChoice:
    """What the employee filled in: whether to be public, which fields, and their values."""

    public: bool
    display_name: str
    fields: frozenset[str] = frozenset(DEFAULT_FIELDS)
    title: str = ""
    team: str = ""
    works_on: str = ""
    about: str = ""
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicPerson:
    """One maker as anyone may see them: only what they published (None: not published)."""

    id: int  # the public profile's id: what "ask this person" names
    name: str
    group: str  # their role: the team on the page ("developer", "sales", ...)
    title: str | None
    team: str | None
    works_on: str | None
    languages: tuple[str, ...] | None
    about: str | None

    @property
    def initials(self) -> str:
        parts = self.name.split()
        return "".join(part[0] for part in parts[:2]).upper() if parts else "?"


@dataclass(frozen=True)
class Team:
    """A group on the team page: its key (a role) and its public people."""

    key: str
    people: tuple[PublicPerson, ...]


def _clean(choice: ProfileChoice) -> ProfileChoice:
    """The choice with its texts stripped, or InvalidInput naming the first bad part."""
    unknown = set(choice.fields) - set(PUBLIC_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot publish {sorted(unknown)[0]}", code="invalid_profile")
    texts = {}
    for name, limit in _LIMITS.items():
        value = getattr(choice, name)
        if not isinstance(value, str) or len(value.strip()) > limit:
            raise InvalidInput(f"{name} must be text of at most {limit} characters",
                               code="invalid_profile")
        texts[name] = value.strip()
    if not texts["display_name"]:
        raise InvalidInput("a public profile needs a name", code="invalid_profile")
    languages = tuple(dict.fromkeys(code.strip().lower() for code in choice.languages
                                    if code.strip()))
    if len(languages) > MAX_LANGUAGES or not all(_LANGUAGE.match(code) for code in languages):
        raise InvalidInput("languages must be codes such as en or nl", code="invalid_profile")
    return ProfileChoice(public=bool(choice.public), fields=frozenset(choice.fields),
                         languages=languages, **texts)


def _published(profile: PublicProfile) -> dict:
    """Exactly what this profile makes public (empty when it is not public)."""
    if not profile.public:
        return {}
    shown = {"display_name": profile.display_name, "group": profile.employee.role}
    for name in PUBLIC_FIELDS:
        if name in profile.fields:
            value = getattr(profile, name)
            shown[name] = list(value) if isinstance(value, list) else value
    return shown


def _latest(session: Session, employee_id: int) -> PublicProfileDecision | None:
    return session.scalar(select(PublicProfileDecision).where(
        PublicProfileDecision.employee_id == employee_id)
        .order_by(PublicProfileDecision.id.desc()).limit(1))


def draft(session: Session, employee_id: int) -> ProfileChoice:
    """What the employee's form starts from: their saved choice, else their internal profile's
    name, title, team and languages, not public."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("no such employee")
    profile = session.scalar(select(PublicProfile).where(PublicProfile.employee_id == employee_id))
    if profile is None:
        return ProfileChoice(public=False, display_name=employee.name, title=employee.title,
                             team=employee.team, languages=tuple(employee.languages))
    return ProfileChoice(public=profile.public, display_name=profile.display_name,
                         fields=frozenset(profile.fields), title=profile.title, team=profile.team,
                         works_on=profile.works_on, about=profile.about,
                         languages=tuple(profile.languages))


def decide(session: Session, employee_id: int, choice: ProfileChoice, decided_by: int,
           now: datetime) -> PublicPerson | None:
    """The employee opts in (publishing the chosen fields) or out; only they decide. A change of
    what is public is recorded as a decision; returns what is public now (None: nothing)."""
    if decided_by != employee_id:
        raise Forbidden("only the employee decides what of them is public")
    choice = _clean(choice)
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("no such employee")
    profile = session.scalar(select(PublicProfile).where(PublicProfile.employee_id == employee_id))
    if profile is None:
        profile = PublicProfile(employee_id=employee_id, employee=employee)
        session.add(profile)
    profile.public, profile.fields = choice.public, sorted(choice.fields)
    profile.display_name, profile.title, profile.team = (choice.display_name, choice.title,
                                                         choice.team)
    profile.works_on, profile.about = choice.works_on, choice.about
    profile.languages, profile.updated_at = list(choice.languages), now
    published, latest = _published(profile), _latest(session, employee_id)
    changed = (profile.public if latest is None
               else latest.opted_in != profile.public or latest.published != published)
    if changed:
        session.add(PublicProfileDecision(employee_id=employee_id, decided_by_id=decided_by,
                                          opted_in=profile.public, published=published,
                                          decided_at=now))
    session.flush()
    return public_view(profile)


def decisions(session: Session, employee_id: int) -> list[PublicProfileDecision]:
    """Every opt-in and opt-out of this employee, newest first."""
    return list(session.scalars(select(PublicProfileDecision).where(
        PublicProfileDecision.employee_id == employee_id)
        .order_by(PublicProfileDecision.id.desc())))


def public_view(profile: PublicProfile) -> PublicPerson | None:
    """The profile as customers see it: None unless public and its employee active."""
    if not profile.public or not profile.employee.active:
        return None

    def shown(name: str):
        return getattr(profile, name) or None if name in profile.fields else None

    languages = shown("languages")
    return PublicPerson(id=profile.id, name=profile.display_name, group=profile.employee.role,
                        title=shown("title"), team=shown("team"), works_on=shown("works_on"),
                        languages=tuple(languages) if languages else None, about=shown("about"))


def public_people(session: Session) -> list[PublicPerson]:
    """Everyone public now, by name."""
    profiles = session.scalars(select(PublicProfile).join(Employee, PublicProfile.employee_id
                                                          == Employee.id)
                               .where(PublicProfile.public.is_(True), Employee.active.is_(True))
                               .order_by(PublicProfile.display_name, PublicProfile.id))
    return [view for view in map(public_view, profiles) if view is not None]


def team_page(session: Session) -> list[Team]:
    """The public people grouped by team (role), teams in a fixed order; empty teams left out."""
    people = public_people(session)
    return [Team(key, tuple(p for p in people if p.group == key)) for key in ROLES
            if any(p.group == key for p in people)]


def public_person(session: Session, profile_id: int) -> tuple[PublicPerson, int] | None:
    """A public person by their public id, with their employee id (None: not public)."""
    profile = session.get(PublicProfile, profile_id)
    view = public_view(profile) if profile is not None else None
    return (view, profile.employee_id) if view is not None else None


def seed_public_profiles(session: Session, employees: list[Employee], choices: dict[str, dict],
                         now: datetime) -> None:
    """The demo company's opt-ins: each listed employee decides for themselves."""
    for employee in employees:
        wanted = choices.get(employee.email)
        if wanted is None:
            continue
        decide(session, employee.id, ProfileChoice(
            public=True, display_name=wanted.get("display_name", employee.name),
            fields=frozenset(wanted.get("fields", DEFAULT_FIELDS)), title=employee.title,
            team=employee.team, works_on=wanted.get("works_on", ""),
            about=wanted.get("about", ""), languages=tuple(employee.languages)),
            decided_by=employee.id, now=now)
