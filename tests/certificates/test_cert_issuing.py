"""Certificates issued by events, through the pages people use: a module read and passed, a
session's attendance list closed (and a late mark on a closed list), a yearly statement filed,
with the compliance settings an administrator chooses. Issuing twice changes nothing."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.core.settings import Setting
from portal.core.workdays import today
from tests.certificates.conftest import (BASE, attended_session, certificates, close_session, complete_module, count,
                                         file_yearly_statement, flashed, lesson_ids, open_session, participant_id,
                                         person, right_answers, save_settings, text)


def this_year() -> int:
    return today().year


def ticked(page: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*value="{value}"[^>]*>', page).group(0)
    return " checked" in tag


# --- modules ---------------------------------------------------------------------------------------

def test_completing_a_module_issues_one_module_certificate(app, world, module, client_of):
    module_id = module()
    asn = client_of("asn")
    complete_module(app, asn, module_id)
    assert "You have completed this module." in flashed(asn)

    (cert,) = certificates(app, employee_id=world.asn["employee_id"])
    assert (cert["kind"], cert["subject_key"], cert["module_id"]) == ("module", f"module:{module_id}", module_id)
    assert cert["status"] == "valid" and cert["version"] == 1 and cert["pdf_key"] is None  # rendered on download
    assert [c[0] for c in cert["changes"]] == ["issued"]

    # The learner sees it on their certificates page.
    page = text(asn.get(f"{BASE}/"))
    assert "Module certificate" in page and "Test module" in page and f'{BASE}/{cert["id"]}/pdf' in page

    # Reading everything again and passing again issues nothing new.
    complete_module(app, asn, module_id)
    again = certificates(app, employee_id=world.asn["employee_id"])
    assert [(c["id"], c["code"]) for c in again] == [(cert["id"], cert["code"])]


def test_a_failed_quiz_or_an_unread_lesson_issues_nothing(app, world, module, client_of):
    from portal.learning.models import Attempt

    module_id = module()
    first, second = lesson_ids(app, module_id)
    asn = client_of("asn")

    def attempt(right: bool) -> None:
        response = asn.post(f"/belajar/modul/{module_id}/kuis")
        attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
        answers = right_answers(app, attempt_id)
        if not right:
            with app.app_context():
                questions = db.session.get(Attempt, attempt_id).questions
                answers = {f"q-{q.question_id}": [str(next(c for c in q.choice_order
                                                           if c not in q.correct_choice_ids))] for q in questions}
        asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **answers})

    asn.post(f"/belajar/modul/{module_id}/materi/{first}/selesai")
    attempt(right=False)  # failed
    assert certificates(app) == []
    attempt(right=True)  # passed, but the second lesson is unread
    assert certificates(app) == []
    asn.post(f"/belajar/modul/{module_id}/materi/{second}/selesai")  # now it is complete
    assert [c["kind"] for c in certificates(app)] == ["module"]


# --- sessions --------------------------------------------------------------------------------------

def test_closing_the_attendance_list_issues_to_present_and_late_only(app, world, client_of):
    accounts = [world.asn, world.secretary, world.kadis, world.handler, world.asn_disdik]
    with app.app_context():
        sid = open_session(world, accounts, checked_in=[world.asn])  # present by QR
    inspektur = client_of("inspektur")
    mark = lambda account, status: inspektur.post(  # noqa: E731
        f"/sosialisasi/{sid}/peserta/{participant_id(app, sid, account)}/kehadiran", data={"status": status})
    assert mark(world.secretary, "late").status_code == 302
    assert mark(world.kadis, "excused").status_code == 302
    # world.handler and asn.disdik are left unmarked: absent when the list is closed.

    # Marking and checking in issue nothing while the list is open: closing is the moment.
    assert certificates(app) == []

    assert inspektur.post(f"/sosialisasi/{sid}/tutup").status_code == 302
    assert "the certificates of those who attended are issued" in flashed(inspektur)
    issued = certificates(app, kind="attendance", session_id=sid)
    assert sorted(c["employee_id"] for c in issued) == sorted([world.asn["employee_id"],
                                                               world.secretary["employee_id"]])
    assert {c["subject_key"] for c in issued} == {f"session:{sid}"}
    assert all(c["status"] == "valid" and c["holder_name"] for c in issued)

    # Someone marked present after the list was closed gets theirs at that moment.
    assert mark(world.asn_disdik, "present").status_code == 302
    issued = certificates(app, kind="attendance", session_id=sid)
    assert world.asn_disdik["employee_id"] in {c["employee_id"] for c in issued}
    disdik = next(c for c in issued if c["employee_id"] == world.asn_disdik["employee_id"])
    assert disdik["opd_name"] == "Dinas Pendidikan dan Kebudayaan"
    # ...but marking someone excused or absent on a closed list issues nothing.
    assert mark(world.handler, "absent").status_code == 302
    assert mark(world.kadis, "excused").status_code == 302
    assert len(certificates(app, kind="attendance", session_id=sid)) == 3
    assert certificates(app, employee_id=world.kadis["employee_id"]) == []
    assert certificates(app, employee_id=world.handler["employee_id"]) == []


def test_a_walk_in_on_a_closed_list_gets_a_certificate(app, world, client_of):
    with app.app_context():
        sid = open_session(world, [world.asn], checked_in=[world.asn])
    close_session(app, world, sid)
    inspektur = client_of("inspektur")
    response = inspektur.post(f"/sosialisasi/{sid}/walk-in", data={"nip": person(app, world.kadis)["nip"]})
    assert response.status_code == 302
    assert {c["employee_id"] for c in certificates(app, session_id=sid)} == {world.asn["employee_id"],
                                                                             world.kadis["employee_id"]}


# --- idempotency -----------------------------------------------------------------------------------

def test_issuing_for_the_same_attendance_twice_keeps_one_certificate(app, world):
    from portal.certificates import services
    from portal.socialisation.models import Participant

    sid = attended_session(app, world, [world.asn])
    (first,) = certificates(app, session_id=sid)
    with app.app_context():
        participant = db.session.get(Participant, participant_id(app, sid, world.asn))
        again = [services.issue_for_attendance(participant).id for _ in range(2)]
        db.session.commit()
    assert again == [first["id"]] * 2
    (after,) = certificates(app, session_id=sid)
    assert after["code"] == first["code"] and after["changes"] == first["changes"]


def test_marking_again_on_a_closed_list_keeps_the_certificate_and_its_code(app, world, client_of):
    sid = attended_session(app, world, [world.asn])
    (first,) = certificates(app, session_id=sid)
    inspektur = client_of("inspektur")
    url = f"/sosialisasi/{sid}/peserta/{participant_id(app, sid, world.asn)}/kehadiran"
    for status in ("late", "present", "late"):
        assert inspektur.post(url, data={"status": status}).status_code == 302
    (after,) = certificates(app, session_id=sid)
    assert (after["id"], after["code"], after["version"]) == (first["id"], first["code"], 1)
    assert [c[0] for c in after["changes"]] == ["issued"]


def test_issue_returns_the_existing_certificate_unchanged(app, world):
    """A second issue for the same person and subject, even with other words, returns the first."""
    from portal.certificates import services
    from portal.certificates.models import CertificateKind
    from portal.org.models import Employee

    with app.app_context():
        employee = db.session.get(Employee, world.asn["employee_id"])
        args = dict(subject_key="module:999", subject_en="Test", regulation="", issued_on=date(2026, 3, 2))
        first = services.issue(CertificateKind.MODULE, employee, subject_id="Uji", **args)
        second = services.issue(CertificateKind.MODULE, employee, subject_id="Uji lain", **args)
        # The same subject key under another kind is another certificate.
        other = services.issue(CertificateKind.ATTENDANCE, employee, subject_id="Uji", **args)
        db.session.commit()
        ids = (first.id, second.id, other.id)
    assert ids[0] == ids[1] != ids[2]
    rows = certificates(app, employee_id=world.asn["employee_id"])
    assert len(rows) == 2
    assert next(r for r in rows if r["id"] == ids[0])["changes"] == [("issued", 1, None, "")]


# --- compliance ------------------------------------------------------------------------------------

def compliance_certs(app, account) -> list[dict]:
    return certificates(app, kind="compliance", employee_id=account["employee_id"])


def test_compliance_with_every_module_and_the_yearly_statement(app, world, module, client_of):
    first, second = module("modul-a"), module("modul-b")
    asn = client_of("asn")
    complete_module(app, asn, first)
    complete_module(app, asn, second)
    assert compliance_certs(app, world.asn) == []  # no yearly statement yet
    page = text(asn.get(f"{BASE}/"))
    assert f"Compliance certificate {this_year()}" in page and "Not yet" in page

    file_yearly_statement(asn)
    (cert,) = compliance_certs(app, world.asn)
    assert (cert["subject_key"], cert["year"]) == (f"year:{this_year()}", this_year())
    assert len(certificates(app, kind="module", employee_id=world.asn["employee_id"])) == 2
    page = text(asn.get(f"{BASE}/"))
    assert "Compliance certificate" in page and "Not yet" not in page


def test_statement_first_then_the_last_module_issues_compliance(app, world, module, client_of):
    first, second = module("modul-a"), module("modul-b")
    asn = client_of("asn")
    complete_module(app, asn, first)
    file_yearly_statement(asn)
    assert compliance_certs(app, world.asn) == []
    complete_module(app, asn, second)
    assert len(compliance_certs(app, world.asn)) == 1


def test_a_missing_module_means_no_compliance_until_settings_narrow_the_list(app, world, module, client_of):
    first, _second = module("modul-a"), module("modul-b")
    asn = client_of("asn")
    complete_module(app, asn, first)
    file_yearly_statement(asn)
    assert compliance_certs(app, world.asn) == []

    admin = client_of("admin")
    page = text(admin.get(f"{BASE}/pengaturan"))
    assert 'value="modul-a"' in page and 'value="modul-b"' in page
    save_settings(admin, modules=["modul-a"])
    assert "The settings have been saved." in flashed(admin)
    page = admin.get(f"{BASE}/pengaturan").get_data(as_text=True)
    assert ticked(page, "modul-a") and not ticked(page, "modul-b")

    # With only modul-a required, the same record suffices for the next employee.
    secretary = client_of("secretary")
    complete_module(app, secretary, first)
    file_yearly_statement(secretary)
    assert len(compliance_certs(app, world.secretary)) == 1
    # Widened again to both: a third employee with only modul-a gets none.
    save_settings(admin, modules=["modul-a", "modul-b"])
    kadis = client_of("kadis")
    complete_module(app, kadis, first)
    file_yearly_statement(kadis)
    assert compliance_certs(app, world.kadis) == []


def test_settings_page_is_for_the_administrator_only(app, world, client_of):
    assert client_of("inspektur").get(f"{BASE}/pengaturan").status_code == 403
    assert client_of("asn").post(f"{BASE}/pengaturan", data={"requires_session": "y"}).status_code == 403
    assert count(app, Setting) == 0


def test_compliance_with_attendance_required(app, world, module, client_of):
    first = module("modul-a")
    save_settings(client_of("admin"), requires_session=True)
    asn = client_of("asn")
    complete_module(app, asn, first)
    file_yearly_statement(asn)
    assert compliance_certs(app, world.asn) == []
    assert "Attended a socialisation session in" in text(asn.get(f"{BASE}/"))

    # Attending a session: when its list is closed, the compliance certificate follows.
    attended_session(app, world, [world.asn])
    assert len(compliance_certs(app, world.asn)) == 1

    # Without the tick, the statement and the modules would have sufficed.
    save_settings(client_of("admin"), requires_session=False)
    secretary = client_of("secretary")
    complete_module(app, secretary, first)
    file_yearly_statement(secretary)
    assert len(compliance_certs(app, world.secretary)) == 1


def test_a_session_in_another_year_does_not_count(app, world, module, client_of):
    """Attendance required: only a session of the certificate's year counts."""
    from datetime import timedelta

    from portal.socialisation.models import Participant, SocialisationSession

    first = module("modul-a")
    save_settings(client_of("admin"), requires_session=True)
    sid = attended_session(app, world, [world.asn])
    with app.app_context():  # move the session (and its attendance) to last year
        s = db.session.get(SocialisationSession, sid)
        shift = timedelta(days=400)
        s.starts_at, s.ends_at, s.late_after = s.starts_at - shift, s.ends_at - shift, s.late_after - shift
        for p in db.session.scalars(sa.select(Participant).where(Participant.session_id == sid)):
            p.checked_in_at = p.checked_in_at - shift if p.checked_in_at else None
        db.session.commit()
    asn = client_of("asn")
    complete_module(app, asn, first)
    file_yearly_statement(asn)
    assert compliance_certs(app, world.asn) == []


def test_checking_compliance_twice_keeps_one(app, world, module, client_of):
    from portal.certificates import services
    from portal.org.models import Employee

    first = module("modul-a")
    asn = client_of("asn")
    complete_module(app, asn, first)
    file_yearly_statement(asn)
    (cert,) = compliance_certs(app, world.asn)
    with app.app_context():
        employee = db.session.get(Employee, world.asn["employee_id"])
        assert services.check_compliance(employee, this_year()).id == cert["id"]
        assert services.check_compliance(employee, this_year()).id == cert["id"]
        db.session.commit()
    assert [c["code"] for c in compliance_certs(app, world.asn)] == [cert["code"]]
