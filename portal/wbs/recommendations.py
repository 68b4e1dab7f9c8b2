"""The WBS team's yearly evaluation of the whistleblowing system as a source of recommendations to
follow up (portal/followup): one per year for the whole system (the key "city").

A recommendation is free text the handler writes; nothing from a report is copied into it, so the
responsible OPD that follows it up learns only what the handler chose to write."""
from __future__ import annotations

from flask import url_for

from portal.core import settings

KIND = "wbs.evaluation"
CITY = "city"


def describe(key: str) -> str | None:
    return settings.government_name() if key == CITY else None


def page(key: str, year: int) -> str:
    return url_for("wbs_manage.statistics", tahun=year)


def default_opd(key: str) -> int | None:
    """The Inspectorate's own OPD, where the WBS team sits; none when the OPDs have no Inspectorate."""
    from portal.documents.services import inspectorate_id

    return inspectorate_id()


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core.roles import Role
    from portal.followup import sources

    sources.register(app, sources.Source(KIND, _l("Yearly evaluation of the Whistleblowing System"),
                                         managers=(Role.WBS_HANDLER,), describe=describe, page=page,
                                         default_opd=default_opd))
