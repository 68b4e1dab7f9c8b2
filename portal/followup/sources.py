"""The kinds of evaluation whose recommendations are followed up here, registered by their areas.

An area registers its kind once from its init_app; the follow-up area asks it who manages the
recommendations, what a key means ("Dinas Kesehatan", "the whole city") and where the
evaluation is shown."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class Source:
    kind: str  # "<area>.<evaluation>", stored with each recommendation
    label: object  # a lazy string: "Yearly evaluation of conflict-of-interest handling"
    managers: tuple  # the roles that add, edit, close and reopen its recommendations
    describe: Callable[[str], str | None]  # a key -> what it names; None for a key that names nothing
    page: Callable[[str, int], str]  # (key, year) -> the evaluation's page (inside a request)
    default_opd: Callable[[str], int | None] = lambda key: None  # the OPD a new recommendation is for
    # Beyond holding one of the roles: whether this account manages (the city's UPG, not an OPD's
    # own UPG officer, who holds the same role). Takes the account, never the request.
    manages: Callable[[object], bool] = lambda user: True


def register(app: Flask, source: Source) -> None:
    found = app.extensions.setdefault("portal.followup.sources", {})
    if source.kind in found:
        raise ValueError(f"follow-up source {source.kind!r} is registered twice")
    found[source.kind] = source


def all_sources() -> dict[str, Source]:
    return current_app.extensions.get("portal.followup.sources", {})


def get(kind: str) -> Source | None:
    return all_sources().get(kind)


# Keys shared by the evaluations made per OPD and for the whole city (the CoI and gratification
# evaluations): an OPD's id, or CITY.
CITY = "city"


def opd_of_key(key: str):
    from portal.extensions import db
    from portal.org.models import Opd

    return db.session.get(Opd, int(key)) if key.isdigit() and len(key) <= 9 else None


def describe_city_or_opd(key: str) -> str | None:
    from portal.core import settings

    if key == CITY:
        return settings.government_name()
    opd = opd_of_key(key)
    return opd.name if opd else None


def opd_id_of_key(key: str) -> int | None:
    opd = opd_of_key(key)
    return opd.id if opd else None
