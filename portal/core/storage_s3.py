"""The object store backend (STORAGE_BACKEND = "s3"): any S3-compatible store through boto3.

Objects are named `<S3_PREFIX><area>/<key>`. A PUT is atomic (the object appears whole or not
at all), and every PUT carries the body's MD5, so a body damaged or cut short on the way is
refused by the store instead of stored; there are no temporary objects. Errors become
StorageError naming the store's error code only: never the endpoint, bucket or credentials,
since the message may reach a log. A missing object reads as FileNotFoundError, like a missing
file, so callers catching (StorageError, OSError) work on both backends.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
import time
from contextlib import contextmanager

log = logging.getLogger(__name__)

_lock = threading.Lock()
_clients: dict[tuple, object] = {}
_MISSING = {"NoSuchKey", "404", "NotFound"}


def _now() -> float:  # the store's clock is not ours to set; tests move this one
    return time.time()


def _client(config):
    """One client per process and configuration, made on first use. boto3 clients are
    thread-safe; they are not shared across fork (a forked job child makes its own)."""
    key = (os.getpid(), config.get("S3_ENDPOINT_URL"), config.get("S3_REGION"),
           config.get("S3_ACCESS_KEY_ID"), config.get("S3_SECRET_ACCESS_KEY"))
    client = _clients.get(key)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.session.Session().client(
                "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None,
                region_name=config.get("S3_REGION") or "us-east-1",
                aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
                aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
                config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60,
                              retries={"max_attempts": 3, "mode": "standard"},
                              # Content-MD5 is sent by write(); the store checks it.
                              request_checksum_calculation="when_required",
                              response_checksum_validation="when_required"))
            if len(_clients) > 16:  # another process's or configuration's: never used again
                _clients.clear()
            _clients[key] = client
    return client


class S3Backend:
    kind = "s3"

    def __init__(self, config, error_cls: type[Exception]):
        self.config, self.error = config, error_cls
        self.bucket = config.get("S3_BUCKET") or ""
        self.prefix = config.get("S3_PREFIX") or ""

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def client(self):
        return _client(self.config)

    def _name(self, area: str, key: str) -> str:
        return f"{self.prefix}{area}/{key}"

    def _fail(self, action: str, area: str, exc: Exception):
        from botocore.exceptions import ClientError

        if isinstance(exc, ClientError):
            reason = str(exc.response.get("Error", {}).get("Code") or "error")
        else:  # BotoCoreError: its text may hold the endpoint; the class name does not
            reason = type(exc).__name__
        log.error("object store %s failed in %s: %s", action, area, reason)
        return self.error(f"object store {action} failed: {reason}")

    def write(self, area: str, key: str, data: bytes) -> None:
        self.put(self._name(area, key), data, area)

    def put(self, name: str, body, area: str, md5: str | None = None) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        if md5 is None:
            md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
        try:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=body, ContentMD5=md5)
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("write", area, exc) from None

    def read(self, area: str, key: str) -> bytes:
        with self._get(self._name(area, key), area) as (body, _size, _mtime):
            try:
                return body.read()
            except Exception as exc:  # the connection broke mid-body
                raise self._fail("read", area, exc) from None

    def delete(self, area: str, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:  # deleting a missing object succeeds, as unlinking a missing file is ignored
            self.client.delete_object(Bucket=self.bucket, Key=self._name(area, key))
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("delete", area, exc) from None

    def _objects(self, prefix: str, area: str):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                yield from page.get("Contents", ())
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("list", area, exc) from None

    def orphans(self, area: str, referenced: set[str], older_than_seconds: float, valid) -> list[str]:
        cutoff = _now() - older_than_seconds
        start = self._name(area, "")
        found = []
        for obj in self._objects(start, area):
            key = obj["Key"][len(start):]
            # A name storage never makes (another tool's, a folder marker) is not ours to delete.
            if valid(key) and key not in referenced and obj["LastModified"].timestamp() < cutoff:
                found.append(key)
        return sorted(found)

    # --- backup and restore (portal/ops/backup.py, restore.py) ---------------------------------

    def listing(self, excluded, safe) -> list[tuple[str, bool]]:
        """(relative path `<area>/<key>`, ok) for every object under the prefix, sorted."""
        found = []
        for obj in self._objects(self.prefix, "*"):
            rel = obj["Key"][len(self.prefix):]
            found.append((rel, "/" in rel and safe(rel)))
        return sorted(found)

    def any_files(self) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return bool(self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1).get("KeyCount"))
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("list", "*", exc) from None

    @contextmanager
    def _get(self, name: str, area: str):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in _MISSING:
                raise FileNotFoundError(f"{area}: no such stored file") from None
            raise self._fail("read", area, exc) from None
        except BotoCoreError as exc:
            raise self._fail("read", area, exc) from None
        body = answer["Body"]
        try:
            yield body, answer["ContentLength"], int(answer["LastModified"].timestamp())
        finally:
            body.close()

    def open(self, rel: str):
        return self._get(self.prefix + rel, rel.split("/", 1)[0])

    def put_file(self, rel: str, path) -> None:
        """Upload one verified file of a restore (streamed from disk, with its MD5)."""
        digest = hashlib.md5(usedforsecurity=False)
        with open(path, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
            fh.seek(0)
            self.put(self.prefix + rel, fh, rel.split("/", 1)[0], base64.b64encode(digest.digest()).decode())

    def check(self) -> None:
        """The bucket answers with these credentials (a startup check)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("check", "-", exc) from None
