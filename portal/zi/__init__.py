"""Zona Integritas (WBK/WBBM): the LKE as data per year, the units an instansi proposes, the
evidence the portal gathers for them, the unit's self-assessment and the Inspectorate's internal
assessment, their follow-up and exports in the layout units upload to PMPZI."""
from __future__ import annotations


def init_app(app) -> None:
    from portal.core import contributions
    from portal.zi import lke, models  # noqa: F401  (models: the tables join the metadata)

    found = contributions.of(app)
    found.seeders.append(lambda: f"Zona Integritas LKE versions: {lke.load_shipped()} new")

    from portal.zi import export_views  # a unit's exports (XLSX, ZIP by item code)

    app.register_blueprint(export_views.bp)

    # The city view and the year's timeline (zi/city_views.py), and the timeline's near dates.
    from portal.zi import city_views, timeline

    app.register_blueprint(city_views.bp)
    contributions.add_todo(app, timeline.todos)

    from portal.zi import evidence_sources  # the evidence the portal gathers for the LKE's items
    evidence_sources.register_all(app)
    # The LKE editor (the Inspectorate and administrators) and its items on the setup checklist.
    from flask_babel import lazy_gettext as _l

    from portal.zi import lke_checks, lke_views

    app.register_blueprint(lke_views.bp)
    contributions.add_setup_check(app, "zi_lke", _l("Zona Integritas: the LKE checked against the regulation"),
                                  lke_checks.lke_status, position=90)
    contributions.add_setup_check(app, "zi_scoring", _l("Zona Integritas: how a letter answer is scored"),
                                  lke_checks.scoring_status, position=91)

    # The units' and the assessors' working pages, the evidence units upload, their to-do lines,
    # and the internal assessment's recommendations followed up in portal/followup.
    from portal.core.roles import Role
    from portal.zi import recommendations, services, todo, views

    app.register_blueprint(views.bp)
    found.stored_files[services.AREA] = models.ItemEvidence.storage_key
    contributions.add_todo(app, todo.todos)
    recommendations.register(app)
    contributions.add_nav(app, "zi.index", _l("Zona Integritas"),
                          roles=(Role.SECRETARY, Role.COI_REVIEWER, Role.ADMIN), position=58)
