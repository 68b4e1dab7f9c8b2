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


def test_the_profile_sets_the_place_and_the_time_zone_of_every_document(app, world, login_as):
    admin = login_as(world.admin)
    response = admin.post(f"{BASE}/?lang=en", data={"name": "Pemerintah Kota Contoh", "place": "Kota Contoh",
                                                    "head_office": "Wali Kota Contoh", "timezone": "Asia/Makassar"})
    assert response.status_code == 302
    from portal.core import clock, formatting
    from portal.documents import services

    with app.test_request_context("/?lang=id"):
        assert clock.zone_abbreviation() == "WITA"
        assert services.place_and_date(__import__("datetime").date(2026, 12, 6)) == "Kota Contoh, 6 Desember 2026"
        moment = __import__("datetime").datetime(2026, 12, 6, 1, 0, tzinfo=__import__("datetime").UTC)
        assert formatting.clock(moment) == "09.00 WITA"
    refused = admin.post(f"{BASE}/?lang=en", data={"name": "X", "place": "", "head_office": "", "timezone": "UTC"})
    assert refused.status_code == 400 and "Not a valid choice" in _text(refused)


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
        assert services.kop(world.dinkes)["unit"] == ""  # no kop of its own: the government's


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
