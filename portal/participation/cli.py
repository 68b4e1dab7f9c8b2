"""`flask --app portal send-digests` (weekly) and `refresh-participation [--year]`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("send-digests")
@with_appcontext
def send_digests_command():
    """Mail each OPD secretary their weekly participation digest (run weekly; skips anyone sent one in 6 days)."""
    from portal.participation.services import send_digests

    count = send_digests()
    db.session.commit()
    click.echo(f"{count} digests sent.")


@click.command("refresh-participation")
@click.option("--year", type=int, help="The year to recount (default: this year).")
@with_appcontext
def refresh_participation_command(year):
    """Recount the participation dashboards' figures now (the worker does it every few minutes)."""
    from portal.core.workdays import today
    from portal.participation import figures
    from portal.participation.models import Snapshot

    year = year or today().year
    if not figures.refresh(year):
        raise click.ClickException(f"Another process is recounting {year} right now.")
    click.echo(f"Figures for {year} recounted in {db.session.get(Snapshot, year).duration_ms} ms.")
