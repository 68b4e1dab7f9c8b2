"""User input inside translated messages is escaped (Flask-Babel's lazy strings claim to be
safe HTML; portal.web.i18n makes them escape)."""
from __future__ import annotations

import io

from tests.helpers.nonce_support import form_nonce
from tests.org.test_org_import import csv_bytes, uploaded_token


def test_lazy_message_with_input_is_escaped(app):
    from flask_babel import lazy_gettext as _l
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string("{{ m }}", m=_l("Unknown OPD code \"%(code)s\".", code="<script>x</script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_import_preview_escapes_an_opd_code(login_as, world):
    client = login_as(world.admin)
    token = uploaded_token(client, csv_bytes([["196608011988031001", "Nama", "Staf", "<img src=x onerror=alert(1)>"]],
                                             header=["nip", "nama", "jabatan", "kode_opd"]))
    page = client.get(f"/org/impor/{token}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_wbs_file_name_in_an_error_is_escaped(app_factory):
    from portal.extensions import db
    from portal.wbs.content import load_categories

    app = app_factory(WBS_RECEIPT_SCRYPT_N=16)
    with app.app_context():
        load_categories()
        db.session.commit()
    data = {"mode": "anonymous", "reported_name": "x", "reported_opd": "0", "category": "1",
            "what": "Sesuatu yang cukup panjang untuk diterima.", "where": "x", "when_from": "2026-01-01",
            "how": "x", "good_faith": "y",
            "evidence": [(io.BytesIO(b"MZ" + b"\0" * 64), "<script>alert(1)</script>.pdf")]}
    client = app.test_client()
    data["nonce"] = form_nonce(client, "/wbs/lapor")
    page = client.post("/wbs/lapor", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_huge_numbers_in_query_strings_are_ignored(login_as, world):
    huge = "9" * 30
    admin = login_as(world.admin)
    for url in (f"/org/pegawai?opd={huge}&page={huge}", f"/admin/akun?page={huge}", f"/admin/audit?page={huge}",
                f"/admin/hari-libur?tahun={huge}", f"/benturan-kepentingan/pengawasan/daftar?page={huge}"):
        assert admin.get(url).status_code == 200, url
    reviewer = login_as(world.inspektur)
    for url in (f"/benturan-kepentingan/pengawasan/?opd={huge}&tahun={huge}&page={huge}",
                f"/benturan-kepentingan/pengawasan/register?opd={huge}&tahun={huge}",
                f"/belajar/hasil/?opd={huge}&page={huge}&module={huge}"):
        assert reviewer.get(url).status_code == 200, url
    handler = login_as(world.handler)
    assert handler.get(f"/wbs/kelola/?opd={huge}&category={huge}&page={huge}").status_code == 200
