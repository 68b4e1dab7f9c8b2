"""The UPG's yearly evaluation of gratification control as a source of recommendations to follow
up (portal/followup): one per OPD (the key is the OPD's id) and one for the whole city ("city").
Only the city's UPG, whose officers work at the Inspectorate, manages them: an OPD's own UPG
officer holds the same role but sees only their OPD (services.upg_opd)."""
from __future__ import annotations

from flask import url_for

from portal.followup import sources

KIND = "gratification.evaluation"
CITY = sources.CITY


def page(key: str, year: int) -> str:
    if key == CITY:
        return url_for("gratification_oversight.statistics_page", tahun=year)
    return url_for("gratification_oversight.statistics_page", opd=key, tahun=year)


def manages(user) -> bool:
    from portal.gratification.services import upg_opd

    return upg_opd(user) is None


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core.roles import Role

    sources.register(app, sources.Source(KIND, _l("Yearly evaluation of gratification control"),
                                         managers=(Role.UPG,), describe=sources.describe_city_or_opd, page=page,
                                         default_opd=sources.opd_id_of_key, manages=manages))
