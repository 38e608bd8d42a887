"""Engines and explicit transactions: the domain flushes, the caller commits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

Transaction = Callable[[], AbstractContextManager[Session]]
Statement = Callable[[], AbstractContextManager[Connection]]


def make_engine(url: str, pool_size: int = 20) -> Engine:
    """An engine for url; SQLite gets WAL, foreign keys and a busy timeout.

    No ping before each use of a pooled connection (a round trip per message): after a database
    restart the first statement on a dead connection fails, which makes SQLAlchemy drop every
    connection of the pool made before it; that one request is answered `unavailable` and the
    clients send it again (web/errors.py).

    pool_size connections stay open (PostgreSQL): with more handlers at a time than that, the
    extra connections are opened and closed per use, which cost more CPU than the chat's
    statements themselves (measured: bench/README.md)."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=pool_size, max_overflow=10)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # The driver's own BEGIN handling is switched off so "BEGIN IMMEDIATE" below is ours:
        # writers queue on the database lock instead of failing to upgrade a read lock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_transaction(engine: Engine) -> Transaction:
    """A `with transaction() as session:` factory: commit on success, roll back on error."""
    factory = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction() -> Iterator[Session]:
        with factory.begin() as session:
            yield session

    return transaction


def make_statement(engine: Engine) -> Statement:
    """A `with statement() as connection:` factory for work that is one statement and its own
    transaction (the hot path): PostgreSQL runs it in autocommit, without the BEGIN and COMMIT
    round trips; SQLite in a transaction of its own (commit on success)."""
    if engine.dialect.name != "postgresql":
        return engine.begin
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def statement() -> Iterator[Connection]:
        with autocommit.connect() as connection:
            yield connection

    return statement
