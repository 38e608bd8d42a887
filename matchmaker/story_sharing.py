"""Sharing proof stories: the stories marketing may export (approved or published, and only
while the customer's consent covers every quote's exact words), as Markdown, JSON or CSV with
personal data masked; and for each published story a short post in its language crediting the
colleague, which they copy from their console to share in their own network, each copy
counted."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .errors import InvalidInput, NotFound
from .models import Employee, Story, StoryShare
from .ports import NameFinder
from .redaction import find_personal_data, mask
from .stories.consent import consent_state, decisions_for
from .stories.publishing import publishable_stories
from .stories.states import State

FORMATS = ("markdown", "json", "csv")
CHANNELS = ("copy", "linkedin")
MAX_QUOTE_IN_POST = 240
# The post a colleague shares, first person, in the story's language. {quote}: the first quote
# (shortened), {role}: their title; {company}: " at <name>" when the company is configured.
POSTS = {
    "en": "A customer told me after we talked: “{quote}” Moments like this are why I love my "
          "work as {role}{company}. #customerstories",
    "nl": "Een klant vertelde me na ons gesprek: “{quote}” Momenten als deze zijn waarom ik "
          "graag werk als {role}{company}. #klantverhalen",
    "fr": "Un client m'a dit après notre échange : « {quote} » C'est pour ces moments que "
          "j'aime mon travail de {role}{company}. #témoignagesclients",
    "de": "Ein Kunde sagte mir nach unserem Gespräch: „{quote}“ Genau dafür liebe ich meine "
          "Arbeit als {role}{company}. #kundenstimmen",
}
AT_COMPANY = {"en": " at {}", "nl": " bij {}", "fr": " chez {}", "de": " bei {}"}


@dataclass(frozen=True)
class Exported:
    """One story as it leaves the product: masked quotes, the colleague credited."""

    id: int
    title: str
    language: str
    state: str
    employee: str
    role: str
    team: str
    quotes: tuple[str, ...]
    published_at: datetime | None


def _language(story: Story) -> str:
    base = (story.language or "en").lower().split("-")[0]
    return base if base in POSTS else "en"


def exportable_stories(session: Session) -> list[Story]:
    """Approved and published stories whose every quote the customer's consent covers now,
    newest first: nothing else may be exported."""
    stories = session.scalars(
        select(Story).where(Story.state.in_((State.APPROVED, State.PUBLISHED)))
        .options(selectinload(Story.quotes), selectinload(Story.employee))
        .order_by(Story.updated_at.desc(), Story.id.desc())).all()
    kept = []
    for story in stories:
        decisions = decisions_for(session, story.conversation_id)
        if story.quotes and all(consent_state(q, decisions) == "granted" for q in story.quotes):
            kept.append(story)
    return kept


def public_quote(story: Story, text: str, names: NameFinder | None) -> str:
    """The quote with personal data masked: the customer's details always found; the colleague
    credited stays named (they approved the story)."""
    customer = story.conversation.customer
    known = [k for k in (customer.name, customer.email, story.conversation.reply_to) if k]
    credited = {story.employee.name.casefold(), *(
        part.casefold() for part in story.employee.name.split() if len(part) >= 3)}
    spans = [s for s in find_personal_data(text, _language(story), known, names)
             if s.text.casefold() not in credited]
    return mask(text, spans)


def exported(story: Story, names: NameFinder | None) -> Exported:
    employee = story.employee
    return Exported(story.id, story.title, _language(story), story.state, employee.name,
                    employee.title or employee.role, employee.team or "",
                    tuple(public_quote(story, q.text, names) for q in story.quotes),
                    story.published_at)


def render(stories: list[Exported], kind: str) -> str:
    """The stories as markdown, json or csv (one row per quote)."""
    if kind not in FORMATS:
        raise InvalidInput("export as markdown, json or csv", code="invalid_format")
    if kind == "json":
        return json.dumps([{"id": s.id, "title": s.title, "language": s.language,
                            "state": s.state, "employee": s.employee, "role": s.role,
                            "team": s.team, "quotes": list(s.quotes),
                            "published_at": s.published_at.isoformat() if s.published_at
                            else None} for s in stories], ensure_ascii=False, indent=2)
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["story_id", "title", "language", "state", "employee", "role", "team",
                         "quote_number", "quote"])
        for s in stories:
            for number, quote in enumerate(s.quotes, start=1):
                writer.writerow([s.id, _cell(s.title), s.language, s.state, _cell(s.employee),
                                 _cell(s.role), _cell(s.team), number, _cell(quote)])
        return out.getvalue()
    return "\n".join(_markdown(s) for s in stories)


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _markdown(story: Exported) -> str:
    quotes = "\n\n".join("> " + q.replace("\n", "\n> ") for q in story.quotes)
    return (f"## {story.title}\n\n{quotes}\n\n— with {story.employee}, {story.role}"
            f"{', ' + story.team if story.team else ''}\n")


def share_text(story: Story, names: NameFinder | None, company: str = "") -> str:
    """The post the credited colleague shares, in the story's language."""
    language = _language(story)
    quote = public_quote(story, story.quotes[0].text, names) if story.quotes else ""
    if len(quote) > MAX_QUOTE_IN_POST:
        quote = quote[:MAX_QUOTE_IN_POST - 1].rsplit(" ", 1)[0] + "…"
    employee = story.employee
    return POSTS[language].format(
        quote=quote, role=(employee.title or employee.role).lower(),
        company=AT_COMPANY[language].format(company) if company else "")


def shareable_for(session: Session, employee: Employee) -> list[Story]:
    """The published (and still consented) stories crediting this colleague."""
    return [s for s in publishable_stories(session) if s.employee_id == employee.id]


def record_share(session: Session, story_id: object, employee: Employee, channel: object,
                 now: datetime) -> StoryShare:
    """Count one copy of a story's share text by the colleague it credits."""
    if channel not in CHANNELS:
        raise InvalidInput("unknown channel", code="invalid_channel")
    if not isinstance(story_id, int) or isinstance(story_id, bool):
        raise InvalidInput("story_id must be a number", code="invalid_story")
    if story_id not in {s.id for s in shareable_for(session, employee)}:
        raise NotFound("no published story of yours with this number", code="no_such_story")
    share = StoryShare(story_id=story_id, employee_id=employee.id, channel=channel, at=now)
    session.add(share)
    session.flush()
    return share


def share_counts(session: Session, story_ids: list[int]) -> Counter:
    """How often each of these stories was copied to share."""
    if not story_ids:
        return Counter()
    return Counter(dict(session.execute(
        select(StoryShare.story_id, func.count(StoryShare.id))
        .where(StoryShare.story_id.in_(story_ids)).group_by(StoryShare.story_id)).all()))
