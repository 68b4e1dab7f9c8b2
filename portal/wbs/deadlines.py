"""Deadlines in Indonesian working days; waiting for the reporter pauses the clock.

These are defaults the admin keeps in line with the regulation's own time limits (the article
"wbs-deadlines" of the regulation library, on the setup checklist until it has been checked):
wbs.md §3.3, 7 and 15 working days are common in Indonesian WBS regulations; the EU directive
asks for an acknowledgement within 7 days and feedback within 3 months.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from portal.core import settings
from portal.core.contributions import SetupStatus
from portal.core.workdays import add_workdays, today, workdays_between
from portal.home.checks import article_status
from portal.wbs.workflow import Status

DEFAULTS = {
    "wbs.ack_days": 5,
    "wbs.verify_days": 15,
    "wbs.conclude_days": 60,
    "wbs.due_soon_days": 3,
    "wbs.max_file_mb": 10,
    "wbs.max_files": 5,
}


def config() -> dict:
    return settings.get_many(DEFAULTS)


def setup_status() -> SetupStatus:
    return article_status("wbs-deadlines", endpoint="wbs_manage.settings_page", remaining=_(
        "Compare the deadlines in the WBS settings with the official text and set them to its own time limits."))


def set_due_dates(report, filed_on: date) -> None:
    c = config()
    report.ack_due = add_workdays(filed_on, c["wbs.ack_days"])
    report.verify_due = add_workdays(filed_on, c["wbs.verify_days"])
    report.conclude_due = add_workdays(filed_on, c["wbs.conclude_days"])


def current_due(report) -> date | None:
    if report.status.closed:
        return None
    if report.status == Status.RECEIVED:
        return report.ack_due
    if report.status == Status.VERIFICATION:
        return report.verify_due
    return report.conclude_due


def pause(report, on: date) -> None:
    if report.waiting_since is None:
        report.waiting_since = on


def resume(report, on: date) -> int:
    """End a pause: every deadline not yet met moves by the working days spent waiting."""
    if report.waiting_since is None:
        return 0
    shift = workdays_between(report.waiting_since, on)
    if shift:
        if report.acknowledged_on is None:
            report.ack_due = add_workdays(report.ack_due, shift)
        if report.verified_on is None:
            report.verify_due = add_workdays(report.verify_due, shift)
        report.conclude_due = add_workdays(report.conclude_due, shift)
    report.waiting_since = None
    return shift


def state(report, on: date | None = None, due_soon_days: int | None = None) -> str | None:
    """'paused', 'overdue', 'due_soon', 'on_time', or None for a closed case."""
    due = current_due(report)
    if due is None:
        return None
    if report.waiting_since is not None:
        return "paused"
    on = on or today()
    if on > due:
        return "overdue"
    soon = due_soon_days if due_soon_days is not None else config()["wbs.due_soon_days"]
    if workdays_between(on, due) <= soon:
        return "due_soon"
    return "on_time"
