"""Template globals: the navigation for the user's roles, languages, the footer facts."""
from __future__ import annotations

from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_login import current_user

from portal.core import contributions, formatting, settings
from portal.core.roles import Role
from portal.web.i18n import is_anonymous_area, lang_url
from portal.web.permissions import has_role
from portal.web.urls import absolute_url

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def nav_for(user) -> list[tuple[str, str]]:
    """The menu: what the areas added (core/contributions.py) that this user's roles may open.
    Home is the brand at the left of the bar."""
    return [(item.endpoint, item.label) for item in contributions.of().nav
            if not item.roles or has_role(user, *item.roles)]


def _context():
    if not has_request_context():  # a template rendered by a CLI command or the job worker
        return {"government_name": settings.government_name(),
                "inspectorate_name": settings.inspectorate_name()}
    # The anonymous areas never touch the login: no user menu there.
    user = None if is_anonymous_area() else (current_user if current_user.is_authenticated else None)
    return {
        **({} if is_anonymous_area() else {"current_user": current_user}),
        "nav_user": user,
        "nav_items": nav_for(user) if user else [],
        "languages": LANGUAGE_NAMES,
        "lang_url": lang_url,
        "government_name": settings.government_name(),
        "inspectorate_name": settings.inspectorate_name(),
        "Role": Role,
        "anonymous_area": is_anonymous_area(),
        "current_locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
    }


def register(app) -> None:
    app.context_processor(_context)
    app.jinja_env.globals["has_role"] = has_role
    app.jinja_env.globals["absolute_url"] = absolute_url
    app.jinja_env.filters["nip"] = format_nip
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.filters["role_label"] = lambda value: Role(value).label


def format_nip(value: str | None) -> str:
    """19660801 198803 1 001: how NIPs are written on paper."""
    v = value or ""
    return f"{v[:8]} {v[8:14]} {v[14]} {v[15:]}" if len(v) == 18 else v
