"""Every schema change is a migration: upgrading an empty database gives exactly the models."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.conftest import BASE_CONFIG



@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL not set")
    base = os.environ["TEST_DATABASE_URL"]
    # Named after the test database, so two runs against different test databases never share it.
    name = sa.engine.make_url(base).database + "_migrations"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_models_and_downgrades(empty_database):
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=empty_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            head = conn.execute(sa.text("SELECT * FROM audit_head")).all()
        assert diff == [], f"models and migrations differ: {diff}"
        assert head == [(1, 0, "0" * 64)]
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert left == set()
        db.engine.dispose()


def _row(table: sa.Table, **given) -> dict:
    """A row with every required column filled: what the test sets, else a plain value of its type."""
    from datetime import date, datetime, timezone

    values = dict(given)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key and column.autoincrement is not False \
                and column.name == "id":
            continue
        python = getattr(column.type, "python_type", str) if not isinstance(column.type, sa.Enum) else str
        if isinstance(column.type, sa.Enum):
            values[column.name] = column.type.enums[0]
        elif python is bool:
            values[column.name] = False
        elif python is int:
            values[column.name] = 1
        elif python is datetime:
            values[column.name] = datetime(2026, 1, 2, tzinfo=timezone.utc)
        elif python is date:
            values[column.name] = date(2026, 1, 2)
        elif python is bytes:
            values[column.name] = b"x"
        else:
            values[column.name] = f"{column.name}-{len(values)}"[:getattr(column.type, "length", None) or 100]
    return values


def test_socialisation_names_keep_every_row_and_reference(empty_database):
    """0b5e7c2d9a14 renames soc_* to socialisation_*: rows, links and certificates survive, both ways."""
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=empty_database))
    with app.app_context():
        upgrade(revision="a9c3e7f1d2b4")
        with db.engine.begin() as conn:
            t = {name: sa.Table(name, sa.MetaData(), autoload_with=conn) for name in (
                "org_opd", "auth_user", "org_employee", "soc_session", "soc_participant", "soc_invited_opd",
                "cert_certificate", "cert_change")}
            conn.execute(t["org_opd"].insert(), _row(t["org_opd"], id=7, code="DINKES"))
            conn.execute(t["auth_user"].insert(), _row(t["auth_user"], id=3, username="u"))
            conn.execute(t["org_employee"].insert(), _row(t["org_employee"], id=5, opd_id=7, superior_id=None,
                                                          nip="198001012005011001", gender="1",
                                                          employment_type="pns"))
            conn.execute(t["soc_session"].insert(), _row(t["soc_session"], id=11, created_by_id=3, owner_opd_id=None))
            conn.execute(t["soc_participant"].insert(), _row(t["soc_participant"], id=13, session_id=11, employee_id=5,
                                                             opd_id=7, marked_by_id=None))
            conn.execute(t["soc_invited_opd"].insert(), {"session_id": 11, "opd_id": 7})
            conn.execute(t["cert_certificate"].insert(), _row(t["cert_certificate"], id=17, employee_id=5, opd_id=7,
                                                              session_id=11, module_id=None, code="A" * 16))
            conn.execute(t["cert_change"].insert(), _row(t["cert_change"], id=19, certificate_id=17, actor_id=None))
        upgrade()
        with db.engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            assert {"socialisation_session", "socialisation_participant"} <= names
            assert not {n for n in names if n.startswith("soc_")}
            assert conn.execute(sa.text("SELECT employee_id FROM socialisation_participant WHERE session_id = 11")
                                ).scalar() == 5
            assert conn.execute(sa.text("SELECT session_id FROM cert_certificate WHERE id = 17")).scalar() == 11
            assert conn.execute(sa.text("SELECT certificate_id FROM cert_change WHERE id = 19")).scalar() == 17
            fks = sa.inspect(conn).get_foreign_keys("cert_certificate")
            assert any(fk["referred_table"] == "socialisation_session" for fk in fks)
            uniques = {u["name"] for u in sa.inspect(conn).get_unique_constraints("socialisation_participant")}
            assert uniques == {"uq_socialisation_participant"}
        downgrade(revision="a9c3e7f1d2b4")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM soc_participant")).scalar() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM cert_change")).scalar() == 1
        db.engine.dispose()


def test_learning_hours_leave_existing_modules_unset_and_old_certificates_blank(empty_database):
    """4fa474a4ecb1: modules that exist get 0 JP (not set); certificates issued before get NULL (print nothing)."""
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=empty_database))
    with app.app_context():
        upgrade(revision="b8e431da4dc2")
        with db.engine.begin() as conn:
            t = {name: sa.Table(name, sa.MetaData(), autoload_with=conn) for name in (
                "org_opd", "org_employee", "learning_module", "cert_certificate")}
            conn.execute(t["org_opd"].insert(), _row(t["org_opd"], id=7, code="DINKES"))
            conn.execute(t["org_employee"].insert(), _row(t["org_employee"], id=5, opd_id=7, superior_id=None,
                                                          nip="198001012005011001", gender="1",
                                                          employment_type="pns"))
            conn.execute(t["learning_module"].insert(), _row(t["learning_module"], id=3, slug="wbs", topic="wbs",
                                                             questions_per_attempt=10, pass_mark_percent=80))
            conn.execute(t["cert_certificate"].insert(), _row(t["cert_certificate"], id=17, employee_id=5, opd_id=7,
                                                              session_id=None, module_id=3, code="A" * 16))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT learning_hours FROM learning_module WHERE id = 3")).scalar() == 0
            assert conn.execute(sa.text("SELECT learning_hours FROM cert_certificate WHERE id = 17")).scalar() is None
        with db.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("UPDATE learning_module SET learning_hours = 101 WHERE id = 3"))
        downgrade(revision="b8e431da4dc2")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM learning_module")).scalar() == 1
            assert "learning_hours" not in {c["name"] for c in sa.inspect(conn).get_columns("cert_certificate")}
        db.engine.dispose()
