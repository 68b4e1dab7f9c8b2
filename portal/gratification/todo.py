"""The reporter's part of the home page's to-do list: drafts not yet sent, each with its deadline."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from portal.core.contributions import Todo
from portal.core.workdays import today
from portal.gratification import queries


def todos(user) -> list[Todo]:
    employee_id = getattr(user, "employee_id", None)
    if employee_id is None:
        return []
    on = today()
    items = []
    for report in queries.my_drafts(employee_id):
        url = url_for("gratification.edit", report_id=report.id)
        if report.due_on is None:
            items.append(Todo(_("Finish and send your gratification report (draft)."), url, position=60))
        elif on > report.due_on:
            # The home page writes the date under the line: the text does not repeat it.
            items.append(Todo(_("Send your gratification report: a late report is still accepted."), url,
                              due=report.due_on, overdue=True))
        else:
            items.append(Todo(_("Send your gratification report to the UPG."), url, due=report.due_on))
    return items
