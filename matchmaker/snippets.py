"""Snippets: brand-approved replies marketing writes (title, text, language, tags), each use of
one recorded (never overwritten), and the counts that show marketing which answers work."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import case, distinct, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import Conflict, InvalidInput, NotFound
from .inputs import clean_id
from .models import Message, Rating, Snippet, SnippetUse
from .ports import Encoder
from .profiles import model_of

TITLE_MAX = 120
TAG_MAX = 30  # characters in one tag
TAGS_MAX = 10  # tags on one snippet
DEFAULT_LANGUAGES = ("en", "nl", "fr", "de")
RECENT_DAYS = 30
WELL_RATED = 4  # stars: a use in a conversation rated this or better "worked"
_TAG = re.compile(r"^[^\W_][\w-]*$")


@dataclass(frozen=True)
class Draft:
    """A snippet as marketing wrote it, checked and normalised."""

    title: str
    body: str
    language: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Usage:
    """How often a snippet was used: in all, in the last RECENT_DAYS days, in how many
    conversations, how many of those were rated, and how many rated WELL_RATED stars or more."""

    total: int = 0
    recent: int = 0
    conversations: int = 0
    rated: int = 0
    well_rated: int = 0
    last_used_at: datetime | None = None


def normalise_tags(tags: object) -> tuple[str, ...]:
    """Tags as a tuple of lower-case words (spaces become '-', a leading '#' goes), without
    duplicates, in the order given; a text is split on commas and semicolons."""
    if isinstance(tags, str):
        tags = re.split(r"[,;]", tags)
    if tags is None:
        tags = ()
    if not isinstance(tags, Iterable) or not all(isinstance(tag, str) for tag in tags):
        raise InvalidInput("tags must be a list of words", code="invalid_snippet_tags")
    result: list[str] = []
    for tag in tags:
        tag = "-".join(tag.strip().lstrip("#").lower().split())
        if not tag:
            continue
        if len(tag) > TAG_MAX or not _TAG.match(tag):
            raise InvalidInput(f"a tag is one word of letters, digits and '-', at most {TAG_MAX} "
                               f"characters: {tag[:TAG_MAX]!r}", code="invalid_snippet_tags")
        if tag not in result:
            result.append(tag)
    if len(result) > TAGS_MAX:
        raise InvalidInput(f"at most {TAGS_MAX} tags", code="invalid_snippet_tags")
    return tuple(result)


def check_draft(title: object, body: object, language: object, tags: object, *,
                max_chars: int, languages: Collection[str] = DEFAULT_LANGUAGES) -> Draft:
    """The snippet's rules: a title of 1 to TITLE_MAX characters, a text no longer than a chat
    message may be (max_chars), one of the languages served, tags normalised."""
    if not isinstance(title, str) or not title.strip():
        raise InvalidInput("give the snippet a title", code="invalid_snippet_title")
    if len(title.strip()) > TITLE_MAX:
        raise InvalidInput(f"a title has at most {TITLE_MAX} characters",
                           code="invalid_snippet_title")
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("write the snippet's text", code="invalid_snippet_text")
    if len(body.strip()) > max_chars:
        raise InvalidInput(f"a snippet is sent as one message: at most {max_chars} characters",
                           code="invalid_snippet_text")
    code = language.strip().lower().split("-")[0] if isinstance(language, str) else ""
    if code not in {served.lower() for served in languages}:
        raise InvalidInput(f"the language must be one of {', '.join(languages)}",
                           code="invalid_snippet_language")
    return Draft(" ".join(title.split()), body.strip(), code, normalise_tags(tags))


def _embed(encoder: Encoder, snippet: Snippet) -> None:
    """Store the vector of the snippet's title and text, and which model made it."""
    vector = encoder.encode([f"{snippet.title}\n{snippet.body}"])[0].astype(np.float32)
    snippet.vector, snippet.vector_model = vector.tobytes(), model_of(encoder)


def get_snippet(session: Session, snippet_id: object) -> Snippet:
    snippet = session.get(Snippet, clean_id(snippet_id, "snippet_id"))
    if snippet is None:
        raise NotFound("no such snippet", code="snippet_not_found")
    return snippet


def create_snippet(session: Session, encoder: Encoder, draft: Draft, author_id: int | None,
                   now: datetime) -> Snippet:
    """A new snippet, embedded now so that a search only encodes its query."""
    snippet = Snippet(title=draft.title, body=draft.body, language=draft.language,
                      tags=list(draft.tags), created_by_id=author_id, updated_by_id=author_id,
                      created_at=now, updated_at=now)
    _embed(encoder, snippet)
    session.add(snippet)
    session.flush()
    return snippet


def edit_snippet(session: Session, encoder: Encoder, snippet_id: object, draft: Draft,
                 editor_id: int | None, now: datetime, seen: str | None = None) -> Snippet:
    """Change a snippet's words (its uses stay with it). seen: the updated_at the editor
    started from (isoformat); when someone saved it since, nothing is overwritten."""
    snippet = get_snippet(session, snippet_id)
    if snippet.archived_at is not None:
        raise Conflict("this snippet is archived", code="snippet_archived")
    if seen is not None and seen != snippet.updated_at.isoformat():
        raise Conflict("someone else saved this snippet meanwhile: reload it",
                       code="snippet_changed")
    words = (snippet.title, snippet.body)
    snippet.title, snippet.body, snippet.language = draft.title, draft.body, draft.language
    snippet.tags = list(draft.tags)
    snippet.updated_by_id, snippet.updated_at = editor_id, now
    if (snippet.title, snippet.body) != words:
        _embed(encoder, snippet)
    session.flush()
    return snippet


def archive_snippet(session: Session, snippet_id: object, editor_id: int | None,
                    now: datetime) -> Snippet:
    """No longer offered in the console; its uses still count (archiving twice is no error)."""
    snippet = get_snippet(session, snippet_id)
    if snippet.archived_at is None:
        snippet.archived_at, snippet.updated_at, snippet.updated_by_id = now, now, editor_id
        session.flush()
    return snippet


def restore_snippet(session: Session, snippet_id: object, editor_id: int | None,
                    now: datetime) -> Snippet:
    """Offer an archived snippet again (an archive by mistake is undone, its uses intact)."""
    snippet = get_snippet(session, snippet_id)
    if snippet.archived_at is not None:
        snippet.archived_at, snippet.updated_at, snippet.updated_by_id = None, now, editor_id
        session.flush()
    return snippet


def record_use(session: Session, snippet_id: object, employee_id: int, conversation_id: object,
               client_id: object, now: datetime) -> tuple[SnippetUse, bool]:
    """The employee's message with this client_id in this conversation came from the snippet:
    recorded once per message (a resend returns the first record; created is False then)."""
    snippet = get_snippet(session, snippet_id)
    if not isinstance(client_id, str) or not 0 < len(client_id) <= 64:
        raise InvalidInput("client_id must be a short string", code="invalid_client_id")
    message = session.scalar(select(Message).where(
        Message.conversation_id == clean_id(conversation_id, "conversation_id"),
        Message.client_id == client_id, Message.employee_id == employee_id))
    if message is None:
        raise NotFound("no message of yours with this client_id in this conversation",
                       code="message_not_found")
    existing = _use_of(session, message.id)
    if existing is not None:
        return existing, False
    use = SnippetUse(snippet_id=snippet.id, employee_id=employee_id,
                     conversation_id=message.conversation_id, message_id=message.id, used_at=now)
    try:
        with session.begin_nested():
            session.add(use)
    except IntegrityError:  # the same message was recorded by a concurrent request
        return _use_of(session, message.id), False
    return use, True


def _use_of(session: Session, message_id: int) -> SnippetUse | None:
    return session.scalar(select(SnippetUse).where(SnippetUse.message_id == message_id))


def usage(session: Session, now: datetime,
          snippet_ids: Collection[int] | None = None) -> dict[int, Usage]:
    """Usage per snippet (snippets never used are left out)."""
    since = now - timedelta(days=RECENT_DAYS)
    rated = case((Rating.id.is_not(None), SnippetUse.conversation_id))
    well = case((Rating.stars >= WELL_RATED, SnippetUse.conversation_id))
    query = (select(SnippetUse.snippet_id, func.count(SnippetUse.id),
                    func.count(case((SnippetUse.used_at >= since, SnippetUse.id))),
                    func.count(distinct(SnippetUse.conversation_id)),
                    func.count(distinct(rated)), func.count(distinct(well)),
                    func.max(SnippetUse.used_at))
             .outerjoin(Rating, Rating.conversation_id == SnippetUse.conversation_id)
             .group_by(SnippetUse.snippet_id))
    if snippet_ids is not None:
        query = query.where(SnippetUse.snippet_id.in_(list(snippet_ids)))
    return {row[0]: Usage(*row[1:]) for row in session.execute(query)}


def use_totals(session: Session, snippet_ids: Collection[int]) -> dict[int, int]:
    """How many times each of these snippets was used (never used: left out)."""
    return dict(session.execute(
        select(SnippetUse.snippet_id, func.count(SnippetUse.id))
        .where(SnippetUse.snippet_id.in_(list(snippet_ids))).group_by(SnippetUse.snippet_id)).all())


def list_snippets(session: Session, now: datetime,
                  archived: bool = False) -> list[tuple[Snippet, Usage]]:
    """The snippets (the archived ones instead, with archived=True), by language and title,
    each with its usage."""
    state = Snippet.archived_at.is_not(None) if archived else Snippet.archived_at.is_(None)
    snippets = session.scalars(select(Snippet).where(state).order_by(
        Snippet.language, func.lower(Snippet.title), Snippet.id)).all()
    counts = usage(session, now, [s.id for s in snippets])
    return [(snippet, counts.get(snippet.id, Usage())) for snippet in snippets]


def reembed_snippets(session: Session, encoder: Encoder) -> int:
    """Re-embed every snippet (after switching the model); returns how many."""
    snippets = session.scalars(select(Snippet).order_by(Snippet.id)).all()
    if snippets:
        vectors = encoder.encode([f"{s.title}\n{s.body}" for s in snippets]).astype(np.float32)
        for snippet, vector in zip(snippets, vectors, strict=True):
            snippet.vector, snippet.vector_model = vector.tobytes(), model_of(encoder)
        session.flush()
    return len(snippets)


def seed_snippets(session: Session, encoder: Encoder, records: list[dict],
                  authors: dict[str, int], now: datetime) -> list[Snippet]:
    """The demo company's snippets (records: title, body, language, tags, author e-mail)."""
    drafts = [(check_draft(r["title"], r["body"], r["language"], r.get("tags", ()),
                           max_chars=4000), authors.get(r.get("author", ""))) for r in records]
    return [create_snippet(session, encoder, draft, author, now) for draft, author in drafts]
