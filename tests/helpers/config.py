"""The config every test app starts from, and building an app on a given database."""
from __future__ import annotations

import os

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
    "WTF_CSRF_ENABLED": False,
    "WBS_RECEIPT_PEPPER": "test-pepper",
    "DATA_KEYS": ["q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A="],
    # Argon2 at its floor: the real cost is measured in bench/, not paid in every test.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
}


def fresh_app(uri: str, **extra):
    from portal import create_app

    config = dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=uri)
    config.update(extra)
    return create_app(config)


def worker_database(uri: str, worker: str | None) -> str:
    """The PostgreSQL database of one pytest-xdist worker: `<name>_<worker>` (portal_test_gw0),
    created on first use, so parallel workers never empty each other's tables. Without a
    worker (a plain serial run), the database named in `uri` itself."""
    if not worker:
        return uri
    import sqlalchemy as sa

    url = sa.engine.make_url(uri)
    url = url.set(database=f"{url.database}_{worker}")
    maintenance = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": url.database}).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    finally:
        maintenance.dispose()
    return url.render_as_string(hide_password=False)
