"""Command-line interface: `flask --app portal <command>`. Commands are thin and call services."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from portal.config import PROJECT_ROOT
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
    """The default content every installation needs; idempotent, edits made in the portal are kept."""
    from portal.coi.lists import load_lists
    from portal.home.services import load_regulations
    from portal.learning.content import load_content
    from portal.wbs.content import load_categories

    return [f"regulations: {load_regulations()} new", f"WBS categories: {load_categories()} new",
            f"conflict-of-interest list entries: {load_lists()} new", f"learning content: {load_content()}"]


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
    """Load Padang's demo data (idempotent)."""
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


@click.command("create-admin")
@with_appcontext
@click.argument("username")
def create_admin_command(username):
    """Create an administrator account; the password is asked for, never passed as an argument."""
    from portal.admin.services import AdminError
    from portal.auth import services as auth_services
    from portal.permissions import Role

    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.ClickException("The password needs at least 10 characters.")
    import sqlalchemy as sa

    from portal.auth.models import User

    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise click.ClickException(f"User {username} already exists.")
    try:
        auth_services.create_user(username=username, password=password, roles={Role.ADMIN})
    except AdminError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Administrator {username} created.")


@click.command("import-employees")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "do_apply", is_flag=True, help="Apply when every row is valid (default: preview only).")
def import_employees_command(file: Path, do_apply: bool):
    """Check (and with --apply, import) employees from a CSV or XLSX file."""
    from portal.org import importing

    try:
        rows = importing.read_table(file.name, file.read_bytes())
    except importing.ImportFileError as exc:
        raise click.ClickException(str(exc.message)) from None
    preview = importing.check_rows(rows)
    for check in preview.invalid:
        click.echo(f"line {check.line}: " + "; ".join(str(e) for e in check.errors))
    click.echo(f"{len(preview.rows)} rows: {preview.count('new')} new, {preview.count('update')} to update, "
               f"{preview.count('unchanged')} unchanged, {len(preview.invalid)} invalid")
    if not do_apply:
        return
    if not preview.ok:
        raise click.ClickException("Nothing imported: fix the invalid rows first.")
    importing.apply_rows(rows, actor=None)
    db.session.commit()
    click.echo("Imported.")


@click.command("audit-verify")
@with_appcontext
def audit_verify_command():
    """Walk the audit log's hash chain and report the first broken event."""
    from portal import audit

    ok, seq = audit.verify_chain()
    if not ok:
        raise click.ClickException(f"Audit chain broken at event {seq}.")
    click.echo("Audit chain intact.")


@click.command("rotate-keys")
@with_appcontext
def rotate_keys_command():
    """Re-wrap the data keys under the newest DATA_KEYS entry (keep the old one until this has run)."""
    from portal.auth import mfa
    from portal.wbs.services import rotate_keys

    count = rotate_keys()
    secrets_count = mfa.rotate_keys()
    db.session.commit()
    click.echo(f"Re-wrapped {count} report keys under the newest master key.")
    click.echo(f"Re-sealed {secrets_count} MFA secrets under the newest master key.")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Remind deciders of declarations whose deadline is near (run once a day)."""
    from portal.coi.reminders import send_due_reminders
    from portal.workdays import today

    count = send_due_reminders(today())
    db.session.commit()
    click.echo(f"{count} reminders sent.")


@click.command("wbs-retention")
@click.option("--dry-run", is_flag=True, help="List what would be destroyed; change nothing.")
@with_appcontext
def wbs_retention_command(dry_run):
    """Destroy the content of closed WBS cases past the retention period (run once a day)."""
    from portal.wbs import retention
    from portal.workdays import today

    plan = retention.plan(today())
    click.echo(f"Retention: {plan.months} months after closing (setting {retention.SETTING}). "
               f"{len(plan.due)} cases past it; {plan.held} more kept under legal hold.")
    for item in plan.due:
        click.echo(f"  {item.public_id}  closed {item.closed_on.isoformat()}, "
                   f"period ended {item.destroy_on.isoformat()}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    done = retention.shred_due(plan)
    db.session.commit()
    removed = retention.finish(done)
    db.session.commit()
    click.echo(f"{len(done.public_ids)} cases shredded; {removed} stored files removed.")


@click.command("send-digests")
@with_appcontext
def send_digests_command():
    """Mail each OPD secretary their weekly participation digest (run weekly; skips anyone sent one in 6 days)."""
    from portal.participation.services import send_digests

    count = send_digests()
    db.session.commit()
    click.echo(f"{count} digests sent.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then stop.")
@with_appcontext
def worker_command(once):
    """Run background jobs (merged certificate PDFs and ZIPs). Run one or more beside the web processes."""
    from portal import jobs

    if once:
        click.echo(f"{jobs.run_pending()} jobs run.")
        return
    jobs.work_forever()


def stored_file_references() -> dict:
    """Every storage area and the column of the rows that point to its files."""
    from portal import jobs
    from portal.certificates import services as certificates
    from portal.certificates.models import Certificate
    from portal.coi import attachments
    from portal.coi.models import Attachment
    from portal.socialisation import records
    from portal.socialisation.models import Photo
    from portal.wbs import services as wbs
    from portal.wbs.models import Evidence

    return {wbs.STORAGE_AREA: Evidence.storage_key, attachments.AREA: Attachment.storage_key,
            records.PHOTO_AREA: Photo.storage_key, certificates.AREA: Certificate.pdf_key, jobs.AREA: jobs.Job.result_key}


@click.command("storage-sweep")
@click.option("--older-than-hours", type=click.FloatRange(min=1), default=24, show_default=True,
              help="Only files at least this old (a younger one may belong to a request still running).")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@with_appcontext
def storage_sweep_command(older_than_hours, dry_run):
    """Remove stored files no row points to: left by a process killed between writing a file and
    committing its row, or by a commit whose answer was lost (run daily)."""
    import sqlalchemy as sa

    from portal import storage

    total = 0
    for area, column in stored_file_references().items():
        referenced = set(db.session.scalars(sa.select(column).where(column.is_not(None))))
        found = storage.orphans(area, referenced, older_than_hours * 3600)
        total += len(found)
        for key in found:
            click.echo(f"  {area}/{key}")
            if not dry_run:
                storage.delete(area, key)
    click.echo(f"{total} unreferenced files {'found (dry run)' if dry_run else 'removed'}.")


@click.command("refresh-participation")
@click.option("--year", type=int, help="The year to recount (default: this year).")
@with_appcontext
def refresh_participation_command(year):
    """Recount the participation dashboards' figures now (the worker does it every few minutes)."""
    from portal.participation import figures
    from portal.participation.models import Snapshot
    from portal.workdays import today

    year = year or today().year
    if not figures.refresh(year):
        raise click.ClickException(f"Another process is recounting {year} right now.")
    click.echo(f"Figures for {year} recounted in {db.session.get(Snapshot, year).duration_ms} ms.")


@click.command("bench-data")
@click.option("--employees", type=click.IntRange(min=15), default=15000, show_default=True,
              help="Employees in the city (Padang today: about 15,000).")
@click.option("--opds", type=click.IntRange(min=1), default=45, show_default=True,
              help="OPDs: Padang's, then numbered extras.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same city).")
@with_appcontext
def bench_data_command(employees, opds, seed):
    """Build a synthetic city for bench/participation.py in an empty database (after `db upgrade` and `seed`)."""
    from portal.demo import bench_data

    click.echo(f"Building a city of {employees} employees in {opds} OPDs (seed {seed})...")
    try:
        report = bench_data.build(employees, opds, seed, echo=click.echo)
    except bench_data.BenchDataError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    for line in report.lines():
        click.echo(line)


@click.command("backup")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="A directory (the file is named after the time) or a file name ending in .tar. "
                   "Default: instance/backups/.")
@with_appcontext
def backup_command(output):
    """Write one backup file (0600): the database, every stored file and a manifest. Not the keys."""
    from flask import current_app

    from portal import backup

    try:
        result = backup.create_backup(output or Path(current_app.instance_path) / "backups")
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    for rel in result.vanished:
        click.echo(f"Note: {rel} was deleted by the running portal during the backup; not included.")
    for rel in result.skipped:
        click.echo(f"Warning: {rel} under STORAGE_DIR is not a file the portal stores; not included.")
    manifest = result.manifest
    click.echo(f"Backup written: {result.path} ({manifest['database']['kind']} database, {len(manifest['files'])} "
               f"files, revision {manifest['alembic_revision'] or 'none'}).")
    click.echo(backup.KEYS_NOTICE)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Restore even though the database or STORAGE_DIR already holds data: the backup's tables and "
                   "files replace theirs.")
@with_appcontext
def restore_command(archive, force):
    """Restore a backup into an empty instance (stop the portal first; run as its service user)."""
    from portal import backup, restore

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
    click.echo(backup.KEYS_NOTICE)


def init_app(app) -> None:
    app.cli.add_command(translate)
    app.cli.add_command(storage_sweep_command)
    app.cli.add_command(wbs_retention_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from portal.learning.cli import learning_cli
    app.cli.add_command(learning_cli)
    for command in (seed_command, demo_command, demo_if_empty_command, create_admin_command, import_employees_command,
                    audit_verify_command, rotate_keys_command, send_reminders_command, worker_command,
                    send_digests_command, bench_data_command, refresh_participation_command):
        app.cli.add_command(command)
