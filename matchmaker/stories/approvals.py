"""Who must say yes before a story is approved: the colleague it credits, always, and the
customer when a quote's words were edited (their yes to exactly those words, given through the
consent link). Approvals count from the latest submission: an edit sends the story back to
draft, and submitting again asks everyone again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound
from ..inputs import clean_text
from ..models import Conversation, Employee, Story
from .building import get_story, require_marketing
from .consent import GRANTED, REFUSED, consent_state, decisions_for, stories_of
from .states import State, move, record

REASON_MAX = 500


@dataclass(frozen=True)
class Approvals:
    """Where a story's approvals stand since it was last submitted."""

    employee: bool  # the credited colleague approved
    customer_needed: bool  # a quote was edited: the customer must approve its words
    customer: bool  # the customer said yes to every edited quote's words
    customer_refused: bool  # the customer said no to an edited quote's words

    @property
    def complete(self) -> bool:
        return self.employee and (self.customer or not self.customer_needed)


def _since_submitted(story: Story) -> list:
    """The story's events since it last entered awaiting_approval (none when it is not there)."""
    events = story.events
    starts = [i for i, e in enumerate(events) if e.state_to == State.AWAITING_APPROVAL]
    return events[starts[-1] + 1:] if starts and story.state != State.DRAFT else []


def approvals(session: Session, story: Story) -> Approvals:
    """The approvals a story has since its last submission, and whose are still needed."""
    answers = [e.kind for e in _since_submitted(story)
               if e.kind in ("employee_approved", "employee_declined")]
    edited = [q for q in story.quotes if q.edited]
    decisions = decisions_for(session, story.conversation_id) if edited else []
    states = [consent_state(q, decisions) for q in edited]
    return Approvals(employee=bool(answers) and answers[-1] == "employee_approved",
                     customer_needed=bool(edited),
                     customer=all(s == GRANTED for s in states),
                     customer_refused=any(s == REFUSED for s in states))


def settle(session: Session, story: Story, now: datetime) -> None:
    """A story awaiting approval moves on once every approval is in, or back to draft when the
    customer said no to edited words (marketing edits again or withdraws it)."""
    if story.state != State.AWAITING_APPROVAL:
        return
    state = approvals(session, story)
    if state.customer_refused:
        move(session, story, State.DRAFT, "customer_declined", now, actor="customer",
             reason="customer_declined")
    elif state.complete:
        move(session, story, State.APPROVED, "approved", now, actor="system",
             reason="approvals_complete")


def settle_conversation(session: Session, conversation: Conversation, now: datetime) -> None:
    """Settle every story of a conversation after the customer decided about its quotes."""
    session.flush()
    for story in stories_of(session, conversation.id, lock=True):
        settle(session, story, now)
    session.flush()


def submit(session: Session, story_id: object, author: Employee, now: datetime) -> Story:
    """Marketing asks for the approvals (the credited colleague sees it in their console)."""
    require_marketing(author)
    story = get_story(session, story_id, lock=True)
    move(session, story, State.AWAITING_APPROVAL, "submitted", now, actor="marketing",
         employee_id=author.id)
    session.flush()
    settle(session, story, now)  # the customer may have approved these words already
    session.flush()
    return story


def _credited_story(session: Session, story_id: object, employee: Employee) -> Story:
    story = get_story(session, story_id, lock=True)
    if employee is None or story.employee_id != employee.id:
        raise NotFound("no such story among yours")
    if story.state != State.AWAITING_APPROVAL:
        raise Conflict("this story is not waiting for your approval", code="not_awaiting")
    return story


def approve(session: Session, story_id: object, employee: Employee, now: datetime) -> Story:
    """The credited colleague approves the story's words as they are now."""
    story = _credited_story(session, story_id, employee)
    record(session, story, "employee_approved", now, actor="employee", employee_id=employee.id,
           detail={"texts": {str(q.id): q.text for q in story.quotes}})
    session.flush()
    settle(session, story, now)
    session.flush()
    return story


def decline(session: Session, story_id: object, employee: Employee, reason: object,
            now: datetime) -> Story:
    """The credited colleague declines: back to draft with their reason, for marketing."""
    story = _credited_story(session, story_id, employee)
    why = clean_text(reason, REASON_MAX, "reason") if reason not in (None, "") else ""
    move(session, story, State.DRAFT, "employee_declined", now, actor="employee",
         employee_id=employee.id, reason="declined", detail={"reason": why})
    session.flush()
    return story
