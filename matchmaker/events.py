"""What the domain tells the outside world happened: typed, frozen events that state-changing
functions return. The web layer maps each to the rooms that must hear of it, after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Offered:
    """An employee is asked to take the conversation (rerouted: someone had it before)."""

    conversation_id: int
    offer_id: int
    employee_id: int
    rerouted: bool = False


@dataclass(frozen=True)
class OfferClosed:
    """An offer stopped being open without being accepted."""

    conversation_id: int
    offer_id: int
    employee_id: int
    outcome: str  # declined | expired | unreachable | withdrawn


@dataclass(frozen=True)
class Queued:
    """Nobody can take it live: it waits for a later answer, in employee_id's inbox or in the
    general queue (None). why: nobody_fits | nobody_free | employee_left."""

    conversation_id: int
    employee_id: int | None
    why: str


@dataclass(frozen=True)
class Accepted:
    conversation_id: int
    employee_id: int


@dataclass(frozen=True)
class Claimed:
    """An employee took a question from the general queue by answering it."""

    conversation_id: int
    employee_id: int


@dataclass(frozen=True)
class AttachmentInfo:
    """What anyone who may read a message sees of the file it carries (matchmaker/attachments)."""

    id: int
    conversation_id: int
    name: str
    content_type: str
    byte_size: int
    width: int | None
    height: int | None


@dataclass(frozen=True)
class Said:
    """A stored message (the ack and this event carry the same fields)."""

    conversation_id: int
    seq: int
    author: str
    body: str
    client_id: str | None
    at: datetime
    employee_id: int | None  # the conversation's employee, who hears of it
    # Colleagues invited in beside them, who hear of it too (matchmaker/participants.py).
    participants: tuple[int, ...] = ()
    author_id: int | None = None  # the employee who wrote it (None: the customer)
    author_name: str | None = None
    attachment: AttachmentInfo | None = None  # a message that carries a file (attachments.py)


@dataclass(frozen=True)
class Closed:
    conversation_id: int
    by: str  # customer | employee
    employee_id: int | None
    participants: tuple[int, ...] = ()  # colleagues who were in it beside employee_id


@dataclass(frozen=True)
class EmployeeLeft:
    """The employee who had the conversation is gone (their console vanished)."""

    conversation_id: int
    employee_id: int
    reason: str  # presence_lapsed


@dataclass(frozen=True)
class CustomerPresence:
    """The customer left the page (for longer than the grace), or came back."""

    conversation_id: int
    employee_id: int | None
    present: bool


@dataclass(frozen=True)
class Noted:
    """A colleague wrote an internal note: only these employees hear of it, never the customer."""

    conversation_id: int
    note_id: int
    recipients: tuple[int, ...]


@dataclass(frozen=True)
class HandoverOffered:
    """A colleague is asked to take over a live conversation (matchmaker/handovers.py)."""

    conversation_id: int
    handover_id: int
    employee_id: int  # the colleague asked


@dataclass(frozen=True)
class HandoverInviteClosed:
    """A colleague's invite ended without their answer: withdrawn (someone else accepted, the
    requester cancelled, the conversation closed) or expired."""

    conversation_id: int
    handover_id: int
    employee_id: int
    outcome: str  # withdrawn | expired


@dataclass(frozen=True)
class HandoverAnswered:
    """A colleague declined; the requester hears who (others may still accept)."""

    conversation_id: int
    handover_id: int
    requester_id: int
    employee_id: int
    outcome: str  # declined


@dataclass(frozen=True)
class HandedOver:
    """A colleague accepted: the conversation, with its history, is theirs now."""

    conversation_id: int
    handover_id: int
    requester_id: int
    employee_id: int


@dataclass(frozen=True)
class HandoverFailed:
    """The handover ended without anyone taking over: the conversation stays the requester's."""

    conversation_id: int
    handover_id: int
    requester_id: int
    outcome: str  # declined | expired | cancelled | conversation_closed


@dataclass(frozen=True)
class ParticipantJoined:
    """An invited colleague joined the conversation beside whoever holds it."""

    conversation_id: int
    handover_id: int
    employee_id: int  # who joined
    invited_by: int | None


@dataclass(frozen=True)
class CustomerDetails:
    """The customer left their address (and perhaps name) in the widget: whoever has the
    conversation in view learns where a reply goes."""

    conversation_id: int
    employee_id: int | None  # None: it waits in the queue every console lists


@dataclass(frozen=True)
class ParticipantLeft:
    """A colleague stepped out of a conversation others stay in (left, closed it, or their
    console is gone); lead: who holds it now (it may have passed to the longest present)."""

    conversation_id: int
    employee_id: int
    reason: str  # left | closed | gone | presence_lapsed
    lead_id: int | None
    remaining: tuple[int, ...]  # every employee still in it, the lead first


DomainEvent = (Offered | OfferClosed | Queued | Accepted | Claimed | Said | Closed | EmployeeLeft
               | CustomerPresence | CustomerDetails | Noted
               | HandoverOffered | HandoverInviteClosed | HandoverAnswered | HandedOver
               | HandoverFailed | ParticipantJoined | ParticipantLeft)
