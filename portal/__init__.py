"""Portal Integritas: the application factory."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from portal.config import (PROJECT_ROOT, DefaultConfig, apply_environment, check_config,
                           load_or_create_instance_keys, resolve_mfa_roles)

BLUEPRINTS = (
    "portal.home.views",
    "portal.auth.views",
    "portal.org.views",
    "portal.admin.views",
    "portal.learning.views",
    "portal.wbs.public_views",
    "portal.wbs.manage_views",
    "portal.coi.views",
    "portal.coi.oversight_views",
    "portal.socialisation.views",
    "portal.socialisation.checkin_views",
    "portal.certificates.views",
    "portal.certificates.verify_views",
    "portal.participation.views",
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    _configure(app, test_config)
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx: take the client address and scheme from the proxy's headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1)
    _init_extensions(app)
    _register_blueprints(app)
    _setup_requests(app)
    _setup_jinja(app)
    from portal import cli
    from portal.errors import register_error_handlers

    register_error_handlers(app)
    cli.init_app(app)
    return app


def _configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    app.config["ANONYMOUS_BLUEPRINTS"] = {"wbs"}
    instance = Path(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.db'}"
    app.config["STORAGE_DIR"] = str(instance / "files")
    if test_config is None:
        import os

        # Keys come from the environment in production (and in benchmarks); otherwise they are
        # generated into instance/keys.json on first run.
        generate = os.environ.get("PORTAL_ENV") != "production" and "PORTAL_SECRET_KEY" not in os.environ
        app.config.update(load_or_create_instance_keys(instance, create=generate))
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PORTAL")
        apply_environment(app.config)
    else:
        app.config.update(test_config)
    check_config(app.config)
    resolve_mfa_roles(app.config)
    if app.config["PORTAL_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True


def _init_extensions(app: Flask) -> None:
    from portal.auth.sessions import load_user
    from portal.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from portal.i18n import select_locale
    from portal import models  # noqa: F401  (registers every table)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    limiter.init_app(app)
    # Our own context processor offers current_user lazily, and not at all in the anonymous
    # areas: Flask-Login's would load the user on every page, the WBS included.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # the versioned id and timeouts do this job
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)
    # Certificates are issued by events in other areas: learning, sessions, declarations.
    from portal.certificates.services import register_hooks

    register_hooks()
    # The worker keeps the participation dashboards' figures fresh.
    from portal import jobs
    from portal.participation import figures

    jobs.periodic(figures.refresh_due)
    # ... and deletes used form nonces and wipes their sealed results when they expire.
    from portal import nonces

    jobs.periodic(nonces.purge_task)


def _setup_requests(app: Flask) -> None:
    from portal.auth.sessions import enforce_timeouts, mfa_gate, password_change_gate
    from portal.headers import set_security_headers
    from portal.i18n import read_lang_param, remember_lang_choice

    from portal.params import refuse_nul_bytes

    app.before_request(read_lang_param)
    app.before_request(refuse_nul_bytes)
    app.before_request(enforce_timeouts)
    app.before_request(password_change_gate)
    app.before_request(mfa_gate)
    app.after_request(remember_lang_choice)
    app.after_request(set_security_headers)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A line per font subset and per layout step would drown the log of a certificate run.
    for name in ("fontTools", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _setup_jinja(app: Flask) -> None:
    from portal.templating import register as register_templating

    # Without this policy, multi-line {% trans %} blocks stay untranslated (style.md §2.3).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    register_templating(app)
