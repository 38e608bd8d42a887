"""Publication, enforced here and nowhere else: a story is published only when approved and
while every quote is covered by the customer's yes to its exact words; publishable_stories is
the one query every reader of published stories (pages, JSON, exports) uses, so a story whose
consent was revoked is gone from all of them at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..errors import Conflict
from ..models import Employee, Story
from .building import get_story, require_marketing
from .consent import consent_state, covered, decisions_for
from .states import InvalidStoryTransition, State, move


class ConsentMissing(Conflict):
    """A quote of the story is not covered by the customer's yes to its exact words."""

    code = "consent_missing"


def uncovered_quotes(session: Session, story: Story) -> list[int]:
    """The ids of the story's quotes the customer's consent does not cover now."""
    decisions = decisions_for(session, story.conversation_id)
    return [q.id for q in story.quotes if not covered(q, decisions)]


def publish(session: Session, story_id: object, author: Employee, now: datetime) -> Story:
    """Publish an approved story; ConsentMissing when any quote lacks the customer's yes."""
    require_marketing(author)
    story = get_story(session, story_id, lock=True)
    if story.state != State.APPROVED:
        raise InvalidStoryTransition(f"a story cannot go from {story.state} to published")
    missing = uncovered_quotes(session, story)
    if missing:
        raise ConsentMissing(f"the customer has not agreed to quotes {missing}")
    move(session, story, State.PUBLISHED, "published", now, actor="marketing",
         employee_id=author.id)
    story.published_at = now
    session.flush()
    return story


def withdraw(session: Session, story_id: object, author: Employee, now: datetime) -> Story:
    """Marketing takes a story down or abandons it (from any state but withdrawn)."""
    require_marketing(author)
    story = get_story(session, story_id, lock=True)
    move(session, story, State.WITHDRAWN, "withdrawn", now, actor="marketing",
         employee_id=author.id, reason="withdrawn_by_marketing")
    session.flush()
    return story


def publishable_stories(session: Session) -> list[Story]:
    """The published stories whose every quote the customer's consent still covers, newest
    first: the only list of published stories anything may show or export."""
    stories = session.scalars(
        select(Story).where(Story.state == State.PUBLISHED)
        .options(selectinload(Story.quotes), selectinload(Story.employee))
        .order_by(Story.published_at.desc(), Story.id.desc())).all()
    by_conversation: dict[int, list] = {}
    shown = []
    for story in stories:
        if story.conversation_id not in by_conversation:
            by_conversation[story.conversation_id] = decisions_for(session, story.conversation_id)
        decisions = by_conversation[story.conversation_id]
        if all(consent_state(q, decisions) == "granted" for q in story.quotes):
            shown.append(story)
    return shown
