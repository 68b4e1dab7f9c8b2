"""Reminders to reporters of drafts whose deadline is near: a notice in their portal inbox (every
employee has one; many have no e-mail address), once per report. The worker asks every half
minute (portal.core.jobs); the query is cheap when nothing is due."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.auth.models import User
from portal.core import audit, notices
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.gratification import services
from portal.gratification.models import GiftReport, Status

REMINDER_NOTICE = notices.define(
    "gratification.deadline", notices.N_("Your gratification report is due by %(due)s"),
    notices.N_("Your draft gratification report has not been sent to the UPG yet. Send it by %(due)s; the law "
               "gives 30 working days from receipt. A late report is still accepted, and marked late."))


def send_due_reminders(on: date) -> int:
    days = int(services.config()["gratification.reminder_days"])
    cutoff = add_workdays(on, days)
    due = list(db.session.scalars(sa.select(GiftReport).where(
        GiftReport.status == Status.DRAFT, GiftReport.reminded_on.is_(None), GiftReport.due_on.is_not(None),
        GiftReport.due_on <= cutoff).order_by(GiftReport.id)))
    sent = 0
    for report in due:
        user_id = db.session.scalar(sa.select(User.id).where(User.employee_id == report.reporter_id))
        # Claimed by a conditional update, so two workers never remind the same report twice.
        taken = db.session.execute(
            sa.update(GiftReport).where(GiftReport.id == report.id, GiftReport.reminded_on.is_(None))
            .values(reminded_on=on).execution_options(synchronize_session=False))
        if taken.rowcount != 1 or user_id is None:
            continue
        notices.send(user_id, REMINDER_NOTICE, link=f"/gratifikasi/{report.id}/ubah", due=report.due_on.isoformat())
        audit.record("gratification.reminder_sent", report, data={"due_on": report.due_on.isoformat()})
        sent += 1
    db.session.flush()
    return sent


def reminder_task() -> int:
    """The worker's periodic task, in its own transaction."""
    sent = send_due_reminders(today())
    db.session.commit()
    return sent
