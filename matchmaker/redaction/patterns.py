"""Personal data found by pattern: e-mail addresses, customer ids in URLs and street addresses.

E-mail: a careful pattern, no library. The validators on PyPI (email-validator) check a whole
string someone typed into a field, they do not find addresses inside running text; the pattern
below is the practical subset of RFC 5322 people type in chats (dotted local parts, plus tags,
sub-domains), and the angle brackets or punctuation around it stay outside the span."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .spans import Span, span

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
                   r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
# Query parameters whose value names someone, whatever it looks like.
ID_PARAMS = re.compile(r"(?:^|_)(?:id|uid|user|customer|client|klant|account|email|mail|token|"
                       r"key|session|sid|ref|invite|member|contact)s?(?:_?id)?$", re.IGNORECASE)
# Path segments that read like an id: numbers of 5+ digits (a 4-digit one is as often a year in
# a blog's URL), UUIDs, long hex, prefixed ids (cus_8Fk2…), and long mixed tokens.
ID_SEGMENT = re.compile(r"\d{5,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
                        r"[0-9a-f]{12,}|[a-z]{2,5}_[A-Za-z0-9]{6,}|"
                        r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}",
                        re.IGNORECASE)
# After these path words the next segment is someone's, even when it is a short name.
OWNER_SEGMENTS = {"customers", "customer", "users", "user", "klanten", "klant", "clients",
                  "client", "accounts", "account", "members", "profile", "profiles", "u"}


def find_emails(text: str) -> list[Span]:
    """E-mail addresses (angle brackets, quotes and trailing dots excluded)."""
    return [span(text, "email", m.start(), m.end(), "pattern") for m in EMAIL.finditer(text)]


def find_url_ids(text: str) -> list[Span]:
    """Ids and tokens inside URLs: query values of id-like parameters or that look like ids,
    and path segments that look like ids or follow a word such as /customers/."""
    spans = []
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        spans += _ids_in_url(text, match.start(), url)
    return spans


def _ids_in_url(text: str, offset: int, url: str) -> list[Span]:
    parts = urlsplit(url if "://" in url else "http://" + url)
    base = offset + (url.find(parts.path) if parts.path else len(url))
    spans, previous = [], ""
    at = base
    for segment in parts.path.split("/"):
        if segment and (ID_SEGMENT.fullmatch(segment) or previous.lower() in OWNER_SEGMENTS):
            spans.append(span(text, "id", at, at + len(segment), "url"))
        previous, at = segment, at + len(segment) + 1
    query_at = offset + url.find("?") + 1 if "?" in url else None
    if query_at is not None:
        spans += _ids_in_query(text, query_at, parts.query)
    return spans


def _ids_in_query(text: str, at: int, query: str) -> list[Span]:
    spans = []
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        start = at + len(name) + 1
        if value and (ID_PARAMS.search(name) or ID_SEGMENT.fullmatch(value)):
            spans.append(span(text, "id", start, start + len(value), "url"))
        at += len(pair) + 1
    return spans


_WORD = r"[A-ZÀ-Ý][\wÀ-ÿ'’-]*"
_NUMBER = r"\d{1,4}(?:\s?[a-zA-Z](?![\w]))?(?:\s?(?:bus|boîte|bte|b)\s?\d{1,4})?"
_NL_STREET = (r"(?:[A-ZÀ-Ý][\wÀ-ÿ'’-]*(?:straat|laan|weg|plein|gracht|kade|singel|dijk|"
              r"steenweg|lei|dreef|baan|hof|markt|pad|park|kaai|vest|wal|veld|ring))")
_FR_WAY = (r"(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|chaussée|"
           r"square|cours)")
_FR_REST = rf"(?:\s(?:de la|de l'|de|du|des|d'|la|le|l')?\s?{_WORD}){{1,4}}"
_EN_WAY = (r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Way|Close|Court|"
           r"Place|Square|Terrace|Crescent|Gardens|Row|Hill|Grove)")
_POSTCODE = (r"(?:,?\s(?:\d{4}\s?[A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|(?:[BFL]-)?\d{4,5})"
             rf"(?:\s{_WORD})?)?")
ADDRESSES = [re.compile(p) for p in (
    rf"\b{_NL_STREET}(?:\s{_WORD})?\s{_NUMBER}\b{_POSTCODE}",        # Keizersgracht 123, 1015 CJ
    rf"\b(?:{_WORD}\s)?(?:[Rr]ue|[Aa]venue|[Cc]haussée|[Bb]oulevard|[Pp]lace)"
    rf"{_FR_REST}\s{_NUMBER}\b{_POSTCODE}",                          # Rue de la Loi 16 (Belgium)
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s{_FR_WAY}{_FR_REST}{_POSTCODE}",  # 12 rue de Rivoli
    rf"\b\d{{1,4}}[a-zA-Z]?\s(?:{_WORD}\s){{1,3}}{_EN_WAY}\b{_POSTCODE}",  # 221B Baker Street
)]


def find_addresses(text: str) -> list[Span]:
    """Street addresses in Dutch, Belgian, French and British forms: a street word and a house
    number, with an optional postcode and town. A street named without its number, or a town
    alone, is not found (see docs/redaction.md for the measured recall)."""
    spans = []
    for pattern in ADDRESSES:
        spans += [span(text, "address", m.start(), m.end(), "pattern")
                  for m in pattern.finditer(text)]
    return spans
