"""Files outside static/: random names, atomic writes, served only through authorised views.

A stored file and the row that points to it are two writes that cannot share one transaction.
The order is: file first (complete and durable, or not there at all), then the row; a failed
transaction removes the files it wrote. The one case this cannot decide is a COMMIT whose
answer never came (the database went away during it): the row may exist, so its files are
kept, and `flask --app portal storage-sweep` removes files no row points to (docs/decisions.md).

Where the bytes go is configuration (STORAGE_BACKEND): the local folder STORAGE_DIR
(portal/core/storage_local.py, the default) or an S3-compatible object store
(portal/core/storage_s3.py), so that several web nodes can share the files. Callers see the
same functions and the same guarantees on both.
"""
from __future__ import annotations

import logging
import re
import secrets

from flask import current_app

from portal.core.storage_local import TEMP_PREFIX, LocalBackend

log = logging.getLogger(__name__)
__all__ = ["TEMP_PREFIX", "StorageError", "backend", "delete", "new_key", "orphans", "read", "track", "write"]

BACKENDS = ("local", "s3")
# Areas are plain words; keys are what new_key() makes. Nothing else names a stored file, so no
# name can climb out of its folder or its area's prefix.
_AREA = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_KEY = re.compile(r"[A-Za-z0-9]{1,128}")
_TEMP = re.compile(r"[A-Za-z0-9_-]{1,100}")


class StorageError(Exception):
    pass


def backend():
    """The configured backend: the local folder (STORAGE_DIR) or an S3-compatible object store."""
    config = current_app.config
    if config.get("STORAGE_BACKEND", "local") == "s3":
        from portal.core.storage_s3 import S3Backend

        return S3Backend(config, StorageError)
    return LocalBackend(config["STORAGE_DIR"], StorageError)


def valid_key(key: str) -> bool:
    return isinstance(key, str) and bool(_KEY.fullmatch(key))


def _checked(area: str, key: str) -> None:
    if not (isinstance(area, str) and _AREA.fullmatch(area)) or not valid_key(key):
        raise StorageError("bad key")


def new_key() -> str:
    return secrets.token_hex(16)


def write(area: str, key: str, data: bytes) -> None:
    """Write the whole file or nothing (local: a temporary file fsynced and renamed; S3: one PUT
    with its MD5). On any error StorageError is raised and nothing is left under the key's name;
    the caller turns it into a message and rolls back."""
    _checked(area, key)
    backend().write(area, key, data)


def read(area: str, key: str) -> bytes:
    """The stored bytes; FileNotFoundError when there is no such file, StorageError when the
    storage cannot answer."""
    _checked(area, key)
    return backend().read(area, key)


def delete(area: str, key: str) -> None:
    # The temporary file of a killed writer is the one other name storage-sweep removes.
    if not (isinstance(key, str) and key.startswith(TEMP_PREFIX) and _TEMP.fullmatch(key[len(TEMP_PREFIX):])):
        _checked(area, key)
    backend().delete(area, key)


def orphans(area: str, referenced: set[str], older_than_seconds: float) -> list[str]:
    """Files of `area` that no row points to and that are older than the given age (a younger
    one may belong to a transaction still running), plus temporary files left by a killed
    process (local folder only: the object store has none)."""
    return backend().orphans(area, referenced, older_than_seconds, valid_key)


# Files written during a transaction are removed again if it does not commit, so a failed
# submission leaves neither an orphan row nor an orphan file.
def track(session, area: str, key: str) -> None:
    # A transaction to end: without one (nothing queried yet) a rollback would fire no event
    # and the file would outlive it. Beginning one takes no connection.
    from sqlalchemy.orm import scoped_session

    real = session() if isinstance(session, scoped_session) else session
    if not real.in_transaction():
        real.begin()
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
