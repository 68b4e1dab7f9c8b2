"""Each employee downloads what the portal holds about them: a ZIP with a PDF in their language
and a JSON file; never a secret of the account, never anything of the WBS (not even a query),
never another person's declaration; recorded and rate-limited."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.extensions import db


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def unzip(response) -> tuple[dict, str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["data-saya.json", "data-saya.pdf"]
        return json.loads(archive.read("data-saya.json")), pdf_text(archive.read("data-saya.pdf"))


def _declaration(app, world, account, *, description, related=None):
    from portal.auth.models import User
    from portal.coi import attachments, lists, services
    from portal.coi.models import Activity, Kind, ListKind, Relationship
    from portal.org.models import Employee

    with app.app_context():
        lists.load_lists()
        user = db.session.get(User, account["user_id"])
        fields = services.DraftFields(
            description=description, activity=Activity.PROCUREMENT, related_party="CV Contoh",
            related_nip=db.session.get(Employee, related["employee_id"]).nip if related else "",
            relationship_kind=Relationship.FAMILY, type_ids=(lists.items(ListKind.TYPE)[0].id,),
            source_ids=(lists.items(ListKind.SOURCE)[0].id,))
        d = services.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, fields=fields, actor=user)
        attachments.add(d, "catatan.txt", b"catatan\n")
        services.submit(d, actor=user)
        db.session.commit()
        return d.id


@pytest.fixture
def records(app, world, items):
    """asn.dinkes with a declaration, a passed quiz, a session attended and its certificate; and a
    colleague's declaration naming asn.dinkes."""
    from datetime import timedelta

    from portal.auth.models import User
    from portal.certificates import services as certificates
    from portal.core.clock import utcnow
    from portal.learning import attempts, services as learning
    from portal.learning.content import load_content
    from portal.learning.models import Module
    from portal.org.models import Employee
    from portal.socialisation import checkin, services as sessions
    from portal.socialisation.models import Method

    own = _declaration(app, world, world.asn, description="Adik saya ikut tender yang saya nilai.")
    other = _declaration(app, world, world.secretary, description="RAHASIA-ORANG-LAIN: sepupu saya", related=world.asn)
    with app.app_context():
        load_content()
        employee = db.session.get(Employee, world.asn["employee_id"])
        module = db.session.scalar(sa.select(Module).order_by(Module.position))
        for lesson in module.lessons:
            learning.mark_lesson_read(employee.id, lesson)
        attempt = attempts.start_attempt(employee.id, module)
        answers = {q.question_id: list(q.correct_choice_ids) for q in attempt.questions}
        attempts.submit_attempt(attempt, answers)
        start = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
        session = sessions.save_session(None, sessions.SessionFields(
            title="Sosialisasi Perwako", starts_at=start, ends_at=start + timedelta(hours=2),
            late_after=start + timedelta(minutes=15), venue="Aula", opd_ids=(world.dinkes,), invite_nips=employee.nip),
            actor=db.session.get(User, world.inspektur["user_id"]))
        checkin.check_in(session, employee, method=Method.QR, at=utcnow(), device_hash="a" * 64)
        cert = certificates.issue_for_attendance(session.participants[0])
        db.session.commit()
        return {"own": own, "other": other, "score": attempt.score_percent, "code": cert.formatted_code,
                "nip": employee.nip}


def test_the_download_holds_everything_about_the_person_and_nothing_secret(app, world, login_as, records):
    from portal.auth.models import User

    client = login_as(world.asn)
    data, text = unzip(client.post("/akun/data-saya/unduh"))
    assert data["profile"]["nip"] == records["nip"] and data["profile"]["opd"]["code"] == "DINKES"
    assert data["account"]["username"] == "asn.dinkes" and data["account"]["roles"][0]["code"] == "asn"
    assert data["account"]["last_login_at"]  # ISO 8601
    learning = data["learning"]
    assert learning["lessons_read"] and learning["completions"]
    assert learning["quiz_attempts"][0]["score_percent"] == records["score"]
    assert learning["quiz_attempts"][0]["answers"][0]["correct"] is True
    [declaration] = data["declarations"]
    assert declaration["description"] == "Adik saya ikut tender yang saya nilai."
    assert declaration["attachments"][0]["filename"] == "catatan.txt"
    assert data["declarations_by_others"] == {"naming_you": 1, "routed_to_you": 0}
    assert data["attendance"][0]["status"]["code"] == "present"
    assert data["attendance"][0]["phone_marker_recorded"] is True
    # The attendance certificate, and the module certificate the passed quiz issued.
    assert records["code"] in {c["code"] for c in data["certificates"]}
    assert {c["kind"]["code"] for c in data["certificates"]} == {"attendance", "module"}
    # Never the secrets of the account, never another person's declaration.
    raw = json.dumps(data)
    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        secrets_ = [user.password_hash]
    for secret in secrets_ + ["password", "mfa_secret", "session_version", "recovery", "a" * 64]:
        assert secret not in raw, secret
    assert "RAHASIA-ORANG-LAIN" not in raw and "RAHASIA-ORANG-LAIN" not in text
    # The PDF says the same, in Indonesian (the default), dates written out.
    assert "Data saya di Portal Integritas" in text
    assert records["code"] in text and "Adik saya ikut tender" in text
    assert "Pernyataan oleh orang lain yang menyebut Anda sebagai pihak terkait: 1" in text


def test_the_pdf_is_in_the_persons_language(app, world, login_as, records):
    from portal.auth.models import User

    with app.app_context():
        db.session.get(User, world.asn["user_id"]).locale = "en"
        db.session.commit()
    data, text = unzip(login_as(world.asn).post("/akun/data-saya/unduh"))
    assert data["language"] == "en"
    assert "My data in the Integrity Portal" in text and "Certificates" in text
    assert data["attendance"][0]["status"]["label"] == "Present"


def test_the_download_never_reads_the_wbs(app, world, login_as, records):
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lower())

    client = login_as(world.asn)
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.post("/akun/data-saya/unduh")
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200 and statements
    assert not [s for s in statements if "wbs_" in s]
    # Nor does the code that gathers the data know the WBS exists.
    from pathlib import Path

    import portal.privacy

    for path in Path(portal.privacy.__file__).parent.glob("*.py"):
        assert "portal.wbs" not in path.read_text(), path


def test_each_download_is_recorded_and_the_sixth_in_an_hour_is_refused(app, world, login_as):
    from portal.core.audit import AuditEvent

    client = login_as(world.asn)
    for _ in range(5):
        assert client.post("/akun/data-saya/unduh").status_code == 200
    refused = client.post("/akun/data-saya/unduh?lang=en")
    assert refused.status_code == 429
    assert "downloaded your data several times" in refused.get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "privacy.data_downloaded")).all()
        assert len(events) == 5
        assert {e.actor_id for e in events} == {world.asn["user_id"]}
        assert {e.object_id for e in events} == {str(world.asn["employee_id"])}
        assert set(events[0].data) == {"bytes"}  # nothing of the content
    # Another person's limit is their own.
    assert login_as(world.asn_disdik).post("/akun/data-saya/unduh").status_code == 200


def test_the_download_needs_a_post_with_a_csrf_token(app_factory, world):
    import re

    from portal.core.audit import AuditEvent

    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"login": "asn.dinkes", "password": "kata-sandi-uji-123",
                                       "csrf_token": token}).status_code == 302
    assert client.get("/akun/data-saya/unduh").status_code == 405
    assert client.post("/akun/data-saya/unduh").status_code == 400  # no token: nothing built, nothing recorded
    with app.app_context():
        assert not db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "privacy.data_downloaded"))
    page = client.get("/akun/data-saya").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    unzip(client.post("/akun/data-saya/unduh", data={"csrf_token": token}))


def test_the_data_page_shows_what_is_held_and_the_requests(app, world, login_as, records):
    page = login_as(world.asn).get("/akun/data-saya?lang=en").get_data(as_text=True)
    assert "1 quiz attempts" in page and "Certificates: 2." in page
    assert 'action="/akun/data-saya/unduh"' in page and 'name="csrf_token"' in page


def test_the_technical_admin_account_has_no_data_page(app, world, login_as):
    admin = login_as(world.admin)
    assert admin.get("/akun/data-saya").status_code == 403
    assert admin.post("/akun/data-saya/unduh").status_code == 403


def test_the_download_holds_my_gift_reports_unsealed_and_nobody_else_s(app, world, login_as, make_employee):
    from portal.auth.models import User
    from portal.core.roles import Role
    from portal.core.workdays import today
    from portal.gratification import upg
    from portal.gratification.models import Decision, GiftReport
    from tests.helpers.gifts import gift_report

    officer = make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})
    with app.test_request_context():
        reporter = db.session.get(User, world.asn["user_id"])
        upg_user = db.session.get(User, officer["user_id"])
        mine = db.session.get(GiftReport, gift_report(world.asn["user_id"], chronology="KRONOLOGI-SAYA: parsel "
                                                      "diantar ke rumah oleh rekanan.", attachment=b"kuitansi\n"))
        upg.register(mine, actor=upg_user)
        upg.ask(mine, "PERTANYAAN-UPG: siapa yang mengantar?", actor=upg_user)
        upg.answer(mine, "JAWABAN-SAYA: kurir rekanan.", None, actor=reporter)
        upg.forward(mine, kpk_reference="GOL-2026-77", sent_on=today(), actor=upg_user)
        upg.decide(mine, decision=Decision.RECIPIENT, decision_no="SK-KPK-12", decision_on=today(), actor=upg_user)
        gift_report(world.asn["user_id"], send=False, giver="DRAF-SAYA")
        gift_report(world.secretary["user_id"], giver="PEMBERI-ORANG-LAIN",
                    chronology="RAHASIA-LAPORAN-LAIN: parsel untuk sekretaris dinas.")
        db.session.commit()
        register_no = mine.register_no

    client = login_as(world.asn)
    data, text = unzip(client.post("/akun/data-saya/unduh"))
    reports = {r["register_no"]: r for r in data["gift_reports"]}
    assert len(data["gift_reports"]) == 2 and None in reports  # the draft, without a number
    report = reports[register_no]
    assert report["chronology"].startswith("KRONOLOGI-SAYA") and report["giver_name"] == "Budi Santoso"
    assert report["status"]["code"] == "decided" and report["decision"]["code"] == "recipient"
    assert report["decision_no"] == "SK-KPK-12" and report["kpk_reference"] == "GOL-2026-77"
    assert [o["estimated_value"] for o in report["objects"]] == [1500000, 350000]
    assert [o["kpk_decision"]["code"] for o in report["objects"]] == ["recipient", "recipient"]
    assert report["telephone"] == "0812 6600 1234" and report["address"].startswith("Jl. Khatib Sulaiman")
    assert [m["text"] for m in report["messages"]] == ["PERTANYAAN-UPG: siapa yang mengantar?",
                                                      "JAWABAN-SAYA: kurir rekanan."]
    assert [h["status"]["code"] for h in report["history"]][:3] == ["draft", "sent", "registered"]
    assert report["attachments"][0]["filename"] == "kuitansi.txt"
    assert reports[None]["giver_name"] == "DRAF-SAYA"
    raw = json.dumps(data)
    for other in ("PEMBERI-ORANG-LAIN", "RAHASIA-LAPORAN-LAIN"):
        assert other not in raw and other not in text
    # The PDF has them too, in Indonesian; the data page counts them.
    assert "Laporan gratifikasi yang Anda buat" in text and register_no in text
    assert "KRONOLOGI-SAYA" in text and "JAWABAN-SAYA" in text and "SK-KPK-12" in text
    page = login_as(world.asn).get("/akun/data-saya?lang=en").get_data(as_text=True)
    assert "Gratification reports you made: 2." in page
