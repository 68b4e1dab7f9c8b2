"""The 18-digit NIP of a PNS and NI PPPK (Perka BKN 22/2007; padang.md §4.1).

PNS:  YYYYMMDD (birth) YYYYMM (first appointment) G (1 male, 2 female) NNN (sequence)
PPPK: YYYYMMDD (birth) YYYY (appointment year) 2 F (frequency) G NNN
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l


class NipError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Nip:
    value: str
    birth_date: date
    appointed_year: int
    appointed_month: int | None
    gender: str  # "L" or "P"
    sequence: int
    is_pppk: bool

    @property
    def formatted(self) -> str:
        v = self.value
        return f"{v[:8]} {v[8:14]} {v[14]} {v[15:]}"


def normalize(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def parse(raw: str, today: date | None = None) -> Nip:
    today = today or date.today()
    value = normalize(raw)
    if not re.fullmatch(r"[0-9]{18}", value):
        raise NipError(_l("A NIP has exactly 18 digits."))
    try:
        birth = date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise NipError(_l("Digits 1-8 of the NIP must be a valid date of birth (YYYYMMDD).")) from None
    year = int(value[8:12])
    is_pppk = value[12] == "2"
    month = None if is_pppk else int(value[12:14])
    if not is_pppk and not 1 <= month <= 12:
        raise NipError(_l("Digits 13-14 of the NIP must be the month of appointment (01-12)."))
    age_at_appointment = year - birth.year
    if year > today.year or not 15 <= age_at_appointment <= 65:
        raise NipError(_l("Digits 9-12 of the NIP must be a plausible year of appointment."))
    if birth > today:
        raise NipError(_l("Digits 1-8 of the NIP must be a valid date of birth (YYYYMMDD)."))
    if value[14] not in "12":
        raise NipError(_l("Digit 15 of the NIP must be 1 (male) or 2 (female)."))
    sequence = int(value[15:18])
    if sequence == 0:
        raise NipError(_l("Digits 16-18 of the NIP are a sequence number from 001."))
    return Nip(
        value=value,
        birth_date=birth,
        appointed_year=year,
        appointed_month=month,
        gender="L" if value[14] == "1" else "P",
        sequence=sequence,
        is_pppk=is_pppk,
    )


def mask(value: str) -> str:
    """For public pages (certificate verification): keep the first 4 and last 3 digits."""
    value = normalize(value)
    if len(value) != 18:
        return "*" * len(value)
    return value[:4] + "*" * 11 + value[15:]
