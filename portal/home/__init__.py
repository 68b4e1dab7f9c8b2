"""The home pages (public and personal), the health check and the regulations the portal relies on."""
from __future__ import annotations


def init_app(app) -> None:
    from portal.core import contributions
    from portal.home import services, views

    app.register_blueprint(views.bp)
    contributions.of(app).seeders.append(lambda: f"regulations: {services.load_regulations()} new")
