"""Mail that must go out, kept in an outbox written in the same transaction as its cause: a
reply the customer has not read gets to them by e-mail. A sender claims due mails, sends them
outside any transaction and records the outcome; failures are retried with backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .models import Conversation, Message, OutboxMail
from .values import Policy

# A claimed mail is the claimer's for this long (far more than one send's SMTP timeout); after a
# crash it is due again.
CLAIM_S = 300
MAX_ATTEMPTS = 8
_BACKOFF_S = (30, 60, 120, 300, 600, 1800, 3600)


@dataclass(frozen=True)
class MailJob:
    """A claimed mail for the sender: who, about what, and which attempt this is."""

    mail_id: int
    kind: str
    conversation_id: int | None
    to_address: str
    from_seq: int
    up_to_seq: int
    attempt: int


def note_reply(session: Session, conversation: Conversation, message: Message, policy: Policy,
               now: datetime) -> None:
    """An employee wrote: if the customer has an address, a mail is due unless they read it
    in the widget first. One pending mail per conversation carries every reply since."""
    to = conversation.reply_to
    if not policy.mail_enabled or not to:
        return
    pending = session.scalar(select(OutboxMail).where(
        OutboxMail.conversation_id == conversation.id, OutboxMail.kind == "reply",
        OutboxMail.status == "pending", OutboxMail.attempts == 0).with_for_update())
    if pending is not None:
        pending.up_to_seq, pending.to_address = message.seq, to
    else:
        mailed = session.scalar(select(func.max(OutboxMail.up_to_seq)).where(
            OutboxMail.conversation_id == conversation.id, OutboxMail.kind == "reply")) or 0
        session.add(OutboxMail(kind="reply", conversation_id=conversation.id, to_address=to,
                               from_seq=mailed, up_to_seq=message.seq, created_at=now,
                               due_at=now + timedelta(seconds=policy.mail_delay_s)))
    session.flush()


def claim_due(session: Session, now: datetime, limit: int = 20) -> list[MailJob]:
    """Take up to limit due mails for sending (each sender gets different ones); mails whose
    reply the customer has read meanwhile are settled as skipped instead."""
    rows = session.scalars(
        select(OutboxMail).where(
            OutboxMail.status == "pending", OutboxMail.due_at <= now,
            or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
        .order_by(OutboxMail.due_at).limit(limit).with_for_update(skip_locked=True)).all()
    jobs = []
    for mail in rows:
        if mail.kind == "reply" and _read(session, mail):
            mail.status, mail.finished_at = "skipped", now
            continue
        mail.attempts += 1
        mail.claimed_until = now + timedelta(seconds=CLAIM_S)
        jobs.append(MailJob(mail.id, mail.kind, mail.conversation_id, mail.to_address,
                            mail.from_seq, mail.up_to_seq, mail.attempts))
    session.flush()
    return jobs


def _read(session: Session, mail: OutboxMail) -> bool:
    read = session.scalar(select(Conversation.customer_read_seq).where(
        Conversation.id == mail.conversation_id))
    return read is not None and read >= mail.up_to_seq


def mark_sent(session: Session, job: MailJob, subject: str, now: datetime) -> None:
    """The send of this claim went out (a claim another sender took over meanwhile is theirs)."""
    session.execute(update(OutboxMail).where(
        OutboxMail.id == job.mail_id, OutboxMail.attempts == job.attempt).values(
        status="sent", finished_at=now, claimed_until=None, subject=subject, last_error=""))


def mark_skipped(session: Session, mail_id: int, now: datetime) -> None:
    """Nothing left to send (the customer read it meanwhile)."""
    session.execute(update(OutboxMail).where(OutboxMail.id == mail_id).values(
        status="skipped", finished_at=now, claimed_until=None))


def defer(session: Session, job: MailJob, until: datetime) -> None:
    """Not now (too many mails to this recipient lately): due again at until, no attempt spent."""
    session.execute(update(OutboxMail).where(
        OutboxMail.id == job.mail_id, OutboxMail.attempts == job.attempt).values(
        due_at=until, claimed_until=None, attempts=OutboxMail.attempts - 1))


def mark_failed(session: Session, mail_id: int, error: str, now: datetime) -> None:
    """A failed attempt: due again after a growing delay, given up after MAX_ATTEMPTS."""
    mail = session.get(OutboxMail, mail_id)
    if mail is None or mail.status != "pending":
        return
    mail.last_error, mail.claimed_until = error[:2000], None
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status, mail.finished_at = "failed", now
    else:
        mail.due_at = now + timedelta(seconds=_BACKOFF_S[min(mail.attempts, len(_BACKOFF_S)) - 1])
    session.flush()


def replies_to_mail(session: Session, job: MailJob) -> list[Message]:
    """The employee's messages this mail carries: after the earlier mails' and what the customer
    has read, up to its last, oldest first."""
    read = session.scalar(select(Conversation.customer_read_seq).where(
        Conversation.id == job.conversation_id)) or 0
    return list(session.scalars(select(Message).where(
        Message.conversation_id == job.conversation_id, Message.author == "employee",
        Message.seq > max(read, job.from_seq), Message.seq <= job.up_to_seq)
        .order_by(Message.seq)))


def recent(session: Session, limit: int = 100) -> list[OutboxMail]:
    """The newest mails, any state, for the admin page."""
    return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)))
