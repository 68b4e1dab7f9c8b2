"""The dashboards cost a fixed number of SQL statements: the same for N employees as for
about 5N (queries.py promises grouped queries, no per-employee or per-row query)."""
from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.participation.support import BASE, add_progress, add_staff, make_module

PAGES = {
    "secretary": ["/", "/pegawai", "/pegawai?filter=no_statement", "/pegawai?sort=-progress&page=2",
                  "/bukti-dukung.pdf"],
    "inspektur": ["/", "/?opd={disdik}", "/pegawai", "/pegawai?opd={disdik}", "/pegawai?q=Pegawai",
                  "/bukti-dukung.pdf", "/deteksi-dini"],
}
EXPORTS = {
    "secretary": ["/pegawai.csv", "/pegawai.xlsx"],
    "inspektur": ["/pegawai.csv", "/pegawai.xlsx?opd={disdik}"],
}


@pytest.fixture
def app(app_factory, mail_folder):
    # As in production: the dashboards read stored figures (the recount's own statement
    # count is tested in test_participation_figures.py).
    return app_factory(MAIL_FOLDER=str(mail_folder), PARTICIPATION_REFRESH_SECONDS=3600)


@contextlib.contextmanager
def counting(app):
    statements = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def measure(app, clients, world, pages) -> dict:
    out = {}
    for account, paths in pages.items():
        client = clients[account]
        for path in paths:
            url = BASE + path.format(disdik=world.disdik)
            client.get(url)  # warm: the first request of a client may load things once
            with counting(app) as statements:
                response = client.get(url)
            assert response.status_code == 200, (url, response.data[:300])
            out[(account, url)] = len(statements)
    return out


def _grow(app, world, client_of, pages):
    clients = {name: client_of(name) for name in pages}
    with app.app_context():
        modules = [make_module("modul-a", "Modul A"), make_module("modul-b", "Modul B")]
        add_progress(add_staff(world.dinkes, 6, prefix="Pegawai Dinkes") + add_staff(world.disdik, 6,
                     prefix="Pegawai Disdik"), modules)
    small = measure(app, clients, world, pages)  # 7 + 12 = 19 employees

    with app.app_context():
        add_progress(add_staff(world.dinkes, 40, prefix="Pegawai Dinkes B") + add_staff(world.disdik, 40,
                     prefix="Pegawai Disdik B"), modules)
        from portal.org.models import Employee

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Employee)) == 99
    large = measure(app, clients, world, pages)  # about 5N, and more than one page of the staff list
    return small, large


def test_query_count_does_not_grow_with_employees(app, world, client_of):
    small, large = _grow(app, world, client_of, PAGES)
    assert large == small
    assert all(n < 40 for n in small.values()), small


def test_export_query_count_does_not_grow_with_employees(app, world, client_of):
    small, large = _grow(app, world, client_of, EXPORTS)
    assert large == small
