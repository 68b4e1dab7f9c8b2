"""Portal Integritas: the application factory."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from flask import Flask

from portal.config import (
    PROJECT_ROOT,
    DefaultConfig,
    apply_environment,
    check_config,
    load_or_create_instance_keys,
    resolve_mfa_roles,
    resolve_public_address,
)

# The areas, in the order their blueprints, hooks and menu entries join the app. Each package's
# init_app registers everything the area brings (portal/<area>/__init__.py).
AREAS = ("home", "auth", "org", "documents", "admin", "learning", "wbs", "coi", "socialisation", "certificates",
         "participation", "privacy", "followup", "gratification", "zi")

# The infrastructure's own tables, imported so that metadata (create_all, Alembic) sees them;
# each area's init_app imports its models.
INFRASTRUCTURE_MODELS = ("portal.core.audit", "portal.core.settings", "portal.core.workdays", "portal.core.jobs",
                         "portal.web.nonces", "portal.core.notices")


def instance_folder() -> Path:
    """instance/ beside the code, or PORTAL_INSTANCE_PATH: several nodes (or several portals) run
    from one checkout each with its own keys.json, config.py, mail folder and backups."""
    import os

    return Path(os.environ.get("PORTAL_INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(instance_folder()),
        instance_relative_config=True,
    )
    _configure(app, test_config)
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx: take the client address and scheme from the proxy's headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1)
    _init_extensions(app)
    from portal import web
    from portal.ops import cli

    web.init_app(app)
    cli.init_app(app)
    for area in AREAS:
        import_module(f"portal.{area}").init_app(app)
    from portal.core import signing

    signing.check_at_startup(app)
    return app


def _configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
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
        if not app.config.get("SIGNING_PKCS12") and (instance / "signing.p12").is_file():
            app.config["SIGNING_PKCS12"] = str(instance / "signing.p12")
    else:
        app.config.update(test_config)
    resolve_public_address(app.config)
    check_config(app.config)
    resolve_mfa_roles(app.config)
    if app.config["PORTAL_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True


def _init_extensions(app: Flask) -> None:
    from portal.core import clock, contributions, jobs
    from portal.extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from portal.web.i18n import select_locale
    from portal.web.ratelimit import limiter

    for name in INFRASTRUCTURE_MODELS:
        import_module(name)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=clock.zone_name)
    bootstrap.init_app(app)
    limiter.init_app(app)
    # Our own context processor offers current_user lazily, and not at all in the anonymous
    # areas: Flask-Login's would load the user on every page, the WBS included.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.session_protection = None  # the versioned id and timeouts do this job
    contributions.of(app).stored_files[jobs.AREA] = jobs.Job.result_key
