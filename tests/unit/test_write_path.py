"""The chat's hot path: a message in one statement on PostgreSQL (its own transaction), with
say()'s rules and outcome; anything else is left to say()."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matchmaker import conversations, signins
from matchmaker.db import _compile, make_one_statement, make_transaction
from matchmaker.models import Conversation, Customer, Message
from matchmaker.staff import upsert_employee
from matchmaker.values import Policy
from tests.conftest import staff_records
from tests.unit.conftest import driver_statements

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
POLICY = Policy()


@pytest.fixture
def chat(db):
    """An active conversation with its employee signed in: (conversation id, employee id,
    sign-in id)."""
    with make_transaction(db)() as session:
        employee, _ = upsert_employee(session, staff_records()[0], NOW)
        signin_id, _ = signins.begin(session, employee.id, NOW)
        conversation = Conversation(
            customer=Customer(visitor_id="v-1", created_at=NOW), status="active",
            question="How do I export?", employee_id=employee.id, created_at=NOW)
        session.add(conversation)
        session.flush()
        return conversation.id, employee.id, signin_id


def _stored(db, conversation_id):
    with make_transaction(db)() as session:
        last = session.get(Conversation, conversation_id).last_seq
        seqs = session.scalars(select(Message.seq).where(
            Message.conversation_id == conversation_id).order_by(Message.seq)).all()
        return last, list(seqs)


def test_customer_and_employee_messages_get_the_next_seq(db, chat):
    conversation_id, employee_id, signin_id = chat
    statement = make_one_statement(db)
    with statement() as connection:
        first = conversations.say_at_once(connection, conversation_id, "customer", " Hello ",
                                          "c-1", POLICY, NOW)
    with statement() as connection:
        reply = conversations.say_at_once(connection, conversation_id, "employee", "Hi!", "e-1",
                                          POLICY, NOW, employee_id=employee_id,
                                          signin_id=signin_id)
    assert (first.seq, first.body, first.employee_id) == (1, "Hello", employee_id)
    assert (reply.seq, reply.author) == (2, "employee")
    assert _stored(db, conversation_id) == (2, [1, 2])


@pytest.mark.parametrize("case", ["closed", "not_theirs", "ended_signin", "queued", "resent"])
def test_what_is_not_the_common_case_is_left_to_say(db, chat, case):
    conversation_id, employee_id, signin_id = chat
    statement = make_one_statement(db)
    author, kwargs = "employee", {"employee_id": employee_id, "signin_id": signin_id}
    with make_transaction(db)() as session:
        conversation = session.get(Conversation, conversation_id)
        if case == "closed":
            conversation.status, author, kwargs = "closed", "customer", {}
        elif case == "not_theirs":
            kwargs["employee_id"] = employee_id + 1000
        elif case == "ended_signin":
            signins.end_all(session, employee_id, NOW, "signed_out")
        elif case == "queued":  # the general queue: say() claims it first
            conversation.status, conversation.employee_id = "offline", None
    if case == "resent":
        with statement() as connection:
            conversations.say_at_once(connection, conversation_id, author, "once", "same",
                                      POLICY, NOW, **kwargs)
    before = _stored(db, conversation_id)
    with statement() as connection:
        assert conversations.say_at_once(connection, conversation_id, author, "again", "same",
                                         POLICY, NOW, **kwargs) is None
    assert _stored(db, conversation_id) == before  # nothing stored, no seq taken


def test_a_message_is_one_statement_on_postgresql(db, chat, monkeypatch):
    if db.dialect.name != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's (SQLite takes two, in-process)")
    conversation_id, employee_id, signin_id = chat
    with make_one_statement(db)() as connection:
        raw = connection.engine.raw_connection()  # the pool's one connection, lent back below
        driver = raw.driver_connection
        assert driver.autocommit is True  # no BEGIN, no COMMIT: the statement is its transaction
        # The type's bind processing still applies (aware -> naive UTC), whatever the
        # session's time zone: a Tokyo session would otherwise store 18:00.
        driver.execute("SET TIME ZONE 'Asia/Tokyo'")
        raw.close()
        seen = driver_statements(monkeypatch)
        said = conversations.say_at_once(connection, conversation_id, "employee", "Hi", "e-1",
                                         POLICY, NOW, employee_id=employee_id,
                                         signin_id=signin_id)
        assert seen == ["WITH"] and said.seq == 1
        driver.execute("SET TIME ZONE 'UTC'")
    with make_transaction(db)() as session:
        assert session.scalar(select(Message.created_at).where(
            Message.conversation_id == conversation_id)) == NOW


def test_the_driver_path_refuses_what_it_cannot_run_faithfully(db):
    ids = select(Message.seq).where(Message.conversation_id.in_([1, 2]))  # expanding IN
    with pytest.raises(ValueError, match="non-expanding"):
        _compile(ids, db.dialect)


def test_a_resend_racing_the_first_try_stores_once_and_leaves_no_gap(db, chat):
    """The retry waits for the first try's lock, then sees its message: nothing stored, no seq
    taken (FOR UPDATE reads the row as the first try left it)."""
    if db.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers on its database lock")
    conversation_id, *_ = chat
    first = db.connect()
    holding = first.begin()
    conversations.say_at_once(first, conversation_id, "customer", "hello", "c-1", POLICY, NOW)
    outcome = {}

    def resend():
        with make_one_statement(db)() as connection:
            outcome["said"] = conversations.say_at_once(
                connection, conversation_id, "customer", "hello", "c-1", POLICY, NOW)

    racer = threading.Thread(target=resend)
    racer.start()
    racer.join(0.5)
    assert racer.is_alive(), "the resend should wait for the first try's lock"
    holding.commit()
    first.close()
    racer.join(10)
    assert outcome == {"said": None}
    with make_one_statement(db)() as connection:
        nxt = conversations.say_at_once(connection, conversation_id, "customer", "next", "c-2",
                                        POLICY, NOW)
    assert nxt.seq == 2
    assert _stored(db, conversation_id) == (2, [1, 2])
