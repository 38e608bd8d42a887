"""The relational model, by aggregate. The database is the source of truth."""

from .attachments import Attachment
from .base import Base, UTCDateTime, utcnow
from .chat import (
    Candidate,
    ConsentDecision,
    Conversation,
    ConversationEvent,
    ConversationKey,
    Customer,
    CustomerPresence,
    Message,
    Offer,
    Rating,
)
from .handovers import Handover, HandoverInvite
from .mail import OutboxMail
from .makers import PublicProfile, PublicProfileDecision
from .marks import PassageMark
from .notes import Note
from .participants import Participant
from .privacy import Erasure, TranscriptView
from .sharing import StoryShare
from .snippets import Snippet, SnippetUse
from .staff import (
    ACCESS_LEVELS,
    MAX_CAPACITY,
    ROLES,
    Employee,
    HistoryItem,
    PassageGeneration,
    Presence,
    ProfilePassage,
    StaffSession,
    VectorSpace,
)
from .stories import Story, StoryEvent, StoryQuote

__all__ = [
    "ACCESS_LEVELS", "MAX_CAPACITY", "ROLES", "Base", "Candidate", "ConsentDecision",
    "Conversation", "ConversationEvent", "ConversationKey", "Customer", "CustomerPresence",
    "Employee", "HistoryItem", "Message", "Offer", "OutboxMail", "PassageGeneration", "Presence",
    "ProfilePassage", "Rating", "Snippet", "SnippetUse", "StaffSession", "UTCDateTime", "VectorSpace",
    "PublicProfile", "PublicProfileDecision",
    "Note",
    "Handover", "HandoverInvite",
    "Participant",
    "Attachment",
    "Story", "StoryEvent", "StoryQuote",
    "Erasure", "TranscriptView",
    "StoryShare", "PassageMark",
    "utcnow",
]
