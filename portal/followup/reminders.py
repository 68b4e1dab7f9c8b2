"""Reminders of recommendations: a portal notice to whoever is responsible (the named account and
the secretaries of the responsible OPD) a few working days before the due date, and once more
when it has passed. Run by the job worker (periodic); each is sent once, claimed with a
conditional UPDATE so that two workers never send the same one twice."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.core import audit, formatting, notices, settings
from portal.core.roles import Role
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.followup.models import Recommendation, Status

DEFAULTS = {"followup.reminder_days": 5}


def _words(params: dict) -> dict:
    """The due date is stored as ISO and written when the notice is read, in the reader's language."""
    return {**params, "due": formatting.day(date.fromisoformat(params["due"]))}


DUE_NOTICE = notices.define(
    "followup.due", notices.N_("A recommendation is due on %(due)s"),
    notices.N_("The recommendation of the evaluation for %(opd)s is to be followed up by %(due)s:\n%(text)s\n"
               "Report what was done on its page."), words=_words)
OVERDUE_NOTICE = notices.define(
    "followup.overdue", notices.N_("A recommendation was due on %(due)s"),
    notices.N_("The recommendation of the evaluation for %(opd)s was to be followed up by %(due)s and is still "
               "open:\n%(text)s\nReport what was done on its page."), words=_words)


def recipients(rec: Recommendation) -> list[int]:
    """Account ids: the named account, and every secretary of the responsible OPD."""
    from portal.auth.models import User, UserRole
    from portal.org.models import Employee

    ids = set(db.session.scalars(
        sa.select(User.id).join(UserRole, UserRole.user_id == User.id).join(Employee, Employee.id == User.employee_id)
        .where(UserRole.role == Role.SECRETARY, Employee.opd_id == rec.opd_id, User.active.is_(True))))
    if rec.owner_id is not None:
        ids.add(rec.owner_id)
    return sorted(ids)


def _claim(rec: Recommendation, column, on) -> bool:
    claimed = db.session.execute(sa.update(Recommendation).where(
        Recommendation.id == rec.id, column.is_(None), Recommendation.status == Status.OPEN)
        .values({column.key: on}).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _send(rec: Recommendation, kind: str) -> int:
    people = recipients(rec)
    for user_id in people:
        notices.send(user_id, kind, link=f"/tindak-lanjut/{rec.id}", opd=rec.opd.name, due=rec.due_on.isoformat(),
                     text=rec.text[:500])
    audit.record(f"followup.{kind.split('.')[1]}_reminder_sent", rec, data={"to": len(people)})
    return len(people)


def send_due(on=None) -> int:
    """Notices sent now (0 most of the time): cheap enough for the worker's every round."""
    on = on or today()
    horizon = add_workdays(on, int(settings.get_many(DEFAULTS)["followup.reminder_days"]))
    sent = 0
    soon = sa.select(Recommendation).where(Recommendation.status == Status.OPEN,
                                           Recommendation.reminded_on.is_(None), Recommendation.due_on <= horizon,
                                           Recommendation.due_on >= on)
    for rec in db.session.scalars(soon).all():
        if _claim(rec, Recommendation.reminded_on, on):
            sent += _send(rec, DUE_NOTICE)
    late = sa.select(Recommendation).where(Recommendation.status == Status.OPEN,
                                           Recommendation.overdue_noticed_on.is_(None), Recommendation.due_on < on)
    for rec in db.session.scalars(late).all():
        if _claim(rec, Recommendation.overdue_noticed_on, on):
            sent += _send(rec, OVERDUE_NOTICE)
    db.session.commit()
    return sent
