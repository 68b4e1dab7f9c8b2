"""`flask --app portal privacy-retention [--dry-run] [--again]`: the daily retention run."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("privacy-retention")
@click.option("--dry-run", is_flag=True, help="Show what would be deleted; change nothing.")
@click.option("--again", is_flag=True, help="Run even though today's run is done (after changing a period).")
@with_appcontext
def privacy_retention_command(dry_run, again):
    """Delete personal data past its retention period (declarations, quiz answers, attendance,
    session photos, gratification reports). The worker runs it once a day too; whichever comes
    first does the day."""
    from portal.core.clock import today
    from portal.privacy import retention

    on = today()
    plan = retention.plan(on)
    for item in plan.kinds:
        if item.cutoff is None:
            click.echo(f"{item.kind.code}: kept (0 months, setting {item.kind.setting}).")
        else:
            oldest = item.oldest.isoformat() if item.oldest else "-"
            click.echo(f"{item.kind.code}: {item.months} months, up to {item.cutoff.isoformat()}: "
                       f"{item.count} due (oldest {oldest}).")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    done = retention.run(on, trigger="command", again=again)
    if done is None:
        db.session.rollback()
        run = retention.done_on(on)
        click.echo(f"Today's run was already done ({run.trigger}, {run.ran_at.isoformat(timespec='minutes')}). "
                   "Nothing changed; --again runs once more.")
        return
    db.session.commit()
    removed = retention.finish(done)
    db.session.commit()
    click.echo("Deleted: " + ", ".join(f"{code} {n}" for code, n in done.counts.items())
               + f"; {removed} stored files removed.")
