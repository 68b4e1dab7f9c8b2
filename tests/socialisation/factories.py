"""Builders for the session tests and the access matrix; they run inside an app context and
go through the services, so a test sees what a real organiser would have made."""
from __future__ import annotations

from datetime import timedelta

from portal.auth.models import User
from portal.core.clock import utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.socialisation import checkin, records, services
from portal.socialisation.models import Method, SocialisationSession, Source
from tests.helpers.pages import english, field_error, flashed, page_text, pdf_text  # noqa: F401 (used by the tests)


def _fields(start, *, minutes_long=120, late_after=15, opd_ids=(), nips="", title="Sosialisasi Perwako 15 dan 27",
            capacity=None) -> services.SessionFields:
    return services.SessionFields(title=title, starts_at=start, ends_at=start + timedelta(minutes=minutes_long),
                                  late_after=start + timedelta(minutes=late_after), venue="Ruang Abu Bakar Ja'ar, Balai Kota Padang",
                                  speakers="Inspektorat\nKabag Hukum Setdako", opd_ids=tuple(opd_ids),
                                  invite_nips=nips, capacity=capacity)


def make_session(world, *, starts_in: timedelta, organiser=None, opds=None, invite=(), **kwargs) -> SocialisationSession:
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


def check_in(session: SocialisationSession, account, *, at=None, device="device-a"):
    employee = db.session.get(Employee, account["employee_id"])
    outcome = checkin.check_in(session, employee, method=Method.QR, at=at or utcnow(), device_hash=device)
    db.session.commit()
    return outcome


def running_session(world, *, minutes="", with_photo=False, checked_in=()) -> SocialisationSession:
    """Started 10 minutes ago (not yet late), with asn.dinkes invited."""
    from tests.wbs.builders import png_bytes

    session = make_session(world, starts_in=timedelta(minutes=-10), invite=[world.asn], minutes_long=180)
    actor = db.session.get(User, world.inspektur["user_id"])
    for account in checked_in:
        check_in(session, account)
    if minutes:
        records.save_minutes(session, minutes, actor=actor)
    if with_photo:
        records.add_photo(session, png_bytes(), "foto.png", "Peserta sosialisasi", actor=actor)
    db.session.commit()
    assert all(p.source == Source.INVITED for p in session.participants)
    return session


# --- helpers for the HTTP tests (plain values only, usable outside the app context) ------------

def person(app, account) -> dict:
    """Name, NIP and OPD id of a world account."""
    with app.app_context():
        employee = db.session.get(Employee, account["employee_id"])
        return {"name": employee.name, "nip": employee.nip, "opd_id": employee.opd_id,
                "nip_formatted": f"{employee.nip[:8]} {employee.nip[8:14]} {employee.nip[14]} {employee.nip[15:]}"}


def participant_row(app, session_id: int, account) -> dict | None:
    """The participant row of `account` in a session, as plain values, or None."""
    import sqlalchemy as sa

    from portal.socialisation.models import Participant

    with app.app_context():
        p = db.session.scalar(sa.select(Participant).where(Participant.session_id == session_id,
                                                           Participant.employee_id == account["employee_id"]))
        if p is None:
            return None
        return {"id": p.id, "status": p.status.value, "method": p.method.value if p.method else None,
                "source": p.source.value, "checked_in_at": p.checked_in_at, "device_hash": p.device_hash,
                "opd_id": p.opd_id, "marked_by_id": p.marked_by_id}


def participant_rows(app, session_id: int) -> list[dict]:
    """Every participant of a session: employee id, status, source, method."""
    import sqlalchemy as sa

    from portal.socialisation.models import Participant

    with app.app_context():
        return [{"employee_id": p.employee_id, "status": p.status.value, "source": p.source.value,
                 "method": p.method.value if p.method else None, "opd_id": p.opd_id,
                 "checked_in_at": p.checked_in_at}
                for p in db.session.scalars(sa.select(Participant).where(Participant.session_id == session_id)
                                            .order_by(Participant.id))]


def session_state(app, session_id: int) -> dict:
    with app.app_context():
        s = db.session.get(SocialisationSession, session_id)
        return {"title": s.title, "closed_at": s.closed_at, "cancelled_at": s.cancelled_at,
                "owner_opd_id": s.owner_opd_id, "invited": sorted(o.id for o in s.invited_opds),
                "starts_at": s.starts_at, "ends_at": s.ends_at, "late_after": s.late_after, "venue": s.venue,
                "capacity": s.capacity, "photos": [p.id for p in s.photos]}


