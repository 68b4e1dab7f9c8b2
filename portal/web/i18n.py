"""Language choice: `?lang=id|en` on any page switches and is remembered.

Remembered in a cookie for visitors and, by the auth area, in the profile for staff. The anonymous areas
(the public WBS) never consult the login, so only the parameter and the cookie count there.
"""
from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "lang"


def is_anonymous_area() -> bool:
    return request.blueprint in current_app.config["ANONYMOUS_BLUEPRINTS"]


def _valid(code: str | None) -> str | None:
    return code if code in current_app.config["LANGUAGES"] else None


def read_lang_param() -> None:
    """before_request: an unknown code is ignored, never an error."""
    g.lang_choice = _valid(request.args.get("lang", type=str))


def select_locale() -> str:
    if not has_request_context():  # CLI and jobs: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(g, "lang_choice", None):
        return g.lang_choice
    if not is_anonymous_area() and current_user.is_authenticated and _valid(current_user.locale):
        return current_user.locale
    return _valid(request.cookies.get(LANG_COOKIE)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def lang_choice() -> str | None:
    """The language this request asked for with ?lang=, if any (the auth area keeps it in the profile)."""
    return getattr(g, "lang_choice", None)


def remember_lang_choice(response):
    """after_request: keep the choice in a cookie."""
    choice = lang_choice()
    if choice:
        response.set_cookie(LANG_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


def lang_url(code: str) -> str:
    """The current URL with ?lang=code, keeping the other query parameters, except in the
    anonymous areas: a WBS page repeats nothing a reporter put in its address."""
    args = {} if is_anonymous_area() else request.args.to_dict(flat=False)
    args["lang"] = [code]
    from urllib.parse import urlencode

    return request.path + "?" + urlencode(args, doseq=True)


def _escape_lazy_strings() -> None:
    """Flask-Babel's LazyString declares itself safe HTML (`__html__` returns the raw text), so
    a lazy message carrying user input ("Unknown OPD code <x>", an uploaded file's name) would
    reach the page unescaped. Make it escape like any other string."""
    from flask_babel.speaklater import LazyString
    from markupsafe import escape

    LazyString.__html__ = lambda self: escape(str(self))


_escape_lazy_strings()
