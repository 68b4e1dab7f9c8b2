"""What the WBS team has to do: new reports to acknowledge, and cases further on whose deadline has
passed or is near. Counts only: the home page names no case."""
from __future__ import annotations

from flask import url_for
from flask_babel import ngettext

from portal.core.contributions import Todo
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.wbs import deadlines, handling
from portal.wbs.workflow import Status
from portal.web.permissions import has_role


def todos(user) -> list[Todo]:
    if not has_role(user, Role.WBS_HANDLER):
        return []
    cases = list(db.session.scalars(handling.queue_query(user)))
    on, soon = today(), deadlines.config()["wbs.due_soon_days"]
    # A new report past its deadline is marked on its own line: the others are counted apart.
    states = [deadlines.state(r, on=on, due_soon_days=soon) for r in cases if r.status != Status.RECEIVED]
    queue = url_for("wbs_manage.queue")
    items = []
    new = [r for r in cases if r.status == Status.RECEIVED]
    if new:
        dues = [deadlines.current_due(r) for r in new]
        items.append(Todo(ngettext("%(num)d new report to acknowledge", "%(num)d new reports to acknowledge",
                                   len(new)), url_for("wbs_manage.queue", status=Status.RECEIVED.value),
                          due=min(d for d in dues if d), overdue=any(on > d for d in dues if d), position=10))
    overdue = states.count("overdue")
    if overdue:
        items.append(Todo(ngettext("%(num)d case is past its deadline", "%(num)d cases are past their deadline",
                                   overdue), queue, overdue=True, position=11))
    due_soon = states.count("due_soon")
    if due_soon:
        items.append(Todo(ngettext("%(num)d case is due soon", "%(num)d cases are due soon", due_soon), queue,
                          position=12))
    return items
