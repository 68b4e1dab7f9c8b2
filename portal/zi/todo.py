"""The Zona Integritas lines of the home page's to-do list."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import ngettext

from portal.core import contributions
from portal.core.roles import Role
from portal.extensions import db
from portal.web.permissions import has_role, own_opd_id
from portal.zi import lke, services
from portal.zi.models import LkeVersion, Unit, UnitStatus


def todos(user) -> list[contributions.Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    opd_id = own_opd_id(user)
    if has_role(user, Role.SECRETARY) and opd_id is not None:
        units = db.session.scalars(sa.select(Unit).where(
            Unit.opd_id == opd_id, Unit.status == UnitStatus.SELF_ASSESSMENT).order_by(Unit.id))
        for unit in units:
            values = services.self_values(services.answers_of(unit))
            total = len(lke.items_of(unit.version))
            answered = sum(1 for value in values.values() if value)
            items.append(contributions.Todo(
                ngettext("Zona Integritas self-assessment %(year)d: %(answered)d of %(num)d item answered",
                         "Zona Integritas self-assessment %(year)d: %(answered)d of %(num)d items answered",
                         total, year=unit.version.year, answered=answered),
                url_for("zi.unit", unit_id=unit.id), position=45))
    if has_role(user, Role.COI_REVIEWER):
        waiting, year = db.session.execute(sa.select(sa.func.count(), sa.func.min(LkeVersion.year)).select_from(Unit)
                                           .join(LkeVersion, Unit.version_id == LkeVersion.id)
                                           .where(Unit.status == UnitStatus.SUBMITTED)).one()
        if waiting:
            # The list of the oldest year that still waits: earlier years are finished first.
            items.append(contributions.Todo(
                ngettext("%(num)d Zona Integritas unit waits for your assessment",
                         "%(num)d Zona Integritas units wait for your assessment", waiting),
                url_for("zi.index", tahun=year), position=45))
    return items
