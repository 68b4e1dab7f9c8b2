"""Database snapshots for backups: SQLite's online backup API, pg_dump / pg_restore.

Each function takes the SQLAlchemy URL of the configured database and plain paths; the
caller (portal/backup.py) decides where files go and what to tell the operator.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL

KINDS = ("sqlite", "postgresql")
# Rows these tables hold in a freshly migrated database do not make it "used".
SEEDED_TABLES = {"alembic_version", "audit_head"}


class BackupError(Exception):
    """Anything that stops a backup or a restore, with a message for the operator."""


def kind_of(url: URL) -> str:
    kind = url.get_backend_name()
    if kind not in KINDS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}.")
    if kind == "sqlite" and url.database in (None, "", ":memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return kind


def tables_with_rows(engine: sa.Engine) -> list[str]:
    """The tables of the configured database that hold data; [] for an empty or missing database."""
    if engine.url.get_backend_name() == "sqlite" and not Path(engine.url.database).exists():
        return []  # checking would create the file
    found = []
    with engine.connect() as conn:
        for name in sorted(sa.inspect(conn).get_table_names()):
            if name not in SEEDED_TABLES and conn.execute(sa.select(sa.literal(1)).select_from(sa.table(name))
                                                          .limit(1)).first():
                found.append(name)
    return found


def revision_of(conn) -> str | None:
    """The Alembic revision a database is stamped with (None: built without migrations)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = sorted(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    return ",".join(rows) or None


# --- SQLite ---------------------------------------------------------------------------------------

def sqlite_dump(url: URL, dest: Path) -> str | None:
    """A consistent copy of the live database, taken with SQLite's online backup API (the
    writers of the running portal only wait for the copy step); returns its Alembic revision."""
    source_path = Path(url.database)
    if not source_path.is_file():
        raise BackupError(f"The SQLite database {source_path} does not exist.")
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)  # all pages in one step: one read transaction, one snapshot
    finally:
        source.close()
    try:
        rows = sorted(row[0] for row in target.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.OperationalError:  # no such table: built without migrations
        rows = []
    finally:
        target.close()
    return ",".join(rows) or None


def sqlite_restore(url: URL, snapshot: Path) -> None:
    """Replace the configured database's content with the snapshot, in one write transaction."""
    target_path = Path(url.database)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    created = not target_path.exists()
    source = sqlite3.connect(snapshot)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite restore failed: {exc}") from None
    finally:
        target.close()
        source.close()
    if created:
        os.chmod(target_path, 0o600)


# --- PostgreSQL -----------------------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH, else the newest Debian PostgreSQL installation."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [p for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}") if p.parts[-3].isdigit()]
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client programs (Debian: postgresql-client).")
    return str(max(candidates, key=lambda p: int(p.parts[-3])))


def pg_connection(url: URL, workdir: Path) -> tuple[str, dict]:
    """A libpq URI without the password, and an environment that supplies the password through a
    private pgpass file: never on the command line, where `ps` would show it to every user."""
    # URL.set() ignores None, so the password is dropped with the named tuple's own _replace.
    conninfo = url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        escaped = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
        passfile = workdir / "pgpass"
        fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"*:*:*:*:{escaped}\n")
        env["PGPASSFILE"] = str(passfile)
    return conninfo, env


def _run(argv: list[str], env: dict, what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def pg_dump_command(url: URL, dest: Path, workdir: Path) -> tuple[list[str], dict]:
    conninfo, env = pg_connection(url, workdir)
    return [pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={dest}", f"--dbname={conninfo}"], env


def pg_restore_command(url: URL, dump: Path, workdir: Path) -> tuple[list[str], dict]:
    conninfo, env = pg_connection(url, workdir)
    # --single-transaction: a failing restore leaves the database as it was.
    return [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password",
            f"--dbname={conninfo}", str(dump)], env


def pg_dump(url: URL, dest: Path, workdir: Path) -> None:
    """pg_dump takes one snapshot (a repeatable-read transaction): consistent while the portal runs."""
    argv, env = pg_dump_command(url, dest, workdir)
    _run(argv, env, "pg_dump")


def pg_restore(url: URL, dump: Path, workdir: Path) -> None:
    argv, env = pg_restore_command(url, dump, workdir)
    _run(argv, env, "pg_restore")
