"""The chat's hot path with a colleague invited in: they write in one statement too, and the
statement names everyone who hears of the message and its writer (no query per message for the
fan-out), on SQLite and PostgreSQL (migrated by Alembic, so the migration is exercised too)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matchmaker import conversations
from matchmaker.db import make_one_statement, make_transaction
from matchmaker.models import Conversation, Customer, Participant
from matchmaker.staff import upsert_employee
from matchmaker.values import Policy
from tests.conftest import staff_records
from tests.unit.conftest import driver_statements

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
POLICY = Policy()


@pytest.fixture
def team_chat(db):
    """A live chat held by the first employee, the second and third invited in (the third has
    left since): (conversation id, lead id, colleague id, former colleague id)."""
    with make_transaction(db)() as session:
        lead, colleague, former = [upsert_employee(session, r, NOW)[0]
                                   for r in staff_records()[:3]]
        conversation = Conversation(
            customer=Customer(visitor_id="v-1", created_at=NOW), status="active",
            question="How do I export?", employee_id=lead.id, created_at=NOW)
        session.add(conversation)
        session.flush()
        session.add_all([
            Participant(conversation_id=conversation.id, employee_id=colleague.id, joined_at=NOW),
            Participant(conversation_id=conversation.id, employee_id=former.id, joined_at=NOW,
                        left_at=NOW, left_reason="left")])
        return conversation.id, lead.id, colleague.id, former.id, colleague.name


def test_an_invited_colleague_writes_and_everyone_in_it_is_named(db, team_chat, monkeypatch):
    conversation_id, lead, colleague, former, name = team_chat
    with make_one_statement(db)() as connection:
        if db.dialect.name == "postgresql":
            connection.engine.raw_connection().close()  # its first connect's own queries
        seen = driver_statements(monkeypatch)
        said = conversations.say_at_once(connection, conversation_id, "employee", "Hi", "e-1",
                                         POLICY, NOW, employee_id=colleague)
    assert (said.seq, said.employee_id, said.participants) == (1, lead, (colleague,))
    assert (said.author_id, said.author_name) == (colleague, name)
    if db.dialect.name == "postgresql":
        assert seen == ["WITH"]  # still one statement, its own transaction


def test_the_customers_message_names_every_employee_in_it(db, team_chat):
    conversation_id, lead, colleague, *_ = team_chat
    with make_one_statement(db)() as connection:
        said = conversations.say_at_once(connection, conversation_id, "customer", "Hello",
                                         "c-1", POLICY, NOW)
    assert (said.employee_id, said.participants, said.author_name) == (lead, (colleague,), None)


def test_a_colleague_who_left_is_left_to_say(db, team_chat):
    conversation_id, _, _, former, _ = team_chat
    with make_one_statement(db)() as connection:
        assert conversations.say_at_once(connection, conversation_id, "employee", "Hi", "e-1",
                                         POLICY, NOW, employee_id=former) is None
