"""A new government sets itself up in the browser and every official PDF the portal makes then
carries its kop, its place and an Indonesian date, the signatory's NIP and, where numbered, its
nomor: read from the real PDF bytes, downloaded by people whose interface is in English."""
from __future__ import annotations

from flask_babel import force_locale

from tests.helpers.pages import pdf_text
from tests.test_signing import download_all, make_documents

INSPEKTUR = {"office": "Inspektur Kota Contoh", "name": "Dr. Nama Lengkap, S.E., M.Si.",
             "rank": "Pembina Utama Muda (IV/c)", "nip": "19700101 199503 1 001"}
NUMBERED = {"session_invitation", "evidence_pack/01-undangan.pdf", "coi_evaluation"}
# The record of a session is dated the session's day; every other document the day it was made.
DATED_BY_SESSION = {"session_attendance", "session_minutes", "evidence_pack/02-daftar-hadir.pdf",
                    "evidence_pack/03-notula.pdf"}
SIGNED_BY_INSPEKTUR = {"session_invitation", "evidence_pack/01-undangan.pdf", "coi_evaluation",
                       "certificate_attendance", "certificate_module", "certificate_compliance",
                       "certificates_merged"}


def _set_up_contoh(admin) -> None:
    steps = [
        ("/admin/pemerintah", {"name": "Pemerintah Kota Contoh", "inspectorate": "Inspektorat Kota Contoh",
                               "place": "Kota Contoh", "head_office": "Wali Kota Contoh", "timezone": "Asia/Makassar"}),
        ("/admin/naskah/kop/baru", {"opd": "0", "government_line": "Pemerintah Kota Contoh", "unit_line": ""}),
    ]
    for kind in ("socialisation.invitation", "coi.evaluation", "certificates.certificate"):
        steps.append((f"/admin/naskah/penandatangan/{kind}/sign", INSPEKTUR))
    for kind in ("socialisation.invitation", "coi.evaluation"):
        steps.append((f"/admin/naskah/penomoran/{kind}", {"classification": "700.1", "unit_code": "INSP.KC",
                                                          "pattern": ""}))
    for url, data in steps:
        response = admin.post(url, data=data)
        assert response.status_code == 302, (url, response.status_code, response.get_data(as_text=True)[:400])


def test_a_new_government_gets_official_documents_without_touching_code(app, world, login_as):
    admin = login_as(world.admin)
    _set_up_contoh(admin)
    # Both readers work in English: official documents stay Indonesian.
    for account in (world.asn, world.inspektur):
        assert login_as(account).get("/?lang=en").status_code == 200
    from portal.core import formatting
    from portal.core.workdays import today

    def dated(day=None) -> str:
        with app.test_request_context("/"), force_locale("id"):
            return f"Kota Contoh, {formatting.day(day or today())}"

    made_from = dated()  # read on the government's calendar (WITA), before and after: midnight may pass
    ids = make_documents(app, world)
    pdfs = download_all(app, world, login_as, ids)
    made_on = {made_from, dated()}
    for kind, data in pdfs.items():
        text = pdf_text(data)
        assert "PEMERINTAH KOTA CONTOH" in text, kind
        assert "Padang" not in text, kind
        # the place, and the date in Indonesian
        expected = {dated(ids["session_day"])} if kind in DATED_BY_SESSION else made_on
        assert any(line in text for line in expected), (kind, expected, text[:600])
        if kind in NUMBERED:
            assert f"/INSP.KC/{ids['year']}" in text and "Nomor" in text, (kind, text[:600])
        if kind in SIGNED_BY_INSPEKTUR:
            assert "Dr. Nama Lengkap, S.E., M.Si." in text and "NIP 19700101 199503 1 001" in text, (kind, text[-800:])
