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
