"""Gratification control (pengendalian gratifikasi): gift reports to the UPG and on to KPK, and the
guided check "Do I have to report this?" with the exemption rules it applies, as dated data."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions
    from portal.gratification import check_views, rules

    app.register_blueprint(check_views.bp)
    contributions.of(app).seeders.append(lambda: f"gratification rules: {rules.load_rules()} new")
    contributions.add_setup_check(app, "gratification_rules", _l("Gratification: categories that need not be reported"),
                                  rules.setup_status, position=70)
