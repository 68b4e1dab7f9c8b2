"""Administration: accounts and roles, the audit log, holidays, the government's settings, the system's
status and the setup checklist."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.admin import setup, todo, views
    from portal.core import contributions
    from portal.core.roles import Role

    app.register_blueprint(views.bp)
    # The admin's rarer pages (OPDs, WBS settings, holidays) are linked from Administration.
    contributions.add_todo(app, todo.todos)
    contributions.add_nav(app, "admin.index", _l("Administration"), roles=(Role.ADMIN,), position=90)
    setup.register(app)
