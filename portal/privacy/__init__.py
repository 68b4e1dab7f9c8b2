"""Personal data under UU 27/2022 (Pelindungan Data Pribadi): the privacy notice of every
purpose (each area contributes its own: purposes.py), each employee's copy of their data and
their correction requests, the controller's and DPO's contacts, and the retention of personal
data outside the WBS."""
from __future__ import annotations


def init_app(app) -> None:
    from portal.core import contributions, jobs
    from portal.privacy import cli, manage_views, models, notice_views, retention, rights_views, todo  # noqa: F401

    app.register_blueprint(notice_views.bp)
    app.register_blueprint(rights_views.bp)
    app.register_blueprint(manage_views.bp)
    # The notices serve the public WBS form: like it, they never consult the login.
    app.config["ANONYMOUS_BLUEPRINTS"] = app.config.get("ANONYMOUS_BLUEPRINTS", set()) | {notice_views.bp.name}
    app.cli.add_command(cli.privacy_retention_command)
    jobs.periodic(retention.daily_task)
    contributions.add_todo(app, todo.todos)
