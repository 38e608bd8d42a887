"""Spans of personal data in a text: the value, how overlapping finds merge, masking, and the
manual corrections a marketer makes in the preview."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import InvalidInput

# The placeholder each kind is masked with: readable in a published quote, and stable (exports
# and stories store masked text, so changing one would make old and new quotes disagree).
PLACEHOLDERS = {
    "email": "[e-mail]",
    "phone": "[phone]",
    "iban": "[IBAN]",
    "card": "[card]",
    "id": "[id]",
    "address": "[address]",
    "name": "[name]",
}
KINDS = tuple(PLACEHOLDERS)
# When finds overlap, the merged span takes the kind that comes first here: the more specific
# pattern (an e-mail inside a URL is an e-mail; an IBAN's digits are not a phone number).
PRIORITY = {kind: rank for rank, kind in enumerate(("email", "iban", "card", "phone", "id",
                                                    "address", "name"))}


@dataclass(frozen=True, order=True)
class Span:
    """Personal data at text[start:end], of a kind, found by a detector (source)."""

    start: int
    end: int
    kind: str
    text: str
    source: str

    def overlaps(self, start: int, end: int) -> bool:
        """Whether this span shares at least one character with [start, end)."""
        return self.start < end and start < self.end


def span(text: str, kind: str, start: int, end: int, source: str) -> Span:
    """A span of text with its slice filled in."""
    return Span(start, end, kind, text[start:end], source)


def merge_spans(text: str, spans: Iterable[Span]) -> list[Span]:
    """Overlapping (or touching-inside) spans become one covering them all, with the kind of the
    highest priority and every source (sorted): the same input always gives the same output."""
    merged: list[list[Span]] = []
    for found in sorted(s for s in spans if s.end > s.start):
        if merged and found.start < max(s.end for s in merged[-1]):
            merged[-1].append(found)
        else:
            merged.append([found])
    return [_join(text, group) for group in merged]


def _join(text: str, group: Sequence[Span]) -> Span:
    if len(group) == 1:
        return group[0]
    start, end = min(s.start for s in group), max(s.end for s in group)
    kind = min((s.kind for s in group), key=PRIORITY.__getitem__)
    sources = "+".join(sorted({part for s in group for part in s.source.split("+")}))
    return span(text, kind, start, end, sources)


def mask(text: str, spans: Iterable[Span]) -> str:
    """The text with every span replaced by its kind's placeholder (overlaps merged first)."""
    pieces, at = [], 0
    for found in merge_spans(text, spans):
        pieces += [text[at:found.start], PLACEHOLDERS[found.kind]]
        at = found.end
    pieces.append(text[at:])
    return "".join(pieces)


@dataclass(frozen=True)
class Correction:
    """A range a marketer marks by hand: to add (with a kind) or to remove (kind None)."""

    start: int
    end: int
    kind: str | None = None


def apply_corrections(text: str, spans: Iterable[Span], add: Sequence[Correction] = (),
                      remove: Sequence[Correction] = ()) -> list[Span]:
    """The detected spans corrected by hand: a removed range drops every span it touches, an
    added one replaces whatever it overlaps (the person's judgement wins over a detector's)."""
    _check(text, add, remove)
    kept = [s for s in spans
            if not any(s.overlaps(c.start, c.end) for c in (*add, *remove))]
    kept += [span(text, c.kind, c.start, c.end, "manual") for c in add]
    return merge_spans(text, kept)


def _check(text: str, add: Sequence[Correction], remove: Sequence[Correction]) -> None:
    for c in (*add, *remove):
        if not (isinstance(c.start, int) and isinstance(c.end, int)
                and 0 <= c.start < c.end <= len(text)):
            raise InvalidInput(f"the range {c.start}–{c.end} is not inside the text",
                               code="correction_out_of_range")
    for c in add:
        if c.kind not in PLACEHOLDERS:
            raise InvalidInput(f"unknown kind {c.kind!r}; one of {', '.join(KINDS)}",
                               code="invalid_kind")
    marked = sorted((c.start, c.end) for c in (*add, *remove))
    for (_, end), (start, _) in zip(marked, marked[1:], strict=False):
        if start < end:
            raise InvalidInput("two corrections overlap; mark each range once",
                               code="overlapping_corrections")
