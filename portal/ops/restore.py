"""Restoring a backup made by portal/backup.py into an empty instance.

Nothing in the database or in the storage (STORAGE_DIR, or the object store's bucket prefix)
changes before every file in the archive has matched the SHA-256 in its manifest. The manifest
is a check against damage, not a signature: whoever can rewrite a backup can rewrite its
manifest too, so backups are kept where only the operators can write (and encrypted when they
leave the machine).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.core import storage
from portal.extensions import db
from portal.ops import dump as dbdump
from portal.ops.backup import (
    CHUNK,
    DATABASE_MEMBERS,
    FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MAX_MANIFEST,
    SHA256,
    has_stored_files,
    safe_path,
)
from portal.ops.dump import BackupError


@dataclass
class RestoreResult:
    manifest: dict
    revision_status: str    # current | older | newer | unknown
    revision_advice: str
    keys: tuple[int, int] | None    # (WBS reports the configured DATA_KEYS cannot open, reports); None: not checked
    declaration_keys: tuple[int, int] | None = None  # the same for conflict-of-interest declarations


def _entry_ok(entry) -> bool:
    return (isinstance(entry, dict) and safe_path(entry.get("path")) and isinstance(entry.get("size"), int)
            and entry["size"] >= 0 and isinstance(entry.get("sha256"), str) and bool(SHA256.fullmatch(entry["sha256"])))


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("No manifest.json: this is not a complete portal backup.") from None
    if not member.isreg() or member.size > MAX_MANIFEST:
        raise BackupError("manifest.json is not a regular file of a sensible size.")
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except (ValueError, tarfile.TarError, OSError):
        raise BackupError("manifest.json is damaged.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("manifest.json does not describe a portal backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Backup format version {manifest.get('format_version')!r} is not supported by this code.")
    database, files = manifest.get("database"), manifest.get("files")
    if (not _entry_ok(database) or database.get("kind") not in DATABASE_MEMBERS
            or database["path"] != DATABASE_MEMBERS[database["kind"]] or not isinstance(files, list)
            or not all(_entry_ok(f) for f in files)):
        raise BackupError("manifest.json is malformed.")
    return manifest


def _expected_members(manifest: dict) -> dict[str, dict]:
    expected = {manifest["database"]["path"]: manifest["database"]}
    for entry in manifest["files"]:
        expected[FILES + entry["path"]] = entry
    if len(expected) != len(manifest["files"]) + 1:
        raise BackupError("manifest.json lists a file twice.")
    return expected


def _check_members(tar: tarfile.TarFile, expected: dict[str, dict]) -> None:
    seen = set()
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        if member.name not in expected or member.name in seen or not member.isreg():
            raise BackupError(f"The archive holds {member.name!r}, which the manifest does not list "
                              "(or not once, as a regular file).")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} listed files, e.g. {missing[0]}.")


def _stage_verified(tar: tarfile.TarFile, expected: dict[str, dict], staging: Path) -> None:
    """Copy every member into the staging directory, checking size and SHA-256 on the way."""
    damaged = []
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        entry, dest = expected[member.name], staging / member.name  # names checked by _check_members
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        source = tar.extractfile(member)
        with open(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            damaged.append(member.name)
    if damaged:
        raise BackupError(f"{len(damaged)} files do not match the manifest (damaged or altered backup): "
                          + ", ".join(damaged[:10]) + ". Nothing was restored.")


def _move_files(staged: Path, root: Path) -> None:
    """Move the staged areas into STORAGE_DIR: a whole area folder by one rename when the
    instance has none yet, else file by file (--force: ours replace theirs, theirs stay)."""
    if not staged.is_dir():
        return
    for area in sorted(staged.iterdir()):
        dest = root / area.name
        if not dest.exists():
            os.rename(area, dest)
            continue
        for path in sorted(p for p in area.rglob("*") if p.is_file()):
            target = dest / path.relative_to(area)
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(path, target)


def target_in_use() -> list[str]:
    """Why the configured instance is not empty; [] when it is."""
    reasons = []
    tables = dbdump.tables_with_rows(db.engine)
    if tables:
        reasons.append(f"the database has data ({', '.join(tables[:5])}{', ...' if len(tables) > 5 else ''})")
    store = storage.backend()
    if has_stored_files(store):
        reasons.append(f"{store.describe()} holds files")
    return reasons


def restore_backup(archive: Path, force: bool = False) -> RestoreResult:
    """Verify everything, then restore the database and the files. Nothing in the database or in
    the storage changes before every file in the archive has matched its SHA-256."""
    url = db.engine.url
    kind = dbdump.kind_of(url)
    store = storage.backend()
    try:
        tar = tarfile.open(archive, "r:")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup: {exc}") from None
    with tar:
        manifest = read_manifest(tar)
        if manifest["database"]["kind"] != kind:
            raise BackupError(f"This backup holds a {manifest['database']['kind']} database; "
                              f"the configured database is {kind}.")
        expected = _expected_members(manifest)
        _check_members(tar, expected)
        try:
            reasons = target_in_use()
        except storage.StorageError as exc:
            raise BackupError(f"The storage cannot be read: {exc}. Nothing was restored.") from None
        if reasons and not force:
            raise BackupError("Refusing to restore into an instance that is not empty: " + "; ".join(reasons)
                              + ". Restore into an empty database and storage, or pass --force to "
                                "replace the database's content with the backup's.")
        if store.kind == "local":
            # Staged inside STORAGE_DIR (a hidden folder, which backups skip), so that moving the
            # files into place is a rename even when STORAGE_DIR is a mounted volume of its own.
            root = store.root
            created = not root.exists()
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".portal-restore-", dir=root))
        else:  # the object store: staged on this machine, uploaded once all of it is verified
            root, created = None, False
            staging = Path(tempfile.mkdtemp(prefix=".portal-restore-", dir=archive.resolve().parent))
        try:
            try:
                _stage_verified(tar, expected, staging)
            except (OSError, tarfile.TarError) as exc:
                raise BackupError(f"Unpacking the backup failed: {exc}. Nothing was restored.") from None
            db.session.remove()
            db.engine.dispose()
            snapshot = staging / manifest["database"]["path"]
            try:
                if kind == "sqlite":
                    dbdump.sqlite_restore(url, snapshot)
                else:
                    dbdump.pg_restore(url, snapshot, staging)
            except BackupError as exc:
                raise BackupError(f"{exc} The database was left as it was; no files were restored.") from None
            try:
                if root is not None:
                    _move_files(staging / FILES.rstrip("/"), root)
                else:
                    _upload_files(store, staging / FILES.rstrip("/"))
            except (OSError, storage.StorageError) as exc:
                raise BackupError(f"The database was restored, but putting the files into {store.describe()} failed: "
                                  f"{exc}. Fix the cause and run the restore again with --force.") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if created:
                _remove_if_empty(root)
    status, advice = revision_advice(manifest["alembic_revision"])
    return RestoreResult(manifest, status, advice, check_keys(), check_declaration_keys())


def _upload_files(store, staged: Path) -> None:
    """Write the verified files into the object store, each one PUT (atomic, with its MD5);
    with --force, ours replace theirs of the same name and theirs stay."""
    if not staged.is_dir():
        return
    for path in sorted(p for p in staged.rglob("*") if p.is_file()):
        store.put_file(path.relative_to(staged).as_posix(), path)


def _remove_if_empty(root: Path) -> None:
    try:
        root.rmdir()
    except OSError:  # not empty: files were restored
        pass


def revision_advice(revision: str | None) -> tuple[str, str]:
    """Compare the restored database's Alembic revision with this code's newest."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    heads = set(script.get_heads())
    if revision is None:
        return "unknown", ("The backup records no Alembic revision (its database was not built by migrations); "
                           "check it with `flask --app portal db current` before use.")
    revisions = revision.split(",")
    if set(revisions) == heads:
        return "current", f"Database revision {revision} is this code's newest: no upgrade needed."
    for rev in revisions:
        try:
            known = script.get_revision(rev) is not None
        except CommandError:  # an unknown (or ambiguous) revision id
            known = False
        if not known:
            return "newer", (f"The backup's revision {rev} is unknown to this code: the backup was made by a newer "
                             "version of the portal. Install that version before using this database.")
    return "older", (f"The database is at revision {revision}; this code is at {', '.join(sorted(heads))}. "
                     "Run `flask --app portal db upgrade` now.")


def check_keys() -> tuple[int, int] | None:
    """(WBS reports whose key the configured DATA_KEYS cannot unwrap, reports with a key), or
    None when the restored schema cannot be read yet (an older revision, say)."""
    from portal.wbs.models import Report

    return _unopenable(sa.select(Report.public_id, Report.wrapped_key).where(Report.wrapped_key.is_not(None)),
                       lambda public_id: public_id)


def check_declaration_keys() -> tuple[int, int] | None:
    """The same for conflict-of-interest declarations."""
    from portal.coi.models import Declaration, seal_context

    return _unopenable(sa.select(Declaration.id, Declaration.wrapped_key).where(Declaration.wrapped_key.is_not(None)),
                       seal_context)


def _unopenable(stmt, context) -> tuple[int, int] | None:
    """(records of (id, wrapped key) whose key the configured DATA_KEYS cannot unwrap, records),
    `context` giving each record's context from its id."""
    from portal.core import crypto

    unreadable = total = 0
    try:
        rows = db.session.execute(stmt).all()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return None
    for record_id, wrapped in rows:
        total += 1
        try:
            crypto.unwrap(wrapped, context(record_id).encode())
        except crypto.CryptoError:
            unreadable += 1
    db.session.rollback()
    return unreadable, total
