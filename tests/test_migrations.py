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
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS portal_migrations"))
        conn.execute(sa.text("CREATE DATABASE portal_migrations"))
    yield base.rsplit("/", 1)[0] + "/portal_migrations"
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS portal_migrations WITH (FORCE)"))
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
