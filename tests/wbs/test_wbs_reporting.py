"""Filing a report as a reporter would: the form, evidence, the receipt, the follow-up."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.nonce_support import with_nonce
from tests.wbs.builders import jpeg_with_exif, png_bytes


def base_form(**extra):
    data = {"mode": "anonymous", "reported_name": "Tidak diketahui", "reported_opd": "0", "category": "2",
            "what": "Petugas meminta uang pelicin untuk mempercepat izin usaha.", "where": "Kantor pelayanan",
            "when_from": "2026-02-10", "how": "Diminta langsung di loket", "good_faith": "y"}
    data.update(extra)
    return data


def post(client, data, lang="en"):
    data = with_nonce(client, "/wbs/lapor", data)
    response = client.post(f"/wbs/lapor?lang={lang}", data=data, content_type="multipart/form-data")
    response.get_data()
    response.close()  # closes the uploaded files werkzeug spooled to disk
    return response


def receipt_of(page: str) -> str:
    return re.search(r'receipt-code font-monospace user-select-all">([^<]+)<', page).group(1)


def stored_reports(app):
    from portal.wbs.models import Report

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def test_anonymous_report_gives_a_printable_receipt(wbs_app):
    from portal.wbs.models import Mode, Report

    response = post(wbs_app.test_client(), base_form())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    code = receipt_of(page)
    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", code)
    assert "Receipt (tanda terima)" in page and "Case number" in page and "Date received" in page
    with wbs_app.app_context():
        report = db.session.scalars(sa.select(Report)).one()
        assert report.public_id in page and report.mode == Mode.ANONYMOUS and report.identity is None
        assert report.ack_due > report.filed_on


@pytest.mark.parametrize("mode", ["confidential", "open"])
def test_named_modes_need_name_and_contact(wbs_app, mode):
    response = post(wbs_app.test_client(), base_form(mode=mode))
    page = response.get_data(as_text=True)
    assert "Give your name, or choose an anonymous report." in page
    assert "Give a way to reach you" in page
    assert stored_reports(wbs_app) == 0


def test_bad_input_keeps_what_was_typed(wbs_app):
    data = base_form(what="pendek", when_from="2999-01-01", category="0", reported_name="Budi <script>x</script>")
    page = post(wbs_app.test_client(), data).get_data(as_text=True)
    assert "Between 20 and 20000 characters." in page
    assert "This date is in the future." in page
    assert "Choose the kind of offence." in page
    assert "Budi &lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert "Kantor pelayanan" in page  # other fields are kept
    assert stored_reports(wbs_app) == 0


@pytest.mark.parametrize("data", [
    {"when_from": "not-a-date"}, {"category": "abc"}, {"category": "99999"}, {"reported_opd": "x"},
    {"mode": "sideways"}, {"what": "x" * 30000}, {"when_to": "2026-01-01"},
])
def test_malformed_fields_are_form_errors_not_500(wbs_app, data):
    response = post(wbs_app.test_client(), base_form(**data))
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True) or "invalid-feedback" in response.get_data(as_text=True)
    assert stored_reports(wbs_app) == 0


def test_honeypot_is_refused(wbs_app):
    assert post(wbs_app.test_client(), base_form(website="http://spam.example")).status_code == 400
    assert stored_reports(wbs_app) == 0


def test_photo_metadata_is_removed(wbs_app):
    from portal.wbs import services
    from portal.wbs.models import Report

    original = jpeg_with_exif()
    assert b"KameraRahasia" in original
    data = base_form(evidence=[(io.BytesIO(original), "foto.jpg")])
    assert post(wbs_app.test_client(), data).status_code == 200
    with wbs_app.app_context():
        report = db.session.scalars(sa.select(Report)).one()
        item = report.evidence[0]
        name, stored = services.open_evidence(report, item)
        assert name == "foto.jpg" and item.media_type == "image/jpeg" and item.metadata_removed
        assert b"KameraRahasia" not in stored and b"ModelRahasia" not in stored
        from PIL import Image

        with Image.open(io.BytesIO(stored)) as img:
            assert img.size == (24, 16) and not img.getexif()


@pytest.mark.parametrize("content, name", [
    (b"MZ\x90\x00" + b"\x00" * 200, "laporan.pdf"),                       # a Windows program named .pdf
    (b"<html><script>alert(1)</script></html>", "bukti.txt"),             # HTML named .txt
    (b"\x7fELF" + b"\x00" * 100, "bukti.jpg"),
    (b"PK\x03\x04" + b"\x00" * 100, "arsip.zip"),
])
def test_files_are_judged_by_content(wbs_app, content, name):
    data = base_form(evidence=[(io.BytesIO(content), name)])
    page = post(wbs_app.test_client(), data).get_data(as_text=True)
    assert "This kind of file is not accepted." in page
    assert "Petugas meminta uang pelicin" in page  # the rest of the form is kept
    assert stored_reports(wbs_app) == 0


def test_real_types_are_accepted_whatever_their_name(wbs_app):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    data = base_form(evidence=[(io.BytesIO(pdf), "scan.bin"), (io.BytesIO(b"catatan biasa\n"), "catatan.txt"),
                               (io.BytesIO(png_bytes()), "gambar")])
    assert post(wbs_app.test_client(), data).status_code == 200
    from portal.wbs.models import Evidence

    with wbs_app.app_context():
        types = sorted(db.session.scalars(sa.select(Evidence.media_type)))
    assert types == ["application/pdf", "image/png", "text/plain"]


def test_file_size_and_count_limits(wbs_app):
    from portal.core import settings

    with wbs_app.app_context():
        settings.put("wbs.max_file_mb", 1)
        settings.put("wbs.max_files", 2)
        db.session.commit()
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    # Encoded here: werkzeug's test builder would spool a body this large to a file it never closes.
    client = wbs_app.test_client()
    fields = MultiDict(with_nonce(client, "/wbs/lapor", base_form()))
    fields.add("evidence", FileStorage(io.BytesIO(big), filename="besar.pdf"))
    boundary, body = encode_multipart(fields)
    page = client.post("/wbs/lapor?lang=en", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}").get_data(as_text=True)
    assert "The file is larger than 1 MB." in page
    three = [(io.BytesIO(b"satu dua tiga\n"), f"c{i}.txt") for i in range(3)]
    page = post(wbs_app.test_client(), base_form(evidence=three)).get_data(as_text=True)
    assert "At most 2 files per report." in page
    assert stored_reports(wbs_app) == 0


def test_failed_storage_leaves_no_row_and_no_file(wbs_app, monkeypatch, storage_backend):
    from portal.core import storage

    calls = {"n": 0}
    real_write = storage.write

    def flaky(area, key, data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise storage.StorageError("disk full")
        return real_write(area, key, data)

    monkeypatch.setattr(storage, "write", flaky)
    files = [(io.BytesIO(b"pertama\n"), "a.txt"), (io.BytesIO(b"kedua\n"), "b.txt")]
    response = post(wbs_app.test_client(), base_form(evidence=files))
    assert response.status_code == 200
    assert "The files could not be saved." in response.get_data(as_text=True)
    assert calls["n"] == 2  # the first file was written, then removed again
    assert stored_reports(wbs_app) == 0
    assert storage_backend.names(wbs_app) == set()


def test_follow_up_reply_and_session_expiry(wbs_app, monkeypatch):
    import time

    client = wbs_app.test_client()
    code = receipt_of(post(client, base_form()).get_data(as_text=True))
    assert client.post("/wbs/pantau", data={"receipt": code.lower()}).status_code == 302
    page = client.get("/wbs/pantau/laporan?lang=en").get_data(as_text=True)
    assert "Received" in page and "Petugas meminta uang pelicin" in page
    response = client.post("/wbs/pantau/laporan", data={"body": "Ada saksi lain di loket.",
                                                          "evidence": [(io.BytesIO(png_bytes()), "tambahan.png")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get("/wbs/pantau/laporan").get_data(as_text=True)
    assert "Ada saksi lain di loket." in page and "tambahan.png" in page
    empty = client.post("/wbs/pantau/laporan?lang=en", data={"body": "  "})
    assert "Write a message or add a file." in empty.get_data(as_text=True)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 21 * 60)
    assert client.get("/wbs/pantau/laporan").headers["Location"].endswith("/wbs/pantau")


def test_closing_the_page_forgets_the_case(wbs_app):
    client = wbs_app.test_client()
    code = receipt_of(post(client, base_form()).get_data(as_text=True))
    client.post("/wbs/pantau", data={"receipt": code})
    assert client.post("/wbs/pantau/selesai").status_code == 302
    assert client.get("/wbs/pantau/laporan").status_code == 302


def test_wbs_pages_load_nothing_from_other_hosts(wbs_app):
    client = wbs_app.test_client()
    for url in ("/wbs/", "/wbs/lapor", "/wbs/pantau"):
        page = client.get(url).get_data(as_text=True)
        for ref in re.findall(r'(?:src|href|action)="([^"]+)"', page):
            assert not re.match(r"^(https?:)?//", ref), (url, ref)


def test_wbs_landing_explains_the_rules(wbs_app):
    page = wbs_app.test_client().get("/wbs/?lang=en").get_data(as_text=True)
    for text in ("Anonymous", "Confidential", "good faith", "Law 31/2014", "working days", "Bribery", "SP4N-LAPOR!"):
        assert text in page
