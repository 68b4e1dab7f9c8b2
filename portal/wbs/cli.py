"""`flask --app portal wbs-retention [--dry-run]`: run once a day."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("wbs-retention")
@click.option("--dry-run", is_flag=True, help="List what would be destroyed; change nothing.")
@with_appcontext
def wbs_retention_command(dry_run):
    """Destroy the content of closed WBS cases past the retention period (run once a day)."""
    from portal.core.workdays import today
    from portal.wbs import retention

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
