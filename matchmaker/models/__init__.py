"""The relational model, by aggregate. The database is the source of truth."""

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
from .mail import OutboxMail
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

__all__ = [
    "ACCESS_LEVELS", "MAX_CAPACITY", "ROLES", "Base", "Candidate", "ConsentDecision",
    "Conversation", "ConversationEvent", "ConversationKey", "Customer", "CustomerPresence",
    "Employee", "HistoryItem", "Message", "Offer", "OutboxMail", "PassageGeneration", "Presence",
    "ProfilePassage", "Rating", "StaffSession", "UTCDateTime", "VectorSpace",
    "utcnow",
]
