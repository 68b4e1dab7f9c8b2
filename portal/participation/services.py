"""Settings, coverage wording, reminders and the weekly digest.

Reminders are limited twice: one per employee per REMINDER_GAP_DAYS, and a daily number per
sender (a setting), so the button cannot become a spam cannon; every send is recorded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from portal.auth.models import User, UserRole
from portal.core import audit, formatting, mail, notices, settings
from portal.core.clock import local, utcnow
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.org.models import Employee, Opd
from portal.participation import figures, missing, queries
from portal.participation.models import Reminder
from portal.web.urls import absolute_url

REMINDER_GAP_DAYS = 7
DIGEST_GAP_DAYS = 6
DEFAULTS = {
    "participation.target_date": "",             # ISO date; empty: no "overdue" filter
    "participation.reminder_daily_limit": 300,   # per sender
    "participation.digest_enabled": True,
    # LKE wording thresholds (percent of units): the LKE says "seluruh / sebagian besar /
    # sebagian kecil" without numbers, so where "most" starts is the Inspectorate's call.
    "participation.most_percent": 50,
    # Early-detection thresholds.
    "signals.coverage_gap_points": 20,
    "signals.statements_missing_percent": 30,
    "signals.overdue_decisions": 1,
    "signals.procurement_declarations": 5,
    "signals.wbs_reports": 3,
    "signals.sessions_skipped": 1,
    # Gratification: late reports from an OPD (never fewer than gratification's MIN_SHOWN), and
    # one giver's gifts reported from this many OPDs in the year.
    "signals.gift_reports_late": 3,
    "signals.gift_giver_opds": 2,
}
WBS_MINIMUM_SHOWN = 3  # fewer reports than this are never shown, whatever the setting


class ParticipationError(PortalError):
    pass


def config() -> dict:
    return settings.get_many(DEFAULTS)


def target_date() -> date | None:
    raw = config()["participation.target_date"]
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def is_past(target: date | None, on: date | None = None) -> bool:
    return target is not None and (on or today()) > target


def target_passed(on: date | None = None) -> bool:
    return is_past(target_date(), on)


def wording(percent: float) -> str:
    """The LKE's coverage words for a share of units (0-100)."""
    most = config()["participation.most_percent"]
    if percent >= 100:
        return gettext("all units (seluruh)")
    if percent >= most:
        return gettext("most units (sebagian besar)")
    if percent > 0:
        return gettext("a few units (sebagian kecil)")
    return gettext("not yet (belum)")


# --- reminders -------------------------------------------------------------------------------

# Each reminder says what the person still has to do (missing.py): the items are stored with the
# notice as parameters, so the notice reads in the reader's language. Many employees have no
# e-mail address: they find the reminder in their portal inbox instead.
REMINDER_NOTICE = notices.define(
    "participation.reminder_items", notices.N_("Reminder from the secretariat of %(opd)s"),
    notices.N_("The secretariat of %(opd)s reminds you that the following is still to be done in the "
               "Integrity Portal:\n%(items)s"),
    words=lambda params: {**params, "items": missing.bulleted(params)})
# The one text every reminder had before: notices already in inboxes keep reading with it.
notices.define(
    "participation.reminder", notices.N_("Reminder from the secretariat of %(opd)s"),
    notices.N_("Please complete the integrity e-learning modules and file this year's conflict-of-interest "
               "statement in the Integrity Portal."))


@dataclass
class Preview:
    to_send: list[Employee]  # by e-mail (and in their inbox when they have an account)
    no_email: list[Employee]  # no address but an account: their portal inbox
    recently: list[Employee]
    unreachable: list[Employee]  # neither: only a person can remind them, and they do not count as reminded
    nothing_missing: list[Employee]  # nothing to remind them of: left out
    items: dict[int, dict]  # employee id -> what they still have to do (missing.missing)

    @property
    def reached(self) -> list[Employee]:
        return self.to_send + self.no_email

    def lines(self, employee: Employee) -> list[str]:
        """What `employee` is told, in the current language."""
        return missing.lines(self.items.get(employee.id, {}))


def _recently_reminded(employee_ids: list[int], now: datetime) -> set[int]:
    # Only a reminder that reached someone counts: whoever nothing reached may be reminded again.
    if not employee_ids:
        return set()
    return set(db.session.scalars(sa.select(Reminder.employee_id).where(
        Reminder.kind == "reminder", Reminder.employee_id.in_(employee_ids), Reminder.delivered.is_(True),
        Reminder.sent_at >= now - timedelta(days=REMINDER_GAP_DAYS))))


def message(opd_name: str, name: str, items: dict) -> tuple[str, str]:
    """The e-mail to one person about what they still have to do: Indonesian first, then English."""
    url = absolute_url("home.index")
    parts = []
    for locale in ("id", "en"):
        with force_locale(locale):
            parts.append((gettext("Reminder: what is still to be done in the Integrity Portal"), gettext(
                "Dear %(name)s,\n\nThe secretariat of %(opd)s reminds you that the following is still to be "
                "done in the Integrity Portal:\n%(items)s\n\n%(url)s\n\nThank you.",
                name=name, opd=opd_name, items=missing.bulleted(items), url=url)))
    (subject_id, body_id), (subject_en, body_en) = parts
    return f"{subject_id} / {subject_en}", f"{body_id}\n\n----------\n\n{body_en}"


def preview(opd: Opd, employee_ids: list[int], now: datetime | None = None) -> Preview:
    now = now or utcnow()
    employees = list(db.session.scalars(sa.select(Employee).where(
        Employee.id.in_(employee_ids), Employee.opd_id == opd.id, Employee.active.is_(True))
        .order_by(Employee.name)))
    items = missing.missing([e.id for e in employees], local(now).year, now)
    something = [e for e in employees if not missing.empty(items[e.id])]
    recent = _recently_reminded([e.id for e in something], now)
    due = [e for e in something if e.id not in recent]
    return Preview(
        to_send=[e for e in due if e.email],
        no_email=[e for e in due if not e.email and e.user is not None],
        recently=[e for e in something if e.id in recent],
        unreachable=[e for e in due if not e.email and e.user is None],
        nothing_missing=[e for e in employees if missing.empty(items[e.id])], items=items)


def sent_today(user, now: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Reminder).where(
        Reminder.sent_by_id == user.id, Reminder.kind == "reminder", Reminder.delivered.is_(True),
        Reminder.sent_at >= now - timedelta(hours=24))) or 0


def send_reminders(opd: Opd, employee_ids: list[int], *, actor, now: datetime | None = None) -> tuple[int, int]:
    """E-mail those with an address, put a notice in the portal inbox of everyone with an account,
    each saying what that person still has to do, and record who was reached; whoever has nothing
    left to do gets nothing. Returns (e-mailed, reached in the inbox only)."""
    now = now or utcnow()
    p = preview(opd, employee_ids, now)
    limit = config()["participation.reminder_daily_limit"]
    if sent_today(actor, now) + len(p.to_send) > limit:
        raise ParticipationError(_l("That is more than the %(limit)d reminders one person may send in a day. "
                                    "Choose fewer people.", limit=limit))
    for employee in p.to_send:
        mail.send(employee.email, *message(opd.name, employee.name, p.items[employee.id]))
    for employee in p.reached:
        if employee.user is not None:
            notices.send(employee.user.id, REMINDER_NOTICE, link="/", opd=opd.name, **p.items[employee.id])
        db.session.add(Reminder(kind="reminder", employee_id=employee.id, sent_by_id=actor.id, sent_at=now))
    audit.record("participation.reminders_sent", opd, actor=actor,
                 data={"sent": len(p.to_send), "inbox_only": len(p.no_email), "unreachable": len(p.unreachable),
                       "skipped": len(p.recently)})
    return len(p.to_send), len(p.no_email)


# --- the weekly digest -------------------------------------------------------------------------

def digest_text(opd: Opd, year: int) -> tuple[str, str]:
    modules = queries.counted_modules()
    row = figures.load(year, opd.id).rows[0]
    lines = [gettext("Participation of %(opd)s, %(date)s", opd=opd.name, date=formatting.day(today())), "",
             gettext("Employees: %(n)d", n=row.headcount)]
    for m in modules:
        lines.append(gettext("%(module)s: %(done)d completed (%(percent)d%%)", module=m.title_id,
                             done=row.module(m.id).complete, percent=row.percent(row.module(m.id).complete)))
    lines += [gettext("Yearly statements %(year)d filed: %(n)d (%(percent)d%%)", year=year, n=row.statements,
                      percent=row.percent(row.statements)),
              gettext("Attended a session this year: %(n)d", n=row.attended),
              gettext("Certificates issued: %(n)d", n=row.certificates), "",
              absolute_url("participation.dashboard")]
    return gettext("Weekly participation digest: %(opd)s", opd=opd.short_name), "\n".join(lines)


def send_digests(now: datetime | None = None) -> int:
    """Mail every secretary with an address their OPD's figures, at most once in DIGEST_GAP_DAYS."""
    if not config()["participation.digest_enabled"]:
        return 0
    now = now or utcnow()
    secretaries = db.session.scalars(
        sa.select(Employee).join(User, User.employee_id == Employee.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.SECRETARY, User.active.is_(True), Employee.active.is_(True),
               Employee.email.is_not(None)))
    sent = 0
    for employee in secretaries:
        recent = db.session.scalar(sa.select(Reminder.id).where(
            Reminder.kind == "digest", Reminder.employee_id == employee.id,
            Reminder.sent_at >= now - timedelta(days=DIGEST_GAP_DAYS)).limit(1))
        if recent is not None or not employee.email:
            continue
        with force_locale("id"):
            subject, body = digest_text(employee.opd, today().year)
        mail.send(employee.email, subject, body)
        db.session.add(Reminder(kind="digest", employee_id=employee.id, sent_at=now))
        sent += 1
    return sent
