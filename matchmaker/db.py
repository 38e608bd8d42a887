"""Engines and explicit transactions: the domain flushes, the caller commits."""

from __future__ import annotations

import threading
from collections import deque, namedtuple
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Engine,
    Integer,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.visitors import InternalTraversal

Transaction = Callable[[], AbstractContextManager[Session]]
Statement = Callable[[], AbstractContextManager[Connection]]


def core(session: Session) -> Connection:
    """The session's connection, for a hot read that needs no ORM objects (SQLAlchemy Core
    skips the ORM's per-statement work); pending changes are flushed first, as the ORM's own
    autoflush would."""
    session.flush()
    return session.connection()


def listed(column, *order_by) -> Select:
    """column as `id`, with its place in order_by as `place` (1, 2, …): a list that keeps its
    order inside a UNION ALL of several (the sweep reads every kind of due thing at once)."""
    return select(column.label("id"), func.row_number().over(order_by=order_by).label("place"))


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


class InIds(ColumnElement[bool]):
    """`column IN (ids)` with the ids bound as one parameter named name, a list of ints at
    execution: `= ANY(:name)` (an integer array) on PostgreSQL, `IN (SELECT value FROM
    json_each(:name))` (a JSON text) elsewhere. For statements built once and run on every
    ranking: an expanding IN renders one parameter per id at each execution, which was the
    largest Python cost of a ranking after reading the question (docs/matching.md)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it is: no "= 1" on SQLite
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("name", InternalTraversal.dp_string)]

    def __init__(self, column: ColumnElement, name: str):
        self.column, self.name = column, name


@compiles(InIds)
def _in_ids_json(element: InIds, compiler, **kw) -> str:
    ids = select(literal_column("value")).select_from(
        func.json_each(bindparam(element.name, type_=JSON())))
    return compiler.process(element.column.in_(ids.scalar_subquery()), **kw)


@compiles(InIds, "postgresql")
def _in_ids_array(element: InIds, compiler, **kw) -> str:
    return compiler.process(element.column == any_(bindparam(element.name, type_=ARRAY(Integer))),
                            **kw)


def make_one_statement(engine: Engine) -> Callable[[], AbstractContextManager[Any]]:
    """A `with one_statement() as connection:` factory for the chat's hot path: one Core
    statement, `connection.execute(statement, params).first()`. On PostgreSQL the statement,
    compiled once, is its own transaction, written by the process's GroupCommit on a pooled
    driver connection in autocommit (alone, or with others that came at the same time); on
    SQLite a Connection in a transaction of its own."""
    if engine.dialect.name != "postgresql":
        return engine.begin
    # Its own pool, every connection in autocommit (a raw connection takes no options): half
    # the main pool's size, which is plenty (a statement holds its connection for under a
    # millisecond) and keeps processes x connections under PostgreSQL's max_connections.
    hot = create_engine(engine.url, isolation_level="AUTOCOMMIT",
                        pool_size=max(5, engine.pool.size() // 2), max_overflow=5)

    writer = GroupCommit(hot, lock_key="p_conversation_id")

    @contextmanager
    def one_statement() -> Iterator[GroupCommit]:
        yield writer

    return one_statement


@dataclass(frozen=True)
class _Compiled:
    sql: str
    literals: dict  # the values the statement binds itself (e.g. status != 'closed')
    processors: dict  # bind name -> the type's bind processor (e.g. aware -> naive UTC)
    row: type  # the result row: a namedtuple of the selected columns' names


_compiled: dict[tuple[int, str], tuple[Select, _Compiled]] = {}


def _compile(statement: Select, dialect: Dialect) -> _Compiled:
    """The statement compiled once for the driver, refusing what this path cannot run
    faithfully (expanding IN lists, escaped names, result types that need processing)."""
    key = (id(statement), dialect.name)
    if key in _compiled and _compiled[key][0] is statement:
        return _compiled[key][1]
    compiled = statement.compile(dialect=dialect)
    if compiled.positional or compiled.escaped_bind_names or any(
            bind.expanding for bind in compiled.binds.values()):
        raise ValueError("the driver path runs named, non-expanding parameters only")
    columns = list(statement.selected_columns)
    if any(column.type.result_processor(dialect, None) for column in columns):
        raise ValueError("the driver path returns columns that need no result processing")
    processors = {name: processor for name, bind in compiled.binds.items()
                  if (processor := bind.type.bind_processor(dialect)) is not None}
    literals = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
    prepared = _Compiled(str(compiled), literals, processors,
                         namedtuple("Row", [column.key for column in columns]))
    _compiled[key] = (statement, prepared)
    return prepared


class DriverConnection:
    """A pooled driver connection in autocommit running Core statements compiled once, without
    SQLAlchemy's execution context (GroupCommit's): measured 430 -> 170 µs of CPU per stored
    message (bench/README.md). Its errors are SQLAlchemy's (a database that went away is an
    OperationalError, as everywhere else), and a lost connection empties the pool."""

    def __init__(self, engine: Engine, raw):
        self.engine, self.raw, self.dialect = engine, raw, engine.dialect

    def run(self, slot: _Slot) -> _Rows:
        cursor = None
        try:
            cursor = self.raw.cursor()
            cursor.execute(slot.prepared.sql, slot.values)
            rows = [slot.prepared.row(*row) for row in cursor.fetchall()]
        except self.dialect.loaded_dbapi.Error as error:
            raise self.failed(error, slot, cursor) from error
        finally:
            if cursor is not None:
                cursor.close()
        return _Rows(rows)

    def run_together(self, slots: list[_Slot], lock_timeout: str) -> None:
        """Every slot's statement in one transaction, pipelined: one round trip and one commit
        for all, waiting at most lock_timeout for any row lock. Each slot gets its rows; an
        error rolls them all back and is raised."""
        connection, cursors = self.raw.driver_connection, []
        try:
            with connection.pipeline(), connection.transaction():
                connection.execute("SELECT set_config('lock_timeout', %s, true)", (lock_timeout,))
                for slot in slots:
                    cursors.append(cursor := connection.cursor())
                    cursor.execute(slot.prepared.sql, slot.values)
            for slot, cursor in zip(slots, cursors, strict=True):
                slot.rows = _Rows([slot.prepared.row(*row) for row in cursor.fetchall()])
        except self.dialect.loaded_dbapi.Error as error:
            raise self.failed(error, slots[0], None) from error
        finally:
            for cursor in cursors:
                cursor.close()

    def failed(self, error: Exception, slot: _Slot, cursor) -> DBAPIError:
        """The driver's error as SQLAlchemy's; a lost connection empties the pool."""
        lost = self.dialect.is_disconnect(error, self.raw, cursor)
        if lost:  # every pooled connection died with it (a restart): start afresh
            self.raw.invalidate(error)
            self.engine.dispose()
        return DBAPIError.instance(slot.prepared.sql, slot.values, error,
                                   self.dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                   dialect=self.dialect)


class _Slot:
    """One statement waiting to be written, and what came of it."""

    __slots__ = ("prepared", "values", "rows", "error", "turn", "finished", "alone")

    def __init__(self, prepared: _Compiled, params: dict):
        self.prepared = prepared
        self.values = {**prepared.literals, **params}
        for name, processor in prepared.processors.items():
            self.values[name] = processor(self.values[name])
        self.rows: _Rows | None = None
        self.error: BaseException | None = None
        # A caller who queued waits on this: set when written, or when its turn to lead comes.
        self.turn: threading.Event | None = None
        self.finished = False
        self.alone = False  # its batch failed: its caller writes it on its own connection


class GroupCommit:
    """The chat's hot statements (each its own transaction) from many handlers at once, written
    a batch per transaction. A caller who finds nothing being written writes at once: its own
    statement, alone, on a pooled connection. Callers who arrive meanwhile queue; when the
    batch is written, the first of them writes everything queued (up to `limit`) in one
    pipelined transaction, one round trip and one commit for all, and so on. So a quiet server
    writes each message as before, and a busy one shares commits instead of queueing for them
    (docs/realtime.md, "Group commit"). Each statement keeps its own meaning: if one fails, or
    the batch waits too long for a row lock, every caller in it writes its own statement on its
    own connection, side by side, so only that one fails or waits."""

    # A batch waits at most this long for a row lock another transaction holds, then its
    # statements are written one by one: one slow lock must not hold up every chat.
    BATCH_LOCK_TIMEOUT = "100ms"

    def __init__(self, engine: Engine, limit: int = 64, lock_key: str | None = None):
        """lock_key: the parameter naming the row each statement locks; a batch runs its
        statements in that order (rows locked in one order: locks.py), each row's own in the
        order they came."""
        self.engine, self.dialect, self.limit, self.lock_key = engine, engine.dialect, limit, lock_key
        self._lock = threading.Lock()
        self._queue: deque[_Slot] = deque()
        self._writing = False
        self.batches = 0  # how many were written (tests, and to see it work)

    def execute(self, statement: Select, params: dict) -> _Rows:
        slot = _Slot(_compile(statement, self.dialect), params)
        with self._lock:
            self._queue.append(slot)
            lead, self._writing = not self._writing, True
            if not lead:
                slot.turn = threading.Event()
        if not lead:
            slot.turn.wait()
        if not slot.finished:  # it leads: it is at the head of the queue
            self._lead()
        if slot.alone:
            with self._connection() as connection:
                return connection.run(slot)
        if slot.error is not None:
            raise slot.error
        return slot.rows

    def _lead(self) -> None:
        with self._lock:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self.limit))]
        if self.lock_key is not None and len(batch) > 1:
            batch.sort(key=lambda slot: slot.values.get(self.lock_key) or 0)  # stable
        try:
            self._write(batch)
        except BaseException as error:  # (a greenlet killed while writing): nobody waits forever
            for slot in batch:
                if slot.rows is None and slot.error is None:
                    slot.error = error
            raise
        finally:
            with self._lock:
                following = self._queue[0] if self._queue else None
                self._writing = following is not None
            for slot in batch:
                slot.finished = True
                if slot.turn is not None:
                    slot.turn.set()
            if following is not None:
                following.turn.set()  # its turn to lead

    def _write(self, batch: list[_Slot]) -> None:
        self.batches += 1
        if len(batch) == 1:
            with self._connection() as connection:
                try:
                    batch[0].rows = connection.run(batch[0])
                except DBAPIError as error:
                    batch[0].error = error
            return
        try:
            with self._connection() as connection:
                connection.run_together(batch, self.BATCH_LOCK_TIMEOUT)
        except DBAPIError as error:
            if error.connection_invalidated:  # the database went away: all answer so
                for slot in batch:
                    slot.error = error
                return
            # One statement failed (or waited too long for a row another transaction holds)
            # and took the batch with it: each caller writes its own now, side by side, so
            # only that one fails or waits.
            for slot in batch:
                slot.rows, slot.alone = None, True

    @contextmanager
    def _connection(self) -> Iterator[DriverConnection]:
        try:
            raw = self.engine.raw_connection()
        except self.dialect.loaded_dbapi.Error as error:  # the database cannot be reached
            raise DBAPIError.instance(None, None, error, self.dialect.loaded_dbapi.Error,
                                      connection_invalidated=True,
                                      dialect=self.dialect) from error
        try:
            yield DriverConnection(self.engine, raw)
        finally:
            raw.close()


@dataclass(frozen=True)
class _Rows:
    rows: list

    def first(self):
        return self.rows[0] if self.rows else None
