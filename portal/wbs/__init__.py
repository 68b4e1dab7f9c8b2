"""The Whistleblowing System (in the first deployment, Perwako 15/2019): the public's reports and
the WBS team's handling.

The public part is an anonymous area: it never consults the login (portal/web/i18n.py).
"""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions, jobs
    from portal.core.roles import Role
    from portal.wbs import (
        cli,
        content,
        deadlines,
        manage_views,
        privacy_notice,
        public_views,
        recommendations,
        services,
        todo,
    )
    from portal.wbs.models import Evidence

    app.register_blueprint(public_views.bp)
    app.register_blueprint(manage_views.bp)
    app.config["ANONYMOUS_BLUEPRINTS"] = app.config.get("ANONYMOUS_BLUEPRINTS", set()) | {public_views.bp.name}
    app.cli.add_command(cli.wbs_retention_command)
    jobs.periodic(services.purge_follow_ups_task)
    found = contributions.of(app)
    found.stored_files[services.STORAGE_AREA] = Evidence.storage_key
    found.seeders.append(lambda: f"WBS categories: {content.load_categories()} new")
    found.key_rotators.append(lambda: f"Re-wrapped {services.rotate_keys()} report keys under the newest master key.")
    contributions.add_todo(app, todo.todos)
    contributions.add_nav(app, "wbs_manage.queue", _l("WBS cases"), roles=(Role.WBS_HANDLER,), position=60)
    privacy_notice.register_notice(app)
    recommendations.register(app)  # the yearly evaluation's recommendations are followed up in portal/followup
    contributions.add_setup_check(app, "wbs_deadlines", _l("WBS deadlines"), deadlines.setup_status, position=70)
