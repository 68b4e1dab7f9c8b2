"""Indonesian working days: Monday to Friday minus public holidays and cuti bersama.

Public holidays and the government's cuti bersama come from the maintained `holidays`
package (country "ID", categories public + government); admins add days the package does
not know yet (a new SKB, a local day off) in the `workdays_holiday` table.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import clock
from portal.extensions import db


class ExtraHoliday(db.Model):
    __tablename__ = "workdays_holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))


def today() -> date:
    """Today on the government's calendar (its zone is a setting): working days are counted on it."""
    return clock.today()


@lru_cache(maxsize=64)
def _national(year: int) -> dict[date, str]:
    # Pure and deterministic for a given package version: safe to cache per process.
    return dict(holidays.country_holidays("ID", years=year, categories=("public", "government"), language="id"))


def _extra(start: date, end: date) -> set[date]:
    return set(db.session.scalars(sa.select(ExtraHoliday.day).where(ExtraHoliday.day.between(start, end))))


def holidays_between(start: date, end: date) -> dict[date, str]:
    days: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        days.update({d: n for d, n in _national(year).items() if start <= d <= end})
    for row in db.session.scalars(sa.select(ExtraHoliday).where(ExtraHoliday.day.between(start, end))):
        days[row.day] = row.name
    return days


def is_workday(day: date, extra: set[date] | None = None) -> bool:
    if day.weekday() >= 5 or day in _national(day.year):
        return False
    return day not in (extra if extra is not None else _extra(day, day))


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself does not count)."""
    extra = _extra(start, start + timedelta(days=n * 2 + 60))
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day, extra):
            left -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    extra = _extra(start, end)
    return sum(1 for i in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=i), extra))
