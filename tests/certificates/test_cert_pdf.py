"""The certificate PDF as its holder downloads it: A4 landscape, their name, the masked NIP,
the code and the verification address; rendered once, stored, and its SHA-256 recorded."""
from __future__ import annotations

import re

from portal.extensions import db
from tests.certificates.conftest import (BASE, attendance_certificate, certificate, dashed, pdf_info, pdf_text,
                                         person, sha256, text)


def test_holder_downloads_an_a4_landscape_pdf(app, world, client_of):
    cert = attendance_certificate(app, world, world.asn)
    assert cert["pdf_key"] is None and cert["pdf_sha256"] is None  # nothing rendered at check-in or closing
    asn = client_of("asn")
    response = asn.get(f"{BASE}/{cert['id']}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    assert data.startswith(b"%PDF")
    assert f"sertifikat-{dashed(cert['code'])}.pdf" in response.headers["Content-Disposition"]

    info = pdf_info(data)
    width, height = (float(v) for v in re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups())
    assert (round(width, 1), round(height, 1)) == (841.9, 595.3), info["Page size"]  # A4, landscape
    assert info["Pages"] == "1"

    holder = person(app, world.asn)
    content = pdf_text(data)
    assert holder["name"] in content
    assert holder["masked"] in content and re.search(r"\b\d{4}\*{11}\d{3}\b", content)
    assert holder["nip"] not in content and holder["nip_formatted"] not in content
    assert dashed(cert["code"]) in content and re.search(r"\b[0-9A-Z]{4}(-[0-9A-Z]{4}){3}\b", content)
    assert f"/verifikasi/{cert['code']}" in content.replace(" ", "")
    assert "Dinas Kesehatan" in content and "Sosialisasi Gratifikasi 2026" in content

    stored = certificate(app, cert["id"])
    assert stored["pdf_sha256"] == sha256(data) and stored["pdf_key"]
    assert ("rendered", 1, sha256(data), "") in stored["changes"]

    # The second download is the stored file: the same bytes, no second rendering.
    again = asn.get(f"{BASE}/{cert['id']}/pdf")
    assert again.status_code == 200 and again.data == data
    assert [c[0] for c in certificate(app, cert["id"])["changes"]] == ["issued", "rendered"]
    # Whoever downloads it (here the Inspectorate) gets that same file.
    assert client_of("inspektur").get(f"{BASE}/{cert['id']}/pdf").data == data


def test_module_and_compliance_pdfs_name_their_subject(app, world, module, client_of):
    from tests.certificates.conftest import certificates, complete_module, file_yearly_statement
    from portal.core.workdays import today

    asn = client_of("asn")
    complete_module(app, asn, module("modul-a"))
    file_yearly_statement(asn)
    by_kind = {c["kind"]: c for c in certificates(app, employee_id=world.asn["employee_id"])}
    assert set(by_kind) == {"module", "compliance"}

    module_text = pdf_text(asn.get(f"{BASE}/{by_kind['module']['id']}/pdf").data)
    assert "Modul uji" in module_text and "Test module" in module_text
    assert "SERTIFIKAT" in module_text.upper()
    compliance_text = pdf_text(asn.get(f"{BASE}/{by_kind['compliance']['id']}/pdf").data)
    assert str(today().year) in compliance_text and dashed(by_kind["compliance"]["code"]) in compliance_text


def test_a_module_certificate_prints_the_learning_hours_it_was_issued_with(app, world, module, client_of):
    from portal.learning import editing
    from portal.learning.models import Module
    from tests.certificates.conftest import certificates, complete_module

    module_id = module("modul-jp", learning_hours=4)
    asn = client_of("asn")
    complete_module(app, asn, module_id)
    cert = next(c for c in certificates(app, employee_id=world.asn["employee_id"]) if c["kind"] == "module")
    with app.app_context():  # changed after issue: the certificate keeps what it was issued with
        editing.set_learning_hours(db.session.get(Module, module_id), 6)
        db.session.commit()
    data = asn.get(f"{BASE}/{cert['id']}/pdf").data
    assert pdf_info(data)["Pages"] == "1"
    content = " ".join(pdf_text(data).split())
    assert "4 jam pelajaran (JP) · 4 learning hours (JP)" in content and "6 jam" not in content


def test_a_certificate_without_learning_hours_prints_none(app, world, module, client_of):
    from tests.certificates.conftest import certificates, complete_module

    asn = client_of("asn")
    complete_module(app, asn, module("modul-tanpa-jp"))  # 0 JP: not set
    cert = next(c for c in certificates(app, employee_id=world.asn["employee_id"]) if c["kind"] == "module")
    with app.app_context():  # and one issued before JP existed
        from portal.certificates.models import Certificate

        assert db.session.get(Certificate, cert["id"]).learning_hours == 0
    content = pdf_text(asn.get(f"{BASE}/{cert['id']}/pdf").data)
    # "JP" as a word: a random verification code may hold the letters J and P side by side.
    assert not re.search(r"\bJP\b", content) and "jam pelajaran" not in content


def test_the_signatory_from_the_settings_is_printed(app, world, client_of):
    """Who signs is one of the official documents' signatories: office, name, rank and NIP."""
    admin = client_of("admin")
    assert admin.post("/admin/naskah/penandatangan/certificates.certificate/sign", data={
        "office": "Inspektur Kota Padang", "name": "Dr. Arfian, S.H., M.H.", "rank": "Pembina Utama Muda (IV/c)",
        "nip": "197001011995031001"}).status_code == 302
    cert = attendance_certificate(app, world, world.asn)
    content = pdf_text(client_of("asn").get(f"{BASE}/{cert['id']}/pdf").data)
    assert "Inspektur Kota Padang" in content and "Dr. Arfian, S.H., M.H." in content
    assert "Pembina Utama Muda (IV/c)" in content and "NIP 19700101 199503 1 001" in content


def test_detail_page_shows_the_code_and_the_recorded_fingerprint(app, world, client_of):
    cert = attendance_certificate(app, world, world.asn)
    asn = client_of("asn")
    data = asn.get(f"{BASE}/{cert['id']}/pdf").data
    page = text(asn.get(f"{BASE}/{cert['id']}"))
    assert dashed(cert["code"]) in page and f"/verifikasi/{cert['code']}" in page
    assert "PDF made" in page and f"SHA-256 {sha256(data)}" in page
    assert "Revoke or re-issue" not in page  # the holder manages nothing
