"""Where attachments' bytes live (matchmaker.ports.AttachmentStore): a folder on local disk by
default (under the instance folder), or an S3-compatible bucket when one is configured."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from matchmaker.ports import StoredFile

from .config import INSTANCE_DIR, Settings

_KEY = re.compile(r"^[0-9]+/[A-Za-z0-9_-]+\.[a-z]{3,4}$")  # what matchmaker.attachments mints
_TEMPORARY = ".upload-"  # a file being written, renamed to its key once whole


def _checked(key: str) -> str:
    """A key as the domain makes them; anything else (a path, ..) is refused."""
    if not _KEY.match(key):
        raise ValueError(f"not an attachment key: {key!r}")
    return key


class DiskStore:
    """Files in a folder: one sub-folder per conversation, written atomically."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write to a temporary file, then rename: a reader never sees half a file."""
        path = self.root / _checked(key)
        for attempt in range(3):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY)
                break
            except FileNotFoundError:  # the sweep took the folder as emptied just now: again
                if attempt == 2:
                    raise
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return (self.root / _checked(key)).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        (self.root / _checked(key)).unlink(missing_ok=True)

    def stored(self) -> Iterator[StoredFile]:
        """Every file in the conversations' folders, with its modification time (a temporary
        file being written is no key, so it is not listed)."""
        if not self.root.is_dir():
            return
        with os.scandir(self.root) as folders:
            for folder in folders:
                if folder.name.isdigit() and folder.is_dir(follow_symlinks=False):
                    yield from _files_in(folder)

    def discard_temporaries(self, written_before: datetime) -> int:
        """Delete the `.upload-*` temporaries a worker killed while writing left behind, once
        last written before written_before (one being written now is newer), and the
        conversations' folders left empty since then (every file erased, expired or swept):
        how many temporaries. Temporaries are no keys, so the orphan sweep never lists them. A
        folder goes only while empty (rmdir refuses one that is not), and put() makes it again
        if it went between its mkdir and its write."""
        if not self.root.is_dir():
            return 0
        discarded = 0
        cutoff = written_before.timestamp()
        with os.scandir(self.root) as folders:
            for folder in folders:
                if not (folder.name.isdigit() and folder.is_dir(follow_symlinks=False)):
                    continue
                discarded += _discard_temporaries_in(folder, cutoff)
                with contextlib.suppress(OSError):  # not empty, or gone already
                    if folder.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.rmdir(folder.path)
        return discarded


def _discard_temporaries_in(folder: os.DirEntry, cutoff: float) -> int:
    discarded = 0
    with os.scandir(folder.path) as entries:
        for entry in entries:
            if not (entry.name.startswith(_TEMPORARY) and entry.is_file(follow_symlinks=False)):
                continue
            try:
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
                    discarded += 1
            except FileNotFoundError:  # renamed into place or deleted meanwhile
                continue
    return discarded


def _files_in(folder: os.DirEntry) -> Iterator[StoredFile]:
    with os.scandir(folder.path) as entries:
        for entry in entries:
            key = f"{folder.name}/{entry.name}"
            if not _KEY.match(key) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                modified = entry.stat(follow_symlinks=False).st_mtime
            except FileNotFoundError:  # deleted since the folder was read
                continue
            yield StoredFile(key, datetime.fromtimestamp(modified, UTC))


class S3Store:
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph…), through boto3. Credentials come
    the usual AWS way (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role)."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 region: str | None = None, prefix: str = "", client=None):
        import boto3  # only when S3 is configured

        self.bucket, self.prefix = bucket, prefix
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url or None,
                                             region_name=region or None)

    def _name(self, key: str) -> str:
        return self.prefix + _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data,
                               ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))  # absent: no error

    def stored(self) -> Iterator[StoredFile]:
        """Every object under the prefix that is a key, with its LastModified (a page of 1,000
        objects a request)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                      Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                key = item["Key"][len(self.prefix):]
                if _KEY.match(key):
                    yield StoredFile(key, item["LastModified"])

    def discard_temporaries(self, written_before: datetime) -> int:
        """Nothing to do: an object is put whole or not at all."""
        return 0


def make_store(settings: Settings) -> DiskStore | S3Store:
    """The store the settings name: S3 when a bucket is set, else the disk folder."""
    if settings.attachments_s3_bucket:
        return S3Store(settings.attachments_s3_bucket,
                       endpoint_url=settings.attachments_s3_endpoint_url,
                       region=settings.attachments_s3_region,
                       prefix=settings.attachments_s3_prefix)
    return DiskStore(Path(settings.attachments_dir or INSTANCE_DIR / "attachments"))
