"""The yearly evaluation as a source of recommendations to follow up (portal/followup): one per
OPD (the key is the OPD's id) and one for the whole city (the key "city")."""
from __future__ import annotations

from flask import url_for

from portal.followup import sources

KIND = "coi.evaluation"
CITY = sources.CITY


def page(key: str, year: int) -> str:
    if key == CITY:
        return url_for("coi_oversight.city_evaluation", tahun=year)
    return url_for("coi_oversight.evaluation", opd=key, tahun=year)


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core.roles import Role

    sources.register(app, sources.Source(KIND, _l("Yearly evaluation of conflict-of-interest handling"),
                                         managers=(Role.COI_REVIEWER,), describe=sources.describe_city_or_opd,
                                         page=page, default_opd=sources.opd_id_of_key))
