"""Stored files no row holds: the stores list what they keep (disk and S3, against moto), the
periodic sweep deletes the old ones and keeps the rest, and an upload whose transaction fails
at commit takes its bytes with it."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from matchmaker import attachments
from matchmaker.models import Attachment
from tests.attachment_files import png
from tests.web.test_attachments import customer_upload
from web import runtime
from web.attachment_stores import DiskStore, S3Store
from web.config import load_settings


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    return {"attachments_dir": str(tmp_path / "attachments")}


def written_at(store: DiskStore, key: str, when: datetime) -> None:
    """Set a stored file's modification time (the tests' clock is not the file system's)."""
    os.utime(store.root / key, (when.timestamp(), when.timestamp()))


def test_the_disk_store_lists_its_files_with_their_times(tmp_path):
    store = DiskStore(tmp_path / "files")
    assert list(store.stored()) == []  # no folder yet
    key = attachments.new_key(7, "image/png")
    store.put(key, b"bytes", "image/png")
    written_at(store, key, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    (store.root / "7" / ".upload-abc123").write_bytes(b"half a file")  # being written
    (store.root / "notes").mkdir()
    (store.root / "notes" / "readme.png").write_bytes(b"not ours")
    [found] = store.stored()
    assert (found.key, found.modified) == (key, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))


@mock_aws
def test_the_s3_store_lists_the_keys_under_its_prefix():
    client = boto3.client("s3", region_name="eu-west-1")
    client.create_bucket(Bucket="files",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    store = S3Store("files", region="eu-west-1", prefix="mm/")
    key = attachments.new_key(7, "application/pdf")
    store.put(key, b"%PDF", "application/pdf")
    for other in ("other/7/a.png", "mm/7/notes", "mm-old/7/a.png"):
        client.put_object(Bucket="files", Key=other, Body=b"not ours")
    [found] = store.stored()
    head = client.head_object(Bucket="files", Key=f"mm/{key}")
    assert (found.key, found.modified) == (key, head["LastModified"])
    assert found.modified.tzinfo is not None


def test_the_sweep_deletes_old_files_no_row_holds_and_keeps_the_rest(app, chat, svc, clock):
    dev, widget, asked = chat
    assert customer_upload(app.test_client(), asked, png()).status_code == 201
    store = svc.attachment_store
    [held] = [found.key for found in store.stored()]
    old, fresh = (attachments.new_key(asked["id"], "image/png") for _ in range(2))
    for key in (old, fresh):
        store.put(key, png(), "image/png")
    for key, age in ((held, timedelta(days=30)), (old, timedelta(hours=1, seconds=1)),
                     (fresh, timedelta(minutes=59))):
        written_at(store, key, clock() - age)
    assert runtime.sweep_files_once(svc) == 1
    assert sorted(found.key for found in store.stored()) == sorted([held, fresh])


def test_the_disk_store_discards_temporaries_a_killed_worker_left(tmp_path):
    store = DiskStore(tmp_path / "files")
    assert store.discard_temporaries(datetime.now(UTC)) == 0  # no folder yet
    key = attachments.new_key(7, "image/png")
    store.put(key, b"bytes", "image/png")
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    left, writing = store.root / "7" / ".upload-left", store.root / "7" / ".upload-writing"
    for path, age in ((left, timedelta(hours=2)), (writing, timedelta(seconds=5))):
        path.write_bytes(b"half a file")
        os.utime(path, ((now - age).timestamp(), (now - age).timestamp()))
    written_at(store, key, now - timedelta(days=30))  # a key, however old, is not a temporary
    assert store.discard_temporaries(now - timedelta(hours=1)) == 1
    assert not left.exists() and writing.exists()
    assert [found.key for found in store.stored()] == [key]


def test_the_disk_store_removes_folders_left_empty_once_older_than_the_grace(tmp_path):
    store = DiskStore(tmp_path / "files")
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    emptied, recent, holding = (attachments.new_key(n, "image/png") for n in (7, 8, 9))
    for key in (emptied, recent, holding):
        store.put(key, b"bytes", "image/png")
    store.delete(emptied)
    store.delete(recent)
    written_at(store, holding, now - timedelta(days=30))
    for number, age in ((7, timedelta(hours=2)), (8, timedelta(minutes=5)),
                        (9, timedelta(days=30))):
        folder = store.root / str(number)
        os.utime(folder, ((now - age).timestamp(), (now - age).timestamp()))
    assert store.discard_temporaries(now - timedelta(hours=1)) == 0  # no temporary among them
    assert sorted(p.name for p in store.root.iterdir()) == ["8", "9"]
    assert [found.key for found in store.stored()] == [holding]


def test_an_upload_whose_folder_the_sweep_just_removed_is_written_all_the_same(
        tmp_path, monkeypatch):
    store = DiskStore(tmp_path / "files")
    key = attachments.new_key(7, "image/png")
    real_mkstemp, removed = tempfile.mkstemp, []

    def swept_in_between(**kwargs):  # the sweep's rmdir lands between put's mkdir and write
        if not removed:
            os.rmdir(kwargs["dir"])
            removed.append(kwargs["dir"])
        return real_mkstemp(**kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", swept_in_between)
    store.put(key, b"bytes", "image/png")
    assert removed and store.get(key) == b"bytes"


def test_the_sweep_takes_old_temporaries_too(app, chat, svc, clock):
    dev, widget, asked = chat
    folder = svc.attachment_store.root / str(asked["id"])
    folder.mkdir(parents=True, exist_ok=True)
    temporaries = {age: folder / f".upload-{age}" for age in (59, 61)}
    for age, path in temporaries.items():
        path.write_bytes(b"half a file")
        when = (clock() - timedelta(minutes=age)).timestamp()
        os.utime(path, (when, when))
    assert runtime.sweep_files_once(svc) == 0  # no key deleted: temporaries are not counted
    assert temporaries[59].exists() and not temporaries[61].exists()


def test_the_sweeper_runs_the_orphan_sweep_at_its_interval(app, monkeypatch):
    scheduled = []
    monkeypatch.setattr(runtime, "run_every",
                        lambda app, seconds, job, what: scheduled.append((job, seconds)))
    runtime.start_sweeper(app)
    assert (runtime.sweep_files_once, 3600.0) in scheduled


@mock_aws
def test_the_sweep_deletes_an_orphan_from_s3(database_url, encoder, clock, monkeypatch):
    from tests.web.conftest import GENEROUS_LIMITS, ask
    from web import create_app

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="chat-files")
    app = create_app({"database_url": database_url, "secret_key": "test", "min_score": 0.05,
                      **GENEROUS_LIMITS, "attachments_s3_bucket": "chat-files",
                      "attachments_s3_prefix": "mm/"}, encoder=encoder, clock=clock)
    svc = app.extensions["matchmaker"]
    asked = ask(app.test_client())
    assert customer_upload(app.test_client(), asked, png()).status_code == 201
    orphan = attachments.new_key(asked["id"], "image/png")
    svc.attachment_store.put(orphan, png(), "image/png")
    written = client.head_object(Bucket="chat-files", Key=f"mm/{orphan}")["LastModified"]
    clock.now = written + timedelta(minutes=59)  # S3 stamps objects by its own clock
    assert runtime.sweep_files_once(svc) == 0
    clock.now = written + timedelta(hours=1, seconds=1)
    assert runtime.sweep_files_once(svc) == 1
    with svc.transaction() as session:
        held = session.query(Attachment.storage_key).scalar()
    listed = client.list_objects_v2(Bucket="chat-files")["Contents"]
    assert [item["Key"] for item in listed] == [f"mm/{held}"]
    runtime.sweep_files_once(svc)  # again, as another worker would: nothing fails
    svc.engine.dispose()


@pytest.fixture
def failing_commit():
    """fail(when): the next commit of a transaction holding an attachment raises as a dropped
    connection does, before it commits ("before_commit") or after ("after_commit": it happened,
    but its answer was lost)."""
    armed = []

    def fail(when: str) -> None:
        armed.append(when)

    def listener(when):
        def check(session: Session) -> None:
            if when in armed and any(isinstance(o, Attachment) for o in session.identity_map.values()):
                armed.remove(when)
                raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return check

    listeners = {when: listener(when) for when in ("before_commit", "after_commit")}
    for when, check in listeners.items():
        event.listen(Session, when, check)
    yield fail
    for when, check in listeners.items():
        event.remove(Session, when, check)


@pytest.mark.parametrize(("when", "kept"), [("before_commit", 0), ("after_commit", 1)])
def test_an_upload_whose_commit_fails_takes_its_bytes_with_it(app, chat, svc, failing_commit,
                                                              when, kept):
    dev, widget, asked = chat
    failing_commit(when)
    response = customer_upload(app.test_client(), asked, png())
    assert (response.status_code, response.get_json()["error"]) == (503, "unavailable")
    with svc.transaction() as session:
        assert session.query(Attachment).count() == kept
    assert len(list(svc.attachment_store.stored())) == kept  # never a row without its bytes


@pytest.mark.parametrize("grace", [0, 60, 1799])
def test_an_orphan_grace_under_half_an_hour_is_refused(grace):
    with pytest.raises(ValueError, match="ORPHAN_GRACE"):
        load_settings({"attachments_orphan_grace": grace, "secret_key": "x"}, environ={})
    assert load_settings({"attachments_orphan_grace": 1800, "secret_key": "x"},
                         environ={}).attachments_orphan_grace == 1800
