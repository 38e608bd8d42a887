"""The mail outbox: written with the reply, one pending mail per conversation, skipped when read,
retried with backoff, given up after the last attempt."""

from dataclasses import replace

import pytest

from matchmaker import outbox, visitors
from matchmaker.models import Conversation, OutboxMail
from tests.unit.test_conversations import say
from tests.unit.test_offers import accepted


@pytest.fixture
def mailing(policy):
    return replace(policy, mail_enabled=True, mail_delay_s=60)


@pytest.fixture
def chat(tx, matcher, mailing, clock, staff):
    """An active chat whose customer left an e-mail address."""
    conversation_id, employee_id = accepted(tx, matcher, mailing, clock, staff)
    with tx() as session:
        session.get(Conversation, conversation_id).reply_to = "pat@example.org"
    return conversation_id, employee_id


def claim(tx, clock):
    with tx() as session:
        return outbox.claim_due(session, clock())


def test_replies_wait_for_the_delay_and_share_one_mail(tx, mailing, clock, chat):
    conversation_id, employee_id = chat
    for i in range(3):
        say(tx, mailing, clock, conversation_id, f"reply {i}", f"e{i}", employee_id)
    say(tx, mailing, clock, conversation_id, "customer words", "c1")  # not a reply
    assert claim(tx, clock) == []
    clock.advance(mailing.mail_delay_s)
    [job] = claim(tx, clock)
    assert (job.to_address, job.up_to_seq, job.attempt) == ("pat@example.org", 4, 1)
    with tx() as session:
        assert [m.body for m in outbox.replies_to_mail(session, job)] == [
            "reply 0", "reply 1", "reply 2"]
    assert claim(tx, clock) == []  # claimed: no second sender gets it


def test_a_reply_read_in_the_widget_is_not_mailed(tx, mailing, clock, chat):
    conversation_id, employee_id = chat
    say(tx, mailing, clock, conversation_id, "reply", "e1", employee_id)
    with tx() as session:
        visitors.mark_read(session, session.get(Conversation, conversation_id), 2)
    clock.advance(mailing.mail_delay_s)
    assert claim(tx, clock) == []
    with tx() as session:
        assert session.query(OutboxMail).one().status == "skipped"


def test_without_smtp_or_an_address_nothing_is_queued(tx, policy, mailing, clock, chat):
    conversation_id, employee_id = chat
    say(tx, policy, clock, conversation_id, "reply", "e1", employee_id)  # mail off
    with tx() as session:
        session.get(Conversation, conversation_id).reply_to = None
    say(tx, mailing, clock, conversation_id, "reply", "e2", employee_id)  # no address
    with tx() as session:
        assert session.query(OutboxMail).count() == 0


def test_a_failed_send_is_retried_later_and_given_up_after_the_last_attempt(
        tx, mailing, clock, chat):
    conversation_id, employee_id = chat
    say(tx, mailing, clock, conversation_id, "reply", "e1", employee_id)
    clock.advance(mailing.mail_delay_s)
    delays = []
    for _ in range(outbox.MAX_ATTEMPTS):
        [job] = claim(tx, clock)
        with tx() as session:
            outbox.mark_failed(session, job.mail_id, "connection refused", clock())
            mail = session.get(OutboxMail, job.mail_id)
            delays.append((mail.due_at - clock()).total_seconds())
            status = mail.status
        clock.advance(4000)
    assert status == "failed"
    assert delays[:-1] == sorted(delays[:-1]) and delays[0] == 30  # growing, from 30 s
    assert claim(tx, clock) == []


def test_a_crashed_senders_claim_runs_out(tx, mailing, clock, chat):
    conversation_id, employee_id = chat
    say(tx, mailing, clock, conversation_id, "reply", "e1", employee_id)
    clock.advance(mailing.mail_delay_s)
    [first] = claim(tx, clock)
    clock.advance(outbox.CLAIM_S + 1)  # it never said how the send went
    [again] = claim(tx, clock)
    assert again.mail_id == first.mail_id and again.attempt == 2


def test_a_later_mail_carries_only_the_replies_since_the_last_one(tx, mailing, clock, chat):
    conversation_id, employee_id = chat
    say(tx, mailing, clock, conversation_id, "first reply", "e1", employee_id)
    clock.advance(mailing.mail_delay_s)
    [first] = claim(tx, clock)
    with tx() as session:
        outbox.mark_sent(session, first, "subject", clock())
    say(tx, mailing, clock, conversation_id, "second reply", "e2", employee_id)
    clock.advance(mailing.mail_delay_s)
    [second] = claim(tx, clock)
    with tx() as session:
        assert [m.body for m in outbox.replies_to_mail(session, second)] == ["second reply"]
