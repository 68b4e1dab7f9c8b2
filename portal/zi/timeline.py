"""The year's Zona Integritas timeline: the dates KemenPANRB's letter of that year sets (proposal of
units through PMPZI, LKE filling, internal assessment). They change every year (the reference saw
2021 and 2022 differ), so the portal ships none: the Inspectorate enters each with the letter it
comes from, marks it done, and sees the near ones on its to-do list. Callers pass the account
acting and commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import audit, contributions
from portal.core.clock import today
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.extensions import db
from portal.web.permissions import has_role, own_opd_id
from portal.zi.models import LkeVersion, Milestone, Unit

MAX_LABEL = 200
MAX_SOURCE = 300
SOON_DAYS = 30  # an open date this close (or past) goes on the to-do list
FIRST_YEAR, LAST_YEAR = 2019, 2100


class TimelineError(PortalError):
    pass


@dataclass
class Fields:
    label: str
    due_on: date | None
    source: str  # the letter that set the date (number and date of the KemenPANRB letter)


def can_edit(user) -> bool:
    return has_role(user, Role.COI_REVIEWER)


def can_read(user) -> bool:
    return has_role(user, Role.COI_REVIEWER, Role.ADMIN, Role.SECRETARY)


def for_year(year: int) -> list[Milestone]:
    return list(db.session.scalars(sa.select(Milestone).where(Milestone.year == year)
                                   .order_by(Milestone.due_on, Milestone.id)))


def _check(year: int, fields: Fields) -> tuple[str, date, str]:
    label, source = (fields.label or "").strip(), (fields.source or "").strip()
    if not label:
        raise TimelineError(_l("Say what is due."), "label")
    if len(label) > MAX_LABEL:
        raise TimelineError(_l("At most %(max)d characters.", max=MAX_LABEL), "label")
    if fields.due_on is None:
        raise TimelineError(_l("Choose the due date."), "due_on")
    # A letter may set a date late in the year before or early in the next; further is a typo.
    if abs(fields.due_on.year - year) > 1:
        raise TimelineError(_l("The date must fall within a year of %(year)d.", year=year), "due_on")
    if not source:
        raise TimelineError(_l("Name the letter that set this date: the dates change every year."), "source")
    if len(source) > MAX_SOURCE:
        raise TimelineError(_l("At most %(max)d characters.", max=MAX_SOURCE), "source")
    return label, fields.due_on, source


def _data(m: Milestone) -> dict:
    return {"year": m.year, "label": m.label, "due_on": m.due_on, "source": m.source}


def add(year: int, fields: Fields, *, actor) -> Milestone:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise TimelineError(_l("Choose a year between %(low)d and %(high)d.", low=FIRST_YEAR, high=LAST_YEAR))
    label, due_on, source = _check(year, fields)
    m = Milestone(year=year, label=label, due_on=due_on, source=source)
    db.session.add(m)
    db.session.flush()
    audit.record("zi.milestone_added", m, actor=actor, data=_data(m))
    return m


def update(m: Milestone, fields: Fields, *, actor) -> Milestone:
    m.label, m.due_on, m.source = _check(m.year, fields)
    db.session.flush()
    audit.record("zi.milestone_changed", m, actor=actor, data=_data(m))
    return m


def mark_done(m: Milestone, *, on: date | None = None, actor) -> Milestone:
    if m.done_on is not None:
        raise TimelineError(_l("This date is already marked done."))
    m.done_on = on or today()
    db.session.flush()
    audit.record("zi.milestone_done", m, actor=actor, data={"done_on": m.done_on})
    return m


def reopen(m: Milestone, *, actor) -> Milestone:
    if m.done_on is None:
        raise TimelineError(_l("This date is still open."))
    m.done_on = None
    db.session.flush()
    audit.record("zi.milestone_reopened", m, actor=actor)
    return m


def delete(m: Milestone, *, actor) -> None:
    audit.record("zi.milestone_deleted", m, actor=actor, data=_data(m))
    db.session.delete(m)
    db.session.flush()


# --- to-do ---------------------------------------------------------------------------------

def upcoming(on: date, years: list[int] | None = None) -> list[Milestone]:
    """Open dates due within SOON_DAYS of `on`, or past; `years`: only those years' timelines."""
    stmt = sa.select(Milestone).where(Milestone.done_on.is_(None), Milestone.due_on <= on + timedelta(days=SOON_DAYS))
    if years is not None:
        stmt = stmt.where(Milestone.year.in_(years))
    return list(db.session.scalars(stmt.order_by(Milestone.due_on, Milestone.id)))


def _unit_years(opd_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(LkeVersion.year).join(Unit, Unit.version_id == LkeVersion.id)
                                   .where(Unit.opd_id == opd_id)))


def todos(user) -> list[contributions.Todo]:
    """The Inspectorate: every open date that is near or past. A secretary whose OPD is a unit
    that year: the same dates, to read (the unit's work is due by them)."""
    opd_id = own_opd_id(user)
    if has_role(user, Role.COI_REVIEWER):
        years = None
    elif has_role(user, Role.SECRETARY) and opd_id is not None:
        years = _unit_years(opd_id)
        if not years:
            return []
    else:
        return []
    on = today()
    # The home page prints each line's deadline under it: the text names only what is due.
    return [contributions.Todo(
        _("Zona Integritas: %(label)s", label=m.label),
        url_for("zi_city.timeline_page", tahun=m.year), due=m.due_on, overdue=m.due_on < on, position=45)
        for m in upcoming(on, years)]
