"""The UPG's yearly evaluation of gratification control as a source of recommendations to follow
up (portal/followup): one per OPD (the key is the OPD's id) and one for the whole city ("city").
Only the city's UPG, whose officers work at the Inspectorate, manages them: an OPD's own UPG
officer holds the same role but sees only their OPD (services.upg_opd)."""
from __future__ import annotations

from flask import url_for

from portal.core import settings
from portal.extensions import db

KIND = "gratification.evaluation"
CITY = "city"


def _opd(key: str):
    from portal.org.models import Opd

    return db.session.get(Opd, int(key)) if key.isdigit() and len(key) <= 9 else None


def describe(key: str) -> str | None:
    if key == CITY:
        return settings.government_name()
    opd = _opd(key)
    return opd.name if opd else None


def page(key: str, year: int) -> str:
    if key == CITY:
        return url_for("gratification_oversight.statistics_page", tahun=year)
    return url_for("gratification_oversight.statistics_page", opd=key, tahun=year)


def default_opd(key: str) -> int | None:
    opd = _opd(key)
    return opd.id if opd else None


def manages(user) -> bool:
    from portal.gratification.services import upg_opd

    return upg_opd(user) is None


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core.roles import Role
    from portal.followup import sources

    sources.register(app, sources.Source(KIND, _l("Yearly evaluation of gratification control"),
                                         managers=(Role.UPG,), describe=describe, page=page,
                                         default_opd=default_opd, manages=manages))
