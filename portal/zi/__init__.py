"""Zona Integritas (WBK/WBBM): the LKE as data per year, the units an instansi proposes, the
evidence the portal gathers for them, the unit's self-assessment and the Inspectorate's internal
assessment, their follow-up and exports in the layout units upload to PMPZI."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions
    from portal.core.roles import Role
    from portal.zi import (
        city_views,
        evidence_sources,
        export_jobs,  # noqa: F401  (registers the evidence ZIP's job handler)
        export_views,
        lke,
        lke_checks,
        lke_views,
        models,
        privacy_notice,
        recommendations,
        services,
        timeline,
        todo,
        views,
    )

    # The units' and assessors' working pages, the unit's exports (XLSX, ZIP by item code), the
    # city view with the year's timeline, and the LKE editor (the Inspectorate and administrators).
    for blueprint in (views.bp, export_views.bp, city_views.bp, lke_views.bp):
        app.register_blueprint(blueprint)
    found = contributions.of(app)
    found.seeders.append(lambda: f"Zona Integritas LKE versions: {lke.load_shipped()} new")
    found.stored_files[services.AREA] = models.ItemEvidence.storage_key
    # The evidence the portal gathers for the LKE's items, read when asked (zi/evidence.py).
    evidence_sources.register_all(app)
    # The internal assessment's recommendations are followed up in portal/followup.
    recommendations.register(app)
    privacy_notice.register_notice(app)
    contributions.add_todo(app, todo.todos)
    contributions.add_todo(app, timeline.todos)
    contributions.add_nav(app, "zi.index", _l("Zona Integritas"),
                          roles=(Role.SECRETARY, Role.COI_REVIEWER, Role.ADMIN), position=58)
    contributions.add_setup_check(app, "zi_lke", _l("Zona Integritas: the LKE checked against the regulation"),
                                  lke_checks.lke_status, position=90)
    contributions.add_setup_check(app, "zi_scoring", _l("Zona Integritas: how a letter answer is scored"),
                                  lke_checks.scoring_status, position=91)
