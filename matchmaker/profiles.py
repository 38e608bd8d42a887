"""Expertise profiles as embedded passages, and keeping the search indexes in step with them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from sqlalchemy import delete, func, select, true, update
from sqlalchemy.orm import Session

from .db import core
from .errors import ModelMismatch
from .models import Employee, HistoryItem, PassageGeneration, ProfilePassage, VectorSpace
from .ports import Encoder, LexicalIndex, ProfileIndex

if TYPE_CHECKING:  # experience reads profiles: a type only, no import cycle
    from . import experience

PROFILE_KINDS = ("title", "expertise", "bio", "summary")
DEFAULT_MIN_FIT = 0.3  # for an encoder that says nothing of its cosine scale
_PIECES = re.compile(r"(?<=[.!?])\s+|\s*\|\s*|\n+|;\s*")
_MAX_LIST_ITEM_WORDS = 6


def split_passages(text: str) -> list[str]:
    """Free profile text as passages: sentences, '|'- or ';'-separated parts, and each item of a
    'Heading: a, b, c' list (kept with its heading), so no passage is cut at the model's limit."""
    passages: list[str] = []
    for piece in _PIECES.split(text or ""):
        piece = piece.strip(" \t-•*")
        if len(piece) < 3:
            continue
        passages.append(piece)
        head, colon, tail = piece.partition(": ")
        items = [item.strip() for item in tail.split(",")] if colon else []
        if len(items) >= 3 and all(0 < len(item.split()) <= _MAX_LIST_ITEM_WORDS for item in items):
            passages += [f"{head}: {item}" for item in items]
    return passages


def headline(employee: Employee | experience.Person) -> str:
    """Title and team, as the profile says them (of an employee, or of a candidate as ranking
    reads them)."""
    return ", ".join(part for part in (employee.title, employee.team) if part)


def profile_passages(employee: Employee) -> list[tuple[str, str]]:
    """The (kind, text) pieces of a profile, each embedded on its own."""
    passages: list[tuple[str, str]] = []
    if headline(employee):
        passages.append(("title", headline(employee)))
    passages += [("expertise", item.strip()) for item in employee.expertise if item.strip()]
    bio = split_passages(employee.bio)
    passages += [("bio", text) for text in bio]
    if len(bio) > 1:
        # The whole text too: its gist, even if the model reads only its first 256 tokens.
        passages.append(("summary", employee.bio.strip()))
    return passages


def model_of(encoder: Encoder) -> str:
    """What the encoder calls itself (recorded with the vectors it makes)."""
    return getattr(encoder, "spec", type(encoder).__name__)


def calibration(encoder: Encoder) -> tuple[float, float]:
    """The encoder's threshold for a question in English and in another language."""
    min_fit = getattr(encoder, "min_fit", DEFAULT_MIN_FIT)
    return (min_fit(1.0), min_fit(0.0)) if callable(min_fit) else (min_fit, min_fit)


class Space(NamedTuple):
    """Which model made the stored vectors, and its thresholds on their cosine scale."""

    model: str
    dimension: int
    min_fit_english: float
    min_fit_other: float


def check_space(session: Session, encoder: Encoder) -> VectorSpace | None:
    """The stored vectors' space (None: no vectors yet); refused when another model made it."""
    space = session.get(VectorSpace, 1)
    if space is not None:
        _refuse_other_model(space.model, space.dimension, encoder)
    return space


def _refuse_other_model(model: str, dimension: int, encoder: Encoder) -> None:
    if (model, dimension) != (model_of(encoder), encoder.dimension):
        raise ModelMismatch(
            f"the stored profile vectors were made by {model!r}, but this server encodes "
            f"with {model_of(encoder)!r}: run `flask --app web reembed` once")


def ranking_state(session: Session, encoder: Encoder) -> tuple[Space | None, str]:
    """What every ranking checks first, in one statement: the stored vectors' space (None: no
    vectors yet; refused when another model made it) and the stored passages' version,
    "generation:highest id" (new passages raise the id, removals raise the generation)."""
    generation, top, *space = core(session).execute(_STATE).one()
    version = f"{generation or 0}:{top or 0}"
    if space[0] is None:
        return None, version
    _refuse_other_model(space[0], space[1], encoder)
    return Space(*space), version


def _claim_space(session: Session, encoder: Encoder) -> None:
    """New vectors: the first ones say which model this space is (with its calibrated
    thresholds); others must match it."""
    if check_space(session, encoder) is None:
        english, other = calibration(encoder)
        session.add(VectorSpace(id=1, model=model_of(encoder), dimension=encoder.dimension,
                                min_fit_english=english, min_fit_other=other))
        session.flush()


def _store(session: Session, encoder: Encoder,
           rows: list[tuple[int, str, str, int | None]]) -> None:
    """Embed and add passages: rows of (employee id, kind, text, history item id)."""
    if not rows:
        return
    _claim_space(session, encoder)
    vectors = encoder.encode([text for _, _, text, _ in rows]).astype(np.float32)
    session.add_all(
        ProfilePassage(employee_id=eid, kind=kind, text=text, vector=vector.tobytes(),
                       history_item_id=item)
        for (eid, kind, text, item), vector in zip(rows, vectors, strict=True)
    )


def embed_employees(session: Session, encoder: Encoder, employees: list[Employee]) -> int:
    """Re-embed the profile passages of these employees only (their history is kept)."""
    if not employees:
        return 0
    ids = [employee.id for employee in employees]
    _remove(session, (ProfilePassage.employee_id.in_(ids), ProfilePassage.kind.in_(PROFILE_KINDS)))
    rows = [(e.id, kind, text, None) for e in employees for kind, text in profile_passages(e)]
    _store(session, encoder, rows)
    session.flush()
    for employee in employees:
        session.expire(employee, ["passages"])
    return len(rows)


def add_history(
    session: Session, encoder: Encoder, employee_id: int, texts: Sequence[str], source: str,
    now: datetime, conversation_id: int | None = None,
) -> int:
    """Add questions this employee answered to their history vectors; returns how many."""
    texts = [text.strip() for text in texts if text and text.strip()]
    if not texts:
        return 0
    items = [HistoryItem(employee_id=employee_id, text=text, source=source,
                         conversation_id=conversation_id, created_at=now) for text in texts]
    session.add_all(items)
    session.flush()
    _store(session, encoder, [(employee_id, "history", item.text, item.id) for item in items])
    session.flush()
    return len(texts)


def forget_history(session: Session, item: HistoryItem) -> None:
    """Remove one history item and its vector."""
    _remove(session, (ProfilePassage.history_item_id == item.id,))
    session.delete(item)
    session.flush()


def replace_imported_history(
    session: Session, encoder: Encoder, employee_id: int, texts: Sequence[str], now: datetime
) -> int:
    """Re-import: the imported history becomes exactly texts; learned history is kept."""
    imported = select(HistoryItem.id).where(HistoryItem.employee_id == employee_id,
                                            HistoryItem.source == "import")
    existing = list(session.scalars(select(HistoryItem.text).where(
        HistoryItem.id.in_(imported)).order_by(HistoryItem.id)))
    wanted = [text.strip() for text in texts if text and text.strip()]
    if existing == wanted:
        return 0
    _remove(session, (ProfilePassage.history_item_id.in_(imported),))
    session.execute(delete(HistoryItem).where(HistoryItem.id.in_(list(session.scalars(imported)))))
    return add_history(session, encoder, employee_id, wanted, "import", now)


def _remove(session: Session, where: tuple) -> None:
    """Delete passages; any removal makes every process rebuild its caches."""
    if session.execute(delete(ProfilePassage).where(*where)).rowcount:
        bumped = session.execute(update(PassageGeneration).where(PassageGeneration.id == 1)
                                 .values(generation=PassageGeneration.generation + 1))
        if not bumped.rowcount:
            session.add(PassageGeneration(id=1, generation=1))
        session.flush()


# ranking_state's one statement: index look-ups only (the one-row tables by id, the highest
# passage id); built once.
_STATE = select(
    select(PassageGeneration.generation).where(PassageGeneration.id == 1).scalar_subquery(),
    select(func.max(ProfilePassage.id)).scalar_subquery(),
    *(select(column).where(VectorSpace.id == 1).scalar_subquery()
      for column in (VectorSpace.model, VectorSpace.dimension, VectorSpace.min_fit_english,
                     VectorSpace.min_fit_other)))


def sync_indexes(session: Session, index: ProfileIndex, lexical: LexicalIndex,
                 blocks: Sequence[tuple[int, int]] | None = None, *, version: str) -> bool:
    """Rebuild the indexes from the database when they are behind (another worker, a restart):
    every passage with one gist per employee (the normalised mean of all they know), and
    keywords. blocks: the parts of a vector that come from different encoders, normalised one
    by one; version: the database's, as ranking_state just read it. Returns whether anything
    changed."""
    if index.version == lexical.version == version:
        return False
    added = None
    if index.version == lexical.version:
        added = _appended_since(session, index.version, version)
    if added is None:
        rows = _passages(session, true())
        ids, vectors = _vectors(rows)
        index.rebuild(ids, *_owners(rows), vectors, *_centroids(rows, vectors, blocks), version,
                      blocks)
        lexical.rebuild(_documents(rows), version)
        return True
    # Only new passages (a learned conversation, a new hire): touch just those employees.
    owners = {row.employee_id for row in added}
    rows = _passages(session, ProfilePassage.employee_id.in_(owners))
    ids, vectors = _vectors(added)
    index.upsert(ids, *_owners(added), vectors, *_centroids(rows, _vectors(rows)[1], blocks),
                 version)
    lexical.update(_documents(rows), version)
    return True


def index_behind(index: ProfileIndex, lexical: LexicalIndex, version: str) -> bool:
    """Whether the database, at this version, holds passages the indexes do not."""
    return not index.version == lexical.version == version


_PASSAGE_COLUMNS = (ProfilePassage.id, ProfilePassage.employee_id, ProfilePassage.kind,
                    ProfilePassage.text, ProfilePassage.vector)


def _passages(session: Session, where) -> list:
    return list(session.execute(select(*_PASSAGE_COLUMNS).where(where)
                                .order_by(ProfilePassage.id)))


def _owners(rows) -> tuple[np.ndarray, np.ndarray]:
    """Each passage's employee, and whether it is the profile's own words (not history)."""
    return (np.array([row.employee_id for row in rows], dtype=np.int64),
            np.array([row.kind in PROFILE_KINDS for row in rows], dtype=bool))


def _appended_since(session: Session, old: str | None, new: str) -> list | None:
    """The passages added since version old, when nothing was removed; None otherwise."""
    if old is None:
        return None
    (old_generation, old_top), (generation, top) = (map(int, v.split(":")) for v in (old, new))
    if generation != old_generation or top <= old_top:
        return None
    return _passages(session, ProfilePassage.id > old_top)


def _vectors(rows) -> tuple[np.ndarray, np.ndarray]:
    ids = np.array([row.id for row in rows], dtype=np.int64)
    vectors = (np.stack([np.frombuffer(row.vector, dtype=np.float32) for row in rows])
               if rows else np.zeros((0, 0), dtype=np.float32))
    return ids, vectors


def _documents(rows) -> dict[int, str]:
    documents: dict[int, list[str]] = {}
    for row in rows:
        documents.setdefault(row.employee_id, []).append(row.text)
    return {eid: " ".join(texts) for eid, texts in documents.items()}


def _centroids(rows, vectors: np.ndarray, blocks: Sequence[tuple[int, int]] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Per employee, the normalised mean of their passage vectors; with blocks, each block is
    normalised to the norm it has in a passage (so each encoder's gist is its own cosine)."""
    owners = np.array([row.employee_id for row in rows], dtype=np.int64)
    if not len(owners):
        return owners, vectors
    order = np.argsort(owners, kind="stable")
    employee_ids, starts = np.unique(owners[order], return_index=True)
    sums = np.add.reduceat(vectors[order], starts, axis=0)
    if not blocks:
        return employee_ids, (sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True),
                                                1e-12))
    out = np.empty_like(sums)
    for start, end in blocks:
        part = sums[:, start:end]
        size = float(np.linalg.norm(vectors[0, start:end]))  # every passage's block has this norm
        out[:, start:end] = part * (size / np.maximum(np.linalg.norm(part, axis=1,
                                                                     keepdims=True), 1e-12))
    return employee_ids, out


def reembed_everyone(session: Session, encoder: Encoder, batch: int = 64,
                     progress=lambda n: None) -> int:
    """Re-embed every profile and history item (after switching the model); returns passages."""
    employees = list(session.scalars(select(Employee).order_by(Employee.id)))
    _remove(session, ())
    session.execute(delete(VectorSpace))  # the new model's vectors make the space anew
    total = 0
    for start in range(0, len(employees), batch):
        chunk = employees[start:start + batch]
        total += embed_employees(session, encoder, chunk)
        history = session.execute(select(HistoryItem.employee_id, HistoryItem.text,
                                         HistoryItem.id).where(
            HistoryItem.employee_id.in_([e.id for e in chunk]))).all()
        _store(session, encoder, [(eid, "history", text, item) for eid, text, item in history])
        total += len(history)
        progress(len(chunk))
    session.flush()
    return total
