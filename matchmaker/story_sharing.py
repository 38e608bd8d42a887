"""Sharing proof stories: the stories marketing may export (approved or published, and only
while the customer's consent covers every quote's exact words), as Markdown, JSON or CSV with
personal data masked (as marketing corrected the masking in the preview); and for each
published story a short post in its language crediting the colleague, which they copy from
their console to share in their own network, each copy counted."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .errors import Conflict, InvalidInput, NotFound
from .models import Employee, Story, StoryQuote, StoryShare
from .redaction import Correction, Redactor, Span, apply_corrections, mask
from .stories.building import get_story, require_marketing
from .stories.consent import consent_state, decisions_for
from .stories.publishing import publishable_stories
from .stories.states import EDITABLE, State, record

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


def detected(story: Story, text: str, redactor: Redactor) -> list[Span]:
    """Personal data found in a quote's words: the customer's details always; the colleague
    credited stays named (they approved the story), and so does the redactor's company."""
    customer = story.conversation.customer
    known = [k for k in (customer.name, customer.email, story.conversation.reply_to) if k]
    credited = {story.employee.name.casefold(), *(
        part.casefold() for part in story.employee.name.split() if len(part) >= 3)}
    return [s for s in redactor.find(text, _language(story), known)
            if s.text.casefold() not in credited]


def corrections_of(quote: StoryQuote) -> tuple[tuple[Correction, ...], tuple[Correction, ...]]:
    """Marketing's stored corrections of a quote: (ranges to mask too, ranges to leave)."""
    stored = quote.corrections or {}
    return (tuple(Correction(a, b, kind) for a, b, kind in stored.get("add", ())),
            tuple(Correction(a, b) for a, b in stored.get("remove", ())))


def quote_spans(story: Story, quote: StoryQuote, redactor: Redactor) -> list[Span]:
    """What is masked in a quote: what redaction finds, as marketing corrected it."""
    add, remove = corrections_of(quote)
    return apply_corrections(quote.text, detected(story, quote.text, redactor), add, remove)


def public_quote(story: Story, quote: StoryQuote, redactor: Redactor) -> str:
    """The quote's words as they leave the product: personal data masked."""
    return mask(quote.text, quote_spans(story, quote, redactor))


@dataclass(frozen=True)
class MaskChoice:
    """One range of a quote marketing decides about: found by redaction or added by hand, and
    whether it is masked now."""

    start: int
    end: int
    kind: str
    text: str
    masked: bool
    manual: bool


def masking(story: Story, quote: StoryQuote, redactor: Redactor
            ) -> tuple[str, list[MaskChoice]]:
    """The preview of a quote as it will leave (masked), and every range to decide about."""
    found = detected(story, quote.text, redactor)
    add, remove = corrections_of(quote)
    choices = [MaskChoice(s.start, s.end, s.kind, s.text,
                          not any(s.overlaps(c.start, c.end) for c in remove), False)
               for s in found if not any(s.overlaps(c.start, c.end) for c in add)]
    choices += [MaskChoice(c.start, c.end, c.kind or "name", quote.text[c.start:c.end], True,
                           True) for c in add]
    return mask(quote.text, apply_corrections(quote.text, found, add, remove)), sorted(
        choices, key=lambda c: c.start)


def decided(quote: StoryQuote, story: Story, redactor: Redactor, masked: set[str],
            also: str, kind: str) -> tuple[list, list]:
    """(add, remove) from the preview's form: the ranges ticked ("start-end-kind"), and every
    occurrence of `also` to mask as kind."""
    found = detected(story, quote.text, redactor)
    keys = {f"{s.start}-{s.end}-{s.kind}" for s in found}
    add = [[int(a), int(b), k] for a, b, k in (v.split("-", 2) for v in masked - keys)
           if a.isdigit() and b.isdigit()]
    remove = [[s.start, s.end] for s in found if f"{s.start}-{s.end}-{s.kind}" not in masked]
    words = also.strip()
    at = quote.text.find(words) if words else -1
    while at >= 0:
        add.append([at, at + len(words), kind])
        at = quote.text.find(words, at + len(words))
    return add, remove


def correct_quote(session: Session, story_id: object, quote_id: object, add: object,
                  remove: object, editor: Employee, now: datetime) -> StoryQuote:
    """Store marketing's corrections of a quote's masking (replacing the earlier ones): add,
    [(start, end, kind)] more to mask; remove, [(start, end)] found but to leave visible."""
    require_marketing(editor)
    story = get_story(session, story_id, lock=True)
    if State(story.state) not in EDITABLE:
        raise Conflict("a published or withdrawn story cannot be changed", code="story_locked")
    quote = next((q for q in story.quotes if q.id == quote_id), None)
    if quote is None:
        raise InvalidInput("a quote is not in this story", code="invalid_quotes")
    try:
        added = tuple(Correction(int(a), int(b), str(kind)) for a, b, kind in add)
        removed = tuple(Correction(int(a), int(b)) for a, b in remove)
    except (TypeError, ValueError):
        raise InvalidInput("ranges are (start, end[, kind])", code="invalid_correction") from None
    apply_corrections(quote.text, [], added, removed)  # InvalidInput when a range is wrong
    quote.corrections = {"add": [[c.start, c.end, c.kind] for c in added],
                         "remove": [[c.start, c.end] for c in removed]}
    record(session, story, "masking_corrected", now, actor="marketing", employee_id=editor.id,
           detail={"quote_id": quote.id, "added": len(added), "removed": len(removed)})
    session.flush()
    return quote


def exported(story: Story, redactor: Redactor) -> Exported:
    employee = story.employee
    return Exported(story.id, story.title, _language(story), story.state, employee.name,
                    employee.title or employee.role, employee.team or "",
                    tuple(public_quote(story, q, redactor) for q in story.quotes),
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


def share_text(story: Story, redactor: Redactor) -> str:
    """The post the credited colleague shares, in the story's language, at the redactor's
    company (the configured one) when there is one."""
    language, company = _language(story), redactor.company
    quote = public_quote(story, story.quotes[0], redactor) if story.quotes else ""
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
