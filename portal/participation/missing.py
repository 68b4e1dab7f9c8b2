"""What a person still has to do, item by item: what a reminder tells them.

The rules are the participation figures' own (queries.py): a counted module without a
Completion is not yet passed; the year's statement is missing unless queries.statement_filed
holds. Sessions add what the figures do not list per person: a session they were invited or
nominated to that ended without them (neither present, late nor excused) this year, and one
still to come that they have not been excused from. Cancelled sessions are left out.

What is missing is kept as plain, JSON-safe parameters (module titles in both languages,
session titles, instants as ISO text), so a portal notice can store them and render them in
whichever language the reader uses, and an e-mail can be written in both.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import get_locale, gettext

from portal.coi.models import Declaration
from portal.core import formatting
from portal.core.clock import year_bounds
from portal.extensions import db
from portal.learning.models import Completion
from portal.participation import queries
from portal.socialisation.models import ATTENDED, AttendanceStatus, Participant, SocialisationSession, Source

INVITED = (Source.INVITED, Source.NOMINATED)


def empty(params: dict) -> bool:
    return not (params.get("modules") or params.get("statement") or params.get("missed") or params.get("upcoming"))


def missing(employee_ids: list[int], year: int, now: datetime) -> dict[int, dict]:
    """employee id -> {"modules": [{"id", "en"}], "statement": year or None, "missed": [...],
    "upcoming": [...]} (sessions as {"title", "at", "venue"}), in four queries."""
    out = {i: {"modules": [], "statement": None, "missed": [], "upcoming": []} for i in employee_ids}
    if not employee_ids:
        return out
    modules = queries.counted_modules()
    passed = {(e, m) for e, m in db.session.execute(sa.select(Completion.employee_id, Completion.module_id).where(
        Completion.employee_id.in_(employee_ids), Completion.module_id.in_([m.id for m in modules])))}
    filed = set(db.session.scalars(sa.select(Declaration.declarant_id).where(
        Declaration.declarant_id.in_(employee_ids), *queries.statement_filed(year))))
    start, _end = year_bounds(year)
    not_there = (Participant.status.not_in(ATTENDED), Participant.status != AttendanceStatus.EXCUSED)
    sessions = db.session.execute(
        sa.select(Participant.employee_id, SocialisationSession)
        .join(SocialisationSession, SocialisationSession.id == Participant.session_id)
        .where(Participant.employee_id.in_(employee_ids), Participant.source.in_(INVITED), *not_there,
               SocialisationSession.cancelled_at.is_(None),
               sa.or_(sa.and_(SocialisationSession.starts_at >= start, SocialisationSession.ends_at <= now),
                      SocialisationSession.starts_at > now))
        .order_by(SocialisationSession.starts_at, SocialisationSession.id))
    for employee_id, items in out.items():
        items["modules"] = [{"id": m.title_id, "en": m.title_en} for m in modules if (employee_id, m.id) not in passed]
        items["statement"] = None if employee_id in filed else year
    for employee_id, session in sessions:
        key = "upcoming" if session.starts_at > now else "missed"
        out[employee_id][key].append({"title": session.title, "at": session.starts_at.isoformat(),
                                      "venue": session.venue})
    return out


def lines(params: dict) -> list[str]:
    """The items of `params` (as missing() made them) in the current language, one a line."""
    locale = str(get_locale() or "id")
    out = []
    for module in params.get("modules") or ():
        title = module.get("en") or module.get("id") if locale == "en" else module.get("id")
        out.append(gettext("Module not yet passed: %(module)s", module=title))
    if params.get("statement"):
        out.append(gettext("The yearly conflict-of-interest statement for %(year)d is not yet filed",
                           year=params["statement"]))
    for session in params.get("missed") or ():
        out.append(gettext("Socialisation session you were invited to and missed: %(session)s, %(date)s",
                           session=session["title"], date=formatting.day(datetime.fromisoformat(session["at"]))))
    for session in params.get("upcoming") or ():
        out.append(gettext("Socialisation session you are invited to: %(session)s, %(moment)s, %(venue)s",
                           session=session["title"], moment=formatting.moment(datetime.fromisoformat(session["at"])),
                           venue=session["venue"]))
    return out


def bulleted(params: dict) -> str:
    return "\n".join(f"- {line}" for line in lines(params))
