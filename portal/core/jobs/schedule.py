"""Periodic tasks the worker runs between jobs (participation figures, nonce purging...).

Each task decides itself whether anything is due, from rows in the database so that several
workers agree, and manages its own transactions. Areas register theirs in their init_app.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import sqlalchemy as sa

from portal.extensions import db

PERIODIC_SECONDS = 30  # how often the worker asks each periodic task whether it has work
log = logging.getLogger(__name__)

# Periodic tasks run by the worker between jobs; each decides itself whether anything is due
# (from rows in the database, so several workers agree) and manages its own transactions.
PERIODIC: list[Callable[[], object]] = []


def periodic(fn):
    if fn not in PERIODIC:
        PERIODIC.append(fn)
    return fn


def run_periodic() -> None:
    for task in PERIODIC:
        try:
            task()
        except sa.exc.OperationalError:
            raise
        except Exception:
            db.session.rollback()
            log.error("periodic task %s failed:\n%s", task.__name__, traceback.format_exc())


