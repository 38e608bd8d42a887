"""Cleaning what clients send: text, e-mail addresses, ids and sequence numbers."""

from __future__ import annotations

import re

from .errors import InvalidInput

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_MAX_ID = 2**31  # fits every backend's integer column


def clean_text(value: object, limit: int, what: str) -> str:
    """Stripped text of 1..limit characters, or InvalidInput."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} is empty", code=f"empty_{what}")
    text = value.strip()
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters", code=f"{what}_too_long")
    return text


def clean_email(value: object) -> str:
    """A plausible e-mail address, or InvalidInput."""
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.match(value.strip()):
        raise InvalidInput("that e-mail address does not look right", code="invalid_email")
    return value.strip()


def clean_id(value: object, what: str = "id") -> int:
    """A database id from a client: a positive whole number that fits a column."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < _MAX_ID:
        raise InvalidInput(f"{what} must be a positive whole number", code="invalid_payload")
    return value


def clean_seq(value: object) -> int:
    """A message sequence number from a client (0 = from the start)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _MAX_ID:
        raise InvalidInput("after_seq must be a whole number from 0", code="invalid_payload")
    return value
