"""Domain errors: each carries a stable code that the web layer maps once to HTTP and acks."""


class MatchmakerError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None):
        super().__init__(message or self.__class__.__doc__ or self.code)
        if code:
            self.code = code


class InvalidInput(MatchmakerError):
    """The input is malformed, empty or too large."""

    code = "invalid_input"


class NotFound(MatchmakerError):
    """The thing asked for does not exist (or is not yours to see)."""

    code = "not_found"


class Forbidden(MatchmakerError):
    """The caller may not do this."""

    code = "forbidden"


class Unauthenticated(MatchmakerError):
    """The token or credentials are missing or wrong."""

    code = "unauthenticated"


class Conflict(MatchmakerError):
    """The state has moved on: the action no longer applies."""

    code = "conflict"


class OfferNotOpen(Conflict):
    """The offer was already answered, expired or withdrawn."""

    code = "offer_not_open"


class ConversationClosed(Conflict):
    """The conversation is closed."""

    code = "conversation_closed"


class ModelMismatch(MatchmakerError):
    """The stored vectors were made by another model than the one configured."""

    code = "reembed_needed"


class HandoverNotOpen(Conflict):
    """The handover was already taken, declined, cancelled, or has expired."""

    code = "handover_not_open"


class HandoverPending(Conflict):
    """This conversation already has a handover waiting for an answer."""

    code = "handover_pending"


class ColleagueUnavailable(Conflict):
    """The colleague cannot take a conversation now; the code says why: colleague_offline,
    colleague_away, colleague_at_capacity, colleague_outside_working_hours, colleague_inactive."""

    code = "colleague_unavailable"


class Gone(MatchmakerError):
    """It was there, and is no longer to be had this way (an expired link)."""

    code = "gone"
