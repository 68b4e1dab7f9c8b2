"""Certificates: attendance, module and compliance certificates as PDF, issued by what happens in
other areas (core/signals.py), and their public verification."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.certificates import (
        bulk,  # noqa: F401  (registers its job handlers)
        privacy_notice,
        receivers,
        services,
        verify_views,
        views,
    )
    from portal.certificates.models import Certificate
    from portal.core import contributions

    app.register_blueprint(views.bp)
    app.register_blueprint(verify_views.bp)
    receivers.connect()
    contributions.of(app).stored_files[services.AREA] = Certificate.pdf_key
    contributions.add_nav(app, "certificates.index", _l("Certificates"), position=30)
    contributions.add_document_kind(app, "certificates.certificate", _l("Certificate"))
    privacy_notice.register_notice(app)
