"""What marketing makes: a story from chosen messages of a conversation, and edits of its title
and quotes (the words as said stay beside the edit; an edit after submitting sends the story
back to draft and its approvals must be given again)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..inputs import clean_text
from ..lifecycle import Status
from ..models import Conversation, Employee, Message, Story, StoryQuote
from .states import EDITABLE, State, move, record

# Who builds and publishes stories: those who read every transcript.
STORY_ACCESS = ("marketing", "admin")
MAX_QUOTES = 20
TITLE_MAX = 200
QUOTE_MAX = 4000


def require_marketing(employee: Employee) -> None:
    """Only marketing (or an admin) builds, edits, publishes and withdraws stories."""
    if employee is None or employee.access not in STORY_ACCESS:
        raise Forbidden("only marketing can build and publish stories")


def get_story(session: Session, story_id: object, lock: bool = False) -> Story:
    """A story by id, or NotFound; lock: re-read and locked until commit (every change takes
    it, so a publication and a revocation at the same moment are applied one after the other)."""
    query = select(Story).where(Story.id == story_id) if isinstance(story_id, int) else None
    if lock and query is not None:
        query = query.with_for_update().execution_options(populate_existing=True)
    story = session.scalars(query).first() if query is not None else None
    if story is None:
        raise NotFound("no such story")
    return story


def _chosen_messages(session: Session, conversation: Conversation,
                     seqs: Sequence[object]) -> list[Message]:
    if not isinstance(seqs, (list, tuple)) or not seqs:
        raise InvalidInput("choose at least one message to quote", code="no_quotes")
    if len(seqs) > MAX_QUOTES:
        raise InvalidInput(f"a story quotes at most {MAX_QUOTES} messages", code="too_many_quotes")
    if any(isinstance(s, bool) or not isinstance(s, int) for s in seqs):
        raise InvalidInput("messages are chosen by their seq", code="invalid_quotes")
    wanted = sorted(set(seqs))
    found = list(session.scalars(select(Message).where(
        Message.conversation_id == conversation.id, Message.seq.in_(wanted))
        .order_by(Message.seq)))
    if len(found) != len(wanted):
        raise InvalidInput("a chosen message is not in this conversation", code="invalid_quotes")
    return found


def _credited(session: Session, conversation: Conversation, employee_id: object) -> int:
    """The colleague the story credits: the one asked for if they wrote in the conversation,
    else (none asked for) whoever had it."""
    if employee_id is None:
        employee_id = conversation.employee_id
    writers = set(session.scalars(select(Message.employee_id).where(
        Message.conversation_id == conversation.id, Message.author == "employee")))
    if employee_id is None or employee_id not in writers | {conversation.employee_id}:
        raise InvalidInput("credit a colleague who answered in this conversation",
                           code="invalid_employee")
    return employee_id


def create_story(session: Session, conversation_id: object, seqs: Sequence[object], title: object,
                 author: Employee, now: datetime, credited_id: object = None) -> Story:
    """A draft story quoting the chosen messages of an ended conversation, in their order."""
    require_marketing(author)
    conversation = (session.get(Conversation, conversation_id)
                    if isinstance(conversation_id, int) else None)
    if conversation is None:
        raise NotFound("no such conversation")
    if conversation.status != Status.CLOSED:
        raise Conflict("build stories from conversations that have ended", code="conversation_open")
    name = clean_text(title, TITLE_MAX, "title")
    messages = _chosen_messages(session, conversation, seqs)
    story = Story(conversation_id=conversation.id, title=name,
                  employee_id=_credited(session, conversation, credited_id),
                  language=conversation.question_language or conversation.language,
                  state=State.DRAFT.value, created_by=author.id, created_at=now, updated_at=now)
    story.quotes = [StoryQuote(position=i, message_id=m.id, seq=m.seq, author=m.author,
                               original=m.body, text=m.body, edited=False)
                    for i, m in enumerate(messages)]
    session.add(story)
    session.flush()
    record(session, story, "created", now, actor="marketing", employee_id=author.id,
           detail={"seqs": [m.seq for m in messages]})
    session.flush()
    return story


def edit_story(session: Session, story_id: object, title: object, texts: Mapping[int, object],
               editor: Employee, now: datetime) -> Story:
    """New title and quote words (quote id → text; quotes left out keep theirs). Changed words
    in a submitted or approved story send it back to draft: its approvals start again."""
    require_marketing(editor)
    story = get_story(session, story_id, lock=True)
    if State(story.state) not in EDITABLE:
        raise Conflict("a published or withdrawn story cannot be edited", code="story_locked")
    name = clean_text(title, TITLE_MAX, "title")
    quotes = {q.id: q for q in story.quotes}
    if not set(texts) <= set(quotes):
        raise InvalidInput("a quote is not in this story", code="invalid_quotes")
    changed = {qid: clean_text(text, QUOTE_MAX, "quote") for qid, text in texts.items()}
    changed = {qid: text for qid, text in changed.items() if text != quotes[qid].text}
    for qid, text in changed.items():
        quote = quotes[qid]
        record(session, story, "quote_edited", now, actor="marketing", employee_id=editor.id,
               detail={"quote_id": qid, "before": quote.text, "after": text})
        quote.text, quote.edited = text, text != quote.original
        quote.corrections = None  # they were ranges in the old words
    if name != story.title:
        record(session, story, "retitled", now, actor="marketing", employee_id=editor.id,
               detail={"before": story.title, "after": name})
        story.title = name
    if changed and story.state != State.DRAFT:
        move(session, story, State.DRAFT, "approvals_reset", now, actor="marketing",
             employee_id=editor.id, reason="edited")
    session.flush()
    return story
