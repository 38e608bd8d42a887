"""Attachments in the domain: who may attach, the rules on a file's bytes and name, resends
stored once, bytes never left behind by a refusal, links to one conversation only, erasure,
stored files no row holds swept once they are old enough."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from matchmaker import attachments, conversations
from matchmaker.errors import ConversationClosed, Forbidden, InvalidInput, NotFound
from matchmaker.events import AttachmentInfo, Said
from matchmaker.models import Attachment, Conversation, Employee, Message
from matchmaker.ports import Inspected, StoredFile
from tests.unit.test_offers import accepted, ask

HOUR = 3600


class MemoryStore:
    """An AttachmentStore in a dict; a file's time is the clock's when it was put (the wall
    clock's unless given one)."""

    def __init__(self, clock=lambda: datetime.now(UTC)):
        self.clock = clock
        self.files: dict[str, tuple[bytes, str]] = {}
        self.written = {}

    def put(self, key, data, content_type):
        self.files[key] = (data, content_type)
        self.written[key] = self.clock()

    def get(self, key):
        return self.files[key][0]

    def delete(self, key):
        self.files.pop(key, None)

    def stored(self):
        return iter([StoredFile(key, self.written[key]) for key in self.files])


class PrefixInspector:
    """A FileInspector that reads the type from a made-up prefix and 'strips' a marker, so the
    domain's rules are tested apart from libmagic and Pillow (tested in tests/web)."""

    TYPES = {b"PNG:": "image/png", b"PDF:": "application/pdf", b"EXE:": "application/x-dosexec"}

    def inspect(self, data):
        content_type = self.TYPES.get(data[:4], "application/octet-stream")
        if content_type == "image/png":
            return Inspected(content_type, data.replace(b"[gps]", b""), 3, 2)
        return Inspected(content_type, data)


@pytest.fixture
def store(clock):
    return MemoryStore(clock)


@pytest.fixture
def active(tx, matcher, policy, clock, staff):
    return accepted(tx, matcher, policy, clock, staff)


def attach(tx, store, policy, clock, conversation_id, data=b"PNG:pixels[gps]", name="cat.png",
           employee_id=None, client_id=None):
    """Attach as the customer (or this employee): (message seq, events)."""
    file = attachments.prepare(PrefixInspector(), name, data)
    with tx() as session:
        employee = session.get(Employee, employee_id) if employee_id else None
        message, happened = attachments.attach(
            session, store, session.get(Conversation, conversation_id), file, client_id, policy,
            clock(), employee=employee)
        return message.seq, happened


def test_a_customers_file_becomes_a_message_named_after_it(tx, store, policy, clock, active):
    conversation_id, employee_id = active
    seq, happened = attach(tx, store, policy, clock, conversation_id)
    with tx() as session:
        message = session.query(Message).filter_by(conversation_id=conversation_id, seq=seq).one()
        row = message.attachment
        assert (message.author, message.body) == ("customer", "cat.png")
        assert (row.content_type, row.byte_size, row.width, row.height) == ("image/png", 10, 3, 2)
        assert store.get(row.storage_key) == b"PNG:pixels"  # what the inspector kept
        expected = AttachmentInfo(row.id, conversation_id, "cat.png", "image/png", 10, 3, 2)
    [said] = happened
    assert isinstance(said, Said) and said.attachment == expected
    assert said.employee_id == employee_id  # the employee hears of it


def test_the_employee_who_has_it_attaches(tx, store, policy, clock, active):
    conversation_id, employee_id = active
    _, [said] = attach(tx, store, policy, clock, conversation_id, b"PDF:offer", "offer.pdf",
                       employee_id=employee_id)
    assert (said.author, said.attachment.content_type) == ("employee", "application/pdf")


def test_a_colleague_who_does_not_have_it_may_not(tx, store, policy, clock, active, staff):
    conversation_id, employee_id = active
    other = next(i for i in staff.values() if i != employee_id)
    with pytest.raises(Forbidden):
        attach(tx, store, policy, clock, conversation_id, employee_id=other)
    assert store.files == {}


def test_nobody_attaches_to_a_closed_conversation(tx, store, policy, clock, active):
    conversation_id, employee_id = active
    with tx() as session:
        conversations.close_conversation(session, session.get(Conversation, conversation_id),
                                         clock())
    for who in (None, employee_id):
        with pytest.raises(ConversationClosed):
            attach(tx, store, policy, clock, conversation_id, employee_id=who)
    assert store.files == {}


def test_an_employee_may_not_attach_before_accepting(tx, store, matcher, policy, clock, staff):
    from tests.unit.conftest import online

    online(tx, clock, *staff.values())
    conversation_id, routed = ask(tx, matcher, policy, clock)
    with pytest.raises(Forbidden):
        attach(tx, store, policy, clock, conversation_id, employee_id=routed.employee_id)


@pytest.mark.parametrize(("data", "code"), [
    (b"EXE:MZ", "attachment_type"),
    (b"<html>", "attachment_type"),
    (b"", "attachment_empty"),
])
def test_a_file_of_another_type_is_refused(data, code):
    with pytest.raises(InvalidInput) as refused:
        attachments.prepare(PrefixInspector(), "x.png", data)
    assert refused.value.code == code


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(InvalidInput) as refused:
        attachments.prepare(PrefixInspector(), "x.pdf", b"PDF:" + b"0" * 20, max_bytes=10)
    assert refused.value.code == "attachment_too_large"
    assert attachments.prepare(PrefixInspector(), "x.pdf", b"PDF:" + b"0" * 6, max_bytes=10)


@pytest.mark.parametrize(("name", "content_type", "shown"), [
    ("holiday.png", "application/pdf", "holiday.pdf"),  # what the bytes are, not the name
    ("../../etc/passwd.png", "image/png", "passwd.png"),
    ("C:\\Users\\me\\scan.PDF", "application/pdf", "scan.pdf"),
    ("invoice\u202egnp.exe", "image/png", "invoicegnp.png"),  # no bidi override
    ("line\nbreak.jpg", "image/jpeg", "linebreak.jpg"),
    ("", "image/gif", "attachment.gif"),
    ("....", "image/webp", "attachment.webp"),
    (None, "image/png", "attachment.png"),
    ("a" * 300 + ".png", "image/png", "a" * 116 + ".png"),
])
def test_a_name_is_cleaned(name, content_type, shown):
    assert attachments.clean_name(name, content_type) == shown


def test_a_resent_file_is_stored_once(tx, store, policy, clock, active):
    conversation_id, _ = active
    first, happened = attach(tx, store, policy, clock, conversation_id, client_id="c1")
    again, repeated = attach(tx, store, policy, clock, conversation_id, client_id="c1")
    assert first == again and happened and repeated == []
    assert len(store.files) == 1
    with tx() as session:
        assert session.query(Attachment).count() == 1


def test_bytes_stored_for_a_message_that_failed_are_deleted(tx, store, policy, clock, active,
                                                            monkeypatch):
    conversation_id, _ = active

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(attachments, "append_message", broken)
    with pytest.raises(RuntimeError):
        attach(tx, store, policy, clock, conversation_id)
    assert store.files == {}


def test_an_attachment_is_found_only_in_its_own_conversation(tx, store, matcher, policy, clock,
                                                             active):
    conversation_id, _ = active
    attach(tx, store, policy, clock, conversation_id)
    other, _ = ask(tx, matcher, policy, clock, "Can I pay by invoice?")
    with tx() as session:
        attachment_id = session.query(Attachment.id).scalar()
        assert attachments.get_attachment(session, attachment_id, conversation_id).name == "cat.png"
        with pytest.raises(NotFound):
            attachments.get_attachment(session, attachment_id, other)
        with pytest.raises(NotFound):
            attachments.get_attachment(session, attachment_id + 1, conversation_id)


def test_erasing_a_conversations_files_deletes_their_bytes(tx, store, policy, clock, active):
    conversation_id, _ = active
    attach(tx, store, policy, clock, conversation_id)
    attach(tx, store, policy, clock, conversation_id, b"PDF:x", "x.pdf")
    with tx() as session:
        assert attachments.erase_files(session, store, conversation_id) == 2
    assert store.files == {}


def orphan(store, conversation_id: int) -> str:
    """Bytes stored for a file whose row never committed: its key."""
    key = attachments.new_key(conversation_id, "image/png")
    store.put(key, b"PNG:left behind", "image/png")
    return key


def sweep(tx, store, clock, **kwargs) -> int:
    return attachments.sweep_orphans(tx, store, clock(), timedelta(hours=1), **kwargs)


def test_a_file_no_row_holds_is_deleted_once_older_than_the_grace(tx, store, clock, active):
    conversation_id, _ = active
    key = orphan(store, conversation_id)
    clock.advance(HOUR + 1)
    assert sweep(tx, store, clock) == 1
    assert key not in store.files


def test_a_file_younger_than_the_grace_is_kept(tx, store, clock, active):
    conversation_id, _ = active
    key = orphan(store, conversation_id)  # an upload whose transaction has not committed yet
    clock.advance(HOUR - 1)
    assert sweep(tx, store, clock) == 0
    assert key in store.files


def test_a_file_its_row_holds_is_kept(tx, store, policy, clock, active):
    conversation_id, _ = active
    attach(tx, store, policy, clock, conversation_id)
    clock.advance(30 * 24 * HOUR)
    assert sweep(tx, store, clock) == 0
    assert len(store.files) == 1


def test_the_files_of_a_deleted_conversation_are_deleted(tx, store, policy, clock, active):
    conversation_id, _ = active
    attach(tx, store, policy, clock, conversation_id)
    with tx() as session:  # its rows go with it (ON DELETE CASCADE), its bytes stay behind
        session.execute(delete(Conversation).where(Conversation.id == conversation_id))
        assert session.query(Attachment).count() == 0
    clock.advance(HOUR + 1)
    assert sweep(tx, store, clock) == 1
    assert store.files == {}


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_keys_are_looked_up_in_batches_and_only_orphans_go(tx, store, matcher, policy, clock,
                                                          active, batch):
    conversation_id, _ = active
    other, _ = ask(tx, matcher, policy, clock, "Can I pay by invoice?")
    for client_id in ("c1", "c2"):
        attach(tx, store, policy, clock, conversation_id, client_id=client_id)
    kept = set(store.files)
    for folder in (conversation_id, other, other):
        orphan(store, folder)
    clock.advance(HOUR + 1)
    assert sweep(tx, store, clock, batch=batch) == 3
    assert set(store.files) == kept and len(kept) == 2


def test_what_the_domain_never_named_is_left_alone(tx, store, clock):
    for key in ("7/notes.txt", "backups/7/a.png", "7/" + "a" * 24 + ".exe", "7/short.png"):
        store.put(key, b"someone else's", "text/plain")
    clock.advance(30 * 24 * HOUR)
    assert sweep(tx, store, clock) == 0
    assert len(store.files) == 4


def test_sweeping_again_deletes_nothing_more(tx, store, clock, active):
    conversation_id, _ = active
    orphan(store, conversation_id)
    clock.advance(HOUR + 1)
    assert [sweep(tx, store, clock), sweep(tx, store, clock)] == [1, 0]


def test_a_failed_uploads_bytes_are_discarded_unless_a_row_holds_them(tx, store, policy, clock,
                                                                      active):
    conversation_id, _ = active
    attach(tx, store, policy, clock, conversation_id)
    [held] = store.files
    lost = orphan(store, conversation_id)
    with tx() as session:
        assert attachments.discard_unrecorded(session, store, lost)
        assert not attachments.discard_unrecorded(session, store, held)  # its commit happened
    assert list(store.files) == [held]
