"""WBS fixtures: an app with the offence groups loaded and a cheap receipt hash."""
from __future__ import annotations

import pytest

from portal.extensions import db


@pytest.fixture
def wbs_app(app_factory):
    app = app_factory(WBS_RECEIPT_SCRYPT_N=16)
    from portal.wbs.content import load_categories

    with app.app_context():
        load_categories()
        db.session.commit()
    return app
