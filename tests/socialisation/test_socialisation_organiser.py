"""The Inspectorate organising a session through its pages: creating it (and the input it
refuses, keeping what was typed), registering walk-ins, marking by hand, closing and cancelling."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from portal.auth.models import User
from portal.core.clock import utcnow
from portal.extensions import db
from portal.socialisation import services
from portal.socialisation.models import SocialisationSession, Source
from tests.helpers.accounts import new_nip
from tests.socialisation.factories import (check_in, english, field_error, flashed, make_session, page_text,
                                      participant_row, participant_rows, person, running_session, session_state)

WIB = ZoneInfo("Asia/Jakarta")
TITLE = "Sosialisasi Pengendalian Gratifikasi Triwulan III"


@pytest.fixture
def inspektur(world, login_as):
    return english(login_as(world.inspektur))


def next_week() -> date:
    return (datetime.now(WIB) + timedelta(days=7)).date()


def form(world, **over) -> dict:
    data = {"title": TITLE, "description": "Untuk seluruh pegawai.", "day": next_week().isoformat(),
            "start": "09:00", "end": "11:30", "late_after": "09:15", "venue": "Aula Balai Kota Padang",
            "capacity": "", "speakers": "Inspektur Kota Padang", "opds": [str(world.dinkes), str(world.disdik)],
            "invite_nips": ""}
    data.update(over)
    return data


def count_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(SocialisationSession))


def created_id(response) -> int:
    assert response.status_code == 302, page_text(response)[:2000]
    return int(re.fullmatch(r"/sosialisasi/(\d+)", response.headers["Location"]).group(1))


# --- creating ------------------------------------------------------------------------------------

def test_create_session(app, world, inspektur):
    asn, asn_disdik = person(app, world.asn), person(app, world.asn_disdik)
    response = inspektur.post("/sosialisasi/baru", data=form(
        world, capacity="40", invite_nips=f"{asn['nip_formatted']}\n{asn_disdik['nip']}"))
    sid = created_id(response)
    assert "The session has been saved." in flashed(inspektur)
    state = session_state(app, sid)
    day = next_week()
    assert state["title"] == TITLE and state["venue"] == "Aula Balai Kota Padang" and state["capacity"] == 40
    assert state["starts_at"] == datetime.combine(day, time(9, 0), WIB).astimezone(timezone.utc)
    assert state["ends_at"] == datetime.combine(day, time(11, 30), WIB).astimezone(timezone.utc)
    assert state["late_after"] == datetime.combine(day, time(9, 15), WIB).astimezone(timezone.utc)
    assert state["starts_at"].hour == 2  # 09:00 WIB is 02:00 UTC
    assert state["owner_opd_id"] is None and state["invited"] == sorted([world.dinkes, world.disdik])
    rows = participant_rows(app, sid)
    assert sorted(r["employee_id"] for r in rows) == sorted([world.asn["employee_id"], world.asn_disdik["employee_id"]])
    assert {(r["source"], r["status"]) for r in rows} == {("invited", "expected")}

    page = page_text(inspektur.get(f"/sosialisasi/{sid}")).replace("\u202f", " ")
    assert TITLE in page and "09:00–11:30 WIB" in page  # in the government's zone, not UTC, and named
    assert asn["name"] in page and asn["nip_formatted"] in page


@pytest.mark.parametrize("over, field, message", [
    ({"end": "08:30"}, "end", "The end must be after the start."),
    ({"end": "09:00"}, "end", "The end must be after the start."),
    ({"late_after": "12:00"}, "late_after", "The late cut-off must lie between the start and the end."),
    ({"late_after": "08:45"}, "late_after", "The late cut-off must lie between the start and the end."),
], ids=["end_before_start", "end_equals_start", "cut_off_after_end", "cut_off_before_start"])
def test_bad_times_are_refused_and_the_form_kept(app, world, inspektur, over, field, message):
    response = inspektur.post("/sosialisasi/baru", data=form(world, **over))
    assert response.status_code == 400
    page = page_text(response)
    assert message in field_error(page, field)
    assert f'value="{TITLE}"' in page
    assert count_sessions(app) == 0


def test_unknown_nip_is_refused_and_nothing_is_created(app, world, inspektur):
    stranger = new_nip()
    asn = person(app, world.asn)
    response = inspektur.post("/sosialisasi/baru", data=form(world, invite_nips=f"{asn['nip']}\n{stranger}"))
    assert response.status_code == 400
    page = page_text(response)
    error = field_error(page, "invite_nips")
    assert "No active employee has these NIPs" in error and stranger in error and asn["nip"] not in error
    assert f'value="{TITLE}"' in page
    assert stranger in page[page.index('name="invite_nips"'):]  # the textarea keeps what was typed
    assert count_sessions(app) == 0


def test_missing_fields_are_named(app, world, inspektur):
    response = inspektur.post("/sosialisasi/baru", data=form(world, title="", venue="", day=""))
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "title") == "Enter a title."
    assert field_error(page, "venue") == "Enter the venue."
    assert field_error(page, "day") == "Enter the date."
    assert count_sessions(app) == 0


def test_plain_employee_cannot_create(app, world, login_as):
    assert english(login_as(world.asn)).post("/sosialisasi/baru", data=form(world)).status_code == 403
    assert count_sessions(app) == 0


# --- walk-ins ------------------------------------------------------------------------------------

def test_walk_in_by_nip(app, world, inspektur):
    with app.app_context():
        sid = running_session(world).id  # Dinkes invited; asn.disdik is from an OPD not invited
    disdik = person(app, world.asn_disdik)
    response = inspektur.post(f"/sosialisasi/{sid}/walk-in", data={"nip": disdik["nip_formatted"]})
    assert response.status_code == 302 and "The walk-in has been registered." in flashed(inspektur)
    row = participant_row(app, sid, world.asn_disdik)
    assert (row["status"], row["method"], row["source"]) == ("present", "walk_in", "walk_in")
    assert row["marked_by_id"] == world.inspektur["user_id"] and row["opd_id"] == world.disdik
    page = page_text(inspektur.get(f"/sosialisasi/{sid}"))
    assert disdik["name"] in page and "Walk-in, registered by NIP" in page

    again = inspektur.post(f"/sosialisasi/{sid}/walk-in", data={"nip": disdik["nip"]})
    assert again.status_code == 400
    assert f"{disdik['name']} is already marked Present." in field_error(page_text(again), "nip")
    assert participant_row(app, sid, world.asn_disdik) == row


def test_walk_in_of_an_invited_person_marks_their_row(app, world, inspektur):
    with app.app_context():
        sid = running_session(world).id
    response = inspektur.post(f"/sosialisasi/{sid}/walk-in", data={"nip": person(app, world.asn)["nip"]})
    assert response.status_code == 302
    row = participant_row(app, sid, world.asn)
    assert (row["status"], row["method"], row["source"]) == ("present", "walk_in", "invited")
    assert len(participant_rows(app, sid)) == 1


def test_walk_in_after_the_cut_off_is_late(app, world, inspektur):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(minutes=-40)).id
    assert inspektur.post(f"/sosialisasi/{sid}/walk-in", data={"nip": person(app, world.kadis)["nip"]}).status_code == 302
    assert participant_row(app, sid, world.kadis)["status"] == "late"


def test_walk_in_with_unknown_nip(app, world, inspektur):
    with app.app_context():
        sid = running_session(world).id
    stranger = new_nip()
    response = inspektur.post(f"/sosialisasi/{sid}/walk-in", data={"nip": stranger})
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "nip") == "No active employee has this NIP."
    assert f'value="{stranger}"' in page
    assert len(participant_rows(app, sid)) == 1


def test_walk_in_before_check_in_opens_is_refused(app, world, inspektur):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(hours=3)).id
    response = inspektur.post(f"/sosialisasi/{sid}/walk-in", data={"nip": person(app, world.kadis)["nip"]})
    assert response.status_code == 400
    assert "Nobody can be marked present before the session starts." in page_text(response)
    assert participant_rows(app, sid) == []


# --- marking by hand -------------------------------------------------------------------------------

def test_marking_by_hand(app, world, inspektur):
    with app.app_context():
        sid = running_session(world).id
    pid = participant_row(app, sid, world.asn)["id"]
    url = f"/sosialisasi/{sid}/peserta/{pid}/kehadiran"
    name = person(app, world.asn)["name"]

    assert inspektur.post(url, data={"status": "present"}).status_code == 302
    assert f"{name}: Present." in flashed(inspektur)
    row = participant_row(app, sid, world.asn)
    assert (row["status"], row["method"], row["marked_by_id"]) == ("present", "manual", world.inspektur["user_id"])
    assert abs(row["checked_in_at"] - utcnow()) < timedelta(minutes=1)
    present_at = row["checked_in_at"]

    assert inspektur.post(url, data={"status": "late"}).status_code == 302
    row = participant_row(app, sid, world.asn)
    assert (row["status"], row["checked_in_at"], row["method"]) == ("late", present_at, "manual")

    assert inspektur.post(url, data={"status": "excused"}).status_code == 302
    row = participant_row(app, sid, world.asn)
    assert (row["status"], row["checked_in_at"], row["method"]) == ("excused", None, None)

    assert inspektur.post(url, data={"status": "absent"}).status_code == 302
    assert participant_row(app, sid, world.asn)["status"] == "absent"

    page = page_text(inspektur.get(f"/sosialisasi/{sid}"))
    assert "Absent: 1" in page


def test_marking_a_qr_check_in_late_keeps_its_time_and_method(app, world, inspektur):
    with app.app_context():
        sid = running_session(world, checked_in=[world.asn]).id
    before = participant_row(app, sid, world.asn)
    assert inspektur.post(f"/sosialisasi/{sid}/peserta/{before['id']}/kehadiran", data={"status": "late"}).status_code == 302
    after = participant_row(app, sid, world.asn)
    assert (after["status"], after["method"], after["checked_in_at"]) == ("late", "qr", before["checked_in_at"])


def test_invalid_status_changes_nothing(app, world, inspektur):
    with app.app_context():
        sid = running_session(world).id
    before = participant_row(app, sid, world.asn)
    response = inspektur.post(f"/sosialisasi/{sid}/peserta/{before['id']}/kehadiran", data={"status": "hadir"})
    assert response.status_code == 302 and "Choose a valid attendance status." in flashed(inspektur)
    assert participant_row(app, sid, world.asn) == before


def test_participant_of_another_session_is_404(app, world, inspektur):
    with app.app_context():
        first = running_session(world).id
        second = make_session(world, starts_in=timedelta(minutes=-5)).id
    pid = participant_row(app, first, world.asn)["id"]
    assert inspektur.post(f"/sosialisasi/{second}/peserta/{pid}/kehadiran",
                          data={"status": "present"}).status_code == 404
    assert participant_row(app, first, world.asn)["status"] == "expected"


def test_only_organisers_mark(app, world, login_as):
    with app.app_context():
        sid = running_session(world).id
    pid = participant_row(app, sid, world.asn)["id"]
    secretary = english(login_as(world.secretary))  # sees Dinkes' part of the session, manages nothing
    assert secretary.post(f"/sosialisasi/{sid}/peserta/{pid}/kehadiran", data={"status": "present"}).status_code == 403
    assert english(login_as(world.asn)).post(f"/sosialisasi/{sid}/peserta/{pid}/kehadiran",
                                             data={"status": "present"}).status_code == 403
    assert participant_row(app, sid, world.asn)["status"] == "expected"


# --- closing and cancelling -------------------------------------------------------------------------

def test_closing_marks_the_unmarked_absent_once(app, world, inspektur):
    with app.app_context():
        session = running_session(world)
        services.add_participants(session, person(app, world.kadis)["nip"] + "\n" + person(app, world.secretary)["nip"],
                                  actor=db.session.get(User, world.inspektur["user_id"]), source=Source.INVITED)
        db.session.commit()
        check_in(session, world.kadis)
        sid = session.id
    kadis_pid = participant_row(app, sid, world.kadis)["id"]
    secretary_pid = participant_row(app, sid, world.secretary)["id"]
    assert inspektur.post(f"/sosialisasi/{sid}/peserta/{secretary_pid}/kehadiran",
                          data={"status": "excused"}).status_code == 302

    # The button asks first, on a page of its own (no JavaScript needed), and changes nothing.
    asked = page_text(inspektur.get(f"/sosialisasi/{sid}/tutup"))
    assert "Close the attendance list?" in asked
    assert "1 person attended and receives an attendance certificate" in asked
    assert "1 person is not marked yet and will be recorded as absent" in asked
    assert session_state(app, sid)["closed_at"] is None
    response = inspektur.post(f"/sosialisasi/{sid}/tutup")
    assert response.status_code == 302
    assert "The attendance list is closed" in flashed(inspektur)
    # Once closed, asking again leads back to the session.
    assert inspektur.get(f"/sosialisasi/{sid}/tutup").status_code == 302
    assert session_state(app, sid)["closed_at"] is not None
    statuses = {r["employee_id"]: r["status"] for r in participant_rows(app, sid)}
    assert statuses == {world.asn["employee_id"]: "absent", world.kadis["employee_id"]: "present",
                        world.secretary["employee_id"]: "excused"}
    assert participant_row(app, sid, world.kadis)["id"] == kadis_pid

    closed_at = session_state(app, sid)["closed_at"]
    again = inspektur.post(f"/sosialisasi/{sid}/tutup")
    assert again.status_code == 400
    assert "The attendance list is already closed." in page_text(again)
    assert session_state(app, sid)["closed_at"] == closed_at

    page = page_text(inspektur.get(f"/sosialisasi/{sid}"))
    assert "Closed" in page and "Close the attendance list and issue certificates" not in page
    # A closed list cannot be cancelled.
    cancelled = inspektur.post(f"/sosialisasi/{sid}/batalkan")
    assert cancelled.status_code == 400
    assert "it can no longer be cancelled" in page_text(cancelled)
    assert session_state(app, sid)["cancelled_at"] is None


def test_closing_before_the_start_is_refused(app, world, inspektur):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(days=2), invite=[world.asn]).id
    response = inspektur.post(f"/sosialisasi/{sid}/tutup")
    assert response.status_code == 400
    assert "The attendance list can be closed once the session has started." in page_text(response)
    assert session_state(app, sid)["closed_at"] is None
    assert participant_row(app, sid, world.asn)["status"] == "expected"


def test_cancelling(app, world, inspektur, login_as):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(days=2), invite=[world.asn]).id
    response = inspektur.post(f"/sosialisasi/{sid}/batalkan")
    assert response.status_code == 302 and "The session has been cancelled." in flashed(inspektur)
    assert session_state(app, sid)["cancelled_at"] is not None
    page = page_text(inspektur.get(f"/sosialisasi/{sid}"))
    assert "Cancelled" in page and "Show the check-in QR code" not in page
    # The edit page sends the organiser back; nobody can be added; the invitee no longer sees it coming.
    edit = inspektur.get(f"/sosialisasi/{sid}/ubah")
    assert edit.status_code == 302 and "This session can no longer be changed." in flashed(inspektur)
    assert inspektur.post(f"/sosialisasi/{sid}/peserta", data={"nips": person(app, world.kadis)["nip"]}).status_code == 400
    assert participant_row(app, sid, world.kadis) is None
    home = page_text(english(login_as(world.asn)).get("/"))
    assert "Sosialisasi Perwako 15 dan 27" not in home


def test_only_organisers_close_and_cancel(app, world, login_as):
    with app.app_context():
        sid = running_session(world).id
    secretary = english(login_as(world.secretary))
    assert secretary.post(f"/sosialisasi/{sid}/tutup").status_code == 403
    assert secretary.post(f"/sosialisasi/{sid}/batalkan").status_code == 403
    state = session_state(app, sid)
    assert state["closed_at"] is None and state["cancelled_at"] is None


@pytest.mark.parametrize("end", ["closed", "cancelled"])
def test_a_list_that_takes_nobody_says_why(app, world, inspektur, end):
    """Submitted from a page opened before the list was closed (or the session cancelled): the
    list form is no longer on the page, but the refusal must still be explained."""
    with app.app_context():
        session = running_session(world)
        actor = db.session.get(User, world.inspektur["user_id"])
        services.close(session, actor=actor) if end == "closed" else services.cancel(session, actor=actor)
        db.session.commit()
        sid = session.id
    response = inspektur.post(f"/sosialisasi/{sid}/peserta", data={"nips": person(app, world.kadis)["nip"]})
    assert response.status_code == 400
    assert participant_row(app, sid, world.kadis) is None
    assert "This session no longer takes participants." in page_text(response)
