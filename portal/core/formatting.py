"""One way to write a date, a time, a number and a file size, everywhere: pages, PDFs, exports
and e-mails.

In the current language (official documents force Indonesian) and the government's time zone:
a date is "6 Desember 2026", a time "15.54 WIB", a moment "6 Desember 2026, 15.54 WIB",
a number "12.345,6" (Indonesian separators), a size "5,7 kB". Templates use the filters of the
same names (portal/web/templating.py); Python code calls these functions.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import parse_pattern
from flask_babel import get_locale

from portal.core.clock import local, zone_abbreviation

DATE = "d MMMM y"  # no leading zero, the month in words: "6 Desember 2026"
WEEKDAY_DATE = "EEEE, d MMMM y"  # "Minggu, 6 Desember 2026"
TIME = {"id": "HH.mm", "en": "HH:mm"}  # Indonesian writes 15.54


def _locale() -> str:
    return str(get_locale() or "id")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return babel_date(value, DATE, locale=_locale())


def weekday_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return babel_date(value, WEEKDAY_DATE, locale=_locale())


def clock(value: datetime | None, *, zone: bool = True) -> str:
    if value is None:
        return ""
    text = babel_time(local(value).time(), TIME.get(_locale(), "HH:mm"), locale=_locale())
    return f"{text} {zone_abbreviation()}" if zone else text


def moment(value: datetime | None) -> str:
    return f"{day(value)}, {clock(value)}" if value is not None else ""


# Babel's format_decimal/format_percent parse the pattern and the locale on every call; a table
# of a few hundred numbers spent most of its rendering time there. Same result, parsed once.
@lru_cache(maxsize=32)
def _pattern(pattern: str):
    return parse_pattern(pattern)


@lru_cache(maxsize=8)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


def number(value, digits: int = 0) -> str:
    if value is None:
        return ""
    if type(value) is int and not digits and -1000 < value < 1000:
        return str(value)  # what the pattern writes in every language, at a hundredth of its cost (tables of counts)
    return _pattern("#,##0" + ("." + "0" * digits if digits else "")).apply(value, _babel_locale(_locale()))


def percent(fraction, digits: int = 0) -> str:
    """A share (0.25) as "25%"; Indonesian writes "25%" too."""
    if fraction is None:
        return ""
    return _pattern("#,##0" + ("." + "0" * digits if digits else "") + "%").apply(fraction,
                                                                                  _babel_locale(_locale()))


def share(fraction) -> str:
    """A share of a whole (0 to 1) as a whole percent, "37%", the same in both languages: nothing
    between 0% and 100% needs a separator, so no locale is looked up. For long tables of shares
    (the item analysis shows hundreds), where percent() costs a Babel call each."""
    if fraction is None:
        return ""
    if not 0 <= fraction <= 1:
        return percent(fraction)
    return f"{round(100 * fraction)}%"


def filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1000:
        return f"{number(size)} B"
    scaled = float(size)
    for unit in ("kB", "MB", "GB"):
        scaled /= 1000
        if scaled < 1000:
            return f"{number(scaled, 1)} {unit}"
    return f"{number(scaled, 1)} TB"


FILTERS = {"day": day, "weekday_day": weekday_day, "clock": clock, "moment": moment, "number": number,
           "percent": percent, "share": share,
           "filesize": filesize}
