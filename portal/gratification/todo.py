"""The reporter's part of the home page's to-do list: drafts not yet sent, each with its deadline;
the UPG's question waiting for an answer; state property to hand over by its deadline."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.core.contributions import Todo
from portal.core.workdays import today
from portal.gratification import queries
from portal.gratification.models import Status


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
    for report in queries.mine_waiting(employee_id):
        url = url_for("gratification.detail", report_id=report.id)
        if report.status == Status.MORE_INFORMATION:
            items.append(Todo(_("Answer the UPG's question on your gratification report %(number)s.",
                                number=report.register_no), url, position=40))
        else:  # decided, state property: the handover is the reporter's
            items.append(Todo(_("Hand over the gift the KPK decided is state property (%(number)s), and record the "
                                "proof.", number=report.register_no), url, due=report.handover_due_on,
                              overdue=report.handover_due_on is not None and on > report.handover_due_on))
    return items


def upg_todos(user) -> list[Todo]:
    """The UPG's part: reports waiting to be registered, registered ones waiting to be forwarded to
    the KPK, and handovers of state property past their deadline."""
    from portal.core.roles import Role
    from portal.gratification import upg
    from portal.web.permissions import has_role

    if not has_role(user, Role.UPG):
        return []
    from portal.gratification.services import upg_opd

    n = upg.counts(opd_id=upg_opd(user))
    url = url_for("gratification_upg.index")
    items = []
    if n["register"]:
        items.append(Todo(ngettext("%(num)d gratification report waits to be registered.",
                                   "%(num)d gratification reports wait to be registered.", n["register"]),
                          url, position=40))
    if n["forward"]:
        items.append(Todo(ngettext("%(num)d registered gratification report waits to be forwarded to the KPK.",
                                   "%(num)d registered gratification reports wait to be forwarded to the KPK.",
                                   n["forward"]), url, position=41))
    if n["handover_overdue"]:
        items.append(Todo(ngettext("%(num)d handover of state property is overdue.",
                                   "%(num)d handovers of state property are overdue.", n["handover_overdue"]),
                          url, overdue=True, position=42))
    return items
