"""An OPD secretary's part in sessions: nominating their own staff (and nobody else's), seeing
and downloading only their OPD's part, the capacity limit, and organising a session for their
own OPD."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.core.clock import utcnow
from portal.extensions import db
from portal.socialisation import checkin
from portal.socialisation.models import SocialisationSession
from tests.helpers.accounts import new_nip
from tests.socialisation.factories import (check_in, english, field_error, flashed, make_session, page_text, participant_row,
                                      participant_rows, pdf_text, person, session_state)

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def secretary(world, login_as):
    return english(login_as(world.secretary))


@pytest.fixture
def city_session(app, world):
    """Upcoming, Dinkes and Disdik invited, asn.disdik on the list."""
    with app.app_context():
        return make_session(world, starts_in=timedelta(days=3), opds=[world.dinkes, world.disdik],
                            invite=[world.asn_disdik]).id


def nominate(client, session_id: int, *accounts_or_nips, app=None):
    nips = [a if isinstance(a, str) else person(app, a)["nip"] for a in accounts_or_nips]
    return client.post(f"/sosialisasi/{session_id}/peserta", data={"nips": "\n".join(nips)})


# --- nominating ----------------------------------------------------------------------------------

def test_secretary_nominates_own_staff(app, world, secretary, city_session):
    response = nominate(secretary, city_session, world.asn, world.kadis, app=app)
    assert response.status_code == 302 and "The list has been updated." in flashed(secretary)
    for account in (world.asn, world.kadis):
        row = participant_row(app, city_session, account)
        assert (row["source"], row["status"], row["opd_id"]) == ("nominated", "expected", world.dinkes)
    # Nominating someone already listed adds nothing twice.
    assert nominate(secretary, city_session, world.asn, app=app).status_code == 302
    assert len(participant_rows(app, city_session)) == 3


def test_secretary_cannot_nominate_another_opds_staff(app, world, secretary, city_session):
    disdik = person(app, world.secretary_disdik)
    response = nominate(secretary, city_session, world.asn, world.secretary_disdik, app=app)
    assert response.status_code == 400
    error = field_error(page_text(response), "nips")
    assert "These employees are not in your OPD" in error and disdik["nip"] in error
    assert person(app, world.asn)["nip"] not in error
    # All or nothing: asn.dinkes, who was fine, is not added either.
    assert participant_row(app, city_session, world.asn) is None
    assert participant_row(app, city_session, world.secretary_disdik) is None
    assert len(participant_rows(app, city_session)) == 1


def test_secretary_unknown_nip_is_named(app, world, secretary, city_session):
    stranger = new_nip()
    response = nominate(secretary, city_session, stranger)
    assert response.status_code == 400
    assert stranger in field_error(page_text(response), "nips")
    assert len(participant_rows(app, city_session)) == 1


def test_secretary_cannot_nominate_to_a_session_their_opd_is_not_invited_to(app, world, secretary):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(days=3), opds=[world.disdik]).id
    response = nominate(secretary, sid, world.asn, app=app)
    assert response.status_code in (403, 404)
    assert participant_rows(app, sid) == []
    assert secretary.get(f"/sosialisasi/{sid}").status_code == 404


def test_secretary_takes_off_own_nominee_but_not_others(app, world, secretary, city_session):
    assert nominate(secretary, city_session, world.asn, app=app).status_code == 302
    own = participant_row(app, city_session, world.asn)["id"]
    other = participant_row(app, city_session, world.asn_disdik)["id"]
    assert secretary.post(f"/sosialisasi/{city_session}/peserta/{other}/hapus").status_code == 403
    assert participant_row(app, city_session, world.asn_disdik) is not None
    assert secretary.post(f"/sosialisasi/{city_session}/peserta/{own}/hapus").status_code == 302
    assert participant_row(app, city_session, world.asn) is None


# --- capacity -------------------------------------------------------------------------------------

def test_nominations_beyond_capacity_are_refused(app, world, secretary):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(days=3), opds=[world.dinkes, world.disdik],
                           invite=[world.asn_disdik], capacity=2).id
    response = nominate(secretary, sid, world.asn, world.kadis, app=app)
    assert response.status_code == 400
    assert "The session has 1 free places left; 2 were asked for." in field_error(page_text(response), "nips")
    assert len(participant_rows(app, sid)) == 1
    # One fits.
    assert nominate(secretary, sid, world.asn, app=app).status_code == 302
    full = nominate(secretary, sid, world.kadis, app=app)
    assert full.status_code == 400
    assert "The session has 0 free places left; 1 were asked for." in field_error(page_text(full), "nips")
    assert participant_row(app, sid, world.kadis) is None
    assert len(participant_rows(app, sid)) == 2


# --- what a secretary sees -------------------------------------------------------------------------

@pytest.fixture
def attended(app, world, city_session):
    """The city session running, asn.dinkes nominated and checked in, asn.disdik checked in."""
    with app.app_context():
        session = db.session.get(SocialisationSession, city_session)
        start = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
        session.starts_at, session.late_after, session.ends_at = start, start + timedelta(minutes=15), \
            start + timedelta(hours=2)
        db.session.commit()
        check_in(session, world.asn)
        check_in(session, world.asn_disdik, device="device-b")
    return city_session


def test_secretary_sees_only_own_opds_participants(app, world, secretary, attended):
    page = page_text(secretary.get(f"/sosialisasi/{attended}"))
    asn, disdik = person(app, world.asn), person(app, world.asn_disdik)
    assert asn["name"] in page and asn["nip_formatted"] in page
    assert disdik["name"] not in page and disdik["nip_formatted"] not in page
    assert "Present: 1" in page  # the counts are Dinkes' too
    assert "Show the check-in QR code" not in page and "One phone, several people" not in page


def test_secretary_attendance_pdf_has_only_own_opd(app, world, secretary, attended):
    response = secretary.get(f"/sosialisasi/{attended}/daftar-hadir.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    asn, disdik = person(app, world.asn), person(app, world.asn_disdik)
    assert asn["name"] in text and asn["nip_formatted"] in text
    assert disdik["name"] not in text and disdik["nip"][:8] + " " + disdik["nip"][8:14] not in text
    assert "Dinas Kesehatan" in text


def test_secretary_evidence_pack_is_own_opd_whatever_the_url_says(app, world, secretary, attended):
    response = secretary.get(f"/sosialisasi/{attended}/bukti-dukung?opd={world.disdik}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith("-dinkes.zip")
    pack = zipfile.ZipFile(io.BytesIO(response.data))
    table = list(csv.reader(io.StringIO(pack.read("05-peserta-dan-sertifikat.csv").decode("utf-8-sig"))))
    names = {row[0] for row in table[1:]}
    assert names == {person(app, world.asn)["name"]}
    assert "Dinas Kesehatan" in pack.read("00-daftar-isi.txt").decode()
    attendance = pdf_text(pack.read("02-daftar-hadir.pdf"))
    assert person(app, world.asn)["name"] in attendance and person(app, world.asn_disdik)["name"] not in attendance


def test_disdik_secretary_sees_disdik_part(app, world, login_as, attended):
    page = page_text(english(login_as(world.secretary_disdik)).get(f"/sosialisasi/{attended}"))
    assert person(app, world.asn_disdik)["name"] in page and person(app, world.asn)["name"] not in page


def test_plain_participant_sees_no_list(app, world, login_as, attended):
    page = page_text(english(login_as(world.asn)).get(f"/sosialisasi/{attended}"))
    assert "Your attendance" in page
    assert person(app, world.asn_disdik)["name"] not in page
    assert english(login_as(world.asn)).get(f"/sosialisasi/{attended}/daftar-hadir.pdf").status_code == 403


# --- a secretary's own session ------------------------------------------------------------------

def own_session_form(world, **over) -> dict:
    day = (datetime.now(WIB) + timedelta(days=10)).date()
    data = {"title": "Internalisasi benturan kepentingan Dinkes", "day": day.isoformat(), "start": "13:30",
            "end": "15:30", "late_after": "13:45", "venue": "Aula Dinas Kesehatan",
            "opds": [str(world.disdik)], "invite_nips": ""}
    data.update(over)
    return data


def test_secretary_creates_a_session_for_own_opd_only(app, world, secretary, login_as):
    form_page = page_text(secretary.get("/sosialisasi/baru"))
    assert "This session is for Dinas Kesehatan only" in form_page
    response = secretary.post("/sosialisasi/baru", data=own_session_form(world))
    assert response.status_code == 302
    sid = int(re.fullmatch(r"/sosialisasi/(\d+)", response.headers["Location"]).group(1))
    state = session_state(app, sid)
    assert state["owner_opd_id"] == world.dinkes and state["invited"] == [world.dinkes]

    # The secretary manages it: invites, sees the organiser's tools.
    assert nominate(secretary, sid, world.asn, app=app).status_code == 302
    assert participant_row(app, sid, world.asn)["source"] == "invited"
    page = page_text(secretary.get(f"/sosialisasi/{sid}"))
    assert "Cancel the session" in page and "Edit" in page

    # Another OPD's secretary, and its staff, do not even see it.
    assert english(login_as(world.secretary_disdik)).get(f"/sosialisasi/{sid}").status_code == 404
    assert english(login_as(world.asn_disdik)).get(f"/sosialisasi/{sid}").status_code == 404
    # The Inspectorate sees and manages every session.
    assert "Cancel the session" in page_text(english(login_as(world.inspektur)).get(f"/sosialisasi/{sid}"))


def test_secretarys_own_session_takes_only_own_staff(app, world, secretary):
    """A session 'for Dinas Kesehatan only' must not list staff of other OPDs: the secretary
    would otherwise put anyone in the city on it and read their names and NIPs."""
    response = secretary.post("/sosialisasi/baru", data=own_session_form(world))
    sid = int(re.fullmatch(r"/sosialisasi/(\d+)", response.headers["Location"]).group(1))
    disdik = person(app, world.asn_disdik)
    response = nominate(secretary, sid, world.asn_disdik, app=app)
    assert response.status_code == 400
    assert disdik["nip"] in field_error(page_text(response), "nips")
    assert participant_row(app, sid, world.asn_disdik) is None


def test_secretarys_own_session_form_refuses_other_opds_nips(app, world, secretary):
    disdik = person(app, world.asn_disdik)
    response = secretary.post("/sosialisasi/baru", data=own_session_form(world, invite_nips=disdik["nip"]))
    assert response.status_code == 400
    assert disdik["nip"] in field_error(page_text(response), "invite_nips")


def test_secretarys_session_check_in_is_for_own_opd(app, world, secretary, login_as):
    response = secretary.post("/sosialisasi/baru", data=own_session_form(world))
    sid = int(re.fullmatch(r"/sosialisasi/(\d+)", response.headers["Location"]).group(1))
    with app.app_context():
        session = db.session.get(SocialisationSession, sid)
        start = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
        session.starts_at, session.late_after, session.ends_at = start, start + timedelta(minutes=15), \
            start + timedelta(hours=3)
        db.session.commit()
        token = checkin.make_token(sid, checkin.current_window())
    disdik = english(login_as(world.asn_disdik))
    assert disdik.get(f"/hadir/{token}").status_code == 409
    assert participant_row(app, sid, world.asn_disdik) is None
    dinkes = english(login_as(world.asn))
    assert "You are checked in." in page_text(dinkes.get(f"/hadir/{token}"))
    assert participant_row(app, sid, world.asn)["status"] == "late"
