"""The UPG's workflow on one report, through HTTP as upg.inspektorat and as the reporter: register
with the receipt (tanda terima), ask for more (the UPG's period paused until the answer), forward
to the KPK with its reference, settle at the UPG where the setting allows, the KPK's decision, the
handover and closing; wrong-status steps refused, bad input kept, other people 404."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from portal.extensions import db
from tests.helpers.pages import english, field_error, flashed, page_text, pdf_text
from tests.wbs.builders import png_bytes

UPG = "/gratifikasi/upg"


@pytest.fixture
def upg_user(world, make_employee):
    from portal.core.roles import Role

    return make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG},
                         position="Auditor Ahli Pertama")


@pytest.fixture
def today(app):
    from portal.core.workdays import today as local_today

    with app.app_context():
        return local_today()


@pytest.fixture
def sent(app, world, today):
    """A report by asn.dinkes with two objects and a photo, sent to the UPG; returns its id."""
    from portal.auth.models import User
    from portal.gratification import attachments, services
    from portal.gratification.models import Custody, GiverRelation, ObjectKind
    from portal.org.models import Employee

    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        fields = services.ReportFields(
            nik="1371011234560001", reporter_address="Jl. Khatib Sulaiman 12, Padang", reporter_phone="0812 6600 1234",
            giver_name="Budi Santoso", giver_institution="CV Maju Bersama",
            giver_address="Jl. Sudirman 1, Padang", giver_relation=GiverRelation.SUPPLIER, occasion="Idul Fitri",
            received_on=today - timedelta(days=2), place="Kantor Dinas Kesehatan",
            chronology="Rekanan datang ke kantor dan menyerahkan bingkisan serta amplop berisi uang.",
            objects=[services.ObjectFields(kind=ObjectKind.MONEY, description="Amplop berisi uang tunai",
                                           value=1500000, custody=Custody.UPG),
                     services.ObjectFields(kind=ObjectKind.FOOD, description="Parsel makanan", value=350000)])
        report = services.save_draft(None, reporter=db.session.get(Employee, world.asn["employee_id"]),
                                     fields=fields, actor=user)
        attachments.add(report, "foto.png", png_bytes())
        services.submit(report, actor=user)
        db.session.commit()
        return report.id


def state(app, report_id: int) -> dict:
    from portal.gratification.models import GiftReport

    with app.app_context():
        r = db.session.get(GiftReport, report_id)
        return {"status": r.status.value, "register_no": r.register_no, "receipt_no": r.receipt_no,
                "forward_due_on": r.forward_due_on,
                "waiting_since": r.waiting_since, "kpk_reference": r.kpk_reference, "kpk_sent_on": r.kpk_sent_on,
                "decision": r.decision.value if r.decision else None, "handover_due_on": r.handover_due_on,
                "handover_on": r.handover_on, "registered_on": r.registered_on,
                "history": [(h.status.value, h.step) for h in r.history],
                "messages": [(m.from_upg, m.body, m.attachment_id is not None) for m in r.messages]}


def actions(app) -> list[str]:
    import sqlalchemy as sa

    from portal.core.audit import AuditEvent

    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("gratification.%"))
                                       .order_by(AuditEvent.seq)))


def csrf(client, url: str) -> str:
    import re

    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post(client, report_id: int, path: str, data: dict | None = None, *, reporter: bool = False, **kwargs):
    page = f"/gratifikasi/{report_id}" if reporter else f"{UPG}/{report_id}"
    token = csrf(client, page)
    return client.post(f"{page}/{path}", data={"csrf_token": token, **(data or {})}, **kwargs)


def each(decision: str) -> dict:
    """The same KPK decision on both objects of the `sent` report (the KPK decides per object)."""
    return {"object_decisions-0": decision, "object_decisions-1": decision}


def register(app, client, report_id: int):
    response = post(client, report_id, "registrasi")
    assert response.status_code == 302, page_text(response)[:1500]
    return response


def test_register_issues_the_receipt_in_indonesian_for_an_english_reader(app, world, login_as, upg_user, sent,
                                                                         today):
    from portal.documents import services as documents

    with app.app_context():
        documents.save_letterhead(None, opd_id=None, government_line="Pemerintah Kota Padang", unit_line="",
                                  address="Jl. Bagindo Aziz Chan No. 1", phone="", email="", website="", actor=None)
        documents.save_signatory("gratification.receipt", "sign", organiser=False, capacity="",
                                 office="Ketua Unit Pengendalian Gratifikasi", name="Dra. Sri Wahyuni", rank="",
                                 nip="", actor=None)
        db.session.commit()
    upg = login_as(upg_user)
    assert "Register and issue the receipt" in page_text(english(upg).get(f"{UPG}/{sent}")) or \
        "Registrasikan" in page_text(upg.get(f"{UPG}/{sent}"))
    register(app, upg, sent)
    after = state(app, sent)
    assert after["status"] == "registered" and after["receipt_no"] and after["registered_on"] == today
    assert after["forward_due_on"] > today
    assert "gratification.registered" in actions(app)

    reporter = english(login_as(world.asn))
    page = page_text(reporter.get(f"/gratifikasi/{sent}"))
    assert after["receipt_no"] in page
    response = reporter.get(f"/gratifikasi/{sent}/tanda-terima.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert after["receipt_no"] in text
    assert "PEMERINTAH KOTA PADANG" in text  # the letterhead
    assert "TANDA TERIMA LAPORAN GRATIFIKASI" in text  # Indonesian for an English reader
    assert "Amplop berisi uang tunai" in text and "Rp1.500.000" in text and "Parsel makanan" in text
    assert "Uang" in text and "Rp1.850.000" in text
    assert "Dra. Sri Wahyuni" in text and "Ketua Unit Pengendalian Gratifikasi" in text
    # The same number again, however often it is printed.
    assert after["receipt_no"] in pdf_text(upg.get(f"/gratifikasi/{sent}/tanda-terima.pdf").data)

    # Registering twice is refused with a message, nothing changes.
    response = post(upg, sent, "registrasi")
    assert response.status_code == 400
    assert "not possible" in page_text(response) or "tidak dapat" in page_text(response)
    assert state(app, sent)["receipt_no"] == after["receipt_no"]


def test_the_receipt_waits_for_registration(app, world, login_as, sent):
    reporter = english(login_as(world.asn))
    response = reporter.get(f"/gratifikasi/{sent}/tanda-terima.pdf")
    assert response.status_code == 302 and "registers the report" in flashed(reporter)


def test_asking_pauses_the_clock_and_the_answer_moves_it(app, world, login_as, upg_user, sent, today, monkeypatch):
    from portal.core.workdays import add_workdays, workdays_between
    from portal.gratification import upg as upg_service

    upg = english(login_as(upg_user))
    register(app, upg, sent)
    due = state(app, sent)["forward_due_on"]

    # Too short: refused, what was typed kept.
    response = post(upg, sent, "minta-keterangan", {"message": "Foto?"})
    assert response.status_code == 400
    assert "at least 10" in field_error(page_text(response), "message")
    assert "Foto?" in page_text(response)

    monkeypatch.setattr(upg_service, "today", lambda: today)
    response = post(upg, sent, "minta-keterangan", {"message": "Mohon lampirkan foto amplop dan isinya."})
    assert response.status_code == 302
    asked = state(app, sent)
    assert asked["status"] == "more_information" and asked["waiting_since"] == today
    assert "Paused since" in page_text(upg.get(f"{UPG}/{sent}"))

    reporter = english(login_as(world.asn))
    page = page_text(reporter.get(f"/gratifikasi/{sent}"))
    assert "Mohon lampirkan foto amplop dan isinya." in page
    home = page_text(reporter.get("/"))
    assert "The UPG asks for more information" in home

    later = today + timedelta(days=7)
    monkeypatch.setattr(upg_service, "today", lambda: later)
    photo = (io.BytesIO(png_bytes()), "amplop.png")
    response = post(reporter, sent, "jawab", {"message": "Foto amplop terlampir, isinya Rp1.500.000.",
                                              "file": photo}, reporter=True, content_type="multipart/form-data")
    assert response.status_code == 302, page_text(response)[:1500]
    answered = state(app, sent)
    assert answered["status"] == "registered" and answered["waiting_since"] is None
    with app.app_context():
        shift = workdays_between(today, later)
        assert answered["forward_due_on"] == add_workdays(due, shift)
    assert shift > 0
    assert answered["messages"][-1] == (False, "Foto amplop terlampir, isinya Rp1.500.000.", True)
    assert [s for _, s in answered["history"] if s] == ["asked", "answered"]
    assert {"gratification.info_asked", "gratification.info_answered"} <= set(actions(app))


def test_answering_is_the_reporters_and_only_when_asked(app, world, login_as, upg_user, sent):
    upg = english(login_as(upg_user))
    register(app, upg, sent)
    reporter = english(login_as(world.asn))
    response = post(reporter, sent, "jawab", {"message": "Jawaban yang tidak ditanyakan."}, reporter=True)
    assert response.status_code == 400 and "not possible" in page_text(response)
    # The UPG's own pages are 404 to the reporter.
    assert reporter.get(f"{UPG}/{sent}").status_code == 404
    assert post(upg, sent, "minta-keterangan", {"message": "Mohon jelaskan hubungan dengan pemberi."}).status_code \
        == 302
    response = post(reporter, sent, "jawab", {"message": "pendek"}, reporter=True)
    assert response.status_code == 400 and "pendek" in page_text(response)
    assert state(app, sent)["status"] == "more_information"


def test_forward_with_the_kpk_form_then_the_decision_handover_and_close(app, world, login_as, upg_user, sent, today):
    upg = english(login_as(upg_user))
    # Not before it is registered.
    response = post(upg, sent, "teruskan", {"kpk_reference": "GOL-2026-0001", "kpk_sent_on": today.isoformat()})
    assert response.status_code == 400 and "not possible" in page_text(response)
    register(app, upg, sent)

    text = upg.get(f"{UPG}/{sent}/formulir-kpk.txt")
    assert text.status_code == 200 and text.mimetype == "text/plain"
    body = text.get_data(as_text=True)
    order = ["1. IDENTITAS PENERIMA", "2. PEMBERI", "3. JABATAN PENERIMA", "4. TEMPAT DAN WAKTU PENERIMAAN",
             "5. JENIS GRATIFIKASI", "6. NILAI", "7. KRONOLOGI PENERIMAAN", "8. BUKTI, DOKUMEN ATAU DATA PENDUKUNG"]
    positions = [body.index(h) for h in order]
    assert positions == sorted(positions)
    assert "Jl. Khatib Sulaiman 12, Padang" in body and "0812 6600 1234" in body
    assert "1371011234560001" in body and "Budi Santoso" in body and "Rp1.850.000" in body and "foto.png" in body
    kpk_pdf = upg.get(f"{UPG}/{sent}/formulir-kpk.pdf")
    assert kpk_pdf.status_code == 200 and "1. Identitas penerima" in pdf_text(kpk_pdf.data)
    assert "No. register" in pdf_text(kpk_pdf.data)

    # Bad input is refused and kept.
    future = (today + timedelta(days=3)).isoformat()
    response = post(upg, sent, "teruskan", {"kpk_reference": "GOL-2026-0001", "kpk_sent_on": future})
    assert response.status_code == 400 and "future" in field_error(page_text(response), "kpk_sent_on")
    assert 'value="GOL-2026-0001"' in response.get_data(as_text=True)
    response = post(upg, sent, "teruskan", {"kpk_reference": "", "kpk_sent_on": "bukan tanggal"})
    assert response.status_code == 400
    assert post(upg, sent, "teruskan", {"kpk_reference": "GOL-2026-0001",
                                        "kpk_sent_on": today.isoformat()}).status_code == 302
    assert state(app, sent)["status"] == "forwarded" and state(app, sent)["kpk_reference"] == "GOL-2026-0001"

    response = post(upg, sent, "keputusan", {**each("bogus"), "decision_no": "", "decision_on": ""})
    assert response.status_code == 400
    response = post(upg, sent, "keputusan", {**each("state"), "decision_no": "", "decision_on": today.isoformat()})
    assert response.status_code == 400 and "number" in field_error(page_text(response), "decision_no")
    assert post(upg, sent, "keputusan", {**each("state"), "decision_no": "SK-123/KPK/2026",
                                         "decision_on": today.isoformat()}).status_code == 302
    decided = state(app, sent)
    assert decided["status"] == "decided" and decided["handover_due_on"] > today

    reporter = english(login_as(world.asn))
    page = page_text(reporter.get(f"/gratifikasi/{sent}"))
    assert "state property" in page and "7 working days" in page and "SK-123/KPK/2026" in page
    # Closing before the handover is refused.
    response = post(upg, sent, "tutup")
    assert response.status_code == 400 and "handover" in page_text(response)
    # The reporter uploads the handover proof.
    proof = (io.BytesIO(png_bytes()), "bast.png")
    response = post(reporter, sent, "serah-terima", {"handover_on": today.isoformat(), "handover_note": "",
                                                     "handover_file": proof},
                    reporter=True, content_type="multipart/form-data")
    assert response.status_code == 302, page_text(response)[:1500]
    assert state(app, sent)["handover_on"] == today
    assert post(upg, sent, "tutup").status_code == 302
    final = state(app, sent)
    assert final["status"] == "closed"
    # Closed, it leaves the queue (the work in hand) and stays in the register.
    assert final["register_no"] not in page_text(upg.get(f"{UPG}/"))
    assert final["register_no"] in page_text(upg.get(f"{UPG}/register?tahun={today.year}"))
    history = page_text(upg.get(f"{UPG}/{sent}"))
    assert "Handover recorded" in history and "Registered by the UPG" in history
    assert ["gratification.report_sent", "gratification.registered", "gratification.forwarded",
            "gratification.decided", "gratification.handover_recorded", "gratification.closed"] == actions(app)


def test_recipients_property_closes_without_a_handover(app, world, login_as, upg_user, sent, today):
    upg = english(login_as(upg_user))
    register(app, upg, sent)
    post(upg, sent, "teruskan", {"kpk_reference": "GOL-7", "kpk_sent_on": today.isoformat()})
    post(upg, sent, "keputusan", {**each("recipient"), "decision_no": "SK-9", "decision_on": today.isoformat()})
    assert state(app, sent)["handover_due_on"] is None
    reporter = english(login_as(world.asn))
    assert "your property" in page_text(reporter.get(f"/gratifikasi/{sent}"))
    assert post(upg, sent, "tutup").status_code == 302 and state(app, sent)["status"] == "closed"


def test_settling_at_the_upg_only_where_the_setting_allows(app, world, login_as, upg_user, sent):
    upg = english(login_as(upg_user))
    register(app, upg, sent)
    response = post(upg, sent, "selesaikan", {"note": "Nilai di bawah batas wajar dan tanpa konflik."})
    assert response.status_code == 400 and "do not let" in page_text(response)
    admin = login_as(world.admin)
    token = csrf(admin, f"{UPG}/pengaturan")
    assert admin.post(f"{UPG}/pengaturan", data={"csrf_token": token, "upg_days": "10", "reminder_days": "5",
                                                  "forward_days": "10", "may_settle": "y"}).status_code == 302
    assert "Settle at the UPG" in page_text(upg.get(f"{UPG}/{sent}"))
    assert post(upg, sent, "selesaikan", {"note": "Nilai di bawah batas wajar dan tanpa konflik."}).status_code == 302
    after = state(app, sent)
    assert after["status"] == "closed" and after["history"][-1] == ("closed", "settled")


def test_the_upgs_todo_counts(app, world, login_as, upg_user, sent, today):
    upg = english(login_as(upg_user))
    assert "1 gratification report waits to be registered." in page_text(upg.get("/"))
    register(app, upg, sent)
    assert "1 registered gratification report waits to be forwarded to the KPK." in page_text(upg.get("/"))
    post(upg, sent, "teruskan", {"kpk_reference": "GOL-7", "kpk_sent_on": today.isoformat()})
    post(upg, sent, "keputusan", {**each("state_redeemable"), "decision_no": "SK-1",
                                  "decision_on": (today - timedelta(days=20)).isoformat()})
    assert state(app, sent)["status"] == "forwarded"  # not before it was sent to the KPK
    from portal.gratification.models import GiftReport

    with app.app_context():
        db.session.get(GiftReport, sent).kpk_sent_on = today - timedelta(days=30)
        db.session.commit()
    post(upg, sent, "keputusan", {**each("state_redeemable"), "decision_no": "SK-1",
                                  "decision_on": (today - timedelta(days=20)).isoformat()})
    assert state(app, sent)["status"] == "decided"
    assert "1 handover of state property is overdue." in page_text(upg.get("/"))


def test_others_get_404_and_forms_need_their_token(app, world, login_as, upg_user, sent):
    for person in (world.asn_disdik, world.secretary, world.admin, world.asn):
        client = login_as(person)
        assert client.get(f"{UPG}/{sent}").status_code == 404
        assert client.post(f"{UPG}/{sent}/registrasi").status_code == 404
        assert client.get(f"{UPG}/{sent}/formulir-kpk.txt").status_code == 404
    other = login_as(world.asn_disdik)
    assert other.get(f"/gratifikasi/{sent}/tanda-terima.pdf").status_code == 404
    assert other.post(f"/gratifikasi/{sent}/jawab").status_code == 404
    assert login_as(upg_user).get(f"{UPG}/99999").status_code == 404


def test_the_steps_need_the_csrf_token(app, app_factory, world, upg_user, sent):
    import re

    from tests.helpers.accounts import PASSWORD

    strict = app_factory(WTF_CSRF_ENABLED=True)  # the same database as `app`
    client = strict.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"login": "upg.inspektorat", "password": PASSWORD,
                                       "csrf_token": token.group(1)}).status_code == 302
    for path, data in (("registrasi", {}), ("minta-keterangan", {"message": "Mohon lengkapi fotonya."})):
        response = client.post(f"{UPG}/{sent}/{path}", data=data)
        assert response.status_code in (302, 400) and state(app, sent)["status"] == "sent"
    token = csrf(client, f"{UPG}/{sent}")
    assert client.post(f"{UPG}/{sent}/registrasi", data={"csrf_token": token}).status_code == 302
    assert state(app, sent)["status"] == "registered"


def test_the_kpk_decides_per_object(app, world, login_as, upg_user, sent, today):
    upg = english(login_as(upg_user))
    register(app, upg, sent)
    post(upg, sent, "teruskan", {"kpk_reference": "GOL-8", "kpk_sent_on": today.isoformat()})
    page = page_text(upg.get(f"{UPG}/{sent}"))
    assert "The KPK's decision on object 1: Amplop berisi uang tunai" in page
    assert "The KPK's decision on object 2: Parsel makanan" in page
    # One object left without a decision: refused on that object, the other choice kept.
    response = post(upg, sent, "keputusan", {"object_decisions-0": "state", "object_decisions-1": "",
                                             "decision_no": "SK-77", "decision_on": today.isoformat()})
    assert response.status_code == 400
    assert field_error(page_text(response), "object_decisions-1") == "Choose the KPK's decision on this object."
    kept = re.search(r'<select[^>]*id="object_decisions-0".*?</select>', response.get_data(as_text=True), re.S)
    assert kept and re.search(r'<option selected value="state">', kept.group(0))
    assert state(app, sent)["status"] == "forwarded"
    # The money is state property, the parcel the recipient's: a mixed decision with a handover.
    assert post(upg, sent, "keputusan", {"object_decisions-0": "state", "object_decisions-1": "recipient",
                                         "decision_no": "SK-77", "decision_on": today.isoformat()}).status_code == 302
    from portal.gratification.models import GiftReport

    with app.app_context():
        r = db.session.get(GiftReport, sent)
        assert r.decision.value == "mixed" and [o.decision.value for o in r.objects] == ["state", "recipient"]
        assert r.handover_due_on is not None and r.handover_due_on > today
    reporter = english(login_as(world.asn))
    page = page_text(reporter.get(f"/gratifikasi/{sent}"))
    assert "decided on each object" in page and "Hand over the objects that are state property" in page
    assert "State property" in page and "The recipient's property" in page
    # Closing still waits for the handover of the state property.
    assert post(upg, sent, "tutup").status_code == 400


def test_an_opds_own_upg_officer_handles_that_opds_reports_only(app, world, login_as, make_employee, upg_user,
                                                                 sent, today):
    from portal.core.roles import Role

    dinkes_officer = make_employee(world.dinkes, username="upg.dinkes", roles={Role.ASN, Role.UPG})
    disdik_officer = make_employee(world.disdik, username="upg.disdik", roles={Role.ASN, Role.UPG})
    # The Dinkes report is in the Dinkes officer's queue and to-do, and the city UPG's.
    own = english(login_as(dinkes_officer))
    queue = page_text(own.get(f"{UPG}/"))
    assert "You are the UPG officer of Dinas Kesehatan" in queue and state(app, sent)["register_no"] in queue
    assert "1 gratification report waits to be registered." in page_text(own.get("/"))
    assert own.get(f"{UPG}/{sent}").status_code == 200
    assert own.get(f"/gratifikasi/{sent}").status_code == 200
    city = english(login_as(upg_user))
    assert state(app, sent)["register_no"] in page_text(city.get(f"{UPG}/"))
    assert "You are the UPG officer" not in page_text(city.get(f"{UPG}/"))
    # Another OPD's officer neither sees it nor can act on it: 404, as for anyone else.
    other = english(login_as(disdik_officer))
    assert state(app, sent)["register_no"] not in page_text(other.get(f"{UPG}/"))
    assert "waits to be registered" not in page_text(other.get("/"))
    for url in (f"{UPG}/{sent}", f"/gratifikasi/{sent}", f"{UPG}/{sent}/formulir-kpk.txt"):
        assert other.get(url).status_code == 404, url
    assert post(other, sent, "registrasi").status_code == 404
    assert state(app, sent)["status"] == "sent"
    # The OPD's officer takes the steps for its OPD.
    assert post(own, sent, "registrasi").status_code == 302 and state(app, sent)["status"] == "registered"


def test_an_opds_own_upg_officer_reads_that_opds_register_and_statistics_only(app, world, login_as, make_employee,
                                                                               upg_user, sent, today):
    from portal.core.roles import Role

    disdik_officer = english(login_as(make_employee(world.disdik, username="upg.disdik", roles={Role.ASN, Role.UPG})))
    own_officer = english(login_as(make_employee(world.dinkes, username="upg.dinkes", roles={Role.ASN, Role.UPG})))
    number = state(app, sent)["register_no"]
    year = today.year
    # Asking for the Dinkes register by address changes nothing for the Disdik officer.
    assert number not in page_text(disdik_officer.get(f"{UPG}/register?opd={world.dinkes}&tahun={year}"))
    assert number in page_text(own_officer.get(f"{UPG}/register?tahun={year}"))
    assert number in page_text(english(login_as(upg_user)).get(f"{UPG}/register?tahun={year}"))
    # The city's yearly report is the Inspectorate's UPG's.
    assert disdik_officer.get(f"{UPG}/laporan-tahunan.pdf").status_code == 403
    assert english(login_as(upg_user)).get(f"{UPG}/laporan-tahunan.xlsx").status_code == 200
    # Statistics: their own OPD, exact (they are its UPG).
    page = page_text(own_officer.get(f"/gratifikasi/statistik?tahun={year}"))
    assert "Dinas Kesehatan" in page and "Dinas Pendidikan" not in page and "< 3" not in page


def test_the_reporters_to_do_holds_the_upgs_question_and_the_handover(app, world, login_as, upg_user, sent, today):
    upg = english(login_as(upg_user))
    reporter = english(login_as(world.asn))
    register(app, upg, sent)
    number = state(app, sent)["register_no"]
    assert number not in page_text(reporter.get("/"))
    post(upg, sent, "minta-keterangan", {"message": "Mohon lampirkan foto amplop dan isinya."})
    assert f"Answer the UPG's question on your gratification report {number}." in page_text(reporter.get("/"))
    post(reporter, sent, "jawab", {"message": "Foto sudah saya lampirkan di laporan."}, reporter=True)
    assert "Answer the UPG's question" not in page_text(reporter.get("/"))
    post(upg, sent, "teruskan", {"kpk_reference": "GOL-9", "kpk_sent_on": today.isoformat()})
    post(upg, sent, "keputusan", {**each("state"), "decision_no": "SK-9", "decision_on": today.isoformat()})
    assert state(app, sent)["status"] == "decided"
    home = page_text(reporter.get("/"))
    assert f"Hand over the gift the KPK decided is state property ({number})" in home
    proof = (io.BytesIO(png_bytes()), "bast.png")
    post(reporter, sent, "serah-terima", {"handover_on": today.isoformat(), "handover_note": "", "handover_file": proof},
         reporter=True, content_type="multipart/form-data")
    assert "Hand over the gift" not in page_text(reporter.get("/"))
