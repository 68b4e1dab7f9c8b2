"""Stored files on either storage backend, seen from outside the code under test: the folder
itself (local) or the bucket through a client of its own (s3). The `storage_backend` fixture
(tests/conftest.py) hands out a StorageBackend; a test that asks for it runs on both backends."""
from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

S3_ENDPOINT = os.environ.get("TEST_S3_ENDPOINT", "")
S3_ACCESS_KEY = os.environ.get("TEST_S3_ACCESS_KEY", "")
S3_SECRET_KEY = os.environ.get("TEST_S3_SECRET_KEY", "")
S3_SKIP_REASON = ("TEST_S3_ENDPOINT is not set: no object store to test against "
                  "(scripts/objectstore.sh start, then export TEST_S3_ENDPOINT and the keys it prints)")


def s3_client():
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3", endpoint_url=S3_ENDPOINT, region_name="us-east-1", aws_access_key_id=S3_ACCESS_KEY or "anonymous",
        aws_secret_access_key=S3_SECRET_KEY or "anonymous",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))


BUCKET = "portal-tests"  # one bucket, a unique prefix per storage space (xdist workers included)


class StorageBackend:
    """One test's storage spaces: `config()` the main one (every app of the test shares it),
    `new_space()` another, empty one (a restore target). On s3 each space is a new prefix of
    the test bucket (a bucket per test would cost SeaweedFS a set of volumes each)."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind, self.tmp_path = kind, tmp_path
        self.prefixes: list[str] = []
        self._client = s3_client() if kind == "s3" else None
        self._main: dict | None = None
        if self._client is not None:
            try:
                self._client.create_bucket(Bucket=BUCKET)
            except (self._client.exceptions.BucketAlreadyOwnedByYou, self._client.exceptions.BucketAlreadyExists):
                pass

    def config(self) -> dict:
        if self._main is None:
            self._main = self.new_space("files")
        return dict(self._main)

    def new_space(self, name: str) -> dict:
        if self.kind == "local":
            return {"STORAGE_BACKEND": "local", "STORAGE_DIR": str(self.tmp_path / name)}
        prefix = f"{uuid.uuid4().hex}/{name}/"
        self.prefixes.append(prefix)
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": S3_ENDPOINT, "S3_BUCKET": BUCKET,
                "S3_ACCESS_KEY_ID": S3_ACCESS_KEY, "S3_SECRET_ACCESS_KEY": S3_SECRET_KEY, "S3_PREFIX": prefix}

    # --- looking at what is stored -----------------------------------------------------------

    def names(self, app, area: str | None = None) -> set[str]:
        """Every stored name ("<area>/<key>", temporary files included) of the app's storage."""
        c = app.config
        if c.get("STORAGE_BACKEND", "local") == "local":
            root = Path(c["STORAGE_DIR"])
            found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()
        else:
            found = set()
            for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=c["S3_BUCKET"],
                                                                               Prefix=c["S3_PREFIX"]):
                found |= {o["Key"][len(c["S3_PREFIX"]):] for o in page.get("Contents", ())}
        return {n for n in found if area is None or n.startswith(f"{area}/")}

    def keys(self, app, area: str) -> set[str]:
        return {n.split("/", 1)[1] for n in self.names(app, area)}

    def raw(self, app, area: str, key: str) -> bytes | None:
        """The bytes as the disk or the bucket holds them; None when absent."""
        c = app.config
        if c.get("STORAGE_BACKEND", "local") == "local":
            path = Path(c["STORAGE_DIR"]) / area / key
            return path.read_bytes() if path.is_file() else None
        try:
            return self._client.get_object(Bucket=c["S3_BUCKET"], Key=f"{c['S3_PREFIX']}{area}/{key}")["Body"].read()
        except self._client.exceptions.NoSuchKey:
            return None

    def put_raw(self, app, area: str, key: str, data: bytes) -> None:
        """A file put there behind the portal's back."""
        c = app.config
        if c.get("STORAGE_BACKEND", "local") == "local":
            (Path(c["STORAGE_DIR"]) / area).mkdir(parents=True, exist_ok=True)
            (Path(c["STORAGE_DIR"]) / area / key).write_bytes(data)
        else:
            self._client.put_object(Bucket=c["S3_BUCKET"], Key=f"{c['S3_PREFIX']}{area}/{key}", Body=data)

    def age_everything(self, app, monkeypatch, hours: float) -> None:
        """Make every stored file `hours` old: the files' times (local), or the clock the object
        store backend compares LastModified with (s3; a bucket's times cannot be set)."""
        if app.config.get("STORAGE_BACKEND", "local") == "local":
            then = time.time() - hours * 3600
            root = Path(app.config["STORAGE_DIR"])
            for path in root.rglob("*"):
                if path.is_file():
                    os.utime(path, (then, then))
        else:
            from portal.core import storage_s3

            monkeypatch.setattr(storage_s3, "_now", lambda: time.time() + hours * 3600)

    def cleanup(self) -> None:
        for prefix in self.prefixes:
            try:
                for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
                    for obj in page.get("Contents", ()):
                        self._client.delete_object(Bucket=BUCKET, Key=obj["Key"])
            except Exception:  # a store gone away: its data folder is temporary anyway
                pass
