"""Files outside static/: random names, atomic writes, served only through authorised views."""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from flask import current_app


class StorageError(Exception):
    pass


def _root(area: str) -> Path:
    root = Path(current_app.config["STORAGE_DIR"]) / area
    root.mkdir(parents=True, exist_ok=True)
    return root


def new_key() -> str:
    return secrets.token_hex(16)


def write(area: str, key: str, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file renamed into place after fsync."""
    root = _root(area)
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, root / key)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise StorageError(str(exc)) from None


def read(area: str, key: str) -> bytes:
    if not key.isalnum():
        raise StorageError("bad key")
    return (_root(area) / key).read_bytes()


def delete(area: str, key: str) -> None:
    try:
        (_root(area) / key).unlink()
    except FileNotFoundError:
        pass


# Files written during a transaction are removed again if it rolls back, so a failed
# submission leaves neither an orphan row nor an orphan file.
def track(session, area: str, key: str) -> None:
    session.info.setdefault("pending_files", []).append((area, key))


def _forget(session, *args) -> None:
    session.info.pop("pending_files", None)


def _remove_pending(session, *args) -> None:
    for area, key in session.info.pop("pending_files", []):
        try:
            delete(area, key)
        except Exception:  # the app context may be gone; an unreadable orphan is harmless
            pass


def register_cleanup(session_cls) -> None:
    from sqlalchemy import event

    event.listen(session_cls, "after_commit", _forget)
    event.listen(session_cls, "after_soft_rollback", _remove_pending)
