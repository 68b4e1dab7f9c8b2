"""Correction requests: the employee asks, an administrator answers (done, or declined with a
reason), the employee reads the answer and is told by e-mail; every step audited without the
request's words."""
from __future__ import annotations

import html
import re
from email import message_from_bytes

import pytest
import sqlalchemy as sa

from portal.extensions import db

REQUEST = {"topic": "profile", "what_is_wrong": "Jabatan saya tercatat Staf.",
           "should_be": "Analis Kebijakan Ahli Muda"}


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def requests_of(app, employee_id):
    from portal.privacy.models import CorrectionRequest

    with app.app_context():
        return [(r.id, r.topic.value, r.what_is_wrong, r.should_be, r.status.value, r.note, r.handled_by_id)
                for r in db.session.scalars(sa.select(CorrectionRequest)
                                            .where(CorrectionRequest.employee_id == employee_id)
                                            .order_by(CorrectionRequest.id))]


def events(app, action):
    from portal.core.audit import AuditEvent

    with app.app_context():
        return [(e.actor_id, e.object_id, e.data) for e in
                db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def set_email(app, account, email):
    from portal.org.models import Employee

    with app.app_context():
        db.session.get(Employee, account["employee_id"]).email = email
        db.session.commit()


def test_an_employee_asks_for_a_correction_and_it_is_recorded_and_audited(app, world, login_as):
    client = login_as(world.asn)
    response = client.post("/akun/data-saya/koreksi", data=REQUEST)
    assert response.status_code == 302 and response.headers["Location"].endswith("/akun/data-saya")
    [(request_id, topic, wrong, should, status, note, handler)] = requests_of(app, world.asn["employee_id"])
    assert (topic, wrong, should, status, handler) == ("profile", REQUEST["what_is_wrong"], REQUEST["should_be"],
                                                       "open", None)
    [(actor, object_id, data)] = events(app, "privacy.correction_requested")
    assert actor == world.asn["user_id"] and object_id == str(request_id)
    assert data == {"topic": "profile"}  # the audit log can never be erased: no words of the request
    page = text(client.get("/akun/data-saya?lang=en"))
    assert "Waiting for an administrator" in page and REQUEST["what_is_wrong"] in page


def test_bad_input_comes_back_with_what_was_typed_and_the_reason(app, world, login_as):
    client = login_as(world.asn)
    response = client.post("/akun/data-saya/koreksi?lang=en",
                           data={"topic": "profile", "what_is_wrong": "Nama saya salah eja", "should_be": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nama saya salah eja" in page and 'id="should_be-error"' in page and "Say what it should be." in page
    assert client.post("/akun/data-saya/koreksi", data={**REQUEST, "topic": "gaji"}).status_code == 400
    assert client.post("/akun/data-saya/koreksi", data={**REQUEST, "should_be": "x" * 2001}).status_code == 400
    assert requests_of(app, world.asn["employee_id"]) == []


def test_ten_waiting_requests_are_enough(app, world, login_as):
    client = login_as(world.asn)
    for _ in range(10):
        assert client.post("/akun/data-saya/koreksi", data=REQUEST).status_code == 302
    refused = client.post("/akun/data-saya/koreksi?lang=en", data=REQUEST)
    assert refused.status_code == 400 and "10 requests waiting" in refused.get_data(as_text=True)
    assert len(requests_of(app, world.asn["employee_id"])) == 10


def test_the_admin_list_puts_waiting_requests_first_and_shows_when_the_answer_is_due(app, world, login_as):
    from portal.privacy import corrections
    from portal.privacy.models import CorrectionStatus

    login_as(world.asn).post("/akun/data-saya/koreksi", data={**REQUEST, "what_is_wrong": "PERTAMA"})
    login_as(world.asn_disdik).post("/akun/data-saya/koreksi", data={**REQUEST, "what_is_wrong": "KEDUA"})
    login_as(world.secretary).post("/akun/data-saya/koreksi", data={**REQUEST, "what_is_wrong": "KETIGA"})
    first, second, third = (requests_of(app, a["employee_id"])[0][0] for a in (world.asn, world.asn_disdik,
                                                                              world.secretary))
    admin = login_as(world.admin)
    assert admin.post(f"/admin/privasi/koreksi/{first}", data={"outcome": "done", "note": ""}).status_code == 302
    page = admin.get("/admin/privasi/koreksi?lang=en").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'href="/admin/privasi/koreksi/(\d+)"', page)]
    assert ids == [second, third, first]  # waiting, oldest first; then the answered
    assert "2 waiting" in html.unescape(page)
    with app.app_context():
        assert corrections.open_count() == 2
        assert db.session.get(corrections.CorrectionRequest, second).status == CorrectionStatus.OPEN
    assert "Correction requests (2 waiting)" in text(admin.get("/admin/?lang=en"))


def test_declining_needs_a_note_then_the_employee_reads_it_and_is_emailed(app, world, login_as, tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    set_email(app, world.asn, "asn@contoh.go.id")
    login_as(world.asn).post("/akun/data-saya/koreksi", data=REQUEST)
    [(request_id, *_)] = requests_of(app, world.asn["employee_id"])
    admin = login_as(world.admin)
    refused = admin.post(f"/admin/privasi/koreksi/{request_id}?lang=en", data={"outcome": "declined", "note": " "})
    assert refused.status_code == 400 and 'id="note-error"' in refused.get_data(as_text=True)
    assert requests_of(app, world.asn["employee_id"])[0][4] == "open"
    note = "Jabatan sesuai SK terakhir; kirim SK baru ke sekretariat."
    assert admin.post(f"/admin/privasi/koreksi/{request_id}", data={"outcome": "declined", "note": note}
                      ).status_code == 302
    [(_, _, _, _, status, stored_note, handler)] = requests_of(app, world.asn["employee_id"])
    assert (status, stored_note, handler) == ("declined", note, world.admin["user_id"])
    [(actor, object_id, data)] = events(app, "privacy.correction_handled")
    assert actor == world.admin["user_id"] and data == {"topic": "profile", "status": "declined",
                                                         "employee": world.asn["employee_id"]}
    page = text(login_as(world.asn).get("/akun/data-saya?lang=en"))
    assert "Declined" in page and note in page
    [mail] = list((tmp_path / "mail").iterdir())
    message = message_from_bytes(mail.read_bytes())
    assert message["To"] == "asn@contoh.go.id"
    body = message.get_payload(decode=True).decode()
    assert "/akun/data-saya" in body and "Ditolak" in body
    assert note not in body  # the answer is read in the portal, not in a mailbox


def test_an_answer_is_given_once(app, world, login_as):
    login_as(world.asn).post("/akun/data-saya/koreksi", data=REQUEST)
    [(request_id, *_)] = requests_of(app, world.asn["employee_id"])
    admin = login_as(world.admin)
    assert admin.post(f"/admin/privasi/koreksi/{request_id}", data={"outcome": "done", "note": "Sudah."}
                      ).status_code == 302
    again = admin.post(f"/admin/privasi/koreksi/{request_id}", data={"outcome": "declined", "note": "Tidak."})
    assert again.status_code == 200 and 'name="outcome"' not in again.get_data(as_text=True)
    assert requests_of(app, world.asn["employee_id"])[0][4:6] == ("done", "Sudah.")
    with app.app_context():
        from portal.auth.models import User
        from portal.privacy import corrections

        item = db.session.get(corrections.CorrectionRequest, request_id)
        with pytest.raises(corrections.PrivacyError):
            corrections.handle(item, outcome=corrections.CorrectionStatus.DECLINED, note="x",
                               actor=db.session.get(User, world.admin["user_id"]))
    assert len(events(app, "privacy.correction_handled")) == 1


def test_without_an_address_nobody_is_emailed(app, world, login_as, tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    login_as(world.asn).post("/akun/data-saya/koreksi", data=REQUEST)
    [(request_id, *_)] = requests_of(app, world.asn["employee_id"])
    assert login_as(world.admin).post(f"/admin/privasi/koreksi/{request_id}",
                                      data={"outcome": "done", "note": ""}).status_code == 302
    assert not (tmp_path / "mail").exists()


def test_a_mail_server_that_fails_does_not_lose_the_answer(app, world, login_as):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens on the discard port
    set_email(app, world.asn, "asn@contoh.go.id")
    login_as(world.asn).post("/akun/data-saya/koreksi", data=REQUEST)
    [(request_id, *_)] = requests_of(app, world.asn["employee_id"])
    admin = login_as(world.admin)
    response = admin.post(f"/admin/privasi/koreksi/{request_id}?lang=en", data={"outcome": "done", "note": ""},
                          follow_redirects=True)
    assert response.status_code == 200 and "could not be sent" in text(response)
    assert requests_of(app, world.asn["employee_id"])[0][4] == "done"


def test_the_demo_has_one_waiting_request_and_stays_idempotent(app, runner):
    from portal.privacy.models import CorrectionRequest

    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        [item] = db.session.scalars(sa.select(CorrectionRequest)).all()
        assert item.employee.user.username == "asn.dinkes" and item.is_open


def test_a_request_waiting_more_than_three_days_is_marked_overdue(app, world, login_as):
    from datetime import timedelta

    from portal.core.clock import utcnow
    from portal.privacy.models import CorrectionRequest

    login_as(world.asn).post("/akun/data-saya/koreksi", data=REQUEST)
    admin = login_as(world.admin)
    assert "Overdue" not in admin.get("/admin/privasi/koreksi?lang=en").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(sa.select(CorrectionRequest)).created_at = utcnow() - timedelta(hours=73)
        db.session.commit()
    assert "Overdue" in admin.get("/admin/privasi/koreksi?lang=en").get_data(as_text=True)
