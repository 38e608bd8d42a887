"""Group commit on PostgreSQL's hot path: messages written at once share commits, each keeps its
own outcome, and nobody waits forever when the database is away."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, bindparam, create_engine, func, select
from sqlalchemy.exc import DBAPIError, OperationalError

from matchmaker import conversations
from matchmaker.db import GroupCommit, make_one_statement, make_transaction
from matchmaker.locks import lock_conversation
from matchmaker.models import Conversation, Customer, Message
from matchmaker.values import Policy

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
POLICY = Policy()
JOIN = 20  # seconds any thread here may take


@pytest.fixture
def writer(db):
    if db.dialect.name != "postgresql":
        pytest.skip("group commit is PostgreSQL's hot path (SQLite writes in-process)")
    with make_one_statement(db)() as connection:
        yield connection


def open_chats(db, count: int) -> list[int]:
    """count active conversations, each with its customer: their ids."""
    with make_transaction(db)() as session:
        chats = [Conversation(customer=Customer(visitor_id=f"v-{i}", created_at=NOW),
                              status="active", question="How do I export?", created_at=NOW)
                 for i in range(count)]
        session.add_all(chats)
        session.flush()
        return [chat.id for chat in chats]


def run_all(*jobs) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN)
        assert not thread.is_alive(), "a caller waited forever"


def test_messages_written_at_once_share_commits_and_every_one_is_stored_once(db, writer):
    ids = open_chats(db, 6)
    acks, failures = [], []

    def customer(n: int):
        def talk():
            for k in range(8):
                try:
                    acks.append(conversations.say_at_once(
                        writer, ids[(n + k) % len(ids)], "customer", f"{n}-{k}", f"c-{n}-{k}",
                        POLICY, NOW))
                except Exception as error:  # noqa: BLE001 - reported below
                    failures.append(error)
        return talk

    run_all(*(customer(n) for n in range(24)))
    assert failures == [] and len(acks) == 24 * 8 and None not in acks
    assert writer.batches < len(acks)  # some shared a transaction
    with make_transaction(db)() as session:
        for conversation_id in ids:
            seqs = session.scalars(select(Message.seq).where(
                Message.conversation_id == conversation_id).order_by(Message.seq)).all()
            assert seqs == list(range(1, len(seqs) + 1))  # gap-free, each once
            assert session.get(Conversation, conversation_id).last_seq == len(seqs)
        stored = session.scalars(select(Message.client_id)).all()
    assert sorted(stored) == sorted(a.client_id for a in acks)
    acked = {(a.conversation_id, a.seq) for a in acks}
    assert len(acked) == len(acks)  # every ack names its own message


def test_one_failing_statement_in_a_batch_fails_alone(writer):
    slow = select(func.pg_sleep(0.3).label("slept"))
    share = select((bindparam("p_x", type_=Integer) % bindparam("p_y", type_=Integer))
                   .label("value"))
    results = {}

    def call(name, statement, params):
        def job():
            try:
                results[name] = writer.execute(statement, params).first()
            except DBAPIError as error:
                results[name] = error
        return job

    first = threading.Thread(target=call("first", slow, {}))
    first.start()
    deadline = time.monotonic() + JOIN
    while not writer._writing and time.monotonic() < deadline:  # the first one is writing
        time.sleep(0.005)
    run_all(call("a", share, {"p_x": 6, "p_y": 4}), call("bad", share, {"p_x": 1, "p_y": 0}),
            call("b", share, {"p_x": 8, "p_y": 5}))
    first.join(JOIN)
    assert writer.batches == 2  # the sleep alone, then the three queued behind it together
    assert (results["a"].value, results["b"].value) == (2, 3)
    assert isinstance(results["bad"], DBAPIError) and "division by zero" in str(results["bad"])
    assert not results["bad"].connection_invalidated


def test_a_row_another_transaction_holds_does_not_hold_up_the_rest_of_its_batch(db, writer):
    held_id, free_id = open_chats(db, 2)
    locked, done = threading.Event(), {}

    def holder():  # a slow transaction on one conversation (its row locked for 1.5 s)
        with make_transaction(db)() as session:
            lock_conversation(session, held_id)
            locked.set()
            time.sleep(1.5)

    def say(conversation_id):
        def job():
            said = conversations.say_at_once(writer, conversation_id, "customer", "Hi",
                                             f"c-{conversation_id}", POLICY, NOW)
            done[conversation_id] = (said, time.monotonic())
        return job

    holding = threading.Thread(target=holder)
    holding.start()
    assert locked.wait(JOIN)
    start = time.monotonic()
    first = threading.Thread(target=lambda: writer.execute(  # makes the next two one batch
        select(func.pg_sleep(0.3).label("slept")), {}))
    first.start()
    while not writer._writing and time.monotonic() < start + JOIN:
        time.sleep(0.005)
    run_all(say(held_id), say(free_id))
    first.join(JOIN)
    holding.join(JOIN)
    (free_said, free_at), (held_said, held_at) = done[free_id], done[held_id]
    assert free_said.seq == 1 and held_said.seq == 1  # both stored, each once
    assert free_at - start < 1.2 < held_at - start  # the free one did not wait for the lock


def test_with_the_database_away_every_caller_is_answered():
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere",
                           isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
    writer, answers = GroupCommit(engine), []
    one = select((bindparam("p_x", type_=Integer) + 1).label("value"))

    def job():
        try:
            writer.execute(one, {"p_x": 1})
        except OperationalError as error:
            answers.append(error)

    run_all(*(job for _ in range(6)))
    assert len(answers) == 6 and not writer._writing
    engine.dispose()
