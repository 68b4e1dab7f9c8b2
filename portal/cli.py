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
    from portal.wbs.services import rotate_keys

    count = rotate_keys()
    db.session.commit()
    click.echo(f"Re-wrapped {count} report keys under the newest master key.")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Remind deciders of declarations whose deadline is near (run once a day)."""
    from portal.coi.reminders import send_due_reminders
    from portal.workdays import today

    count = send_due_reminders(today())
    db.session.commit()
    click.echo(f"{count} reminders sent.")


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


def init_app(app) -> None:
    app.cli.add_command(translate)
    from portal.learning.cli import learning_cli
    app.cli.add_command(learning_cli)
    for command in (seed_command, demo_command, demo_if_empty_command, create_admin_command, import_employees_command,
                    audit_verify_command, rotate_keys_command, send_reminders_command, worker_command,
                    send_digests_command, bench_data_command, refresh_participation_command):
        app.cli.add_command(command)
