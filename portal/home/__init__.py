"""The home pages (public and personal), the health check, and the regulation library: the
regulations the portal relies on, where to read them, and which of their articles have been
checked against the official text."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions
    from portal.home import checks, library, manage_views, services, views
    from portal.home.models import Regulation

    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    found = contributions.of(app)
    found.stored_files[library.AREA] = Regulation.text_key
    found.seeders.append(lambda: f"regulations and relied-on articles: {services.load_regulations()} new")
    contributions.add_setup_check(app, "regulation_texts", _l("Official texts of the regulations"),
                                  checks.regulation_texts, position=40)
    contributions.add_setup_check(app, "regulation_articles", _l("Articles the portal relies on"),
                                  checks.articles_checked, position=45)
    contributions.add_setup_check(app, "learning_hours_rule", _l("Yearly learning hours (JP) of ASN"),
                                  checks.learning_hours_rule, position=85)
