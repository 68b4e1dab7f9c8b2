"""A secretary: how many of their OPD's staff have not finished this year's modules or statement,
with the city's target date when one is set; the staff list and its reminders are one tap away."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import ngettext

from portal.core.contributions import Todo
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.participation import queries, services
from portal.web.permissions import has_role, own_opd_id


def todos(user) -> list[Todo]:
    opd_id = own_opd_id(user)
    if opd_id is None or not has_role(user, Role.SECRETARY):
        return []
    year, module_ids = today().year, [m.id for m in queries.counted_modules()]
    everyone = queries.staff_query(opd_id, year, module_ids).subquery()
    finished = queries.staff_query(opd_id, year, module_ids, filter_="complete").subquery()
    left = (db.session.scalar(sa.select(sa.func.count()).select_from(everyone)) or 0) - (
        db.session.scalar(sa.select(sa.func.count()).select_from(finished)) or 0)
    if left <= 0:
        return []
    target, passed = services.target_date(), services.target_passed()
    text = ngettext("%(num)d of your staff has not finished this year's modules or statement",
                    "%(num)d of your staff have not finished this year's modules or statement", left)
    url = url_for("participation.staff", filter="overdue") if passed else url_for("participation.staff")
    return [Todo(text, url, due=target, overdue=passed, position=25)]
