"""A story's lifecycle: its states, the transitions allowed between them, and the append-only
log every step is recorded in.

    draft ──submit──▶ awaiting_approval ──all approvals in──▶ approved ──publish──▶ published
      ▲                  │        │                              │                   │
      └──edit / declined─┘        └──────── edit ────────────────┘                   │
    every state but withdrawn ──withdraw (marketing, or consent revoked)──▶ withdrawn ◀┘

withdrawn is final: a story that must come back is built again (and asked for again)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from ..errors import Conflict
from ..models import Story, StoryEvent


class State(StrEnum):
    DRAFT = "draft"  # marketing is building it
    AWAITING_APPROVAL = "awaiting_approval"  # the credited colleague (and maybe the customer)
    APPROVED = "approved"  # every approval is in; ready to publish
    PUBLISHED = "published"  # public, while the customer's consent holds
    WITHDRAWN = "withdrawn"  # taken down or abandoned; final


ALLOWED: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.AWAITING_APPROVAL, State.WITHDRAWN}),
    State.AWAITING_APPROVAL: frozenset({State.APPROVED, State.DRAFT, State.WITHDRAWN}),
    State.APPROVED: frozenset({State.PUBLISHED, State.DRAFT, State.WITHDRAWN}),
    State.PUBLISHED: frozenset({State.WITHDRAWN}),
    State.WITHDRAWN: frozenset(),
}

# Where marketing may still change the words (an edit sends the story back to draft).
EDITABLE = frozenset({State.DRAFT, State.AWAITING_APPROVAL, State.APPROVED})
# Where a revoked consent must take the story down or stop it.
LIVE = frozenset(set(State) - {State.WITHDRAWN})


class InvalidStoryTransition(Conflict):
    """The story cannot go from its state to the one asked for."""

    code = "invalid_story_transition"


def record(session: Session, story: Story, kind: str, now: datetime, *, actor: str,
           employee_id: int | None = None, reason: str | None = None,
           detail: dict | None = None) -> StoryEvent:
    """Append one step to the story's log (no state change)."""
    event = StoryEvent(story_id=story.id, at=now, kind=kind, actor=actor,
                       employee_id=employee_id, reason=reason, detail=detail or {})
    session.add(event)
    story.events.append(event)
    story.updated_at = now
    return event


def move(session: Session, story: Story, target: State, kind: str, now: datetime, *,
         actor: str, employee_id: int | None = None, reason: str | None = None,
         detail: dict | None = None) -> StoryEvent:
    """Change the state if the lifecycle allows it, recording the step; else
    InvalidStoryTransition."""
    current = State(story.state)
    if target not in ALLOWED[current]:
        raise InvalidStoryTransition(f"a story cannot go from {current} to {target}")
    event = record(session, story, kind, now, actor=actor, employee_id=employee_id,
                   reason=reason, detail=detail)
    event.state_from, event.state_to = current.value, target.value
    story.state = target.value
    return event
