"""`flask --app portal learning load-content [--overwrite]`: the seed content into the database."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db

learning_cli = AppGroup("learning", help="E-learning content.")


@learning_cli.command("load-content")
@click.option("--overwrite", is_flag=True,
              help="Put the files' text back over lessons and questions edited in the portal.")
def load_content_command(overwrite: bool):
    """Load modules, lessons and question banks from portal/content/learning/."""
    from portal.learning.content import ContentError, load_content

    try:
        report = load_content(overwrite=overwrite)
    except ContentError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Learning content: {report}")
