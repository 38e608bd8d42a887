"""The sweep's list of due steps: every kind in one statement, each kind in its own order."""

from datetime import timedelta

from sqlalchemy import event, update

from matchmaker import presence, sweeps
from matchmaker.models import Offer
from tests.unit.conftest import online
from tests.unit.test_offers import accepted, ask


def test_every_kind_comes_in_one_statement_kinds_in_order_each_in_its_own(
        tx, engine, matcher, policy, clock, staff):
    chat, employee_id = accepted(tx, matcher, policy, clock, staff)
    _, first = ask(tx, matcher, policy, clock, "How do I rotate an API key?")
    _, second = ask(tx, matcher, policy, clock, "What does the enterprise plan cost?")
    with tx() as session:  # the later offer falls due first: offers expire oldest deadline first
        session.execute(update(Offer).where(Offer.id == first.offer_id)
                        .values(expires_at=clock() + timedelta(seconds=policy.offer_timeout_s + 5)))
        presence.disconnect(session, f"sid-{employee_id}", clock())
    clock.advance(policy.offer_timeout_s + 10)  # past the deadlines, the grace and the ack time
    online(tx, clock, *[eid for eid in staff.values() if eid != employee_id])

    statements = []

    def count(connection, cursor, statement, *args):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE is a statement here
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    with tx() as session:
        steps = [(step.what, step.subject) for step in sweeps.due_steps(session, policy, clock())]
    event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1

    kinds = [what for what, _ in steps]
    order = ["expire offer", "give up unseen offer", "release offer", "rescue chat",
             "remove gone colleague", "note departure", "end handover"]
    assert kinds == sorted(kinds, key=order.index)  # grouped, in the order the sweep runs them
    assert [s for what, s in steps if what == "expire offer"] == [second.offer_id, first.offer_id]
    assert [s for what, s in steps if what == "give up unseen offer"] == sorted(
        [first.offer_id, second.offer_id])  # never acknowledged by a console: by id
    assert ("rescue chat", chat) in steps


def test_nothing_due_lists_nothing(tx, policy, clock, staff):
    with tx() as session:
        assert sweeps.due_steps(session, policy, clock()) == []
