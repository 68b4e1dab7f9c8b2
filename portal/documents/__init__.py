"""Official documents (naskah dinas): the government's profile and coat of arms, letterheads,
signatories, nomor naskah dinas. Each area declares the documents it produces
(contributions.add_document_kind) and takes their kop, signature and number from here."""
from __future__ import annotations


def init_app(app) -> None:
    from portal.documents import checks, models, views  # noqa: F401  (models: the tables)

    app.register_blueprint(views.bp)
    checks.register(app)
