"""Zona Integritas fixtures: the shipped LKE of 2026 and Dinas Kesehatan proposed for WBK."""
from __future__ import annotations

import pytest

from portal.extensions import db


@pytest.fixture
def lke_items(app):
    """The shipped LKE's items in order: [{"id", "code", "type"}]."""
    from portal.zi import lke

    with app.app_context():
        lke.load_shipped()
        db.session.commit()
        return [{"id": i.id, "code": i.code, "type": i.answer_type.value}
                for i in lke.items_of(lke.version_for(2026))]


@pytest.fixture
def unit_id(app, world, lke_items):
    """Dinas Kesehatan proposed for WBK in 2026 by the Inspectorate, through the service."""
    from portal.auth.models import User
    from portal.zi import lke, services

    with app.app_context():
        unit = services.propose(lke.version_for(2026), world.dinkes, "wbk",
                                db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
        return unit.id
