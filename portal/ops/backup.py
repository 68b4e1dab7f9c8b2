"""Backups: one tar file holding the database, every stored file and a manifest.

`flask --app portal backup` writes it; `flask --app portal restore` (portal/restore.py) puts
it into an empty instance. The encryption keys are never in it: a backup copy alone reveals
no WBS content and no declaration text or attachment, and a restore needs the keys, which are
kept (and backed up) elsewhere.

Layout of the archive (uncompressed tar; written as `<name>.partial`, renamed when complete):
  database/portal.sqlite3 or database/portal.pgdump   the database snapshot
  files/<area>/<key>                                   every stored file (STORAGE_DIR or the bucket's prefix)
  manifest.json                                        last: what the rest must be, with SHA-256s
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from flask import current_app

from portal.core import storage
from portal.extensions import db
from portal.ops import dump as dbdump
from portal.ops.dump import BackupError

FORMAT = "portal-integritas-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = "files/"
DATABASE_MEMBERS = {"sqlite": "database/portal.sqlite3", "postgresql": "database/portal.pgdump"}
MAX_MANIFEST = 256 * 1024 * 1024
CHUNK = 1024 * 1024
# Storage keys are hex and areas plain words; anything else (hidden temp files of a write in
# progress, odd names) is neither backed up nor accepted from an archive.
_SAFE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
SHA256 = re.compile(r"[0-9a-f]{64}")

KEYS_NOTICE = ("Keys are NOT in the backup: DATA_KEYS, WBS_RECEIPT_PEPPER and SECRET_KEY (instance/keys.json or the "
               "PORTAL_* environment variables) must be backed up separately. Without the same DATA_KEYS, the WBS "
               "reports and evidence and the conflict-of-interest declarations and their attachments in a backup "
               "cannot be decrypted.")


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    vanished: list[str] = field(default_factory=list)   # deleted by the running portal during the backup
    skipped: list[str] = field(default_factory=list)    # not regular files, or names storage never makes


def safe_path(path: str) -> bool:
    return isinstance(path, str) and all(_SAFE_PART.fullmatch(part) for part in path.split("/"))


def app_version() -> str:
    try:
        return metadata.version("portal-integritas")
    except metadata.PackageNotFoundError:
        return "unknown"


class _HashingReader:
    """Hands a file to tarfile while computing its SHA-256: each file is read once."""

    def __init__(self, fh):
        self.fh, self.sha256, self.size = fh, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        return _add_stream(tar, name, fh, st.st_size, int(st.st_mtime))


def _add_stream(tar: tarfile.TarFile, name: str, fh, size: int, mtime: int) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    reader = _HashingReader(fh)
    tar.addfile(info, reader)  # exactly `size` bytes; a shorter file raises OSError
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


def _add_stored(tar: tarfile.TarFile, store, rel: str) -> dict:
    """One stored file, read through the storage backend (the local folder or the object store)."""
    with store.open(rel) as (fh, size, mtime):
        return _add_stream(tar, FILES + rel, fh, size, mtime)


def has_stored_files(store) -> bool:
    return store.any_files()


def _backup_path(output: Path, stamp: str, storage_root: Path | None) -> Path:
    if output.suffix == ".tar" and not output.is_dir():
        if output.exists():
            raise BackupError(f"{output} already exists.")
        if not output.parent.is_dir():
            raise BackupError(f"The directory {output.parent} does not exist.")
        target = output
    else:
        output.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = output / f"portal-backup-{stamp}.tar"
    if storage_root is not None and target.resolve().is_relative_to(storage_root.resolve()):
        raise BackupError("The backup cannot be written inside STORAGE_DIR.")
    return target


def _excluded_paths(store) -> set[Path]:
    """The keys and the SQLite files, should STORAGE_DIR have been configured around them."""
    if store.kind != "local":
        return set()
    excluded = {(Path(current_app.instance_path) / "keys.json").resolve()}
    if db.engine.url.get_backend_name() == "sqlite":
        base = Path(db.engine.url.database).resolve()
        excluded |= {base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal"))}
    return excluded


def create_backup(output: Path) -> BackupResult:
    """Snapshot the database first, then copy the files: a file added meanwhile is merely extra;
    one deleted meanwhile (a revoked certificate's PDF) is reported as vanished. The files are
    listed and read through the storage backend: the local folder or the object store."""
    url = db.engine.url
    kind = dbdump.kind_of(url)
    store = storage.backend()
    storage_root = store.root if store.kind == "local" else None
    now = datetime.now(UTC).replace(microsecond=0)
    target = _backup_path(output, now.strftime("%Y%m%dT%H%M%SZ"), storage_root)
    partial = target.with_name(target.name + ".partial")
    work = Path(tempfile.mkdtemp(prefix=".portal-backup-", dir=target.parent))
    result = BackupResult(path=target, manifest={})
    made_partial = False
    try:
        snapshot = work / "database"
        if kind == "sqlite":
            revision = dbdump.sqlite_dump(url, snapshot)
        else:
            with db.engine.connect() as conn:  # read just before the dump; migrations do not run beside it
                revision = dbdump.revision_of(conn)
            dbdump.pg_dump(url, snapshot, work)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        made_partial = True
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                database = {"kind": kind, "path": DATABASE_MEMBERS[kind],
                            **_add_file(tar, DATABASE_MEMBERS[kind], snapshot)}
                files = []
                for rel, ok in store.listing(_excluded_paths(store), safe_path):
                    if not ok:
                        result.skipped.append(rel)
                        continue
                    try:
                        files.append({"path": rel, **_add_stored(tar, store, rel)})
                    except FileNotFoundError:
                        result.vanished.append(rel)
                result.manifest = {
                    "format": FORMAT, "format_version": FORMAT_VERSION,
                    "created_at": now.isoformat().replace("+00:00", "Z"), "app_version": app_version(),
                    "alembic_revision": revision, "database": database, "files": files, "keys_included": False,
                    "keys_note": KEYS_NOTICE,
                }
                data = json.dumps(result.manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        if target.exists():
            raise BackupError(f"{target} already exists.")
        os.replace(partial, target)
    except OSError as exc:  # disk full, permissions: the partial file goes, nothing is left half-written
        raise BackupError(f"Writing the backup failed: {exc}") from None
    except storage.StorageError as exc:  # the object store stopped answering
        raise BackupError(f"Reading the stored files failed: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if made_partial:  # not another backup's, started in the same second
            partial.unlink(missing_ok=True)
    return result
