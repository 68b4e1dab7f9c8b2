"""The module list (/belajar/) costs the same SQL statements for one module as for four."""
from __future__ import annotations

from portal.extensions import db
from tests.learning.factories import make_small_module
from tests.participation.test_participation_query_count import counting


def _statements(app, client) -> int:
    client.get("/belajar/")  # warm: the first request of a client may load things once
    with counting(app) as statements:
        assert client.get("/belajar/").status_code == 200
    return len(statements)


def test_module_list_query_count_does_not_grow_with_modules(app, world, login_as):
    client = login_as(world.asn)
    with app.app_context():
        make_small_module(slug="satu")
        db.session.commit()
    one = _statements(app, client)
    with app.app_context():
        for slug in ("dua", "tiga", "empat"):
            make_small_module(slug=slug)
        db.session.commit()
    assert _statements(app, client) == one
