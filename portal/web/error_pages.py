"""Error pages in both languages; the database being down is a 503, never a traceback."""
from __future__ import annotations

import logging

from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError

from portal.core.signing import SigningUnavailable
from portal.core.storage import StorageError

log = logging.getLogger(__name__)

KNOWN_CODES = {400, 403, 404, 405, 413, 429, 500, 503, 507}
RETRY_AFTER_SECONDS = "30"  # told to browsers and load balancers with a 503


def _translated(code: int) -> tuple[str, str]:
    # The msgids are listed literally below so that extraction finds them.
    titles = {
        400: _("Bad request"), 403: _("Access denied"), 404: _("Page not found"),
        405: _("Method not allowed"), 413: _("File too large"), 429: _("Too many attempts"),
        500: _("Something went wrong"), 503: _("Service temporarily unavailable"),
        507: _("The file could not be saved"),
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
        507: _("The portal could not store the file, so nothing was recorded. Please try again later."),
    }
    return titles.get(code, titles[500]), texts.get(code, texts[500])


def render_error(code: int, text: str | None = None):
    try:  # the language and the template may need the database (the account's language, its menu)
        title, default_text = _translated(code)
        body = render_template("errors/error.html", code=code, title=title, text=text or default_text)
    except Exception:
        log.exception("error page failed to render")
        body = f"<!doctype html><html lang=\"id\"><title>{code}</title><h1>{code}</h1>"
    return body, code


def untrusted_host(e):
    """A Host header the portal does not answer to: no page (it would link to that host), no log."""
    return "Bad request: unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}


def register_error_handlers(app) -> None:
    app.register_error_handler(SecurityError, untrusted_host)
    @app.teardown_appcontext
    def end_session(exc):
        # Flask-SQLAlchemy's own teardown, guarded, and run first (it was registered earlier).
        # When the database went away after the response was made, the ROLLBACK that ends the
        # session is what fails: the response stands and the dead connection is dropped,
        # instead of gunicorn answering its bare 500.
        from portal.extensions import db

        try:
            db.session.remove()
        except SQLAlchemyError as e:
            log.warning("database connection lost at the end of a request: %s", type(e).__name__)
            db.session.registry.clear()

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, _(
            "The form expired or was sent without its security token. "
            "Go back, reload the page and send it again; what you typed is kept by your browser."))

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code in (301, 302, 303, 307, 308) or e.response is not None:
            return e
        return render_error(e.code if e.code in KNOWN_CODES else 500 if e.code >= 500 else 400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(e):
        # The class name only: the message holds the SQL, its parameters and the server's address.
        log.error("database error: %s", type(e).__name__)
        from portal.extensions import db, login_manager

        try:
            db.session.rollback()
        except Exception:
            pass
        if request.path == "/healthz":
            return jsonify(status="unavailable", database=False), 503, {"Retry-After": RETRY_AFTER_SECONDS}
        # The page is drawn as for a visitor: loading the account (menu, language) needs the
        # database, and would turn this page into the bare fallback.
        g._login_user = login_manager.anonymous_user()
        body, code = render_error(503)
        return body, code, {"Retry-After": RETRY_AFTER_SECONDS}

    @app.errorhandler(StorageError)
    def storage_failed(e):
        # Views that take files catch this and re-render their form; this is the safety net.
        from portal.extensions import db

        try:
            db.session.rollback()  # also removes the files this request wrote (portal/storage.py)
        except Exception:
            pass
        return render_error(507)

    @app.errorhandler(SigningUnavailable)
    def signing_unavailable(e):
        # Fail closed: an official PDF that cannot be signed is not made. Why is logged once by
        # portal/core/signing.py and shown on the administrator's signing page.
        from portal.extensions import db

        try:
            db.session.rollback()
        except Exception:
            pass
        return render_error(503, _(
            "This official document cannot be made right now: it must carry an electronic signature, and the "
            "signing certificate cannot be used at the moment. Nothing was issued unsigned. Please try again "
            "later, or tell the administrator."))

    @app.errorhandler(Exception)
    def unexpected(e):
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return database_unavailable(e)  # a lost connection, whatever the driver called it
        log.exception("unhandled error on %s", request.endpoint)
        from portal.extensions import db

        try:
            db.session.rollback()
        except Exception:
            pass
        return render_error(500)
