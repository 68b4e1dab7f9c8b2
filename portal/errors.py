"""Error pages in both languages; the database being down is a 503, never a traceback."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

KNOWN_CODES = {400, 403, 404, 405, 413, 429, 500, 503}


def _translated(code: int) -> tuple[str, str]:
    # The msgids are listed literally below so that extraction finds them.
    titles = {
        400: _("Bad request"), 403: _("Access denied"), 404: _("Page not found"),
        405: _("Method not allowed"), 413: _("File too large"), 429: _("Too many attempts"),
        500: _("Something went wrong"), 503: _("Service temporarily unavailable"),
    }
    texts = {
        400: _("The request could not be understood. Go back, check the form and try again."),
        403: _("You do not have permission to open this page."),
        404: _("The page you asked for does not exist or has moved."),
        405: _("This address does not accept that kind of request."),
        413: _("The file or form you sent is larger than allowed."),
        429: _("Too many attempts in a short time. Wait a few minutes and try again."),
        500: _("An unexpected error occurred. The team has been notified; please try again later."),
        503: _("The portal cannot reach its database right now. Please try again in a few minutes."),
    }
    return titles.get(code, titles[500]), texts.get(code, texts[500])


def render_error(code: int, text: str | None = None):
    title, default_text = _translated(code)
    try:
        body = render_template("errors/error.html", code=code, title=title, text=text or default_text)
    except Exception:  # the template itself may need the database (e.g. the user menu)
        log.exception("error page failed to render")
        body = f"<!doctype html><html lang=\"id\"><title>{code}</title><h1>{code}</h1>"
    return body, code


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, _("The form expired or was sent without its security token. "
                                   "Go back, reload the page and send it again; what you typed is kept by your browser."))

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code in (301, 302, 303, 307, 308) or e.response is not None:
            return e
        return render_error(e.code if e.code in KNOWN_CODES else 500 if e.code >= 500 else 400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(e):
        log.error("database error: %s", type(e).__name__)
        from portal.extensions import db

        try:
            db.session.rollback()
        except Exception:
            pass
        if request.path == "/healthz":
            return jsonify(status="unavailable", database=False), 503
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(e):
        log.exception("unhandled error on %s", request.endpoint)
        from portal.extensions import db

        try:
            db.session.rollback()
        except Exception:
            pass
        return render_error(500)
