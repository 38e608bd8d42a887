"""The edge's schemas (pydantic): every HTTP body and Socket.IO payload is parsed into a typed
command before the domain sees it, and every JSON answer is checked against its shape on the way
out. The OpenAPI and AsyncAPI documents are generated from these classes (web/apidocs.py).

Here: structure and safety (types, text without NUL or unpaired surrogates, bounded sizes, ids
and patterns). The product's own rules (an empty question, the configured maximum length, an
e-mail address that cannot be right) stay in matchmaker/, with their own error codes."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from werkzeug.routing import IntegerConverter

from matchmaker.errors import InvalidInput
from matchmaker.models import MAX_CAPACITY

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns on PostgreSQL
MAX_TEXT = 100_000  # a hard cap; the configured limits (max_question_chars…) are the domain's
_UNSAFE = re.compile(r"[\x00\ud800-\udfff]")


def _safe(text: str) -> str:
    """Refuse NUL (PostgreSQL cannot store it) and lone surrogates (no UTF-8 can encode them)."""
    found = _UNSAFE.search(text)
    if found:
        what = "a NUL character" if found.group() == "\x00" else "an unpaired surrogate"
        raise ValueError(f"text may not contain {what}")
    return text


def Text(max_length: int = MAX_TEXT, **field) -> Any:  # noqa: N802 (a type, by use)
    return Annotated[str, Field(max_length=max_length, **field), AfterValidator(_safe)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class IdConverter(IntegerConverter):
    """<id:name> in a route: a database id, 1 to MAX_ID; anything else is simply not found
    (PostgreSQL would fail on a number beyond its column)."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


Seq = Annotated[int, Field(ge=0, le=MAX_ID)]
ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                description="The sender's own id for this message: a resend "
                                            "with the same id stores nothing twice.")]
Language = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$",
                                description="A BCP 47 tag such as nl or nl-BE.")]
Token = Annotated[str, Field(pattern=r"^[A-Za-z0-9._~+/=-]{1,512}$")]
Timestamp = Annotated[str, Field(description="ISO 8601 with offset (UTC).")]


class Schema(BaseModel):
    """A payload: strict types (no "3" for 3, no 1 for true), unknown fields refused, and
    field-specific error codes where the API has them."""

    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)
    codes: ClassVar[dict[str, str]] = {}


class Answer(BaseModel):
    """A JSON answer: checked on the way out, so its schema is never a guess."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------- HTTP, requests

class AskRequest(Schema):
    """A customer's question from the widget."""

    question: Text(description="The question (the domain refuses empty or over the configured "
                               "maximum, 2,000 characters by default).")
    visitor: Token | None = Field(None, description="The visitor token this server issued with "
                                                    "an earlier answer (see `visitor`), if any.")
    name: Text(200) | None = None
    email: Text(254) | None = None
    page_url: Text(2048) | None = None
    language: Language | None = Field(None, description="What the widget speaks; the question's "
                                                        "detected language takes precedence.")
    team: Annotated[str, Field(pattern=r"^[a-z_]{1,20}$")] | None = Field(
        None, description="Asked of this team on the team page (its `key` in GET /api/team, "
                          "e.g. developer); not with `person`.")
    person: Id | None = Field(None, description="Asked of this public person (their id in GET "
                                                "/api/team); not with `team`.")
    codes: ClassVar[dict[str, str]] = {"visitor": "invalid_visitor", "email": "invalid_email",
                                       "team": "invalid_target", "person": "invalid_target"}


class ResumeRequest(Schema):
    """A link from a reply mail, opened in a widget."""

    link: Token = Field(description="The #mm-resume= token from the mail's link.")
    codes: ClassVar[dict[str, str]] = {"link": "invalid_link"}


# ---------------------------------------------------------------------------- answers

Status = Literal["waiting", "offered", "active", "offline", "closed"]
Author = Literal["customer", "employee"]

class Person(Answer):
    name: str
    title: str | None
    team: str | None


class Addressed(Answer):
    """The team or person the customer addressed the question to, and whether the person asked
    (or answering) is within it; when not, nobody in it could answer now."""

    team: str | None
    person: str | None = Field(description="The person's public name.")
    within: bool


class ConsentQuestion(Answer):
    """The consent question in the server's words (recorded with each decision)."""

    scope: str
    wording: str
    language: str


class CustomerView(Answer):
    """What the widget needs to show a conversation (also the `sync` answer's `conversation`)."""

    id: int
    status: Status
    last_seq: int
    employee: Person | None
    asking: Person | None
    reason: str = Field(description="Why `asking` was chosen: their own profile's words.")
    answered_similar: bool
    why: str | None = Field(description="Why nobody can chat now (a curated reason), if so.")
    queued_seq: int | None
    answered: bool
    mail: bool
    feedback: Literal["rated", "skipped", "due"] | None = Field(
        description="Where the rating stands; null while the conversation cannot be rated.")
    consent: bool | None
    consent_question: ConsentQuestion
    email_left: bool
    unread: int
    read_seq: int
    addressed: Addressed | None = None
    colleagues: list[Person] = Field(default_factory=list,
                                     description="Colleagues invited in beside `employee`.")


class ConversationOpened(CustomerView):
    """A conversation just opened or reopened: its view and the widget's credentials."""

    token: str = Field(description="The conversation's secret: authenticates /customer.")
    visitor: str | None = Field(None, description="This browser's signed visitor token: send it "
                                                  "with the next question.")


class ErrorAnswer(Answer):
    """Every error, over HTTP and in Socket.IO acks: a stable code and a sentence."""

    error: str = Field(description="A stable code, e.g. invalid_payload, rate_limited.")
    message: str
    fields: list[FieldProblem] | None = None
    retry_after: int | None = Field(None, description="Seconds to wait (rate_limited).")


class FieldProblem(Answer):
    field: str
    problem: str


ErrorAnswer.model_rebuild()


# ---------------------------------------------------------------------------- Socket.IO

class CustomerAuth(Schema):
    """The /customer connect's auth: the conversation and its secret token."""

    conversation_id: Id
    token: Token


class Nothing(Schema):
    """An event that carries no data ({} or none)."""


class AfterSeq(Schema):
    after_seq: Seq = Field(0, description="The last seq this client has; the answer holds what "
                                          "came after.")


class ReadUpTo(Schema):
    seq: Seq


class CustomerSay(Schema):
    body: Text(description="The message (the domain refuses empty or over the configured "
                           "maximum, 4,000 characters by default).")
    client_id: ClientId | None = None
    codes: ClassVar[dict[str, str]] = {"client_id": "invalid_client_id"}


class CustomerTyping(Schema):
    typing: bool


class LeaveEmail(Schema):
    email: Text(254)
    name: Text(200) | None = None
    codes: ClassVar[dict[str, str]] = {"email": "invalid_email"}


class Rate(Schema):
    stars: int = Field(ge=1, le=5)
    comment: Text(2000) | None = None
    codes: ClassVar[dict[str, str]] = {"stars": "invalid_stars", "comment": "invalid_comment"}


class Consent(Schema):
    granted: bool
    scope: Literal["quote_anonymised"] | None = None  # what consent_question asks
    codes: ClassVar[dict[str, str]] = {"granted": "invalid_consent", "scope": "invalid_scope"}


class SetAvailability(Schema):
    available: bool
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    codes: ClassVar[dict[str, str]] = {"capacity": "invalid_capacity"}


class OfferRef(Schema):
    offer_id: Id


class ConversationRef(Schema):
    conversation_id: Id


class EmployeeSync(ConversationRef):
    after_seq: Seq = 0


class EmployeeSay(ConversationRef, CustomerSay):
    pass


class EmployeeTyping(ConversationRef):
    typing: bool


class EmployeeNote(ConversationRef):
    """An internal note: staff see it, the customer never does."""

    body: Text(description="The note (the domain refuses empty or over the configured "
                           "maximum, as for a message).")
    client_id: ClientId
    codes: ClassVar[dict[str, str]] = {"client_id": "invalid_client_id"}


class AttachmentView(Answer):
    """The file a message carries (docs/attachments.md): `url` is a signed link for this
    reader, working until `expires_at`."""

    id: int
    name: str
    content_type: Literal["image/png", "image/jpeg", "image/webp", "image/gif", "application/pdf"]
    size: int = Field(description="Bytes.")
    width: int | None
    height: int | None
    image: bool
    url: str
    expires_at: Timestamp


class Message(Answer):
    conversation_id: int
    seq: int
    author: Author
    body: str
    client_id: str | None
    at: Timestamp
    employee_id: int | None = Field(None, description="The employee who wrote it (null: the "
                                                      "customer).")
    employee_name: str | None = Field(None, description="Their name, shown beside it.")
    attachment: AttachmentView | None = Field(None, description="The file it carries (its body "
                                                                "is the file's name).")


class ParticipantView(Answer):
    """Someone in a conversation: the lead holds it, the others were invited in."""

    employee_id: int
    employee: Person
    lead: bool


class ConsoleConversation(Answer):
    """A conversation as a console lists it."""

    id: int
    status: Status
    question: str
    customer_name: str | None
    customer_email: str | None
    customer_present: bool
    page_url: str
    employee: Person | None
    employee_id: int | None
    created_at: Timestamp
    last_seq: int
    rating: int | None
    consent: bool | None
    participants: list[ParticipantView] = Field(
        default_factory=list, description="Everyone in it now, the lead first (may be left "
                                          "empty where only the list changed).")


class Similar(Answer):
    conversation_id: int
    at: Timestamp


class OfferView(Answer):
    """An offer as the console shows it (only its owner sees `similar_conversation`)."""

    offer_id: int
    conversation_id: int
    question: str
    reason: str
    answered_similar: bool
    similar_conversation: Similar | None
    customer_name: str | None
    page_url: str
    messages: int
    previous: Person | None
    offered_at: Timestamp
    expires_at: Timestamp


class Me(Answer):
    id: int
    name: str
    available: bool
    capacity: int


class Ok(Answer):
    ok: Literal[True]


class HeartbeatAnswer(Ok):
    """Where the conversation stands: a client behind `last_seq` (or in another status) syncs."""

    status: Status
    last_seq: int


class Cursor(Answer):
    id: int
    status: Status
    last_seq: int


class ConsoleHeartbeatAnswer(Ok):
    """What the console should be showing: its open offers and its conversations' positions
    (a live event lost on the way is noticed within one heartbeat)."""

    offers: list[int]
    conversations: list[Cursor]


class SyncAnswer(Ok):
    conversation: CustomerView
    messages: list[Message]


class ReadAnswer(Ok):
    read_seq: int
    unread: int


class AttachRequest(Schema):
    """The form fields beside the `file` of an upload (multipart/form-data)."""

    client_id: ClientId | None = None
    codes: ClassVar[dict[str, str]] = {"client_id": "invalid_client_id"}


class AttachedAnswer(Ok):
    message: Message


class SaidAnswer(Ok):
    message: Message


class ClosedAnswer(Ok):
    conversation: CustomerView


class StateAnswer(Ok):
    me: Me
    offers: list[OfferView]
    conversations: list[ConsoleConversation]
    inbox: list[ConsoleConversation]


class AvailabilityAnswer(Ok):
    available: bool
    capacity: int


class AcceptAnswer(Ok):
    conversation: ConsoleConversation


class NoteView(Answer):
    """An internal note (staff only), placed after the message with seq `after_seq`."""

    id: int
    conversation_id: int
    after_seq: int
    body: str
    client_id: str
    employee_id: int | None
    employee: Person | None
    at: Timestamp


class NotedAnswer(Ok):
    note: NoteView


class ConsoleSyncAnswer(Ok):
    conversation: ConsoleConversation
    messages: list[Message]
    notes: list[NoteView] = Field(default_factory=list, description="Every internal note this "
                                  "employee may read, whatever after_seq asked (they are few).")


# What the server emits, per namespace: the payload's schema and when it is sent.
class Asking(Answer):
    employee: Person | None
    reason: str
    answered_similar: bool
    rerouted: bool
    addressed: Addressed | None = None


class Unavailable(Answer):
    best: Person | None
    why: str
    mail: bool
    email_left: bool
    seq: int
    addressed: Addressed | None = None


class Joined(Answer):
    employee: Person | None


class ClosedEvent(Answer):
    conversation_id: int
    by: str


class Left(Answer):
    conversation_id: int
    employee: Person | None
    reason: str | None


class Typing(Answer):
    conversation_id: int | None = None
    author: Author
    typing: bool
    employee_name: str | None = None  # who, when an employee types


class OfferClosed(Answer):
    offer_id: int
    outcome: str


class Claimed(Answer):
    conversation_id: int
    employee: Person | None


class CustomerPresence(Answer):
    conversation_id: int
    present: bool


class CustomerDetails(Answer):
    conversation_id: int
    customer_name: str | None
    customer_email: str | None


SERVER_EVENTS: dict[str, dict[str, tuple[type[Answer], str]]] = {
    "/customer": {
        "asking": (Asking, "Someone is being asked to take the question, and why them."),
        "accepted": (Joined, "They accepted: the live chat begins."),
        "unavailable": (Unavailable, "Nobody can take it live; who will answer later."),
        "said": (Message, "A stored message (the customer's own ones too: every tab)."),
        "typing": (Typing, "The employee is typing, or stopped."),
        "left": (Left, "The employee had to leave; the question is routed again."),
        "closed": (ClosedEvent, "The conversation ended."),
    },
    "/employee": {
        "offered": (OfferView, "A question offered to this employee."),
        "offer_closed": (OfferClosed, "An offer was accepted, declined or expired."),
        "assigned": (ConsoleConversation, "A conversation this employee now has."),
        "inbox": (ConsoleConversation, "A question to answer later (own inbox or general)."),
        "claimed": (Claimed, "Someone took a question from the general queue."),
        "said": (Message, "A stored message in one of this employee's conversations."),
        "typing": (Typing, "The customer is typing, or stopped."),
        "customer_presence": (CustomerPresence, "The customer's widget came or went."),
        "customer_details": (CustomerDetails, "The customer left an address (and a name) for "
                             "replies, in a conversation this console has or lists."),
        "left": (Left, "This employee left a conversation (another tab learns it)."),
        "closed": (ClosedEvent, "A conversation ended."),
        "noted": (NoteView, "An internal note in a conversation this employee has or wrote."),
    },
}


# ---------------------------------------------------------------------------- console snippets

class SnippetSearch(Schema):
    """GET /console/snippets: what the employee typed after `/`, and the conversation whose
    language goes first. Query-string values are text, so numbers are read from it."""

    model_config = ConfigDict(extra="forbid", strict=False, hide_input_in_errors=True)
    q: Text(200) = ""
    conversation: Id | None = None


class SnippetUseRequest(Schema):
    """POST /console/snippets/<id>/uses: this sent message came from the snippet."""

    conversation_id: Id
    client_id: ClientId
    codes: ClassVar[dict[str, str]] = {"client_id": "invalid_client_id"}


class StoryDeclineRequest(Schema):
    """POST /console/stories/<id>/decline: the credited colleague's reason, for marketing."""

    reason: Text(500) = ""


class StoryShareRequest(Schema):
    """POST /console/stories/<id>/shares: the colleague copied the story's post (or opened
    LinkedIn's share page with it)."""

    codes: ClassVar[dict[str, str]] = {"channel": "invalid_channel"}
    channel: Literal["copy", "linkedin"] = "copy"


class SnippetView(Answer):
    id: int
    title: str
    body: str
    language: str
    tags: list[str]


class SnippetsAnswer(Ok):
    snippets: list[SnippetView]


class SnippetUseAnswer(Ok):
    recorded: bool = Field(description="False: this message's use was recorded before.")


# ---------------------------------------------------------------------------- the team page

class PublicPerson(Answer):
    """One maker as the team page shows them: only what they chose to publish (null: not)."""

    id: int = Field(description="Their public id: `person` when asking.")
    name: str
    initials: str
    title: str | None
    team: str | None
    works_on: str | None
    languages: list[str] | None
    about: str | None


class TeamView(Answer):
    key: str = Field(description="The team: `team` when asking (a role, e.g. developer).")
    people: list[PublicPerson]


class TeamPage(Answer):
    teams: list[TeamView]


# ---------------------------------------------------------------------------- handovers

Purpose = Literal["hand_over", "invite"]


class HandOver(ConversationRef):
    """Hand this live chat to one colleague, or ask up to three at once (the first to accept
    takes it), with an optional note to them."""

    employee_ids: list[Id] = Field(min_length=1, max_length=3)
    note: Text(500) | None = None
    codes: ClassVar[dict[str, str]] = {"employee_ids": "invalid_colleagues",
                                       "note": "note_too_long"}


class HandoverRef(Schema):
    handover_id: Id


class SuggestionView(Answer):
    """A colleague who could take over now, best first; `reason`: their own profile's words."""

    employee_id: int
    employee: Person
    reason: str
    answered_similar: bool
    score: float
    load: int = Field(description="Their live chats and open offers now.")
    capacity: int


class SuggestionsAnswer(Ok):
    suggestions: list[SuggestionView]


class HandoverAnswerView(Answer):
    employee_id: int
    employee: Person
    outcome: str | None = Field(description="None: not answered yet; accepted, declined, "
                                            "expired or withdrawn.")


class HandoverView(Answer):
    """A handover as its requester sees it."""

    handover_id: int
    conversation_id: int
    outcome: str | None = Field(description="None while waiting; accepted, declined, expired, "
                                            "cancelled, moved_on or conversation_closed.")
    purpose: Purpose = "hand_over"
    note: str
    requested_at: Timestamp
    expires_at: Timestamp
    answers: list[HandoverAnswerView]


class HandOverAnswer(Ok):
    handover: HandoverView


class HandoverOfferView(Answer):
    """A colleague asks this employee to take over a live chat (accept or decline in time)."""

    handover_id: int
    conversation_id: int
    purpose: Purpose = "hand_over"
    question: str
    customer_name: str | None
    page_url: str
    messages: int
    recent: list[Message] = Field(description="The last few messages, as a preview.")
    requester: Person | None
    note: str
    reason: str = Field(description="Why this employee was suggested: their profile's words.")
    requested_at: Timestamp
    expires_at: Timestamp


class HandoverStateAnswer(Ok):
    offers: list[HandoverOfferView] = Field(description="Handovers waiting for my answer.")
    pending: list[HandoverView] = Field(description="Handovers I asked for, still waiting.")


class HandoverClosed(Answer):
    handover_id: int
    conversation_id: int
    outcome: str = Field(description="accepted (by me), withdrawn or expired.")


class HandoverAnswered(Answer):
    handover_id: int
    conversation_id: int
    employee_id: int
    employee: Person
    outcome: str


class HandedOver(Answer):
    handover_id: int
    conversation_id: int
    employee: Person


class HandoverFailed(Answer):
    handover_id: int
    conversation_id: int
    outcome: str = Field(description="declined, expired, cancelled, moved_on or conversation_closed.")
    answers: list[HandoverAnswerView]


class JoinedByHandover(Answer):
    employee: Person
    reason: str = Field(description="Why them: their own profile's words.")
    previous: Person | None
    purpose: Purpose = Field("hand_over", description="invite: they joined beside `beside`.")
    beside: Person | None = None


SERVER_EVENTS["/customer"].update({
    "joined": (JoinedByHandover, "A colleague took over the conversation, and why them."),
})
SERVER_EVENTS["/employee"].update({
    "handover_offered": (HandoverOfferView, "A colleague asks this employee to take over."),
    "handover_closed": (HandoverClosed, "A handover offer to this employee ended."),
    "handover_answered": (HandoverAnswered, "A colleague asked declined (others may accept)."),
    "handed_over": (HandedOver, "A colleague took over this employee's conversation."),
    "handover_failed": (HandoverFailed, "Nobody took over: the conversation stays mine."),
})


# ---------------------------------------------------------------------------- teamwork

class Invite(HandOver):
    """Invite one colleague, or ask up to three at once (the first to accept joins), into this
    live chat beside me, with an optional note to them."""


class SuggestColleagues(ConversationRef):
    """The colleagues best placed to take over this live chat now (purpose invite: to join it)."""

    purpose: Purpose = Field("hand_over", description="invite: colleagues to join, not take over.")


class ParticipantsChanged(Answer):
    """Who is in a conversation now (the lead first), after `employee_id` joined or left."""

    conversation_id: int
    change: Literal["joined", "left"]
    employee_id: int
    employee: Person
    reason: str | None = Field(description="left: left, closed, gone or presence_lapsed.")
    lead_id: int | None
    participants: list[ParticipantView]


class ColleagueLeft(Answer):
    """A colleague left; `lead` is with the customer now (the others stay)."""

    employee: Person
    lead: Person | None
    colleagues: list[Person]
    reason: str


SERVER_EVENTS["/customer"].update({
    "colleague_left": (ColleagueLeft, "A colleague left; the others stay with the customer."),
})
SERVER_EVENTS["/employee"].update({
    "participants_changed": (ParticipantsChanged, "Someone joined or left one of my "
                                                  "conversations (me too: then it is no longer mine)."),
})


# ---------------------------------------------------------------------------- redaction

RedactionKind = Literal["email", "phone", "iban", "card", "id", "address", "name"]


class MarkedRange(Schema):
    """A range of the text a marketer marks by hand (character offsets, end exclusive)."""

    start: Annotated[int, Field(ge=0, le=MAX_TEXT)]
    end: Annotated[int, Field(ge=1, le=MAX_TEXT)]


class AddedRange(MarkedRange):
    kind: RedactionKind


class RedactionPreviewRequest(Schema):
    """POST /marketing/redaction/preview: the text of a quote, its language, and the hand
    corrections so far (ranges to mask as well, ranges not to mask)."""

    text: Text(20_000, min_length=1)
    language: Language
    conversation_id: Id | None = Field(None, description="The quote's conversation: its "
                                                         "customer's name and e-mail are found too.")
    add: list[AddedRange] = Field(default_factory=list, max_length=200)
    remove: list[MarkedRange] = Field(default_factory=list, max_length=200)
    codes: ClassVar[dict[str, str]] = {"add": "invalid_correction",
                                       "remove": "invalid_correction"}


class RedactedSpan(Answer):
    kind: RedactionKind
    start: int
    end: int
    text: str
    source: str = Field(description="What found it: pattern, phonenumbers, schwifty, luhn, url, "
                                    "known, cue, ner, manual (several joined by +).")


class RedactionPreview(Ok):
    spans: list[RedactedSpan]
    masked: str = Field(description="The text with each span replaced by [name], [e-mail], "
                                    "[phone], [IBAN], [card], [address] or [id].")


# ---------------------------------------------------------------------------- parsing

def whole_number(value: str, name: str, code: str = "invalid_filter") -> int | None:
    """A small whole number typed into a filter or a form field: None when empty, else a
    clear error (`code`) for anything but up to nine ASCII digits."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        raise InvalidInput(f"{name} must be a whole number", code=code)
    return int(value)


def loads(text: str | bytes) -> Any:
    """json.loads, with JSON nested too deep for the parser's recursion refused as ValueError
    like any other bad JSON (json raises RecursionError there)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def parse_json(raw: bytes) -> Any:
    """A request body's JSON, or InvalidInput."""
    try:
        return loads(raw.decode("utf-8"))
    except ValueError as error:  # UnicodeDecodeError is a ValueError too
        raise InvalidInput(f"the body is not valid JSON: {error}", code="invalid_payload") from None


S = TypeVar("S", bound=Schema)


def parse(schema: type[S], data: Any) -> S:
    """data as the schema's command, or InvalidInput naming each field that is wrong."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInput("send one JSON object", code="invalid_payload")
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise invalid(schema, error) from None


class InvalidFields(InvalidInput):
    """InvalidInput that names its fields (shown as `fields` in the error)."""

    def __init__(self, message: str, code: str, fields: list[dict]):
        super().__init__(message, code=code)
        self.fields = fields


def invalid(schema: type[Schema], error: ValidationError) -> InvalidFields:
    problems = [{"field": ".".join(str(p) for p in item["loc"]) or "(payload)",
                 "problem": item["msg"]} for item in error.errors(include_url=False)]
    first = problems[0]
    code = schema.codes.get(first["field"].split(".")[0], "invalid_payload")
    return InvalidFields(f"{first['field']}: {first['problem']}", code, problems)


def answer(shape: type[Answer], body: dict) -> dict:
    """body, checked against its schema (a mismatch is this server's bug: it raises)."""
    return shape.model_validate(body).model_dump(mode="json", exclude_none=False)
