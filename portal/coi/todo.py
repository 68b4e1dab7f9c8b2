"""What the conflict-of-interest area asks of someone today: decisions to make, decisions to
acknowledge, returned or unsent declarations, and this year's statement."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext, ngettext

from portal.coi import queries, services
from portal.coi.models import Kind, Status
from portal.core.contributions import Todo
from portal.core.workdays import today


def todos(user) -> list[Todo]:
    items = _to_decide(user)
    employee = getattr(user, "employee", None)
    if employee is not None:
        items += _own(employee)
    return items


def _to_decide(user) -> list[Todo]:
    waiting = queries.waiting_for(user)
    if not waiting:
        return []
    dues = [d.due_on for d in waiting if d.due_on is not None]
    url = (url_for("coi.detail", declaration_id=waiting[0].id) if len(waiting) == 1
           else url_for("coi.index") + "#w-h")
    text = ngettext("%(num)d declaration waits for your decision",
                    "%(num)d declarations wait for your decision", len(waiting))
    return [Todo(text, url, due=min(dues) if dues else None, overdue=any(services.overdue(d) for d in waiting),
                 position=10)]


def _own(employee) -> list[Todo]:
    mine = queries.mine(employee.id)
    items = []
    for d in mine:
        link = url_for("coi.detail", declaration_id=d.id)
        if d.status == Status.DECIDED:
            items.append(Todo(gettext("Read and acknowledge the decision on your declaration %(number)s",
                                      number=d.register_no), link, position=20))
        elif d.status == Status.RETURNED:
            items.append(Todo(gettext("Your declaration %(number)s was returned: add what was asked and send it "
                                      "again", number=d.register_no), link, position=20))
        elif d.status == Status.DRAFT and d.kind != Kind.YEARLY:
            items.append(Todo(gettext("Finish and send your draft declaration (%(kind)s)", kind=d.kind.label),
                              url_for("coi.edit", declaration_id=d.id), position=30))
    year = today().year
    yearly = next((d for d in mine if d.kind == Kind.YEARLY and d.year == year), None)
    if yearly is None:
        items.append(Todo(gettext("Make your conflict-of-interest statement for %(year)s", year=year),
                          url_for("coi.new", kind="yearly"), position=40))
    elif yearly.status == Status.DRAFT:
        items.append(Todo(gettext("Finish and send your conflict-of-interest statement for %(year)s", year=year),
                          url_for("coi.edit", declaration_id=yearly.id), position=40))
    return items
