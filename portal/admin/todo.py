"""Administrators: requests of another administrator waiting for a second person, and what the
setup checklist still lacks."""
from __future__ import annotations

from flask import url_for
from flask_babel import ngettext

from portal.admin import approvals, setup
from portal.core.contributions import Todo
from portal.core.roles import Role
from portal.web.permissions import has_role


def todos(user) -> list[Todo]:
    if not has_role(user, Role.ADMIN):
        return []
    items = []
    waiting = approvals.waiting_for(user)
    if waiting:
        items.append(Todo(ngettext("%(num)d request waits for a second administrator",
                                   "%(num)d requests wait for a second administrator", len(waiting)),
                          url_for("admin.approval_list"), position=10))
    left = sum(1 for item in setup.items() if not item.status.done)
    if left:
        items.append(Todo(ngettext("%(num)d item of the setup checklist is still open",
                                   "%(num)d items of the setup checklist are still open", left),
                          url_for("admin.setup_checklist"), position=60))
    return items
