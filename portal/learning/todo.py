"""Modules someone has not completed yet: one line each, in the order the portal lists them."""
from __future__ import annotations

from flask import url_for
from flask_babel import get_locale, gettext

from portal.core.contributions import Todo
from portal.learning import services


def todos(user) -> list[Todo]:
    employee_id = getattr(user, "employee_id", None)
    if not employee_id:
        return []
    modules = services.list_modules()
    english = str(get_locale()) == "en"
    items = []
    for position, (module_id, progress) in enumerate(services.progress_for(employee_id, modules).items()):
        if progress.status == "complete":
            continue
        title = progress.module.title_en if english else progress.module.title_id
        text = (gettext("Continue the module %(title)s", title=title) if progress.status == "in_progress"
                else gettext("Complete the module %(title)s", title=title))
        items.append(Todo(text, url_for("learning.module", module_id=module_id), position=50 + position))
    return items
