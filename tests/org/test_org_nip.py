"""The NIP rules (portal/org/nip.py): PNS and PPPK numbers, each rejection with its reason, mask()."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import LazyString

from portal.org import nip as nip_rules
from portal.org.nip import NipError, mask, normalize, parse

TODAY = date(2025, 6, 15)

MSG_LENGTH = "A NIP has exactly 18 digits."
MSG_BIRTH = "Digits 1-8 of the NIP must be a valid date of birth (YYYYMMDD)."
MSG_MONTH = "Digits 13-14 of the NIP must be the month of appointment (01-12)."
MSG_YEAR = "Digits 9-12 of the NIP must be a plausible year of appointment."
MSG_GENDER = "Digit 15 of the NIP must be 1 (male) or 2 (female)."
MSG_SEQUENCE = "Digits 16-18 of the NIP are a sequence number from 001."


@pytest.fixture
def en(app):
    """A request context whose locale is English, so lazy messages render as their msgids."""
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        yield


def reason(raw: str, today: date = TODAY) -> str:
    with pytest.raises(NipError) as info:
        parse(raw, today=today)
    return str(info.value.message)


# --- valid numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "19660801 198803 1 001",
    "196608011988031001",
    "19660801.198803.1.001",
    "19660801-198803-1-001",
    "  19660801 198803 1 001\n",
    "19660801\t198803 1 001",
])
def test_pns_nip_in_any_common_spelling(raw):
    n = parse(raw, today=TODAY)
    assert n.value == "196608011988031001"
    assert n.birth_date == date(1966, 8, 1)
    assert n.appointed_year == 1988
    assert n.appointed_month == 3
    assert n.gender == "L"
    assert n.sequence == 1
    assert n.is_pppk is False
    assert n.formatted == "19660801 198803 1 001"


def test_female_pns_and_sequence_number():
    n = parse("19751231 200012 2 123", today=TODAY)
    assert n.gender == "P"
    assert n.sequence == 123
    assert n.birth_date == date(1975, 12, 31)
    assert (n.appointed_year, n.appointed_month) == (2000, 12)


def test_pppk_ni_is_recognised_by_digit_13():
    n = parse("20001231 202421 1 001", today=TODAY)
    assert n.is_pppk is True
    assert n.value == "200012312024211001"
    assert n.birth_date == date(2000, 12, 31)
    assert n.appointed_year == 2024
    assert n.appointed_month is None  # digits 13-14 are "2" + frequency, not a month
    assert n.gender == "L"
    assert n.formatted == "20001231 202421 1 001"


def test_pppk_female_with_other_frequency_digit():
    n = parse("19900315.202329.2.045", today=TODAY)
    assert n.is_pppk is True and n.gender == "P" and n.sequence == 45


def test_leap_day_birth_is_valid():
    assert parse("19960229 201801 2 007", today=TODAY).birth_date == date(1996, 2, 29)


@pytest.mark.parametrize("raw, ok", [
    ("19660801 198101 1 001", True),   # appointed at 15
    ("19660801 198012 1 001", False),  # at 14
    ("19660801 203101 1 001", True),   # at 65 (today is later)
    ("19660801 203201 1 001", False),  # at 66
])
def test_age_at_appointment_bounds(raw, ok):
    later = date(2035, 1, 1)
    if ok:
        assert parse(raw, today=later).value == normalize(raw)
    else:
        with pytest.raises(NipError):
            parse(raw, today=later)


def test_appointment_in_the_current_year_is_accepted():
    assert parse("20000101 202501 1 001", today=date(2025, 1, 2)).appointed_year == 2025


def test_today_defaults_to_the_real_date():
    # Without `today`, a 1988 appointment is in the past and a year far ahead is not.
    assert parse("19660801 198803 1 001").appointed_year == 1988
    with pytest.raises(NipError):
        parse("20500101 209901 1 001")


# --- each rejection with its own reason -------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "",
    "1966080119880310",             # 16 digits
    "19660801 198803 1 0011",       # 19 digits
    "19660801 198803 1 00A",        # a letter
    "I9660801 198803 1 001",        # letter I for digit 1
    "19660801/198803/1/001",        # slashes are not a separator
    "19660801_198803_1_001",
    "+19660801198803100",
    "-" * 18,
])
def test_not_eighteen_digits(en, raw):
    assert reason(raw) == MSG_LENGTH


def test_none_is_rejected_like_an_empty_string(en):
    with pytest.raises(NipError) as info:
        parse(None, today=TODAY)
    assert str(info.value.message) == MSG_LENGTH


@pytest.mark.parametrize("raw", [
    "19661301 198803 1 001",  # month 13
    "19660001 198803 1 001",  # month 00
    "19660231 198803 1 001",  # 31 February
    "19970229 201801 1 001",  # no leap day in 1997
    "19660800 198803 1 001",  # day 00
    "19660832 198803 1 001",  # day 32
    "00000101 198803 1 001",  # year 0
])
def test_invalid_birth_date(en, raw):
    assert reason(raw) == MSG_BIRTH


@pytest.mark.parametrize("raw", [
    "19660801 198800 1 001",  # month 00
    "19660801 198813 1 001",  # month 13
    "19660801 198819 1 001",
    "19660801 198830 1 001",  # digit 13 is "3": neither a month nor PPPK
    "19660801 198899 1 001",
])
def test_pns_month_of_appointment_out_of_range(en, raw):
    assert reason(raw) == MSG_MONTH


@pytest.mark.parametrize("raw", [
    "19900101 203001 1 001",  # appointed after today
    "20001231 202621 1 001",  # PPPK appointed next year
    "19900101 199501 1 001",  # appointed at 5
    "19900101 189001 1 001",  # appointed before birth
    "19400101 201001 1 001",  # appointed at 70
])
def test_implausible_year_of_appointment(en, raw):
    assert reason(raw) == MSG_YEAR


@pytest.mark.parametrize("digit", ["0", "3", "9"])
def test_gender_digit_must_be_1_or_2(en, digit):
    assert reason(f"19660801 198803 {digit} 001") == MSG_GENDER


def test_sequence_000_is_rejected(en):
    assert reason("19660801 198803 1 000") == MSG_SEQUENCE
    assert reason("20001231 202421 2 000") == MSG_SEQUENCE


def test_messages_are_lazy_and_render_in_the_request_locale(app):
    # Built at import time, so they must be lazy; they render when the request's locale is known.
    with pytest.raises(NipError) as info:
        parse("19660801 198803 1 000", today=TODAY)
    message = info.value.message
    assert isinstance(message, LazyString)
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert str(message) == MSG_SEQUENCE
    with app.test_request_context("/"):
        assert str(message)  # Indonesian (or the msgid while the catalog is incomplete), never empty


def test_the_error_is_a_value_error_carrying_its_message(en):
    with pytest.raises(ValueError) as info:
        parse("123", today=TODAY)
    assert str(info.value) == MSG_LENGTH


@pytest.mark.parametrize("raw", [
    "\uff11\uff19\uff16\uff160801 198803 1 001",  # fullwidth "1966"
    "\u0661\u0669\u0666\u06660801 198803 1 001",  # Arabic-Indic "1966"
])
def test_non_ascii_digits_are_rejected(en, raw):
    # \d would accept them, and the stored NIP would differ from its ASCII twin.
    assert reason(raw) == MSG_LENGTH


# --- normalize and mask -----------------------------------------------------------------------

def test_normalize_removes_spaces_dots_and_dashes_only():
    assert normalize(" 1966.0801-1988 03\t1 001 ") == "196608011988031001"
    assert normalize("ab/c") == "ab/c"
    assert normalize(None) == ""


@pytest.mark.parametrize("raw", ["196608011988031001", "19660801 198803 1 001", "19660801.198803.1.001"])
def test_mask_keeps_first_four_and_last_three_digits(raw):
    masked = mask(raw)
    assert masked == "1966" + "*" * 11 + "001"
    assert len(masked) == 18
    assert "0801" not in masked and "1988" not in masked


def test_mask_of_a_pppk_number():
    assert mask("20001231 202421 2 045") == "2000***********045"


@pytest.mark.parametrize("raw, expected", [
    ("12345", "*****"),
    ("", ""),
    ("1966 0801", "********"),
    ("1234567890123456789", "*" * 19),
])
def test_mask_of_a_malformed_value_reveals_nothing(raw, expected):
    assert mask(raw) == expected


def test_module_exports_error_type():
    assert issubclass(nip_rules.NipError, ValueError)
