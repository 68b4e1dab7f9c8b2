"""Reminders to deciders before the deadline: run daily (`flask --app portal send-reminders`,
from cron or a systemd timer). Each declaration is reminded once; the date is recorded."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.coi import services
from portal.coi.models import Declaration, Route, Status
from portal.core import audit, mail
from portal.core.roles import Role
from portal.core.workdays import workdays_between
from portal.extensions import db


def _recipients(d: Declaration) -> list[str]:
    if d.route == Route.INSPECTORATE:
        from portal.auth.models import User, UserRole

        reviewers = db.session.scalars(sa.select(User).join(UserRole).where(UserRole.role == Role.COI_REVIEWER))
        return [u.employee.email for u in reviewers if u.employee and u.employee.email]
    return [d.decider.email] if d.decider and d.decider.email else []


def send_due_reminders(on: date) -> int:
    days = services.config()["coi.reminder_days"]
    pending = db.session.scalars(sa.select(Declaration).where(
        Declaration.status == Status.SUBMITTED, Declaration.reminded_on.is_(None), Declaration.due_on.is_not(None)))
    sent = 0
    for d in pending:
        if workdays_between(on, d.due_on) > days:
            continue
        addresses = _recipients(d)
        if not addresses:
            continue  # nobody to tell yet; tried again once an address is known
        for address in addresses:
            with force_locale("id"):
                mail.send(address,
                          _("Conflict-of-interest declaration %(no)s waits for your decision", no=d.register_no),
                          _("The declaration %(no)s by %(name)s is to be decided by %(due)s. Open the Integrity "
                            "Portal, menu \"Conflicts of interest\".", no=d.register_no, name=d.declarant.name,
                            due=d.due_on.isoformat()))
        d.reminded_on = on
        audit.record("coi.reminder_sent", d, data={"due_on": d.due_on.isoformat()})
        sent += 1
    db.session.flush()
    return sent
