"""`flask --app portal create-admin USERNAME`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("create-admin")
@with_appcontext
@click.argument("username")
def create_admin_command(username):
    """Create an administrator account; the password is asked for, never passed as an argument."""
    from portal.auth import services
    from portal.core.roles import Role

    try:
        services.check_new_username(username)
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        services.check_new_password(password)
    except services.AuthError as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from None
    services.create_user(username=username, password=password, roles={Role.ADMIN})
    db.session.commit()
    click.echo(f"Administrator {username} created.")
