"""Where an invited employee finds their session (the personal home page), and the demo data's
session of 9 August 2019."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.core.clock import utcnow
from portal.extensions import db
from portal.socialisation.models import AttendanceStatus, SocialisationSession
from tests.socialisation.factories import english, make_session, page_text, person

TITLE = "Sosialisasi Perwako 15 dan 27"


def test_invited_employee_sees_the_upcoming_session_on_home_until_it_ends(app, world, login_as):
    asn = english(login_as(world.asn))
    assert "My upcoming sessions" not in page_text(asn.get("/"))
    with app.app_context():
        session = make_session(world, starts_in=timedelta(days=2), invite=[world.asn])
        sid = session.id
    page = page_text(asn.get("/")).replace("\u202f", " ")
    assert "My upcoming sessions" in page
    assert TITLE in page and f'href="/sosialisasi/{sid}"' in page
    assert "Ruang Abu Bakar Ja'ar, Balai Kota Padang" in page and "Not marked yet" in page
    # Someone not invited, from an OPD not invited, sees nothing of it.
    assert TITLE not in page_text(english(login_as(world.asn_disdik)).get("/"))

    with app.app_context():  # the session took place yesterday
        session = db.session.get(SocialisationSession, sid)
        start = utcnow() - timedelta(days=1)
        session.starts_at, session.late_after, session.ends_at = start, start + timedelta(minutes=15), \
            start + timedelta(hours=2)
        db.session.commit()
    page = page_text(asn.get("/"))
    assert TITLE not in page and "My upcoming sessions" not in page


def test_a_running_session_is_still_on_home(app, world, login_as):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(minutes=-30), minutes_long=120, invite=[world.asn]).id
    page = page_text(english(login_as(world.asn)).get("/"))
    assert f'href="/sosialisasi/{sid}"' in page


def test_nominated_employee_sees_it_too(app, world, login_as):
    with app.app_context():
        sid = make_session(world, starts_in=timedelta(days=5)).id
    secretary = english(login_as(world.secretary))
    assert secretary.post(f"/sosialisasi/{sid}/peserta", data={"nips": person(app, world.asn)["nip"]}).status_code == 302
    page = page_text(english(login_as(world.asn)).get("/"))
    assert f'href="/sosialisasi/{sid}"' in page


def test_demo_has_the_session_of_9_august_2019(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Sessions: 9 August 2019 with" in result.output
    with app.app_context():
        day_start = datetime.combine(date(2019, 8, 9), time(0, 0), ZoneInfo("Asia/Jakarta"))
        [s2019] = db.session.scalars(sa.select(SocialisationSession).where(SocialisationSession.starts_at >= day_start,
                                                              SocialisationSession.starts_at < day_start + timedelta(days=1)))
        assert s2019.venue == "Ruang Abu Bakar Ja'ar, Balai Kota Padang"
        assert s2019.starts_at == datetime(2019, 8, 9, 2, 0, tzinfo=timezone.utc)  # 09:00 WIB
        assert s2019.closed_at is not None and s2019.cancelled_at is None
        assert s2019.closed_at > s2019.ends_at
        assert "Perwako No. 15 Tahun 2019" in s2019.title and "Perwako No. 27 Tahun 2019" in s2019.title
        assert s2019.minutes and s2019.owner_opd_id is None
        statuses = [p.status for p in s2019.participants]
        assert statuses.count(AttendanceStatus.PRESENT) > 0 and statuses.count(AttendanceStatus.LATE) > 0
        assert AttendanceStatus.EXPECTED not in statuses  # closing left nobody unmarked
        for p in s2019.participants:
            if p.status.attended:
                assert p.checked_in_at is not None and p.method is not None
                assert (p.checked_in_at > s2019.late_after) == (p.status == AttendanceStatus.LATE)
        assert len(s2019.invited_opds) > 2
        count = db.session.scalar(sa.select(sa.func.count()).select_from(SocialisationSession))

    again = runner.invoke(args=["demo"])  # idempotent
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SocialisationSession)) == count
