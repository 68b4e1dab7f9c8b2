"""Typing the six digits under the QR code at `/hadir/`: the right code checks in, a wrong one
says so and keeps what was typed, and guessing is rate-limited."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.socialisation import checkin
from tests.helpers.accounts import login
from tests.socialisation.factories import (english, field_error, make_session, page_text, participant_row, participant_rows,
                                      running_session)

NO_SESSION = "No session is checking in with this code right now."


def current_code(app, session_id: int) -> str:
    with app.app_context():
        return checkin.make_code(session_id, checkin.current_window())


def wrong_code(app, session_id: int) -> str:
    """Six digits that are no code of this session in the windows around now."""
    with app.app_context():
        w = checkin.current_window()
        taken = {checkin.make_code(session_id, x) for x in range(w - 2, w + 3)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in taken)


@pytest.fixture
def sid(app, world):
    with app.app_context():
        return running_session(world).id


@pytest.fixture
def asn(world, login_as):
    return english(login_as(world.asn))


def test_code_form_is_shown(asn):
    response = asn.get("/hadir/")
    assert response.status_code == 200
    page = page_text(response)
    assert "Enter the six digits shown under the QR code in the room." in page
    assert 'name="code"' in page and 'inputmode="numeric"' in page


def test_logged_out_code_form_asks_to_log_in(app):
    response = app.test_client().get("/hadir/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_right_code_checks_in_with_method_code(app, world, asn, sid):
    code = current_code(app, sid)
    response = asn.post("/hadir/", data={"code": f"{code[:3]} {code[3:]}"})  # typed with a space
    assert response.status_code == 200
    assert "You are checked in." in page_text(response)
    row = participant_row(app, sid, world.asn)
    assert (row["status"], row["method"]) == ("present", "code")
    assert row["checked_in_at"] is not None


def test_wrong_code_is_refused_and_kept_in_the_form(app, world, asn, sid):
    typed = wrong_code(app, sid)
    response = asn.post("/hadir/", data={"code": typed})
    assert response.status_code == 400
    page = page_text(response)
    assert NO_SESSION in field_error(page, "code")
    assert re.search(rf'<input[^>]*name="code"[^>]*value="{typed}"', page) or \
        re.search(rf'<input[^>]*value="{typed}"[^>]*name="code"', page)
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_too_few_digits_is_explained(app, world, asn, sid):
    response = asn.post("/hadir/", data={"code": "12a4"})
    assert response.status_code == 400
    assert "Enter the six digits shown under the QR code." in field_error(page_text(response), "code")
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_code_of_an_ended_session_does_not_work(app, world, asn):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(hours=-3), minutes_long=60, invite=[world.asn]).id
    response = asn.post("/hadir/", data={"code": current_code(app, sid)})
    assert response.status_code == 400 and NO_SESSION in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_guessing_codes_is_rate_limited(app_factory, world):
    limited = app_factory(CHECKIN_CODE_LIMIT="3 per minute")
    with limited.app_context():
        sid = running_session(world).id
    client = limited.test_client()
    login(client, "asn.dinkes")
    english(client)
    for _ in range(3):
        assert client.post("/hadir/", data={"code": wrong_code(limited, sid)}).status_code == 400
    # Over the limit even the right code is not looked at.
    response = client.post("/hadir/", data={"code": current_code(limited, sid)})
    assert response.status_code == 429
    assert participant_row(limited, sid, world.asn)["status"] == "expected"
    assert len(participant_rows(limited, sid)) == 1
    # Opening the form is not a guess.
    assert client.get("/hadir/").status_code == 200
