"""Builders for the session tests and the access matrix; they run inside an app context and
go through the services, so a test sees what a real organiser would have made."""
from __future__ import annotations

from datetime import timedelta

from portal.auth.models import User
from portal.db_types import utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.socialisation import checkin, services
from portal.socialisation.models import Method, Session, Source


def _fields(start, *, minutes_long=120, late_after=15, opd_ids=(), nips="", title="Sosialisasi Perwako 15 dan 27",
            capacity=None) -> services.SessionFields:
    return services.SessionFields(title=title, starts_at=start, ends_at=start + timedelta(minutes=minutes_long),
                                  late_after=start + timedelta(minutes=late_after), venue="Ruang Abu Bakar Ja'ar, Balai Kota Padang",
                                  speakers="Inspektorat\nKabag Hukum Setdako", opd_ids=tuple(opd_ids),
                                  invite_nips=nips, capacity=capacity)


def make_session(world, *, starts_in: timedelta, organiser=None, opds=None, invite=(), **kwargs) -> Session:
    """A session by `organiser` (default: inspektur) inviting `opds` (default: Dinas Kesehatan)
    and the accounts in `invite`. Times are whole minutes, as the form would give them."""
    organiser = organiser or world.inspektur
    start = (utcnow() + starts_in).replace(second=0, microsecond=0)
    actor = db.session.get(User, organiser["user_id"])
    nips = "\n".join(db.session.get(Employee, a["employee_id"]).nip for a in invite)
    session = services.save_session(None, _fields(start, opd_ids=opds if opds is not None else [world.dinkes],
                                                  nips=nips, **kwargs), actor=actor)
    db.session.commit()
    return session


def check_in(session: Session, account, *, at=None, device="device-a"):
    employee = db.session.get(Employee, account["employee_id"])
    outcome = checkin.check_in(session, employee, method=Method.QR, at=at or utcnow(), device_hash=device)
    db.session.commit()
    return outcome


def running_session(world, *, minutes="", with_photo=False, checked_in=()) -> Session:
    """Started 10 minutes ago (not yet late), with asn.dinkes invited."""
    from tests.wbs.builders import png_bytes

    session = make_session(world, starts_in=timedelta(minutes=-10), invite=[world.asn], minutes_long=180)
    actor = db.session.get(User, world.inspektur["user_id"])
    for account in checked_in:
        check_in(session, account)
    if minutes:
        services.save_minutes(session, minutes, actor=actor)
    if with_photo:
        services.add_photo(session, png_bytes(), "foto.png", "Peserta sosialisasi", actor=actor)
    db.session.commit()
    assert all(p.source == Source.INVITED for p in session.participants)
    return session
