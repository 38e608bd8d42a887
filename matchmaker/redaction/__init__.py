"""Redaction: personal data found in a quote (names, e-mail addresses, phone numbers, IBANs,
card numbers, street addresses, ids in URLs), masked with readable placeholders, and corrected
by hand before anything is published."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..ports import NameFinder
from .names import find_names
from .numbers import find_cards, find_ibans, find_phones
from .patterns import find_addresses, find_emails, find_url_ids
from .spans import KINDS, PLACEHOLDERS, Correction, Span, apply_corrections, mask, merge_spans, span

__all__ = ["KINDS", "PLACEHOLDERS", "Correction", "Redactor", "Span", "apply_corrections",
           "find_personal_data", "mask", "merge_spans", "redact"]

LANGUAGES = ("nl", "fr", "en")


def find_personal_data(text: str, language: str, known: Iterable[str] = (),
                       names: NameFinder | None = None, *, company: str = "") -> list[Span]:
    """Every span of personal data in text, overlaps merged. `known`: names and e-mail
    addresses the system already holds (the customer's, every employee's), always found;
    `names`: the NER adapter (None: known names and cue phrases only); `company`: the
    company's own name, whose words are never taken for a person's."""
    known = [k for k in known if k and k.strip()]
    language = language.replace("_", "-").split("-")[0].lower()  # nl-BE reads as nl
    found = (find_emails(text) + find_ibans(text) + find_cards(text) + find_phones(text)
             + find_url_ids(text) + find_addresses(text) + _known_emails(text, known)
             + find_names(text, language, [k for k in known if "@" not in k], names, company))
    return merge_spans(text, found)


def _known_emails(text: str, known: Iterable[str]) -> list[Span]:
    spans = []
    for address in (k.strip() for k in known if "@" in k):
        spans += [span(text, "email", m.start(), m.end(), "known")
                  for m in re.finditer(re.escape(address), text, re.IGNORECASE)]
    return spans


def redact(text: str, language: str, known: Iterable[str] = (), names: NameFinder | None = None,
           add: Iterable[Correction] = (), remove: Iterable[Correction] = (), *,
           company: str = "") -> tuple[list[Span], str]:
    """Find, apply a marketer's corrections, mask: (the spans, the masked text)."""
    found = find_personal_data(text, language, known, names, company=company)
    spans = apply_corrections(text, found, tuple(add), tuple(remove))
    return spans, mask(text, spans)


@dataclass(frozen=True)
class Redactor:
    """Redaction as this deployment runs it: the names model (None: known names and cue
    phrases only) and the company's own name (never masked as a person's). What stories,
    exports and erasure are handed instead of a names model alone."""

    names: NameFinder | None = None
    company: str = ""

    def find(self, text: str, language: str, known: Iterable[str] = ()) -> list[Span]:
        """find_personal_data with this model and company."""
        return find_personal_data(text, language, known, self.names, company=self.company)

    def redact(self, text: str, language: str, known: Iterable[str] = (),
               add: Iterable[Correction] = (), remove: Iterable[Correction] = ()
               ) -> tuple[list[Span], str]:
        """redact with this model and company."""
        return redact(text, language, known, self.names, add, remove, company=self.company)
