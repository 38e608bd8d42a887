"""Attachments: a customer or the employee who has the conversation attaches an image or a PDF.

The type is what the bytes are (an inspector sniffs them; a name's extension decides nothing),
images are re-encoded without their metadata, and the file becomes a chat message whose body is
its name, so transcripts, mails and marketing read sensibly."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import outbox, participants
from .conversations import EMPLOYEE_WRITES, append_message, said
from .db import Transaction
from .errors import ConversationClosed, Forbidden, InvalidInput, NotFound
from .events import AttachmentInfo, DomainEvent
from .inputs import clean_id
from .lifecycle import Status
from .locks import lock_conversation
from .models import Attachment, Conversation, Employee, Message
from .ports import AttachmentStore, FileInspector
from .values import Policy

MAX_BYTES = 10 * 1024 * 1024  # the limit: 10 MB a file
# What may be attached, with the extension a stored (and downloaded) file gets.
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif",
              "application/pdf": "pdf"}
IMAGES = frozenset(t for t in EXTENSIONS if t.startswith("image/"))
NAME_CHARS = 120
# A storage key: <conversation id>/<24 random characters>.<extension> (see new_key). The sweep
# deletes only what matches: anything else in a shared bucket is not ours.
KEY = re.compile(r"[0-9]+/[A-Za-z0-9_-]{24}\.(?:" + "|".join(EXTENSIONS.values()) + ")")
# A stored file no row holds is deleted once this old; an upload in flight is far younger (its
# bytes are stored seconds before its transaction commits). docs/attachments.md.
ORPHAN_GRACE = timedelta(hours=1)
SWEEP_BATCH = 500  # keys looked up in one statement


@dataclass(frozen=True)
class Prepared:
    """A file that passed every rule about its bytes, ready to attach."""

    name: str
    content_type: str
    data: bytes
    sha256: str
    width: int | None
    height: int | None


def clean_name(name: object, content_type: str) -> str:
    """A file name fit to show: no path, no control or bidi characters, at most NAME_CHARS, and
    the extension of what the bytes are (a photo.pdf that is a PNG is shown as photo.png)."""
    text = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip(" .")
    stem = text.rsplit(".", 1)[0].strip(" .") if "." in text else text
    extension = EXTENSIONS[content_type]
    stem = stem[:NAME_CHARS - len(extension) - 1] or "attachment"
    return f"{stem}.{extension}"


def prepare(inspector: FileInspector, name: object, data: bytes,
            max_bytes: int = MAX_BYTES) -> Prepared:
    """Check a file's bytes (before any transaction: decoding an image takes a while)."""
    if not data:
        raise InvalidInput("the file is empty", code="attachment_empty")
    if len(data) > max_bytes:
        raise InvalidInput(f"a file may be up to {max_bytes // (1024 * 1024)} MB",
                           code="attachment_too_large")
    found = inspector.inspect(data)
    if found.content_type not in EXTENSIONS:
        raise InvalidInput("only images (PNG, JPEG, WebP, GIF) and PDF files can be attached",
                           code="attachment_type")
    if len(found.data) > max_bytes:  # a re-encoded image may come out larger
        raise InvalidInput(f"a file may be up to {max_bytes // (1024 * 1024)} MB",
                           code="attachment_too_large")
    return Prepared(clean_name(name, found.content_type), found.content_type, found.data,
                    hashlib.sha256(found.data).hexdigest(), found.width, found.height)


def _check_writer(session: Session, conversation: Conversation, employee: Employee | None
                  ) -> None:
    """Only a participant of an open conversation attaches: its customer, or an employee in it
    (the one who has it, or a colleague invited in) while they may write in it."""
    if conversation.status == Status.CLOSED:
        raise ConversationClosed("this conversation is closed")
    if employee is None:
        return
    if not participants.is_in(session, conversation, employee.id):
        raise Forbidden("only the colleagues in this conversation can attach files")
    if conversation.status not in EMPLOYEE_WRITES:
        raise Forbidden("accept the offer before writing")


def attach(
    session: Session, store: AttachmentStore, conversation: Conversation, file: Prepared,
    client_id: str | None, policy: Policy, now: datetime, employee: Employee | None = None,
) -> tuple[Message, list[DomainEvent]]:
    """Store the file and append the message that carries it; a resent client_id returns the
    message stored the first time (and stores nothing). The bytes are stored before the
    conversation is locked (an upload to S3 must not hold the lock); anything that fails after
    that deletes them again."""
    _check_writer(session, conversation, employee)
    author = "customer" if employee is None else "employee"
    key = new_key(conversation.id, file.content_type)
    store.put(key, file.data, file.content_type)
    try:
        lock_conversation(session, conversation.id)
        _check_writer(session, conversation, employee)
        message, created = append_message(session, conversation, author, file.name,
                                          client_id=client_id, now=now,
                                          employee_id=employee.id if employee else None)
        if not created:
            store.delete(key)
            return message, []
        attachment = Attachment(
            conversation_id=conversation.id, message=message, author=author,
            employee_id=employee.id if employee else None, name=file.name,
            content_type=file.content_type, byte_size=len(file.data), sha256=file.sha256,
            storage_key=key, width=file.width, height=file.height, created_at=now)
        session.add(attachment)
        session.flush()
    except BaseException:
        store.delete(key)
        raise
    if employee is not None:
        outbox.note_reply(session, conversation, message, policy, now)
    invited = tuple(i for i in participants.current_ids(session, conversation.id)
                    if i != conversation.employee_id)
    event = said(conversation, message, invited, employee)
    return message, [dataclasses.replace(event, attachment=info(attachment))]


def new_key(conversation_id: int, content_type: str) -> str:
    """A fresh storage key in the conversation's folder (never a customer's file name)."""
    return f"{conversation_id}/{secrets.token_urlsafe(18)}.{EXTENSIONS[content_type]}"


def info(attachment: Attachment) -> AttachmentInfo:
    """The attachment's public fields."""
    return AttachmentInfo(attachment.id, attachment.conversation_id, attachment.name,
                          attachment.content_type, attachment.byte_size, attachment.width,
                          attachment.height)


def of_message(message: Message) -> AttachmentInfo | None:
    """The file a message carries, if any."""
    return info(message.attachment) if message.attachment is not None else None


def get_attachment(session: Session, attachment_id: object, conversation_id: int) -> Attachment:
    """The attachment, which must belong to this conversation (else NotFound: a link minted
    for one conversation never opens another's file)."""
    attachment = session.get(Attachment, clean_id(attachment_id, "attachment_id"))
    if attachment is None or attachment.conversation_id != conversation_id:
        raise NotFound("no such attachment", code="attachment_not_found")
    return attachment


def read(store: AttachmentStore, attachment: Attachment) -> bytes:
    """The stored bytes (NotFound when the store has lost them)."""
    try:
        return store.get(attachment.storage_key)
    except KeyError:
        raise NotFound("the file is no longer stored", code="attachment_not_found") from None


def conversation_attachments(session: Session, conversation_id: int) -> list[Attachment]:
    """Every attachment of a conversation, oldest first (erasure deletes their bytes)."""
    return list(session.scalars(select(Attachment).where(
        Attachment.conversation_id == conversation_id).order_by(Attachment.id)))


def erase_files(session: Session, store: AttachmentStore, conversation_id: int) -> int:
    """Delete the stored bytes of every attachment of a conversation (the rows go with the
    conversation's): how many. Erasing personal data (issue 11) calls this."""
    found = conversation_attachments(session, conversation_id)
    for attachment in found:
        store.delete(attachment.storage_key)
    return len(found)


def unrecorded(session: Session, keys: Iterable[str]) -> list[str]:
    """The keys no attachment row holds (one statement: storage_key is unique, so indexed)."""
    keys = list(keys)
    held = set(session.scalars(select(Attachment.storage_key).where(
        Attachment.storage_key.in_(keys)))) if keys else set()
    return [key for key in keys if key not in held]


def discard_unrecorded(session: Session, store: AttachmentStore, key: str) -> bool:
    """Delete bytes stored for an upload whose transaction failed after attach (at commit, say),
    unless a row holds them after all (a commit whose answer was lost may have happened): True
    when deleted."""
    if not unrecorded(session, [key]):
        return False
    store.delete(key)
    return True


def sweep_orphans(transaction: Transaction, store: AttachmentStore, now: datetime,
                  older_than: timedelta = ORPHAN_GRACE, batch: int = SWEEP_BATCH) -> int:
    """Delete the stored files no attachment row holds once they are older than older_than (a
    transaction that failed after the bytes were stored, a worker killed in between, a
    conversation deleted without its files): how many. The store is listed first and its keys
    looked up batch by batch, each in a short transaction of its own (SQLite's writers wait on
    an open one); deleting what another sweep deleted already is fine, so two workers may sweep
    at once."""
    deleted = 0
    for keys in _batches(_old_keys(store, now, older_than), batch):
        with transaction() as session:
            orphans = unrecorded(session, keys)
        for key in orphans:
            store.delete(key)
        deleted += len(orphans)
    return deleted


def _old_keys(store: AttachmentStore, now: datetime, older_than: timedelta) -> Iterator[str]:
    for found in store.stored():
        if KEY.fullmatch(found.key) and now - found.modified > older_than:
            yield found.key


def _batches(keys: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(keys)
    while chunk := list(itertools.islice(it, size)):
        yield chunk
