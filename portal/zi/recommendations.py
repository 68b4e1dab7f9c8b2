"""A unit's internal assessment as a source of recommendations to follow up (portal/followup):
the key is the unit's id; the Inspectorate manages them, the unit's OPD follows them up."""
from __future__ import annotations

from flask import url_for

from portal.extensions import db

KIND = "zi.assessment"


def _unit(key: str):
    from portal.zi.models import Unit

    return db.session.get(Unit, int(key)) if key.isdigit() and len(key) <= 9 else None


def describe(key: str) -> str | None:
    unit = _unit(key)
    return f"{unit.opd.name} ({unit.target.value.upper()} {unit.version.year})" if unit else None


def page(key: str, year: int) -> str:
    return url_for("zi.unit", unit_id=int(key))


def default_opd(key: str) -> int | None:
    unit = _unit(key)
    return unit.opd_id if unit else None


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core.roles import Role
    from portal.followup import sources

    sources.register(app, sources.Source(KIND, _l("Internal assessment of a Zona Integritas unit"),
                                         managers=(Role.COI_REVIEWER,), describe=describe, page=page,
                                         default_opd=default_opd))
