"""`flask --app portal send-reminders`: run once a day."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Remind deciders of declarations whose deadline is near (run once a day)."""
    from portal.coi.reminders import send_due_reminders
    from portal.core.workdays import today

    count = send_due_reminders(today())
    db.session.commit()
    click.echo(f"{count} reminders sent.")
