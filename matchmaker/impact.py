"""Proof-story candidates: the passages of closed conversations where a customer states an
outcome, an impact or praise, recognised by meaning (not keywords), ranked for marketing with
the conversation's rating and consent.

A passage is one customer message; its score is that of its best sentence, which is the part
highlighted. A sentence's score is how much closer it reads to statements of impact than to
everything else customers write (questions, problems, plans, logistics): the mean cosine to
its K nearest impact prototypes minus the mean to its K nearest other prototypes, in the
encoder's space, so Dutch and French passages are read against the same prototypes as English
ones (the prototypes are written in all three)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .ports import Encoder

# What customers say when something worked for them. Written as generic kinds of outcome,
# never copied from the labelled set (tests/data/impact_passages.jsonl) they are measured on.
IMPACT = (
    "This saved us hours of work every week.",
    "We now finish the job in a fraction of the time it used to take.",
    "It works now, the problem is solved. Thank you so much!",
    "Thank you, you were a great help, excellent support.",
    "Since we started using it our process is much faster and cheaper.",
    "We got paid faster and have fewer errors than before.",
    "Our team is very happy with the result.",
    "That was exactly what we needed, it made a big difference for us.",
    "Dit bespaart ons elke week uren werk.",
    "Het probleem is opgelost, het werkt nu. Heel erg bedankt!",
    "Bedankt, jullie hulp was geweldig.",
    "Sinds we het gebruiken gaat alles veel sneller en met minder fouten.",
    "Ons team is er heel blij mee, het maakt echt verschil.",
    "Cela nous fait gagner des heures chaque semaine.",
    "Le problème est résolu, tout fonctionne maintenant. Merci beaucoup !",
    "Merci, votre aide a été formidable.",
    "Depuis que nous l'utilisons, tout va plus vite et avec moins d'erreurs.",
    "Notre équipe est ravie du résultat, cela change tout pour nous.",
)
OTHER = (
    "How do I set this up?",
    "How much does it cost?",
    "I get an error message when I open the page.",
    "It still does not work.",
    "We spend a lot of time on this, can you help us?",
    "We are looking for a tool and comparing several options.",
    "I will ask my colleague and come back to you.",
    "Hello, is anyone there?",
    "OK, bye.",
    "That is disappointing, we expected more.",
    "Hoe stel ik dit in?",
    "Wat kost het?",
    "Ik krijg een foutmelding.",
    "We zijn veel tijd kwijt hieraan, kunnen jullie helpen?",
    "Ik kom er later op terug.",
    "Comment est-ce que je configure cela ?",
    "Combien ça coûte ?",
    "J'ai un message d'erreur.",
    "Nous perdons beaucoup de temps avec cela, pouvez-vous nous aider ?",
    "Je reviens vers vous plus tard.",
)
NEIGHBOURS = 3
# A sentence ends at . ! ? or a line break (and the space after it); decimals stay whole.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Reading:
    """How strongly a text states an impact (about -0.3 to 0.3: its best sentence's margin,
    averaged with the whole text's when it has several, so a thank-you before a new question
    does not read as praise), and where that sentence is: text[start:end]."""

    score: float
    start: int
    end: int
    # The whole text's vector (float16 to keep many): what a search by meaning compares with.
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence of text, in order."""
    spans, start = [], 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        if piece.strip():
            left = start + len(piece) - len(piece.lstrip())
            spans.append((left, start + len(piece.rstrip())))
        if match:
            start = match.end()
    return spans


class ImpactReader:
    """Scores texts against the prototypes, encoded once, lazily (the encoder adapters are
    thread-safe themselves)."""

    def __init__(self, encoder: Encoder):
        self.encoder = encoder
        self._lock = threading.Lock()
        self._prototypes: tuple[np.ndarray, np.ndarray] | None = None

    def _both(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._prototypes is None:
                self._prototypes = (self.encoder.encode(list(IMPACT)),
                                    self.encoder.encode(list(OTHER)))
            return self._prototypes

    def margins(self, vectors: np.ndarray) -> np.ndarray:
        """Mean cosine to the nearest impact prototypes minus to the nearest other ones."""
        impact, other = self._both()
        return _nearest_mean(vectors @ impact.T) - _nearest_mean(vectors @ other.T)

    def read(self, texts: Sequence[str]) -> list[Reading]:
        """One Reading per text (a text with no words scores -1: never a candidate)."""
        spans = [sentences(text) for text in texts]
        # Each sentence, and each text of several sentences as a whole (its context).
        pieces = [text[s:e] for text, found in zip(texts, spans, strict=True) for s, e in found]
        wholes = [i for i, found in enumerate(spans) if len(found) > 1]
        if not pieces:
            return [Reading(-1.0, 0, 0) for _ in texts]
        vectors = self.encoder.encode(pieces + [texts[i] for i in wholes])
        margins = self.margins(np.asarray(vectors, dtype=np.float32))
        context = dict(zip(wholes, margins[len(pieces):].tolist(), strict=True))
        whole = {i: len(pieces) + n for n, i in enumerate(wholes)}
        readings, at = [], 0
        for i, found in enumerate(spans):
            if not found:
                readings.append(Reading(-1.0, 0, 0))
                continue
            best = int(np.argmax(margins[at:at + len(found)]))
            score = float(margins[at + best])
            vector = np.asarray(vectors[whole.get(i, at)], dtype=np.float16)
            readings.append(Reading((score + context[i]) / 2 if i in context else score,
                                    *found[best], vector))
            at += len(found)
        return readings


def _nearest_mean(similarities: np.ndarray) -> np.ndarray:
    k = min(NEIGHBOURS, similarities.shape[1])
    return np.sort(similarities, axis=1)[:, -k:].mean(axis=1)


@dataclass(frozen=True)
class LabelledPassage:
    """One line of a labelled set: a customer's passage and whether it states an impact."""

    id: str
    language: str
    text: str
    impact: bool


def read_labelled(lines: Sequence[str]) -> list[LabelledPassage]:
    """Passages from JSON Lines: id, language, text, impact (true/false)."""
    rows = [json.loads(line) for line in lines if line.strip()]
    return [LabelledPassage(str(r["id"]), str(r["language"]), str(r["text"]), bool(r["impact"]))
            for r in rows]


def precision_at(labels: Sequence[bool], scores: Sequence[float], k: int) -> float:
    """The share of impact passages among the k best scored (ties: the earlier first)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return sum(labels[i] for i in order) / len(order) if order else 0.0


def average_precision(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """Mean of the precision at each impact passage's rank (1.0: all of them first)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    hits, total = 0, 0.0
    for rank, i in enumerate(order, start=1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def evaluate(reader: ImpactReader, passages: Sequence[LabelledPassage], k: int = 10) -> dict:
    """Precision at k and average precision, over all passages and per language (each
    language ranked on its own, as marketing filtering by language would see it)."""
    readings = reader.read([p.text for p in passages])
    scores = [r.score for r in readings]

    def figures(chosen: list[int]) -> dict:
        labels = [passages[i].impact for i in chosen]
        ranked = [scores[i] for i in chosen]
        return {"passages": len(chosen), "impact": sum(labels),
                f"precision_at_{k}": round(precision_at(labels, ranked, k), 3),
                "average_precision": round(average_precision(labels, ranked), 3)}
    result = {"all": figures(list(range(len(passages))))}
    for language in sorted({p.language for p in passages}):
        result[language] = figures([i for i, p in enumerate(passages) if p.language == language])
    return result
