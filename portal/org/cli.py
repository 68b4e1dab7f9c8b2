"""`flask --app portal import-employees FILE [--apply]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.extensions import db


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
