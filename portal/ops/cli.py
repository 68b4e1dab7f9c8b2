"""The CLI commands that belong to no area: translations, default and demo content, audit
verification, key rotation, the job worker, storage sweeping, backup and restore.

Each area registers its own commands in its init_app (`portal/<area>/cli.py`).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from portal.config import PROJECT_ROOT
from portal.core import contributions
from portal.extensions import db

translate = AppGroup("translate", help="Extract, update and compile the translation catalogs.")


def _pybabel(*args: str) -> None:
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), *args], check=True, cwd=PROJECT_ROOT)


def extract_messages(output: Path) -> None:
    # pybabel skips directories starting with "_" by default, which would leave the shared
    # macros (templates/_macros/) untranslated; only hidden directories are skipped here.
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "--omit-header", "--ignore-dirs", ".*", "-o", str(output), ".")


@translate.command("extract")
def translate_extract():
    """Rebuild translations/messages.pot from the code and templates."""
    extract_messages(PROJECT_ROOT / "translations" / "messages.pot")


@translate.command("update")
def translate_update():
    """Extract, then merge new messages into every language's catalog."""
    translate_extract.callback()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching",
             "--ignore-obsolete")


@translate.command("compile")
def translate_compile():
    """Compile the .po catalogs into the .mo files the app reads."""
    _pybabel("compile", "-d", "translations")


def seed_defaults() -> list[str]:
    """The default content every installation needs (each area's seeders); idempotent, edits made
    in the portal are kept."""
    return [seeder() for seeder in contributions.of().seeders]


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the default content (regulations, WBS categories, conflict-of-interest lists, learning modules)."""
    for line in seed_defaults():
        click.echo(line)
    db.session.commit()


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data: the first deployment's OPDs, staff, cases and sessions (idempotent)."""
    from portal import demo

    demo.run(echo=click.echo)
    db.session.commit()


@click.command("demo-if-empty")
@with_appcontext
def demo_if_empty_command():
    """Load the demo data only into an empty database (used by `make run`)."""
    import sqlalchemy as sa

    from portal.org.models import Opd

    if db.session.scalar(sa.select(sa.func.count()).select_from(Opd)):
        click.echo("Database already has data; demo skipped.")
        return
    demo_command.callback()


@click.command("audit-verify")
@with_appcontext
def audit_verify_command():
    """Walk the audit log's hash chain and report the first broken event."""
    from portal.core import audit

    ok, seq = audit.verify_chain()
    if not ok:
        raise click.ClickException(f"Audit chain broken at event {seq}.")
    click.echo("Audit chain intact.")


@click.command("rotate-keys")
@with_appcontext
def rotate_keys_command():
    """Re-wrap the data keys under the newest DATA_KEYS entry (keep the old one until this has run)."""
    lines = [rotate() for rotate in contributions.of().key_rotators]
    db.session.commit()
    for line in lines:
        click.echo(line)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then stop.")
@with_appcontext
def worker_command(once):
    """Run background jobs (merged certificate PDFs and ZIPs). Run one or more beside the web processes."""
    from portal.core import jobs

    if once:
        click.echo(f"{jobs.run_pending()} jobs run.")
        return
    jobs.work_forever()


@click.command("storage-sweep")
@click.option("--older-than-hours", type=click.FloatRange(min=1), default=24, show_default=True,
              help="Only files at least this old (a younger one may belong to a request still running).")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@with_appcontext
def storage_sweep_command(older_than_hours, dry_run):
    """Remove stored files no row points to: left by a process killed between writing a file and
    committing its row, or by a commit whose answer was lost (run daily)."""
    import sqlalchemy as sa

    from portal.core import storage

    total = 0
    try:
        for area, column in contributions.of().stored_files.items():
            referenced = set(db.session.scalars(sa.select(column).where(column.is_not(None))))
            found = storage.orphans(area, referenced, older_than_hours * 3600)
            total += len(found)
            for key in found:
                click.echo(f"  {area}/{key}")
                if not dry_run:
                    storage.delete(area, key)
    except storage.StorageError as exc:  # the object store did not answer; the next run goes on
        raise click.ClickException(f"Storage: {exc} ({total} files found so far).") from None
    click.echo(f"{total} unreferenced files {'found (dry run)' if dry_run else 'removed'}.")


@click.command("storage-check")
@with_appcontext
def storage_check_command():
    """Check that the configured storage answers: the folder, or the bucket with these credentials
    (run after deploying a node; the portal itself connects only when a file is read or written)."""
    from portal.core import storage

    store = storage.backend()
    try:
        store.check()
    except storage.StorageError as exc:
        raise click.ClickException(f"Storage ({store.kind}): {exc}") from None
    click.echo(f"Storage ({store.kind}) answers.")


@click.command("backup")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="A directory (the file is named after the time) or a file name ending in .tar. "
                   "Default: instance/backups/.")
@with_appcontext
def backup_command(output):
    """Write one backup file (0600): the database, every stored file and a manifest. Not the keys."""
    from flask import current_app

    from portal.ops import backup

    try:
        result = backup.create_backup(output or Path(current_app.instance_path) / "backups")
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    for rel in result.vanished:
        click.echo(f"Note: {rel} was deleted by the running portal during the backup; not included.")
    for rel in result.skipped:
        click.echo(f"Warning: {rel} in the storage is not a file the portal stores; not included.")
    manifest = result.manifest
    click.echo(f"Backup written: {result.path} ({manifest['database']['kind']} database, {len(manifest['files'])} "
               f"files, revision {manifest['alembic_revision'] or 'none'}).")
    click.echo(backup.KEYS_NOTICE)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Restore even though the database or the storage (STORAGE_DIR or the bucket prefix) already "
                   "holds data: the backup's tables and files replace theirs.")
@with_appcontext
def restore_command(archive, force):
    """Restore a backup into an empty instance (stop the portal first; run as its service user)."""
    from portal.ops import backup, restore

    try:
        result = restore.restore_backup(archive, force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    manifest = result.manifest
    click.echo(f"Restored the backup of {manifest['created_at']} (portal {manifest['app_version']}): "
               f"{manifest['database']['kind']} database and {len(manifest['files'])} files, every SHA-256 verified.")
    click.echo(result.revision_advice)
    if result.keys is None:
        click.echo("WBS keys not checked: upgrade the database first, then open a report to check the keys.")
    elif result.keys[0]:
        click.echo(f"WARNING: {result.keys[0]} of {result.keys[1]} WBS reports cannot be decrypted with the "
                   "configured DATA_KEYS. Configure the keys that were in use when the backup was made.")
    elif result.keys[1]:
        click.echo(f"The configured DATA_KEYS open all {result.keys[1]} WBS reports.")
    if result.declaration_keys and result.declaration_keys[0]:
        click.echo(f"WARNING: {result.declaration_keys[0]} of {result.declaration_keys[1]} conflict-of-interest "
                   "declarations cannot be decrypted with the configured DATA_KEYS. Configure the keys that were in "
                   "use when the backup was made.")
    elif result.declaration_keys and result.declaration_keys[1]:
        click.echo(f"The configured DATA_KEYS open all {result.declaration_keys[1]} conflict-of-interest declarations.")
    click.echo(backup.KEYS_NOTICE)


def init_app(app) -> None:
    app.cli.add_command(translate)
    for command in (seed_command, demo_command, demo_if_empty_command, audit_verify_command, rotate_keys_command,
                    worker_command, storage_sweep_command, storage_check_command, backup_command, restore_command):
        app.cli.add_command(command)
