"""The public verification pages, as someone handed a certificate would use them: the code
typed (sloppily) or scanned, a PDF compared with the issued file, nothing personal shown
beyond the holder's name, masked NIP and OPD, and guessing slowed down."""
from __future__ import annotations

import io

import pytest

from portal.extensions import db
from tests.certificates.conftest import (BASE, attendance_certificate, certificate, dashed, english, field_error,
                                         pdf_text, person, sha256, text)

VALID = "Valid certificate"
UNKNOWN = "Unknown code"
EXACT = "The PDF you gave is exactly the file issued under this code."
NOT_IT = "The PDF you gave is NOT the file issued under this code"
EARLIER = "The PDF you gave is an earlier version of this certificate"


@pytest.fixture
def public(app):
    return english(app.test_client())


def upload(data: bytes, name: str = "sertifikat.pdf") -> dict:
    return {"pdf": (io.BytesIO(data), name)}


def test_a_valid_certificate_shows_holder_masked_nip_and_opd(app, world, public):
    with app.app_context():
        from portal.org.models import Employee

        db.session.get(Employee, world.asn["employee_id"]).email = "asn.dinkes@padang.go.id"
        db.session.commit()
    cert = attendance_certificate(app, world, world.asn)
    holder = person(app, world.asn)

    response = public.get(f"/verifikasi/{cert['code']}")
    page = text(response)
    assert response.status_code == 200
    assert VALID in page and "Revoked certificate" not in page
    assert holder["name"] in page and holder["masked"] in page and "Dinas Kesehatan" in page
    assert dashed(cert["code"]) in page and "Attendance certificate" in page
    assert "Sosialisasi Gratifikasi 2026" in page and "Inspektorat Kota Padang" in page
    assert holder["nip"] not in page and holder["nip_formatted"] not in page
    assert "asn.dinkes@padang.go.id" not in page and "asn.dinkes" not in page
    assert response.headers["Cache-Control"] == "no-store"
    # The code in the address goes to no other site.
    assert response.headers["Referrer-Policy"] in ("no-referrer", "same-origin")


def test_an_unknown_code_is_404_with_the_message(app, world, public):
    attendance_certificate(app, world, world.asn)
    for code in ("0000-0000-0000-0000", "ZZZZZZZZZZZZZZZZ", "bukan-kode", "x" * 300):
        response = public.get(f"/verifikasi/{code}")
        page = text(response)
        assert response.status_code == 404, code
        assert UNKNOWN in page and VALID not in page
        assert "0 and O, 1 and I are treated alike" in page
    assert "No certificate has the code “0000-0000-0000-0000”" in text(public.get("/verifikasi/0000-0000-0000-0000"))


def test_sloppy_codes_still_find_the_certificate(app, world, public):
    cert = attendance_certificate(app, world, world.asn)
    with app.app_context():  # a code with zeros and ones, to type them as O and I (or L)
        from portal.certificates.models import Certificate

        db.session.get(Certificate, cert["id"]).code = "10AB01CD1E0F2GH3"
        db.session.commit()
    name = person(app, world.asn)["name"]
    for typed in ("10AB01CD1E0F2GH3", "10ab01cd1e0f2gh3", "10AB-01CD-1E0F-2GH3", "10ab-01cd-1e0f-2gh3",
                  "IOAB-OICD-IEOF-2GH3", "loab-olcd-leof-2gh3", "10AB 01CD 1E0F 2GH3"):
        response = public.get(f"/verifikasi/{typed}")
        assert response.status_code == 200, typed
        page = text(response)
        assert VALID in page and name in page and "10AB-01CD-1E0F-2GH3" in page, typed


def test_the_issued_pdf_a_changed_pdf_and_an_earlier_version(app, world, public, client_of):
    cert = attendance_certificate(app, world, world.asn)
    issued = client_of("asn").get(f"{BASE}/{cert['id']}/pdf").data
    url = f"/verifikasi/{cert['code']}"

    response = public.post(url, data=upload(issued), content_type="multipart/form-data")
    assert response.status_code == 200
    page = text(response)
    assert EXACT in page and NOT_IT not in page and VALID in page

    page = text(public.post(url, data=upload(issued + b"\n"), content_type="multipart/form-data"))
    assert NOT_IT in page and EXACT not in page
    page = text(public.post(url, data=upload(issued[:-1] + b"X"), content_type="multipart/form-data"))
    assert NOT_IT in page and EXACT not in page

    # Another certificate's PDF is not this one.
    other = attendance_certificate(app, world, world.secretary)
    other_pdf = client_of("inspektur").get(f"{BASE}/{other['id']}/pdf").data
    page = text(public.post(url, data=upload(other_pdf), content_type="multipart/form-data"))
    assert NOT_IT in page

    # The holder's name is corrected and the certificate re-issued: the first file is now an
    # earlier version, and the new download is the issued file.
    rename(app, world.asn, "Rahmawati Putri, S.K.M.")
    inspektur = client_of("inspektur")
    assert inspektur.post(f"{BASE}/{cert['id']}/terbitkan-ulang",
                          data={"reason": "Nama pemegang diperbaiki sesuai SK."}).status_code == 302
    page = text(public.post(url, data=upload(issued), content_type="multipart/form-data"))
    assert EARLIER in page and EXACT not in page and VALID in page
    new = client_of("asn").get(f"{BASE}/{cert['id']}/pdf").data
    assert new != issued and "Rahmawati Putri, S.K.M." in pdf_text(new)
    assert certificate(app, cert["id"])["pdf_sha256"] == sha256(new)
    page = text(public.post(url, data=upload(new), content_type="multipart/form-data"))
    assert EXACT in page and EARLIER not in page and "Rahmawati Putri, S.K.M." in page
    page = text(public.post(url, data=upload(issued), content_type="multipart/form-data"))
    assert EARLIER in page and EXACT not in page
    page = text(public.post(url, data=upload(new + b" "), content_type="multipart/form-data"))
    assert NOT_IT in page


def rename(app, account, name: str) -> None:
    from portal.org.models import Employee

    with app.app_context():
        db.session.get(Employee, account["employee_id"]).name = name
        db.session.commit()


def test_the_form_redirects_to_the_certificate_or_says_what_is_wrong(app, world, public):
    cert = attendance_certificate(app, world, world.asn)
    page = text(public.get("/verifikasi"))
    assert "Verify a certificate" in page and 'name="code"' in page

    response = public.post("/verifikasi", data={"code": dashed(cert["code"]).lower()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verifikasi/{cert['code']}")

    response = public.post("/verifikasi", data={"code": "   "})
    assert response.status_code == 400
    assert "Enter the code." in field_error(text(response), "code")
    response = public.post("/verifikasi", data={})
    assert response.status_code == 400 and "Enter the code." in text(response)

    response = public.post("/verifikasi", data={"code": "0000-0000-0000-0000"})
    assert response.status_code == 404 and UNKNOWN in text(response)


def test_the_form_compares_a_pdf_sent_with_the_code(app, world, public, client_of):
    cert = attendance_certificate(app, world, world.asn)
    issued = client_of("asn").get(f"{BASE}/{cert['id']}/pdf").data
    response = public.post("/verifikasi", data={"code": cert["code"], **upload(issued)},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and EXACT in text(response)
    response = public.post("/verifikasi", data={"code": cert["code"], **upload(issued + b"%")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and NOT_IT in text(response)


def test_a_revoked_certificate_says_so_with_the_reason(app, world, public, client_of):
    cert = attendance_certificate(app, world, world.asn)
    reason = "Peserta ternyata tidak hadir; daftar hadir dikoreksi."
    assert client_of("inspektur").post(f"{BASE}/{cert['id']}/cabut", data={"reason": reason}).status_code == 302
    response = public.get(f"/verifikasi/{cert['code']}")
    page = text(response)
    assert response.status_code == 200
    assert "Revoked certificate" in page and reason in page and VALID not in page
    assert person(app, world.asn)["name"] in page


def test_guessing_codes_is_rate_limited(app, world, app_factory):
    cert = attendance_certificate(app, world, world.asn)
    limited = app_factory(VERIFY_LIMIT="3 per minute")  # the same database, a stricter limit
    client = english(limited.test_client())
    assert client.get(f"/verifikasi/{cert['code']}").status_code == 200
    assert client.get("/verifikasi/0000-0000-0000-0000").status_code == 404
    assert client.get(f"/verifikasi/{cert['code']}").status_code == 200
    response = client.get(f"/verifikasi/{cert['code']}")
    assert response.status_code == 429
    assert VALID not in text(response) and person(app, world.asn)["name"] not in text(response)
    # Another address is not affected.
    other = limited.test_client()
    assert other.get(f"/verifikasi/{cert['code']}", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200


def test_the_verification_form_is_rate_limited_too(app, world, app_factory):
    cert = attendance_certificate(app, world, world.asn)
    limited = app_factory(VERIFY_LIMIT="2 per minute")
    client = limited.test_client()
    for code in ("0000-0000-0000-0000", "1111-1111-1111-1111"):
        assert client.post("/verifikasi", data={"code": code}).status_code == 404
    response = client.post("/verifikasi", data={"code": cert["code"]})
    assert response.status_code == 429 and "Location" not in response.headers
