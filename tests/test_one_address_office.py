"""A whole office behind one address: a hall of colleagues on one Wi-Fi mistypes and still gets
in, a room types the check-in code at once, and one guesser is still stopped (429)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from tests.helpers.accounts import PASSWORD

HALL = 40


@pytest.fixture
def hall(app, world, make_employee):
    """Forty colleagues of Dinas Kesehatan, each with their own login."""
    return [make_employee(world.dinkes, username=f"peserta.{n:02d}") for n in range(HALL)]


def test_forty_people_mistype_once_from_one_address_and_then_all_log_in(app, hall):
    client_per_person = [app.test_client() for _ in hall]  # one Wi-Fi: the same address for all
    for person, client in zip(hall, client_per_person, strict=True):
        wrong = client.post("/login", data={"login": person["login"], "password": "salah-ketik-1"})
        assert wrong.status_code == 200
    for person, client in zip(hall, client_per_person, strict=True):
        right = client.post("/login", data={"login": person["login"], "password": PASSWORD})
        assert right.status_code == 302, person["login"]


def test_one_guesser_is_still_stopped(app, world):
    client = app.test_client()
    statuses = [client.post("/login", data={"login": "asn.dinkes", "password": f"tebakan-{n}"}).status_code
                for n in range(12)]
    assert statuses[:8] == [200] * 8 and set(statuses[8:]) == {429}
    # The right password does not get through while the account is throttled.
    assert client.post("/login", data={"login": "asn.dinkes", "password": PASSWORD}).status_code == 429


def _running_session(app, world, people) -> int:
    from portal.auth.models import User
    from portal.core.clock import utcnow
    from portal.org.models import Employee
    from portal.socialisation import services

    with app.app_context():
        start = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
        nips = "\n".join(db.session.get(Employee, p["employee_id"]).nip for p in people)
        session = services.save_session(None, services.SessionFields(
            title="Sosialisasi", starts_at=start, ends_at=start + timedelta(hours=3),
            late_after=start + timedelta(minutes=30), venue="Aula", speakers="", opd_ids=(world.dinkes,),
            invite_nips=nips, capacity=None), actor=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
        return session.id


def _code(app, session_id: int) -> str:
    from portal.socialisation import checkin

    with app.app_context():
        return checkin.make_code(session_id, checkin.current_window())


def test_a_room_types_the_code_at_once_and_a_guesser_gets_429(app, world, hall, login_as):
    session_id = _running_session(app, world, hall)
    code = _code(app, session_id)
    room = [login_as(person) for person in hall]
    for client in room:  # everyone types it once, a few twice (a mistyped first try)
        assert client.post("/hadir/", data={"code": code}).status_code == 200
    for client in room[:10]:
        assert client.post("/hadir/", data={"code": "000000"}).status_code in (200, 400)
    with app.app_context():
        from portal.socialisation.models import Participant

        present = db.session.scalars(db.select(Participant).where(Participant.session_id == session_id,
                                                                   Participant.checked_in_at.is_not(None))).all()
    assert len(present) == HALL
    guesser = room[-1]
    statuses = [guesser.post("/hadir/", data={"code": f"{n:06d}"}).status_code for n in range(12)]
    assert 429 in statuses
