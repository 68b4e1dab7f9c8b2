"""Who sees which certificate: its holder, their OPD's secretary and the city roles open and
download it; others get 404 (its existence is not confirmed). The list of an OPD's
certificates, its search, and revoking and re-issuing by the Inspectorate."""
from __future__ import annotations

import re

import pytest

from tests.certificates.conftest import (BASE, attendance_certificate, certificate, dashed,
                                         field_error, flashed, pdf_text, person, text)


@pytest.fixture
def dinkes_cert(app, world):
    return attendance_certificate(app, world, world.asn)


@pytest.mark.parametrize("who", ["asn", "secretary", "inspektur", "admin"])
def test_holder_secretary_and_city_roles_open_and_download(app, world, client_of, dinkes_cert, who):
    client = client_of(who)
    page = client.get(f"{BASE}/{dinkes_cert['id']}")
    assert page.status_code == 200
    assert dashed(dinkes_cert["code"]) in text(page) and person(app, world.asn)["name"] in text(page)
    response = client.get(f"{BASE}/{dinkes_cert['id']}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["secretary_disdik", "asn_disdik", "kadis", "handler"])
def test_others_get_404(app, world, client_of, dinkes_cert, who):
    client = client_of(who)
    for url in (f"{BASE}/{dinkes_cert['id']}", f"{BASE}/{dinkes_cert['id']}/pdf"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert person(app, world.asn)["name"] not in text(response)
    assert certificate(app, dinkes_cert["id"])["pdf_key"] is None  # nothing was rendered for them
    # As for a certificate that does not exist.
    assert client.get(f"{BASE}/{dinkes_cert['id'] + 1000}").status_code == 404


def test_anonymous_is_sent_to_the_login(app, dinkes_cert):
    response = app.test_client().get(f"{BASE}/{dinkes_cert['id']}/pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_holders_own_page_lists_only_their_certificates(app, world, client_of, dinkes_cert):
    other = attendance_certificate(app, world, world.secretary)
    page = text(client_of("asn").get(f"{BASE}/"))
    assert f"{BASE}/{dinkes_cert['id']}/pdf" in page and f"{BASE}/{other['id']}/pdf" not in page
    assert dashed(other["code"]) not in page


# --- the list ----------------------------------------------------------------------------------------

def test_list_shows_an_opd_its_own_and_the_city_everything(app, world, client_of, dinkes_cert):
    disdik_cert = attendance_certificate(app, world, world.asn_disdik)
    dinkes, disdik = person(app, world.asn), person(app, world.asn_disdik)

    page = text(client_of("secretary").get(f"{BASE}/daftar"))
    assert dinkes["name"] in page and dashed(dinkes_cert["code"]) in page
    assert disdik["name"] not in page and dashed(disdik_cert["code"]) not in page

    page = text(client_of("secretary_disdik").get(f"{BASE}/daftar"))
    assert disdik["name"] in page and dinkes["name"] not in page

    for who in ("inspektur", "admin"):
        page = text(client_of(who).get(f"{BASE}/daftar"))
        assert dinkes["name"] in page and disdik["name"] in page
        assert dashed(dinkes_cert["code"]) in page and dashed(disdik_cert["code"]) in page

    assert client_of("asn").get(f"{BASE}/daftar").status_code == 403


def test_a_secretary_searching_does_not_reach_another_opd(app, world, client_of, dinkes_cert):
    disdik_cert = attendance_certificate(app, world, world.asn_disdik)
    disdik = person(app, world.asn_disdik)
    secretary = client_of("secretary")
    for q in (disdik["name"], disdik["nip"], disdik_cert["code"]):
        page = text(secretary.get(f"{BASE}/daftar", query_string={"q": q}))
        assert dashed(disdik_cert["code"]) not in page and "None found." in page, q


def test_search_by_name_nip_and_code(app, world, client_of, dinkes_cert):
    secretary_cert = attendance_certificate(app, world, world.secretary)
    disdik_cert = attendance_certificate(app, world, world.asn_disdik)
    asn, secretary = person(app, world.asn), person(app, world.secretary)
    inspektur = client_of("inspektur")

    def found(q) -> set[str]:
        page = text(inspektur.get(f"{BASE}/daftar", query_string={"q": q}))
        return {c["code"] for c in (dinkes_cert, secretary_cert, disdik_cert) if dashed(c["code"]) in page}

    assert found(asn["name"]) == {dinkes_cert["code"]}
    assert found(asn["name"].upper()) == {dinkes_cert["code"]}
    assert found(asn["nip"]) == {dinkes_cert["code"]}
    assert found(asn["nip_formatted"]) == {dinkes_cert["code"]}
    assert found(secretary["nip"][-12:]) == {secretary_cert["code"]}
    assert found(dashed(disdik_cert["code"])) == {disdik_cert["code"]}
    assert found(disdik_cert["code"].lower()) == {disdik_cert["code"]}
    assert found("Nama yang tidak ada") == set()
    assert found("%") == set()  # a wildcard typed is a character, not "everything"
    assert len(found("")) == 3
    # The kind filter
    assert inspektur.get(f"{BASE}/daftar", query_string={"kind": "module"}).status_code == 200
    assert "None found." in text(inspektur.get(f"{BASE}/daftar", query_string={"kind": "module"}))


def textarea(page: str) -> str:
    """What the reason box holds."""
    return re.search(r'<textarea[^>]*name="reason"[^>]*>(.*?)</textarea>', page, re.S).group(1).strip()


# --- revoking and re-issuing ----------------------------------------------------------------------------

def test_a_reason_too_short_is_refused_and_kept(app, world, client_of, dinkes_cert):
    inspektur = client_of("inspektur")
    response = inspektur.post(f"{BASE}/{dinkes_cert['id']}/cabut", data={"reason": "salah"})
    assert response.status_code == 400
    page = text(response)
    assert "Give the reason in a sentence (at least 10 characters)." in field_error(page, "reason")
    assert textarea(page) == "salah"
    response = inspektur.post(f"{BASE}/{dinkes_cert['id']}/cabut", data={"reason": ""})
    assert response.status_code == 400 and "Give the reason." in field_error(text(response), "reason")
    response = inspektur.post(f"{BASE}/{dinkes_cert['id']}/terbitkan-ulang", data={"reason": "ganti"})
    assert response.status_code == 400 and textarea(text(response)) == "ganti"
    after = certificate(app, dinkes_cert["id"])
    assert (after["status"], after["version"], after["changes"]) == ("valid", 1, dinkes_cert["changes"])


def test_revoke_then_reissue(app, world, client_of, dinkes_cert):
    inspektur = client_of("inspektur")
    url = f"{BASE}/{dinkes_cert['id']}"
    revoke_reason = "Dicabut: peserta tidak hadir, salah pindai."
    response = inspektur.post(f"{url}/cabut", data={"reason": revoke_reason})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "The certificate has been revoked." in flashed(inspektur)
    revoked = certificate(app, dinkes_cert["id"])
    assert (revoked["status"], revoked["revoked_reason"], revoked["code"]) == ("revoked", revoke_reason,
                                                                                dinkes_cert["code"])
    page = text(inspektur.get(url))
    assert f"Revoked: {revoke_reason}" in page
    verify = text(app.test_client().get(f"/verifikasi/{dinkes_cert['code']}?lang=en"))
    assert "Revoked certificate" in verify and revoke_reason in verify

    # Revoking twice is refused.
    again = inspektur.post(f"{url}/cabut", data={"reason": "Sekali lagi dicabut, tidak boleh."})
    assert again.status_code == 400 and "already revoked" in field_error(text(again), "reason")

    reissue_reason = "Diterbitkan ulang: kehadiran terbukti dari foto."
    response = inspektur.post(f"{url}/terbitkan-ulang", data={"reason": reissue_reason})
    assert response.status_code == 302
    assert "re-issued under the same code" in flashed(inspektur)
    after = certificate(app, dinkes_cert["id"])
    assert (after["status"], after["code"], after["version"], after["revoked_reason"]) == (
        "valid", dinkes_cert["code"], 2, "")
    assert [c[0] for c in after["changes"]] == ["issued", "revoked", "reissued"]
    assert after["changes"][1][3] == revoke_reason and after["changes"][2][1:4:2] == (2, reissue_reason)

    page = text(inspektur.get(url))
    assert "revoked: " + revoke_reason in page and "re-issued: " + reissue_reason in page
    assert "version 2" in page and "Revoked:" not in page
    verify = text(app.test_client().get(f"/verifikasi/{dinkes_cert['code']}?lang=en"))
    assert "Valid certificate" in verify and "Revoked certificate" not in verify


def test_reissue_takes_the_holders_current_name_and_opd(app, world, client_of, dinkes_cert):
    from portal.extensions import db
    from portal.org.models import Employee

    with app.app_context():  # asn.dinkes moved to Disdik, their name corrected
        employee = db.session.get(Employee, world.asn["employee_id"])
        employee.name, employee.opd_id = "Siti Rahmah, S.Kep.", world.disdik
        db.session.commit()
    # The certificate still says what it said when issued...
    assert certificate(app, dinkes_cert["id"])["opd_name"] == "Dinas Kesehatan"
    assert client_of("inspektur").post(f"{BASE}/{dinkes_cert['id']}/terbitkan-ulang",
                                       data={"reason": "Nama dan OPD diperbarui."}).status_code == 302
    after = certificate(app, dinkes_cert["id"])
    assert (after["holder_name"], after["opd_id"], after["opd_name"]) == (
        "Siti Rahmah, S.Kep.", world.disdik, "Dinas Pendidikan dan Kebudayaan")
    content = pdf_text(client_of("asn").get(f"{BASE}/{dinkes_cert['id']}/pdf").data)
    assert "Siti Rahmah, S.Kep." in content and "Dinas Pendidikan dan Kebudayaan" in content
    # ...and now it belongs to Disdik's list.
    assert "Siti Rahmah" in text(client_of("secretary_disdik").get(f"{BASE}/daftar"))
    assert client_of("secretary").get(f"{BASE}/{dinkes_cert['id']}").status_code == 404


@pytest.mark.parametrize("who", ["asn", "secretary"])
def test_only_the_city_revokes_and_reissues(app, world, client_of, dinkes_cert, who):
    client = client_of(who)
    reason = "Dicabut karena alasan yang cukup panjang."
    assert client.post(f"{BASE}/{dinkes_cert['id']}/cabut", data={"reason": reason}).status_code == 403
    assert client.post(f"{BASE}/{dinkes_cert['id']}/terbitkan-ulang", data={"reason": reason}).status_code == 403
    page = text(client.get(f"{BASE}/{dinkes_cert['id']}"))
    assert "Revoke or re-issue" not in page
    after = certificate(app, dinkes_cert["id"])
    assert (after["status"], after["version"]) == ("valid", 1)


def test_admin_may_revoke_too(app, world, client_of, dinkes_cert):
    response = client_of("admin").post(f"{BASE}/{dinkes_cert['id']}/cabut",
                                       data={"reason": "Dicabut oleh administrator sistem."})
    assert response.status_code == 302
    assert certificate(app, dinkes_cert["id"])["status"] == "revoked"


def test_revoking_is_recorded_in_the_audit_log(app, world, client_of, dinkes_cert):
    import sqlalchemy as sa

    from portal.core.audit import AuditEvent
    from portal.extensions import db

    reason = "Peserta tidak hadir sama sekali."
    client_of("inspektur").post(f"{BASE}/{dinkes_cert['id']}/cabut", data={"reason": reason})
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")).one()
        assert event.actor_id == world.inspektur["user_id"]
        assert event.data == {"code": dinkes_cert["code"], "reason": reason}


def test_a_revoked_certificate_is_not_handed_out_as_a_clean_pdf(app, world, client_of, dinkes_cert):
    """Downloaded before its revocation or not, a revoked certificate's PDF carries the
    REVOKED mark (or is refused): it is never handed out looking valid."""
    asn = client_of("asn")
    before = asn.get(f"{BASE}/{dinkes_cert['id']}/pdf").data
    assert "REVOKED" not in pdf_text(before, raw=True)
    other = attendance_certificate(app, world, world.secretary)  # never downloaded before revocation
    inspektur = client_of("inspektur")
    for cert in (other, dinkes_cert):
        assert inspektur.post(f"{BASE}/{cert['id']}/cabut",
                              data={"reason": "Peserta tidak hadir, salah pindai."}).status_code == 302
    for cert, client in ((other, client_of("secretary")), (dinkes_cert, asn)):
        response = client.get(f"{BASE}/{cert['id']}/pdf")
        assert response.status_code != 200 or "DICABUT · REVOKED" in pdf_text(response.data, raw=True), cert["id"]


def test_listing_shows_status(app, world, client_of, dinkes_cert):
    client_of("inspektur").post(f"{BASE}/{dinkes_cert['id']}/cabut", data={"reason": "Peserta tidak hadir di acara."})
    other = attendance_certificate(app, world, world.secretary)
    page = text(client_of("secretary").get(f"{BASE}/daftar"))
    rows = {code: row for row in page.split("<tr>")[2:] for code in (dinkes_cert["code"], other["code"])
            if dashed(code) in row}
    assert "Revoked" in rows[dinkes_cert["code"]] and "In force" in rows[other["code"]]
    assert "Revoked" not in rows[other["code"]]
