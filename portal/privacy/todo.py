"""Administrators: requests to correct personal data that nobody has answered yet."""
from __future__ import annotations

from flask import url_for
from flask_babel import ngettext

from portal.core.contributions import Todo
from portal.core.roles import Role
from portal.privacy import corrections
from portal.web.permissions import has_role


def todos(user) -> list[Todo]:
    if not has_role(user, Role.ADMIN):
        return []
    count = corrections.open_count()
    if not count:
        return []
    return [Todo(ngettext("%(num)d request to correct personal data waits for an answer",
                          "%(num)d requests to correct personal data wait for an answer", count),
                 url_for("privacy_manage.corrections_list"), position=15)]
