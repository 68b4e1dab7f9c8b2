"""The reporter's side of gratification reports, through HTTP: drafting with objects and a photo,
sending, the 30-working-day deadline, late reports, the to-do list, who may see a report, bad
input, and both languages."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from portal.extensions import db
from tests.helpers.nonce_support import with_nonce
from tests.helpers.pages import english, field_error, flashed, page_text
from tests.wbs.builders import png_bytes

BASE = "/gratifikasi"


def form(received_on, **over) -> dict:
    data = {"report_type": "receipt", "reporter_address": "Jl. Khatib Sulaiman 12, Lolong Belanti, Padang Utara",
            "reporter_phone": "0812 6600 1234", "giver_name": "Budi Santoso", "giver_institution": "CV Maju Bersama",
            "giver_address": "Jl. Sudirman 1, Padang", "giver_relation": "supplier", "occasion": "Idul Fitri",
            "received_on": received_on.isoformat(), "place": "Kantor Dinas Kesehatan",
            "chronology": "Rekanan datang ke kantor dan menyerahkan bingkisan serta amplop berisi uang.",
            "objects-0-kind": "money", "objects-0-description": "Amplop berisi uang tunai",
            "objects-0-value": "1.500.000", "objects-0-custody": "upg",
            "objects-1-kind": "food", "objects-1-description": "Parsel makanan", "objects-1-value": "Rp 350000",
            "objects-1-custody": "reporter", "save": "x"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post(client, url: str, data: dict, **kwargs):
    return client.post(url, data=with_nonce(client, url, data), content_type="multipart/form-data", **kwargs)


def new_id(response) -> int:
    assert response.status_code == 302, page_text(response)[:2000]
    return int(re.search(rf"{BASE}/(\d+)$", response.headers["Location"]).group(1))


def report(app, report_id: int):
    from portal.gratification.models import GiftReport

    with app.app_context():
        r = db.session.get(GiftReport, report_id)
        return {"status": r.status.value, "late": r.late, "due_on": r.due_on, "register_no": r.register_no,
                "objects": [(o.kind.value, o.description, o.value, o.custody.value) for o in r.objects],
                "attachments": [a.filename for a in r.attachments], "chronology": r.chronology,
                "nik": r.nik, "nik_sealed": r.nik_sealed, "history": [h.status.value for h in r.history]}


@pytest.fixture
def upg(world, make_employee):
    from portal.core.roles import Role

    return make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG},
                         position="Auditor Ahli Pertama")


@pytest.fixture
def today(app):
    from portal.core.workdays import today as local_today

    with app.app_context():
        return local_today()


def test_draft_then_send_with_two_objects_and_a_photo(app, world, login_as, upg, today):
    client = login_as(world.asn)
    received = today - timedelta(days=3)
    photo = (io.BytesIO(png_bytes(exif_gps=True)), "bingkisan.jpg")
    response = post(client, f"{BASE}/lapor", form(received, nik="1371011234560001", attachments=[photo]))
    report_id = new_id(response)
    saved = report(app, report_id)
    assert saved["status"] == "draft" and saved["register_no"] is None
    assert saved["objects"] == [("money", "Amplop berisi uang tunai", 1500000, "upg"),
                                ("food", "Parsel makanan", 350000, "reporter")]
    assert saved["attachments"] == ["bingkisan.jpg"]
    assert saved["nik"] == "1371011234560001" and b"1371011234560001" not in saved["nik_sealed"]
    page = page_text(client.get(f"{BASE}/{report_id}"))
    assert "Parsel makanan" in page and "1.850.000" in page
    photo_page = client.get(f"{BASE}/{report_id}/lampiran/1")
    assert photo_page.status_code == 200 and photo_page.data.startswith(b"\xff\xd8")
    assert b"KameraRahasia" not in photo_page.data  # metadata stripped

    response = client.post(f"{BASE}/{report_id}/kirim")
    assert response.status_code == 302
    sent = report(app, report_id)
    assert sent["status"] == "sent" and not sent["late"] and sent["register_no"].startswith("UPG/")
    assert sent["history"] == ["draft", "sent"]
    assert "Terkirim kepada UPG" in flashed(client) or "UPG" in page_text(client.get(f"{BASE}/{report_id}"))
    # Sent: no longer editable.
    assert client.get(f"{BASE}/{report_id}/ubah").status_code == 302


def test_send_from_the_form_in_one_step(app, world, login_as, today):
    client = login_as(world.asn)
    report_id = new_id(post(client, f"{BASE}/lapor", form(today - timedelta(days=1), save=None, send="x")))
    assert report(app, report_id)["status"] == "sent"


def test_the_deadline_is_30_working_days_and_a_holiday_moves_it(app, today):
    from portal.core.workdays import ExtraHoliday, add_workdays, is_workday, workdays_between
    from portal.gratification import services

    with app.app_context():
        received = today - timedelta(days=5)
        due, statutory = services.deadlines(received)
        assert due == statutory and workdays_between(received, due) == 30
        day = received + timedelta(days=1)
        while not is_workday(day):
            day += timedelta(days=1)
        db.session.add(ExtraHoliday(day=day, name="Libur contoh"))
        db.session.flush()
        moved, _ = services.deadlines(received)
        assert moved == add_workdays(due, 1) and moved > due
        db.session.rollback()


def test_a_shorter_internal_period_is_the_reporters_deadline(app, today):
    from portal.core import settings
    from portal.core.workdays import workdays_between
    from portal.gratification import services

    with app.app_context():
        settings.put("gratification.upg_days", 10, actor=None)
        due, statutory = services.deadlines(today)
        assert workdays_between(today, due) == 10 and workdays_between(today, statutory) == 30
        settings.put("gratification.upg_days", 45, actor=None)  # never beyond the law's 30
        assert services.upg_days() == 30
        db.session.rollback()


def test_a_late_report_is_accepted_and_marked_late(app, world, login_as, today):
    client = english(login_as(world.asn))
    report_id = new_id(post(client, f"{BASE}/lapor", form(today - timedelta(days=70), save=None, send="x")))
    sent = report(app, report_id)
    assert sent["status"] == "sent" and sent["late"] and sent["due_on"] < today
    assert "late" in flashed(client)
    assert "Late" in page_text(client.get(f"{BASE}/{report_id}"))


def test_the_todo_line_appears_and_goes_once_sent(app, world, login_as, today):
    client = english(login_as(world.asn))
    report_id = new_id(post(client, f"{BASE}/lapor", form(today - timedelta(days=2))))
    home = page_text(client.get("/"))
    assert "Send your gratification report to the UPG." in home and "by " in home
    assert f"{BASE}/{report_id}/ubah" in home
    client.post(f"{BASE}/{report_id}/kirim")
    assert "gratification report" not in page_text(client.get("/"))


def test_an_overdue_draft_is_marked_on_the_todo_list(app, world, login_as, today):
    client = english(login_as(world.asn))
    new_id(post(client, f"{BASE}/lapor", form(today - timedelta(days=70))))
    home = page_text(client.get("/"))
    assert "a late report is still accepted" in home and "has passed" in home


def test_only_the_reporter_and_the_upg_see_a_report(app, world, login_as, upg, today):
    client = login_as(world.asn)
    report_id = new_id(post(client, f"{BASE}/lapor", form(today - timedelta(days=2))))
    upg_client = login_as(upg)
    assert upg_client.get(f"{BASE}/{report_id}").status_code == 404  # a draft is the reporter's alone
    client.post(f"{BASE}/{report_id}/kirim")
    for other in (world.asn_disdik, world.secretary, world.kadis, world.inspektur):
        outsider = login_as(other)
        assert outsider.get(f"{BASE}/{report_id}").status_code == 404
        assert outsider.get(f"{BASE}/{report_id}/lampiran/1").status_code == 404
        assert outsider.post(f"{BASE}/{report_id}/kirim").status_code == 404
        assert outsider.get(f"{BASE}/upg/").status_code == 403
    assert upg_client.get(f"{BASE}/{report_id}").status_code == 200
    listing = page_text(upg_client.get(f"{BASE}/upg/"))
    assert report(app, report_id)["register_no"] in listing
    assert upg_client.get(f"{BASE}/{report_id}/ubah").status_code == 404  # the UPG does not edit it


def test_validation_errors_keep_what_was_typed_and_are_translated(app, world, login_as, today):
    client = login_as(world.asn)  # Indonesian, the default
    data = form(today - timedelta(days=1), save=None, send="x", chronology="Singkat.", nik="12345",
                **{"objects-1-value": "banyak"})
    response = post(client, f"{BASE}/lapor", data)
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "objects-1-value") == "Masukkan perkiraan nilai dalam rupiah tanpa desimal."
    assert 'value="Budi Santoso"' in page and "Singkat." in page and 'value="banyak"' in page
    response = post(client, f"{BASE}/lapor", form(today - timedelta(days=1), nik="12345"))
    assert response.status_code == 400 and field_error(page_text(response), "nik") == "NIK terdiri atas 16 digit."
    response = post(client, f"{BASE}/lapor", form(today - timedelta(days=1), save=None, send="x",
                                                   chronology="Singkat."))
    assert response.status_code == 400
    assert "Ceritakan kejadiannya" in field_error(page_text(response), "chronology")
    response = post(client, f"{BASE}/lapor", form(today + timedelta(days=3)))
    assert field_error(page_text(response), "received_on") == "Tanggal tidak boleh di masa depan."
    response = post(client, f"{BASE}/lapor", form(today, **{"objects-0-kind": "bukan"}))
    assert response.status_code == 400 and field_error(page_text(response), "objects-0-kind")
    assert client.post(f"{BASE}/lapor", data={"report_type": "receipt"}).status_code == 400  # no CSRF token / nonce


def test_the_pages_read_in_both_languages(app, world, login_as, upg, today):
    client = login_as(world.asn)
    report_id = new_id(post(client, f"{BASE}/lapor", form(today - timedelta(days=2), save=None, send="x")))
    indonesian = page_text(client.get(f"{BASE}/?lang=id"))
    assert "Laporan gratifikasi saya" in indonesian and "Penerimaan" in indonesian
    assert "Apa yang Anda laporkan?" in page_text(client.get(f"{BASE}/lapor"))
    english_page = page_text(client.get(f"{BASE}/?lang=en"))
    assert "My gratification reports" in english_page and "Receipt" in english_page
    detail = page_text(client.get(f"{BASE}/{report_id}"))
    assert "Sent to the UPG" in detail and "Provider of goods or services" in detail
    upg_page = page_text(login_as(upg).get(f"{BASE}/upg/?lang=id"))
    assert "hari kerja" in upg_page


def test_a_reminder_reaches_the_reporter_once(app, world, login_as, today):
    from portal.core.notices import Notice
    from portal.gratification import reminders

    client = login_as(world.asn)
    new_id(post(client, f"{BASE}/lapor", form(today - timedelta(days=50))))
    with app.app_context():
        assert reminders.send_due_reminders(today) == 1
        db.session.commit()
        assert reminders.send_due_reminders(today) == 0
        notice = db.session.scalar(db.select(Notice).where(Notice.user_id == world.asn["user_id"]))
        assert notice.kind == "gratification.deadline"


def test_the_setup_check_shows_the_setting_and_stays_unverified(app, world, login_as):
    admin = english(login_as(world.admin))
    assert admin.get(f"{BASE}/upg/pengaturan").status_code == 200
    response = admin.post(f"{BASE}/upg/pengaturan", data={"upg_days": "10", "reminder_days": "3"})
    assert response.status_code == 302
    page = page_text(admin.get("/admin/persiapan"))
    assert "Report to the UPG within 10 working days after receipt." in page
    assert admin.post(f"{BASE}/upg/pengaturan", data={"upg_days": "31", "reminder_days": "3"}).status_code == 400


def test_the_kpk_form_needs_the_reporters_address_and_telephone(app, world, login_as, today):
    client = english(login_as(world.asn))
    received = today - timedelta(days=1)
    # A draft may leave them out; sending may not, and keeps what was typed.
    assert post(client, f"{BASE}/lapor", form(received, reporter_address="", reporter_phone="")).status_code == 302
    response = post(client, f"{BASE}/lapor", form(received, save=None, send="x", reporter_address="Padang",
                                                   reporter_phone=""))
    assert response.status_code == 400
    assert "full address" in field_error(page_text(response), "reporter_address")
    assert "Budi Santoso" in response.get_data(as_text=True)
    response = post(client, f"{BASE}/lapor", form(received, save=None, send="x",
                                                   reporter_address="Jl. Khatib Sulaiman 12, Padang", reporter_phone=""))
    assert response.status_code == 400 and "telephone" in field_error(page_text(response), "reporter_phone")
    response = post(client, f"{BASE}/lapor", form(received, reporter_phone="telepon saya"))
    assert response.status_code == 400
    assert field_error(page_text(response), "reporter_phone") == "Enter a telephone number, e.g. 0812 3456 7890."
    assert 'value="telepon saya"' in response.get_data(as_text=True)
    # Sent with them: sealed like the NIK, shown to the reporter, and the next report starts with them.
    response = post(client, f"{BASE}/lapor", form(received, save=None, send="x"))
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    from portal.gratification.models import GiftReport

    with app.app_context():
        sent = db.session.get(GiftReport, report_id)
        assert sent.status.value == "sent" and sent.reporter_phone == "0812 6600 1234"
        assert b"0812" not in sent.reporter_phone_sealed and b"Khatib" not in sent.reporter_address_sealed
    assert "0812 6600 1234" in page_text(client.get(f"{BASE}/{report_id}"))
    blank = client.get(f"{BASE}/lapor").get_data(as_text=True)
    assert 'value="0812 6600 1234"' in blank and "Jl. Khatib Sulaiman 12, Lolong Belanti, Padang Utara" in blank
    # Someone else's new report starts empty.
    assert "0812 6600 1234" not in login_as(world.asn_disdik).get(f"{BASE}/lapor").get_data(as_text=True)
