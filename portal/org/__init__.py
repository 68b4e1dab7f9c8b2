"""The organisation: OPDs, employees with NIP, position and direct superior, CSV/XLSX import."""
from __future__ import annotations


def init_app(app) -> None:
    from portal.org import cli, privacy_notice, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.import_employees_command)
    privacy_notice.register_notice(app)
