"""Time: UTC in the database, the deployment's own zone on every calendar and page.

The zone is `BABEL_DEFAULT_TIMEZONE` (Asia/Jakarta, WIB, for Padang), so a government in
WITA or WIT counts its days, deadlines and years on its own calendar.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

FALLBACK_ZONE = "Asia/Jakarta"


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else FALLBACK_ZONE
    return ZoneInfo(name)


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
