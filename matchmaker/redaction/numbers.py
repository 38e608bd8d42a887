"""Numbers that identify a person: phone numbers (Google's libphonenumber rules, via
`phonenumbers`), IBANs (validated by `schwifty`: country length, bank code where it knows it,
mod-97) and payment card numbers (Luhn)."""

from __future__ import annotations

import re

import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from .spans import Span, span

# The first markets' neighbours: a national number is read as any of these (libphonenumber
# tries the international "+" form whatever the region).
PHONE_REGIONS = ("NL", "BE", "FR", "GB", "IE", "DE", "LU", "CH")
# Luxembourg allows 4- to 8-digit numbers, so order and invoice numbers parse as valid there:
# a national number needs 9 digits (every NL/BE/FR/GB/IE/DE/CH number has them).
MIN_NATIONAL_DIGITS = 9

# Two letters, two check digits, then 10-30 letters and digits, in groups of four or not.
IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30}\b", re.IGNORECASE)
# 13 to 19 digits, optionally grouped by single spaces or dashes (as cards are printed).
CARD_CANDIDATE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")


def find_phones(text: str) -> list[Span]:
    """Phone numbers valid in one of PHONE_REGIONS, or international ones."""
    found: dict[tuple[int, int], Span] = {}
    for region in PHONE_REGIONS:
        matcher = phonenumbers.PhoneNumberMatcher(text, region,
                                                  leniency=phonenumbers.Leniency.VALID)
        for match in matcher:
            digits = sum(ch.isdigit() for ch in match.raw_string)
            international = match.raw_string.lstrip("(").startswith(("+", "00"))
            if international or digits >= MIN_NATIONAL_DIGITS:
                found.setdefault((match.start, match.end),
                                 span(text, "phone", match.start, match.end, "phonenumbers"))
    return sorted(found.values())


def find_ibans(text: str) -> list[Span]:
    """Valid IBANs, written with or without spaces (a candidate that runs on into the next word
    is shortened group by group until schwifty accepts it)."""
    spans = []
    for match in IBAN_CANDIDATE.finditer(text):
        end = _valid_iban_end(text, match.start(), match.end())
        if end is not None:
            spans.append(span(text, "iban", match.start(), end, "schwifty"))
    return spans


def _valid_iban_end(text: str, start: int, end: int) -> int | None:
    while end - start >= 15:
        try:
            IBAN(text[start:end])
            return end
        except SchwiftyException:
            cut = text.rfind(" ", start, end)
            end = cut if cut > start else end - 1
    return None


def find_cards(text: str) -> list[Span]:
    """Runs of 13-19 digits that pass the Luhn check (no library needed for 6 lines; schwifty
    covers bank accounts, not cards)."""
    spans = []
    for match in CARD_CANDIDATE.finditer(text):
        digits = [int(ch) for ch in match.group() if ch.isdigit()]
        if luhn_valid(digits):
            spans.append(span(text, "card", match.start(), match.end(), "luhn"))
    return spans


def luhn_valid(digits: list[int]) -> bool:
    """The Luhn checksum every payment card number carries."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0
