"""Zona Integritas (WBK/WBBM): the LKE as data per year, the units an instansi proposes, the
evidence the portal gathers for them, the unit's self-assessment and the Inspectorate's internal
assessment, their follow-up and exports in the layout units upload to PMPZI."""
from __future__ import annotations


def init_app(app) -> None:
    from portal.core import contributions
    from portal.zi import lke, models  # noqa: F401  (models: the tables join the metadata)

    found = contributions.of(app)
    found.seeders.append(lambda: f"Zona Integritas LKE versions: {lke.load_shipped()} new")

    # The units' and the assessors' working pages, the evidence units upload, their to-do lines,
    # and the internal assessment's recommendations followed up in portal/followup.
    from flask_babel import lazy_gettext as _l

    from portal.core.roles import Role
    from portal.zi import recommendations, services, todo, views

    app.register_blueprint(views.bp)
    found.stored_files[services.AREA] = models.ItemEvidence.storage_key
    contributions.add_todo(app, todo.todos)
    recommendations.register(app)
    contributions.add_nav(app, "zi.index", _l("Zona Integritas"),
                          roles=(Role.SECRETARY, Role.COI_REVIEWER, Role.ADMIN), position=58)
