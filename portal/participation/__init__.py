"""Participation: per OPD and city-wide coverage, staff lists, exports, reminders, digests and
early detection, for secretaries and the Inspectorate."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions, jobs
    from portal.core.roles import Role
    from portal.participation import cli, figures, todo, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.send_digests_command)
    app.cli.add_command(cli.refresh_participation_command)
    # The worker keeps the dashboards' figures fresh.
    jobs.periodic(figures.refresh_due)
    contributions.add_todo(app, todo.todos)
    # The secretaries' and the Inspectorate's hub: staff lists, learning results and yearly
    # statements are linked from there.
    contributions.add_document_kind(app, "participation.evidence", _l("Participation evidence (bukti dukung)"),
                                    organiser_signs=True, acknowledged=True)
    contributions.add_nav(app, "participation.dashboard", _l("Participation"),
                          roles=(Role.SECRETARY, Role.ADMIN, Role.COI_REVIEWER), position=40)
