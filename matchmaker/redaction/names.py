"""Person names: the names the system already knows, names right after a cue ("my name is",
"ik heet", "je m'appelle", a greeting or a sign-off), and what the NER adapter finds, cleaned
of words that are capitalised without being anyone (weekdays, months, the company's own name)."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence

from ..ports import NameFinder
from .spans import Span, span

# A capitalised word (accents, hyphenated and apostrophe names: Jean-Luc, O'Brien), and the
# particles a surname may start with (van der Berg, de la Fontaine, d'Artois).
_CAP = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)?(?:[-'’][A-ZÀ-Ý][a-zà-ÿ]+)?"
_PARTICLE = r"(?:van der|van den|van de|van|von|de la|de|der|den|du|des|le|la|ter|ten|d'|l')"
# A first name, maybe a second word, and a surname that may start with particles ("Jan de
# Vries", "Tom Van den Broeck", "Fatima El Amrani"); one particle group only: what follows "de
# Vries van …" is where the person works.
_NAME = rf"{_CAP}(?:\s{_CAP})?(?:\s(?:{_PARTICLE}\s?)?{_CAP})?"
# Cues after which a capitalised word is a name in these languages' chats. A greeting's cue
# must open the line (or a sentence); a sign-off's ends a sentence with a comma or a dash.
_CUES = [
    r"my name is", r"(?:this is|it's|it is|ici)(?=(?:\s+\S+){1,3}\s+(?:from|of|at|here|de)\b)",
    r"I am", r"I'm",
    r"call me", r"(?:ik ben|ik heet|mijn naam is)",
    r"(?:^|[.!?,]\s*)met",  # "Goedemorgen, met Marieke Smit" (not "werkt het met Exact")
    r"je (?:m'appelle|m’appelle|suis)",
    r"mon nom est", r"(?:moi c'est|c'est)",
    r"(?:^|[.!?]\s+)(?:hi|hello|hey|dear|hoi|hallo|dag|beste|goedemiddag|goedemorgen|bonjour|"
    r"bonsoir|salut|cher|chère)",
    r"\b(?:madame|monsieur|mevrouw|meneer|mr|mrs|ms|mme|dr)\.?",
    r"(?:regards|best regards|kind regards|cheers|thanks|thank you|many thanks|best|groeten|"
    r"met vriendelijke groet|vriendelijke groeten|groetjes|mvg|bedankt|dank je|dank u|merci|"
    r"cordialement|bien à vous|bonne journée|à bientôt)[,!.]?\s*(?:-+\s*)?",
    r"(?:colleague|collega|collègue|manager|accountant|boekhouder|comptable|CFO|CEO)",
]
CUED_NAME = re.compile(rf"(?i:{'|'.join(_CUES)})\s+({_NAME})", re.MULTILINE)
_NAME_ONLY = re.compile(rf"{_NAME}\Z")
# Capitalised words that are not people, whatever a model or a cue says: weekdays and months in
# the three languages, greetings, titles and language names. The company's own name is
# configured, not listed here (company_words).
NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december maandag dinsdag woensdag donderdag vrijdag
zaterdag zondag januari februari maart mei juni juli augustus oktober lundi mardi mercredi jeudi
vendredi samedi dimanche janvier février mars avril juin juillet août septembre octobre novembre
décembre hi hello hey dear hoi hallo dag beste bonjour bonsoir salut merci thanks cheers
groeten bedankt cordialement regards ok okay yes no ja nee oui non sorry
excuse pardon please graag svp english nederlands français dutch french belgian belgisch belge
best kind many warm met vriendelijke bien bonne engels frans duits anglais allemand néerlandais
german mr mrs ms miss dr mme mlle madame monsieur mevrouw meneer
""".split())
# A company, not a person: a find holding one of these legal forms or a "&" ("Evans & Sons").
LEGAL_FORMS = frozenset("ltd limited plc llc inc bv b.v. nv n.v. sa sarl sas srl sprl gmbh vzw "
                        "asbl & zonen sons fils".split())
# What follows "I am"/"ik ben"/"je suis" is often not a name ("I'm Dutch", "ik ben klant"):
# those cues count only for a word the NER adapter or the known names also saw as a name, or
# for two capitalised words (a first and a last name).
_WEAK = re.compile(r"(?i:I am|I'm|ik ben|je suis|c'est|met)\s+\Z")


def company_words(company: str) -> frozenset[str]:
    """The company's own name as words that are never a person's, lower-cased: each word and
    the name run together ("Lumen Ledger" → lumen, ledger, lumenledger)."""
    words = [w for w in (w.strip(string.punctuation) for w in company.lower().split()) if w]
    return frozenset([*words, "".join(words)]) if words else frozenset()


def find_known(text: str, known: Iterable[str]) -> list[Span]:
    """Every occurrence of a name the system knows (the customer's, the employees'), as whole
    words: the full name in any case, and its parts (a first name alone, a surname alone) when
    capitalised as in the name — "Sam Sales" must not mask every "sales" in a quote."""
    full, parts = set(), set()
    for name in known:
        clean = " ".join(name.split())
        if clean:
            full.add(clean)
            parts.update(part for part in clean.split() if len(part) >= 3 and part[0].isupper())
    spans = []
    for word, flags in [(w, re.IGNORECASE) for w in full] + [(p, 0) for p in parts - full]:
        pattern = re.compile(rf"(?<![\w@.]){re.escape(word)}(?![\w@])", flags)
        spans += [span(text, "name", m.start(), m.end(), "known") for m in pattern.finditer(text)]
    return spans


def find_cued(text: str, confirmed: Sequence[Span] = (),
              not_names: frozenset[str] = NOT_NAMES) -> list[Span]:
    """Capitalised words right after a cue; a weak cue ("I'm") needs two words or a
    confirmation by another detector."""
    spans = []
    for match in CUED_NAME.finditer(text):
        start, end = match.span(1)
        start, end = _trim(text, start, end, not_names)
        if start >= end:
            continue
        weak = _WEAK.search(text, 0, start) is not None
        two_words = " " in text[start:end]
        if weak and not two_words and not any(s.overlaps(start, end) for s in confirmed):
            continue
        spans.append(span(text, "name", start, end, "cue"))
    return spans


def _trim(text: str, start: int, end: int, not_names: frozenset[str]) -> tuple[int, int]:
    """Drop leading words that are not names, and cut at the first one left (the name ends
    before it)."""
    words = [(m.start() + start, m.end() + start)
             for m in re.finditer(r"\S+", text[start:end])]
    while words and text[words[0][0]:words[0][1]].lower() in not_names:
        words.pop(0)
    cut = next((i for i, (s, e) in enumerate(words) if text[s:e].lower() in not_names), None)
    words = words[:cut] if cut is not None else words
    return (words[0][0], words[-1][1]) if words else (start, start)


def find_by_model(text: str, language: str, finder: NameFinder | None,
                  not_names: frozenset[str] = NOT_NAMES) -> list[Span]:
    """The adapter's finds, kept when they read as a name: capitalised, and not a weekday,
    month, greeting or the company's own name."""
    if finder is None:
        return []
    spans = []
    for start, end in finder.find_names(text, language):
        start, end = _trim(text, start, end, not_names)
        words = text[start:end].lower().split()
        if start < end and _NAME_ONLY.match(text[start:end]) and not LEGAL_FORMS & set(words):
            spans.append(span(text, "name", start, end, "ner"))
    return spans


def find_names(text: str, language: str, known: Iterable[str], finder: NameFinder | None,
               company: str = "") -> list[Span]:
    """Every name the three ways find; the words of `company` (the company's own name) are
    never one."""
    not_names = NOT_NAMES | company_words(company)
    confirmed = find_known(text, known) + find_by_model(text, language, finder, not_names)
    return confirmed + find_cued(text, confirmed, not_names)
