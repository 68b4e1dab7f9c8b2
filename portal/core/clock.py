"""Time: UTC in the database, the government's own zone on every calendar, page and document.

The zone is the admin's setting `gov.timezone` (WIB, WITA or WIT; BABEL_DEFAULT_TIMEZONE until it
is set), so a government in Makassar or Jayapura counts its days, deadlines and years on its own
calendar and prints its own zone after every time.
"""
from __future__ import annotations

import time as monotonic_clock
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context

FALLBACK_ZONE = "Asia/Jakarta"
SETTING = "gov.timezone"
# The three zones of Indonesia and what an Indonesian document writes after a time.
ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
REREAD_SECONDS = 60  # a long-lived app context (the job worker) sees a changed setting this soon


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone_name() -> str:
    if not has_app_context():
        return FALLBACK_ZONE
    cached = g.get("portal_zone")
    if cached and monotonic_clock.monotonic() - cached[1] < REREAD_SECONDS:
        return cached[0]
    from sqlalchemy.exc import SQLAlchemyError

    from portal.core import settings
    from portal.extensions import db

    configured = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    try:
        with db.session.no_autoflush:  # asked in the middle of a service's work: flush nothing half-made
            name = settings.get(SETTING, configured)
    except SQLAlchemyError:  # no database (a 503 page) or no table yet: the configured zone
        name = configured
    name = name if name in ZONES else configured
    g.portal_zone = (name, monotonic_clock.monotonic())
    return name


def local_zone() -> ZoneInfo:
    return ZoneInfo(zone_name())


def zone_abbreviation() -> str:
    """WIB, WITA or WIT: written after every time on pages and documents."""
    return ZONES.get(zone_name(), zone_name())


def today() -> date:
    """Today on the local calendar: working days, deadlines and years are counted on it."""
    return datetime.now(local_zone()).date()


def local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def to_utc(day: date, at: time) -> datetime:
    """A wall-clock day and time in the local zone, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)


def day_start(now: datetime) -> datetime:
    """Midnight of `now`'s day on the local calendar, as an aware UTC datetime."""
    return local(now).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local calendar year as [start, end) instants."""
    zone = local_zone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
