"""The services one app holds: transactions, encoder, index, where CPU work runs, policy and the
clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_socketio import SocketIO
from sqlalchemy import Engine

from embeddings.lexical import BM25Index
from embeddings.passages import PassageIndex
from matchmaker.db import Statement, Transaction
from matchmaker.ports import (
    AttachmentStore,
    CpuRunner,
    Encoder,
    FileInspector,
    LanguageDetector,
    LexicalIndex,
    NameFinder,
    ProfileIndex,
)
from matchmaker.routing import Matcher, Weights
from matchmaker.snippet_search import SnippetIndex
from matchmaker.story_finder import PassageReadings
from matchmaker.values import Policy

from .config import Settings


@dataclass
class Services:
    settings: Settings
    engine: Engine
    transaction: Transaction
    statement: Statement  # one statement, its own transaction
    one_statement: Callable  # the chat's hot path: db.make_one_statement
    encoder: Encoder
    run_cpu: CpuRunner  # password hashing: off the event loop under gevent
    detector: LanguageDetector | None
    matcher: Matcher
    policy: Policy
    socketio: SocketIO
    clock: Callable[[], datetime]
    consoles: set[str] = field(default_factory=set)  # this process's console connections (sids)
    # The snippets' words and vectors (a cache of the database, one per process).
    snippets: SnippetIndex = field(default_factory=lambda: SnippetIndex(BM25Index))
    # Attachments: where their bytes are kept, and what reads them (web/attachment_*.py).
    attachment_store: AttachmentStore | None = None
    file_inspector: FileInspector | None = None
    # Person names in quotes to redact (embeddings/names.py; loaded on first use).
    names: NameFinder | None = None
    # Customer passages read for proof stories (matchmaker/story_finder.py; kept by message id).
    story_readings: PassageReadings | None = None


def services() -> Services:
    """The current app's services."""
    return current_app.extensions["matchmaker"]


def make_matcher(encoder: Encoder, index: ProfileIndex | None = None,
                 lexical: LexicalIndex | None = None, weights: Weights | None = None,
                 detector: LanguageDetector | None = None, min_fit: float | None = None
                 ) -> Matcher:
    """The matcher the app ranks with; the evaluation builds its own the same way."""
    return Matcher(encoder, index or PassageIndex(), lexical or BM25Index(), weights,
                   detector=detector, min_fit=min_fit)
