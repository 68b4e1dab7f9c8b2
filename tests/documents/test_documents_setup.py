"""Official documents are data the admin sets: the government's profile and time zone, the coat of
arms, letterheads, signatories and numbering; numbers are given once per document, without gaps
or duplicates, and can be searched."""
from __future__ import annotations

import io
import threading

import pytest
import sqlalchemy as sa

from portal.extensions import db

BASE = "/admin/naskah"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _text(response) -> str:
    import html

    return html.unescape(response.get_data(as_text=True))


def test_the_governments_settings_set_the_place_the_names_and_the_time_zone_of_every_document(app, world, login_as):
    """Another government sets itself up in the browser: its names on every page and document."""
    from datetime import UTC, date, datetime

    admin = login_as(world.admin)
    response = admin.post("/admin/pemerintah?lang=en", data={
        "name": "Pemerintah Kota Contoh", "inspectorate": "Inspektorat Kota Contoh", "place": "Kota Contoh",
        "head_office": "Wali Kota Contoh", "timezone": "Asia/Makassar"})
    assert response.status_code == 302
    from portal.core import clock, formatting
    from portal.documents import services

    with app.test_request_context("/?lang=id"):
        assert clock.zone_abbreviation() == "WITA"
        assert services.place_and_date(date(2026, 12, 6)) == "Kota Contoh, 6 Desember 2026"
        assert formatting.clock(datetime(2026, 12, 6, 1, 0, tzinfo=UTC)) == "09.00 WITA"
        assert services.kop(None)["government"] == "PEMERINTAH KOTA CONTOH"  # no letterhead: the name
    page = _text(admin.get(f"{BASE}/?lang=en"))
    assert "Kota Contoh" in page and "Wali Kota Contoh" in page and "WITA" in page
    footer = _text(admin.get("/?lang=en")).split("<footer", 1)[1]
    assert "Pemerintah Kota Contoh" in footer and "Inspektorat Kota Contoh" in footer

    refused = admin.post("/admin/pemerintah?lang=en", data={"name": "", "inspectorate": "X", "place": "Kota Contoh",
                                                            "head_office": "", "timezone": "UTC"})
    assert refused.status_code == 400
    assert "Not a valid choice" in _text(refused) and "Write the name of the government." in _text(refused)
    assert 'value="Kota Contoh"' in _text(refused)  # nothing typed is lost


def test_the_coat_of_arms_is_judged_by_its_content(app, world, login_as):
    admin = login_as(world.admin)
    fake = admin.post(f"{BASE}/lambang?lang=en", data={"logo": (io.BytesIO(b"<svg onload=alert(1)>"), "lambang.png")},
                      content_type="multipart/form-data")
    assert fake.status_code == 400
    from portal.documents import services

    with app.app_context():
        assert services.logo_source() == services.PLACEHOLDER_LOGO
    ok = admin.post(f"{BASE}/lambang", data={"logo": (io.BytesIO(_png()), "lambang.png")},
                    content_type="multipart/form-data")
    assert ok.status_code == 302
    with app.app_context():
        assert services.logo_source().startswith("data:image/png;base64,")


def test_a_letterhead_per_unit_and_the_governments_as_fallback(app, world, login_as):
    admin = login_as(world.admin)
    assert admin.post(f"{BASE}/kop/baru", data={"opd": "0", "government_line": "Pemerintah Kota Contoh",
                                                "unit_line": ""}).status_code == 302
    assert admin.post(f"{BASE}/kop/baru", data={
        "opd": str(world.inspektorat), "government_line": "Pemerintah Kota Contoh", "unit_line": "Inspektorat",
        "address": "Jalan Contoh No. 1", "phone": "(0751) 123", "email": "inspektorat@contoh.go.id",
        "website": "inspektorat.contoh.go.id"}).status_code == 302
    again = admin.post(f"{BASE}/kop/baru?lang=en", data={"opd": str(world.inspektorat),
                                                         "government_line": "Pemerintah Kota Contoh"})
    assert again.status_code == 400 and "already has a letterhead" in _text(again)
    from portal.documents import services

    with app.app_context():
        kop = services.kop(world.inspektorat)
        assert (kop["government"], kop["unit"]) == ("PEMERINTAH KOTA CONTOH", "INSPEKTORAT")
        assert kop["contacts"] == "Telepon (0751) 123 · Laman inspektorat.contoh.go.id · Pos-el inspektorat@contoh.go.id"
        # No kop of its own: the government's, naming the unit, without the government's address
        # and telephone (they are not the unit's).
        fallback = services.kop(world.dinkes)
        assert fallback["government"] == "PEMERINTAH KOTA CONTOH" and fallback["unit"] == "DINAS KESEHATAN"
        assert (fallback["address"], fallback["contacts"]) == ("", "")


def test_signatories_by_office_with_nip_and_rank_or_the_organiser(app, world, login_as):
    admin = login_as(world.admin)
    bad = admin.post(f"{BASE}/penandatangan/coi.evaluation/sign?lang=en", data={
        "office": "Inspektur", "name": "Dr. Nama", "nip": "123"})
    assert bad.status_code == 400 and "A NIP has 18 digits" in _text(bad)
    assert admin.post(f"{BASE}/penandatangan/coi.evaluation/sign", data={
        "office": "Inspektur Kota Contoh", "name": "Dr. Nama Lengkap, S.E., M.Si.", "rank": "Pembina Utama Muda (IV/c)",
        "nip": "19700101 199503 1 001"}).status_code == 302
    assert admin.get(f"{BASE}/penandatangan/coi.evaluation/acknowledge").status_code == 404  # no such block
    from portal.documents import services
    from portal.org.models import Employee

    with app.app_context():
        block = services.signature_block("coi.evaluation")
        assert block["nip"] == "197001011995031001" and block["rank"] == "Pembina Utama Muda (IV/c)"
        organiser = db.session.get(Employee, world.inspektur["employee_id"])
        listing = services.signature_block("socialisation.attendance_list", organiser=organiser)
        assert listing["name"] == organiser.name and listing["nip"] == organiser.nip


def test_numbers_follow_the_scheme_once_per_document_and_per_year(app, world, login_as):
    admin = login_as(world.admin)
    refused = admin.post(f"{BASE}/penomoran/socialisation.invitation?lang=en", data={"pattern": "{tahun}/{x}"})
    assert refused.status_code == 400
    assert admin.post(f"{BASE}/penomoran/socialisation.invitation", data={
        "classification": "700.1", "unit_code": "INSP", "pattern": ""}).status_code == 302
    from portal.documents import services

    with app.app_context():
        first = services.issue_number("socialisation.invitation", "socialisation_session:1", title="Undangan A",
                                      year=2026)
        second = services.issue_number("socialisation.invitation", "socialisation_session:2", year=2026)
        assert (first, second) == ("700.1/1/INSP/2026", "700.1/2/INSP/2026")
        assert services.issue_number("socialisation.invitation", "socialisation_session:1", year=2026) == first
        assert services.issue_number("socialisation.invitation", "socialisation_session:3", year=2027).startswith(
            "700.1/1/")
        db.session.commit()
    register = _text(login_as(world.inspektur).get(f"{BASE}/register?q=Undangan"))
    assert "700.1/1/INSP/2026" in register and "700.1/2/INSP/2026" not in register


def test_a_number_rolled_back_leaves_no_gap(app, world):
    from portal.documents import services

    with app.app_context():
        services.issue_number("coi.evaluation", "a", year=2026)
        db.session.rollback()
        assert services.issue_number("coi.evaluation", "b", year=2026).startswith("1/")


@pytest.mark.postgres
def test_numbers_given_at_the_same_moment_never_repeat(app, world, database):
    if database["kind"] != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from portal.documents import services
    from portal.documents.models import IssuedNumber

    barrier, errors = threading.Barrier(8), []

    def take(n):
        try:
            with app.app_context():
                barrier.wait()
                services.issue_number("coi.evaluation", f"subject-{n}", year=2026)
                db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with app.app_context():
        sequences = sorted(db.session.scalars(sa.select(IssuedNumber.sequence)))
    assert sequences == list(range(1, 9))


def test_the_setup_checklist_says_what_official_documents_still_lack(app, world, login_as, signing_pki):
    """Each item turns done once the admin has done it on the page the item links to."""
    import html
    import re

    def items(client):
        page = client.get("/admin/persiapan?lang=en").get_data(as_text=True)
        found = re.findall(r'<li class="list-group-item[^"]*" id="setup-([a-z_]+)">(.*?)</li>', page, re.S)
        return {key: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))) for key, body in found}

    admin = login_as(world.admin)
    shown = items(admin)
    keys = ("government", "coat_of_arms", "letterheads", "signatories", "numbering", "electronic_signature")
    assert all("To do" in shown[key] for key in keys), shown
    assert "Yearly evaluation of conflict-of-interest handling" in shown["signatories"]
    assert 'href="/admin/naskah/kop"' in admin.get("/admin/persiapan").get_data(as_text=True)

    assert admin.post("/admin/pemerintah", data={
        "name": "Pemerintah Kota Contoh", "inspectorate": "Inspektorat Kota Contoh", "place": "Contoh",
        "head_office": "Wali Kota Contoh", "timezone": "Asia/Jakarta"}).status_code == 302
    assert admin.post(f"{BASE}/lambang", data={"logo": (io.BytesIO(_png()), "lambang.png")},
                      content_type="multipart/form-data").status_code == 302
    letterhead = {"opd": str(world.inspektorat), "government_line": "Pemerintah Kota Contoh",
                  "unit_line": "Inspektorat", "address": ""}
    assert admin.post(f"{BASE}/kop/baru", data=letterhead).status_code == 302
    assert "Add the Inspectorate's address" in items(admin)["letterheads"]  # a letterhead carries the address
    with app.app_context():
        from portal.documents import services

        row_id = services.letterhead(world.inspektorat).id
    assert admin.post(f"{BASE}/kop/{row_id}", data={**letterhead, "address": "Jalan Contoh No. 1"}).status_code == 302
    for kind in ("socialisation.invitation", "coi.evaluation", "certificates.certificate", "gratification.receipt",
                 "gratification.yearly_report"):
        assert admin.post(f"{BASE}/penandatangan/{kind}/sign", data={
            "office": "Inspektur Kota Contoh", "name": "Nama Inspektur", "rank": "", "nip": ""}).status_code == 302
    for kind in ("socialisation.invitation", "coi.evaluation", "gratification.receipt",
                 "gratification.yearly_report"):
        assert admin.post(f"{BASE}/penomoran/{kind}", data={
            "classification": "700.1", "unit_code": "INSP", "pattern": "{klasifikasi}/{nomor}/{unit}/{tahun}"
        }).status_code == 302
    shown = items(admin)
    assert all("Done" in shown[key] for key in keys[:-1]), {key: shown[key] for key in keys}
    assert "To do" in shown["electronic_signature"]  # set in the server's environment, not here

    from portal.core import signing

    app.config.update(signing_pki.signer())
    assert signing.configured(app.config)
    assert "Done" in items(admin)["electronic_signature"]
