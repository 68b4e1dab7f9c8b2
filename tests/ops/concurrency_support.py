"""Two requests at the same moment, for the fault tests (no tests here): threads released by
a barrier, and a way to hold the winner inside its transaction so the other one overlaps it."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from portal.extensions import db

HOLD = 1.0  # seconds the first request keeps its transaction open in the concurrent tests


def postgres_only(database):
    if database["kind"] != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (set TEST_DATABASE_URL)")


def at_once(calls):
    """Run the calls in threads released together; their results in call order. An exception
    in a thread (a 500 propagates under TESTING) fails the test."""
    barrier, results, errors = threading.Barrier(len(calls)), [None] * len(calls), []

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def held(monkeypatch, module, name):
    """Wrap module.name so that whoever calls it keeps its transaction open a moment longer.
    Returns the list of the calls' times, to count who got that far."""
    original, calls = getattr(module, name), []

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(time.monotonic())
        time.sleep(HOLD)
        return result

    monkeypatch.setattr(module, name, slow)
    return calls


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
