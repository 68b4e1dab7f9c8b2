"""Files outside static/: random names, atomic writes, served only through authorised views.

A stored file and the row that points to it are two writes that cannot share one transaction.
The order is: file first (complete and durable, or not there at all), then the row; a failed
transaction removes the files it wrote. The one case this cannot decide is a COMMIT whose
answer never came (the database went away during it): the row may exist, so its files are
kept, and `flask --app portal storage-sweep` removes files no row points to (docs/decisions.md).
"""
from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)
TEMP_PREFIX = ".tmp-"


class StorageError(Exception):
    pass


def _root(area: str) -> Path:
    root = Path(current_app.config["STORAGE_DIR"]) / area
    root.mkdir(parents=True, exist_ok=True)
    return root


def new_key() -> str:
    return secrets.token_hex(16)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the folder itself is on disk.
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(area: str, key: str, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file in the same folder, fsynced, renamed
    into place. On any error (a full disk, a quota, an I/O error) the temporary file is removed
    and StorageError raised; the caller turns it into a message and rolls back."""
    tmp = None
    try:
        root = _root(area)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=TEMP_PREFIX)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, root / key)
        tmp = None
        _fsync_dir(root)
    except OSError as exc:
        # No path in the message: it may reach a log, and says nothing the errno does not.
        log.error("storage write failed in %s: %s", area, exc.strerror or type(exc).__name__)
        raise StorageError(exc.strerror or "write failed") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def read(area: str, key: str) -> bytes:
    if not key.isalnum():
        raise StorageError("bad key")
    return (_root(area) / key).read_bytes()


def delete(area: str, key: str) -> None:
    try:
        (_root(area) / key).unlink()
    except FileNotFoundError:
        pass


def orphans(area: str, referenced: set[str], older_than_seconds: float) -> list[str]:
    """Files of `area` that no row points to and that are older than the given age (a younger
    one may belong to a transaction still running), plus temporary files left by a killed
    process."""
    root = Path(current_app.config["STORAGE_DIR"]) / area
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than_seconds
    found = []
    for path in root.iterdir():
        try:
            old = path.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue
        if old and path.is_file() and (path.name.startswith(TEMP_PREFIX) or path.name not in referenced):
            found.append(path.name)
    return sorted(found)


# Files written during a transaction are removed again if it does not commit, so a failed
# submission leaves neither an orphan row nor an orphan file.
def track(session, area: str, key: str) -> None:
    session.info.setdefault("pending_files", []).append((area, key))


def _commit_starts(session) -> None:
    session.info["commit_started"] = True


def _committed(session) -> None:
    session.info.pop("pending_files", None)
    session.info.pop("commit_started", None)


def _soft_rollback(session, transaction) -> None:
    # A flush failing inside commit() rolls back its own sub-transaction first: the COMMIT was
    # then never sent, so the outcome is certain again.
    if transaction.parent is not None and not transaction.nested:
        session.info.pop("commit_started", None)


def _transaction_end(session, transaction) -> None:
    if transaction.parent is not None:
        return
    pending = session.info.pop("pending_files", [])
    if session.info.pop("commit_started", False):
        # COMMIT was sent and failed: the rows may be in the database after all. Keep the
        # files; storage-sweep removes them later if no row points to them.
        if pending:
            log.warning("commit outcome unknown; %d stored file(s) kept for storage-sweep", len(pending))
        return
    for area, key in pending:
        try:
            delete(area, key)
        except Exception:  # the app context may be gone; storage-sweep finds what is left
            pass


def register_cleanup(session_cls) -> None:
    from sqlalchemy import event

    event.listen(session_cls, "before_commit", _commit_starts)
    event.listen(session_cls, "after_commit", _committed)
    event.listen(session_cls, "after_soft_rollback", _soft_rollback)
    event.listen(session_cls, "after_transaction_end", _transaction_end)
