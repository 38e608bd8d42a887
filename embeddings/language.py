"""Which language a question is written in: py3langid (langid.py's naive Bayes model, shipped
inside the package, numpy only), restricted to the languages the company serves (short texts are
hard: restricting the choice is what makes them reliable; accuracy in docs/matching.md)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

DEFAULT_LANGUAGES = ("en", "nl", "fr", "de")


class LanguageDetector:
    """Detects one of `languages` (ISO 639-1); loads lazily, read-only afterwards (thread-safe)."""

    def __init__(self, languages: Sequence[str] = DEFAULT_LANGUAGES):
        self.languages = tuple(languages)
        self._identifier = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(list(self.languages))
                self._identifier = identifier

    def detect(self, text: str) -> str:
        """The most likely of the configured languages (the first one for empty text)."""
        if not text or not text.strip():
            return self.languages[0]
        self.load()
        return str(self._identifier.classify(text)[0])

    def probabilities(self, text: str) -> dict[str, float]:
        """P(language | text) over the configured languages (uniform for empty text)."""
        if not text or not text.strip():
            return dict.fromkeys(self.languages, 1 / len(self.languages))
        self.load()
        return {str(lang): float(p) for lang, p in self._identifier.rank(text)}




@cache
def shared_detector(languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> LanguageDetector:
    """One detector per set of languages for the whole process: its model is read-only once
    loaded, and loading it costs a second and 76 MB."""
    return LanguageDetector(languages)
