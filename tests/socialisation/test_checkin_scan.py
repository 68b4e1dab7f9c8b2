"""The QR check-in at `/hadir/<token>` as a participant's phone sees it: present or late by the
clock, a second scan that changes nothing, every token and every session state that must be
refused, the scan made while logged out and finished after the login, the shared-phone flag,
and two phones of one person at the same moment (PostgreSQL)."""
from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from portal.auth.models import User
from portal.extensions import db
from portal.socialisation import checkin, checkin_views, services
from portal.socialisation.models import Participant, SocialisationSession
from tests.helpers.accounts import PASSWORD
from tests.socialisation.factories import (english, make_session, page_text, participant_row, participant_rows, person,
                                      running_session)

CHECKED_IN = "You are checked in."
ALREADY = "You had already checked in; nothing changed."
INVALID = "This check-in code is not valid. Scan the code shown in the room again."
EXPIRED = "This check-in code has expired"
NOT_LISTED = "You are not on the list of this session, and your OPD is not invited to it."
NOT_OPEN = "Check-in for this session has not opened yet. It opens 30 minutes before the start."
ENDED = "This session has ended; check-in is closed."
CANCELLED = "This session was cancelled."


def new_session(app, world, **kwargs) -> int:
    with app.app_context():
        return make_session(world, **kwargs).id


def token(app, session_id: int, back: int = 0, at: float | None = None) -> str:
    """The token shown on the QR screen now (or `back` windows ago)."""
    with app.app_context():
        return checkin.make_token(session_id, checkin.current_window(at) - back)


def scan(client, tok: str):
    return client.get(f"/hadir/{tok}")


@pytest.fixture
def asn(world, login_as):
    return english(login_as(world.asn))


# --- present, late, again ------------------------------------------------------------------------

def test_scan_before_the_cut_off_is_present(app, world, asn):
    with app.app_context():
        sid = running_session(world).id  # started 10 minutes ago, late after 15, asn.dinkes invited
    before = datetime.now(timezone.utc)
    response = scan(asn, token(app, sid))
    assert response.status_code == 200
    page = page_text(response)
    assert CHECKED_IN in page and "Present" in page
    assert response.headers["Cache-Control"] == "no-store"
    row = participant_row(app, sid, world.asn)
    assert (row["status"], row["method"], row["source"]) == ("present", "qr", "invited")
    assert before - timedelta(seconds=1) <= row["checked_in_at"] <= datetime.now(timezone.utc)


def test_scan_after_the_cut_off_is_late(app, world, asn):
    sid = new_session(app, world, starts_in=timedelta(minutes=-30), invite=[world.asn])  # late after 15 minutes
    response = scan(asn, token(app, sid))
    assert response.status_code == 200
    page = page_text(response)
    assert CHECKED_IN in page and "Late" in page
    assert participant_row(app, sid, world.asn)["status"] == "late"


def test_scan_from_an_invited_opd_without_being_listed_is_recorded(app, world, login_as):
    """Dinas Kesehatan is invited; kadis.dinkes is not on the list but may come."""
    sid = new_session(app, world, starts_in=timedelta(minutes=-5), invite=[world.asn])
    kadis = english(login_as(world.kadis))
    response = scan(kadis, token(app, sid))
    assert response.status_code == 200 and CHECKED_IN in page_text(response)
    row = participant_row(app, sid, world.kadis)
    assert (row["status"], row["source"], row["opd_id"]) == ("present", "check_in", world.dinkes)


def test_second_scan_changes_nothing(app, world, asn):
    with app.app_context():
        sid = running_session(world).id
    assert CHECKED_IN in page_text(scan(asn, token(app, sid)))
    first = participant_row(app, sid, world.asn)
    time.sleep(0.05)
    asn.set_cookie("portal_device", "b" * 32)  # even from another phone
    response = scan(asn, token(app, sid))
    assert response.status_code == 200
    page = page_text(response)
    assert ALREADY in page and CHECKED_IN not in page
    assert participant_row(app, sid, world.asn) == first
    assert len(participant_rows(app, sid)) == 1


def test_the_previous_window_is_still_accepted(app, world, asn, clock):
    with app.app_context():
        sid = running_session(world).id
    response = scan(asn, token(app, sid, back=1, at=clock.now))  # the view's clock is held still
    assert response.status_code == 200 and CHECKED_IN in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "present"


# --- tokens that are refused -----------------------------------------------------------------------

def test_expired_token_is_refused(app, world, asn):
    with app.app_context():
        sid = running_session(world).id
    before = participant_row(app, sid, world.asn)
    response = scan(asn, token(app, sid, back=2))
    assert response.status_code == 400
    assert EXPIRED in page_text(response)
    assert participant_row(app, sid, world.asn) == before and before["status"] == "expected"


@pytest.mark.parametrize("forge", ["garbage", "three.part.s", "mac_of_other_session", "bad_mac", "no_such_session",
                                   "letters_in_window", "huge_numbers"])
def test_forged_or_garbled_token_is_refused(app, world, asn, forge):
    with app.app_context():
        sid = running_session(world).id
    real = token(app, sid)
    session_part, window, mac = real.split(".")
    other_mac = token(app, sid + 1).split(".")[2]
    forged = {
        "garbage": "garbage",
        "three.part.s": "a.b.c",
        "mac_of_other_session": f"{sid}.{window}.{other_mac}",
        "bad_mac": f"{sid}.{window}.{mac[:-2]}AA" if not mac.endswith("AA") else f"{sid}.{window}.{mac[:-2]}BB",
        "no_such_session": token(app, sid + 500),
        "letters_in_window": f"{sid}.{window}x.{mac}",
        "huge_numbers": f"{'9' * 10}.{window}.{mac}",
    }[forge]
    response = scan(asn, forged)
    assert response.status_code == 400
    assert INVALID in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "expected"
    assert len(participant_rows(app, sid)) == 1


def test_session_of_another_opd_is_refused(app, world, asn):
    """SocialisationSession A invites Disdik only, and asn.dinkes is not on its list."""
    sid = new_session(app, world, starts_in=timedelta(minutes=-5), opds=[world.disdik], invite=[world.asn_disdik])
    response = scan(asn, token(app, sid))
    assert response.status_code == 409
    assert NOT_LISTED in page_text(response)
    assert participant_row(app, sid, world.asn) is None
    assert len(participant_rows(app, sid)) == 1


def test_session_not_started_yet_is_refused(app, world, asn):
    sid = new_session(app, world, starts_in=timedelta(hours=2), invite=[world.asn])
    response = scan(asn, token(app, sid))
    assert response.status_code == 409
    assert NOT_OPEN in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_check_in_opens_30_minutes_early(app, world, asn):
    sid = new_session(app, world, starts_in=timedelta(minutes=20), invite=[world.asn])
    response = scan(asn, token(app, sid))
    assert response.status_code == 200 and CHECKED_IN in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "present"


def test_session_ended_is_refused(app, world, asn):
    sid = new_session(app, world, starts_in=timedelta(hours=-3), minutes_long=120, invite=[world.asn])
    response = scan(asn, token(app, sid))
    assert response.status_code == 409
    assert ENDED in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_closed_list_is_refused(app, world, asn):
    with app.app_context():
        session = running_session(world)
        services.close(session, actor=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
        sid = session.id
    response = scan(asn, token(app, sid))
    assert response.status_code == 409
    assert ENDED in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "absent"  # as the closing left it


def test_cancelled_session_is_refused(app, world, asn):
    with app.app_context():
        session = running_session(world)
        services.cancel(session, actor=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
        sid = session.id
    response = scan(asn, token(app, sid))
    assert response.status_code == 409
    assert CANCELLED in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_technical_admin_account_cannot_check_in(app, world, login_as):
    with app.app_context():
        sid = running_session(world).id
    admin = english(login_as(world.admin))
    response = scan(admin, token(app, sid))
    assert response.status_code == 403
    assert "This account is not an employee's, so it cannot check in." in page_text(response)
    assert len(participant_rows(app, sid)) == 1


# --- logged out when scanning ----------------------------------------------------------------------

class Clock:
    """The scan view's clock, moved by hand (the database and the login keep the real one)."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(time.time())
    monkeypatch.setattr(checkin_views, "time", SimpleNamespace(time=fake.time))
    return fake


def prefer_english(app, account):
    with app.app_context():
        db.session.get(User, account["user_id"]).locale = "en"
        db.session.commit()


def test_anonymous_scan_is_finished_after_login_at_the_scan_time(app, world, clock):
    """The token has expired by the time the login is done; the check-in still counts, at the
    moment of the scan: present, although the cut-off has passed in between."""
    prefer_english(app, world.asn)
    with app.app_context():
        session = running_session(world)
        # the cut-off falls between the scan and the end of the login
        session.late_after = datetime.fromtimestamp(clock.now + 30, timezone.utc)
        db.session.commit()
        sid = session.id
    tok = token(app, sid, at=clock.now)
    phone = app.test_client()
    response = scan(phone, tok)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [f"/hadir/{tok}"]
    assert participant_row(app, sid, world.asn)["status"] == "expected"  # nothing yet
    scanned_at = clock.now

    clock.now += 90  # typing the password: the token is four windows old now
    login = phone.post(f"/login?next=/hadir/{tok}", data={"login": "asn.dinkes", "password": PASSWORD})
    assert login.status_code == 302 and login.headers["Location"] == f"/hadir/{tok}"
    response = phone.get(login.headers["Location"])
    assert response.status_code == 200, page_text(response)[:2000]
    assert CHECKED_IN in page_text(response)
    row = participant_row(app, sid, world.asn)
    assert (row["status"], row["method"]) == ("present", "qr")
    assert abs(row["checked_in_at"].timestamp() - scanned_at) < 0.01

    # The pending scan is used once: the same address again is just an expired token.
    again = scan(phone, tok)
    assert again.status_code == 400 and EXPIRED in page_text(again)


def test_the_same_expired_token_without_a_pending_scan_is_refused(app, world, clock, login_as):
    with app.app_context():
        sid = running_session(world).id
    tok = token(app, sid, at=clock.now)
    clock.now += 90
    other = english(login_as(world.asn))
    response = scan(other, tok)
    assert response.status_code == 400 and EXPIRED in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_a_pending_scan_older_than_five_minutes_is_not_finished(app, world, clock):
    prefer_english(app, world.asn)
    with app.app_context():
        sid = running_session(world).id
    tok = token(app, sid, at=clock.now)
    phone = app.test_client()
    assert scan(phone, tok).status_code == 302
    clock.now += checkin.PENDING_SCAN_SECONDS + 60
    login = phone.post(f"/login?next=/hadir/{tok}", data={"login": "asn.dinkes", "password": PASSWORD})
    response = phone.get(login.headers["Location"])
    assert response.status_code == 400 and EXPIRED in page_text(response)
    assert participant_row(app, sid, world.asn)["status"] == "expected"


# --- the phone -----------------------------------------------------------------------------------

def test_first_check_in_sets_a_device_cookie_and_stores_only_its_hash(app, world, asn):
    with app.app_context():
        sid = running_session(world).id
    response = scan(asn, token(app, sid))
    cookie = asn.get_cookie("portal_device")
    assert cookie is not None and len(cookie.value) == 32
    set_cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("portal_device="))
    assert "HttpOnly" in set_cookie
    assert participant_row(app, sid, world.asn)["device_hash"] == hashlib.sha256(cookie.value.encode()).hexdigest()


SHARED = "One phone, several people"


def test_two_people_on_one_phone_are_shown_to_the_organiser(app, world, login_as):
    with app.app_context():
        sid = running_session(world).id
    phone = "c0ffee" + "1" * 26
    for account in (world.asn, world.kadis):
        client = english(login_as(account))
        client.set_cookie("portal_device", phone)
        assert CHECKED_IN in page_text(scan(client, token(app, sid)))
    loner = english(login_as(world.secretary))
    loner.set_cookie("portal_device", "d" * 32)
    assert CHECKED_IN in page_text(scan(loner, token(app, sid)))

    page = page_text(english(login_as(world.inspektur)).get(f"/sosialisasi/{sid}"))
    assert SHARED in page
    warning = page[page.index(SHARED):page.index("</section>", page.index(SHARED))]
    assert person(app, world.asn)["name"] in warning and person(app, world.kadis)["name"] in warning
    assert person(app, world.secretary)["name"] not in warning


def test_different_phones_raise_no_flag(app, world, login_as):
    with app.app_context():
        sid = running_session(world).id
    for n, account in enumerate((world.asn, world.kadis, world.secretary)):
        client = english(login_as(account))
        client.set_cookie("portal_device", f"{n}" * 32)
        assert CHECKED_IN in page_text(scan(client, token(app, sid)))
    page = page_text(english(login_as(world.inspektur)).get(f"/sosialisasi/{sid}"))
    assert SHARED not in page
    assert page.count("QR code") >= 3  # the three check-ins are listed with their method


# --- two phones at the same moment ----------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.parametrize("listed", [True, False], ids=["invited", "from_invited_opd"])
def test_simultaneous_scans_record_one_check_in(app, world, login_as, database, listed):
    if database["kind"] != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (set TEST_DATABASE_URL)")
    sid = new_session(app, world, starts_in=timedelta(minutes=-5), invite=[world.asn] if listed else [])
    clients = [english(login_as(world.asn)) for _ in range(4)]
    for n, c in enumerate(clients):
        c.set_cookie("portal_device", f"{n}" * 32)
    tok = token(app, sid)
    barrier, results = threading.Barrier(len(clients)), []

    def go(client):
        barrier.wait()
        response = scan(client, tok)
        results.append((response.status_code, CHECKED_IN in page_text(response), ALREADY in page_text(response)))

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [(200, False, True)] * 3 + [(200, True, False)]
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Participant).where(Participant.session_id == sid)))
        assert len(rows) == 1
        assert rows[0].status.value == "present" and rows[0].checked_in_at is not None
        assert db.session.get(SocialisationSession, sid).closed_at is None
