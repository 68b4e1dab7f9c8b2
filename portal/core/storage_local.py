"""The local folder backend (STORAGE_BACKEND = "local", the default): STORAGE_DIR/<area>/<key>.

A file is complete or absent: written to a temporary file in the same folder, fsynced, renamed
into place, the folder fsynced. The temporary files of a killed process carry TEMP_PREFIX and
are found by `orphans()`.
"""
from __future__ import annotations

import logging
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)
TEMP_PREFIX = ".tmp-"


class LocalBackend:
    kind = "local"

    def __init__(self, root: str | Path, error_cls: type[Exception]):
        self.root, self.error = Path(root), error_cls

    def describe(self) -> str:
        return str(self.root)

    def _area(self, area: str) -> Path:
        path = self.root / area
        path.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, area: str, key: str, data: bytes) -> None:
        """The whole file or nothing. On any error (a full disk, a quota, an I/O error) the
        temporary file is removed and StorageError raised."""
        tmp = None
        try:
            root = self._area(area)
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
            raise self.error(exc.strerror or "write failed") from None
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    def read(self, area: str, key: str) -> bytes:
        return (self.root / area / key).read_bytes()

    def delete(self, area: str, key: str) -> None:
        try:
            (self.root / area / key).unlink()
        except FileNotFoundError:
            pass

    def orphans(self, area: str, referenced: set[str], older_than_seconds: float, valid=None) -> list[str]:
        root = self.root / area
        if not root.is_dir():
            return []
        cutoff = time.time() - older_than_seconds
        found = []
        for path in root.iterdir():
            try:
                old = path.stat().st_mtime < cutoff
            except FileNotFoundError:
                continue
            ours = valid is None or valid(path.name)  # another name is not ours to delete
            if old and path.is_file() and (path.name.startswith(TEMP_PREFIX) or (ours and path.name not in referenced)):
                found.append(path.name)
        return sorted(found)

    # --- backup and restore (portal/ops/backup.py, restore.py) ---------------------------------

    def listing(self, excluded: set[Path], safe) -> list[tuple[str, bool]]:
        """(relative path, ok) for every file under STORAGE_DIR, sorted; hidden names skipped;
        `ok` is False for what storage never makes (odd names, links, not regular files)."""
        found: list[tuple[str, bool]] = []
        if not self.root.is_dir():
            return found
        for dirpath, dirnames, filenames in os.walk(self.root):  # symlinked directories are not followed
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith(".") or path.resolve() in excluded:
                    continue
                rel = path.relative_to(self.root).as_posix()
                found.append((rel, safe(rel) and path.is_file() and not path.is_symlink()))
        return found

    def check(self) -> None:
        """The folder can be written (a temporary file, removed again)."""
        try:
            root = self.root
            root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=root, prefix=TEMP_PREFIX):
                pass
        except OSError as exc:
            raise self.error(exc.strerror or "not writable") from None

    def any_files(self) -> bool:
        return bool(self.listing(set(), lambda rel: True))

    @contextmanager
    def open(self, rel: str):
        """(reader, size, mtime) of one stored file; FileNotFoundError when it has gone. Stored
        files are never rewritten in place (write renames a new file over), so the size read from
        the open file is the size of what is copied."""
        with open(self.root / rel, "rb") as fh:
            st = os.fstat(fh.fileno())
            yield fh, st.st_size, int(st.st_mtime)


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
