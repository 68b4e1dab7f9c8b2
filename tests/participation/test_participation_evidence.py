"""The evidence summary (bukti dukung) PDF: a real PDF whose numbers are the dashboard's and
whose words are the LKE's ("seluruh / sebagian besar / sebagian kecil / belum"), per employee
for one OPD and per OPD for the city; where "most" starts is a setting."""
from __future__ import annotations

import re

import pytest

from tests.participation.support import (BASE, cards, complete, file_statement, make_module, pdf_text,
                                         save_settings, text)


@pytest.fixture
def coverage(app, world, make_employee):
    """Dinkes has 4 people. Module 'Penuh' done by all of them (and someone in every OPD),
    'Separuh' by 2 (and asn.disdik), 'Sedikit' by 1, 'Kosong' by nobody; 3 of Dinkes filed."""
    extra = make_employee(world.dinkes, name="Staf Dinkes")
    dinkes = [world.kadis, world.secretary, world.asn, extra]
    with app.app_context():
        full, half, few, _ = (make_module(f"m-{n}", f"Modul {n}") for n in ("Penuh", "Separuh", "Sedikit", "Kosong"))
        for account in dinkes + [world.inspektur, world.asn_disdik]:
            complete(account["employee_id"], full)
        for account in (world.asn, world.secretary, world.asn_disdik):
            complete(account["employee_id"], half)
        complete(world.asn["employee_id"], few)
        for account in dinkes[1:]:
            file_statement(account["employee_id"])


def pdf(client, query=""):
    response = client.get(f"{BASE}/bukti-dukung.pdf{query}")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.data.rstrip().endswith(b"%%EOF")
    return response, pdf_text(response.data)


def test_opd_summary_is_indonesian_whatever_the_interface(world, coverage, client_of):
    """An official document: in Indonesian even for someone whose interface is in English."""
    from portal.core.workdays import today

    secretary = client_of("secretary")  # English interface
    response, body = pdf(secretary)
    year = today().year
    assert response.headers["Content-Disposition"] == f"attachment; filename=bukti-dukung-dinkes-{year}.pdf"
    assert "RINGKASAN PARTISIPASI (BUKTI DUKUNG)" in body
    assert f"Dinas Kesehatan · Tahun {year}" in body
    assert "Unit yang dihitung: 4 pegawai OPD." in body
    assert re.search(r"Modul Penuh 4 100% seluruh unit", body), body
    assert re.search(r"Modul Separuh 2 50% sebagian besar unit", body), body
    assert re.search(r"Modul Sedikit 1 25% sebagian kecil unit", body), body
    assert re.search(r"Modul Kosong 0 0% belum", body), body
    assert re.search(rf"Pernyataan tahunan {year} disampaikan 3 \(75%\) sebagian besar unit", body), body
    assert re.search(r"Sertifikat sah yang diterbitkan (\d+)", body).group(1) == cards(
        text(secretary.get(f"{BASE}/")))["Certificates issued"]
    assert "Per OPD" not in body  # per employee for one OPD
    # Made by the secretary who downloads it, acknowledged by the head of the OPD.
    assert re.search(r"Mengetahui, Kepala Dinas Kesehatan, .*NIP", body), body


def test_opd_summary_in_indonesian(world, coverage, login_as):
    _, body = pdf(login_as(world.secretary))  # the default language
    assert re.search(r"Modul Penuh 4 100% seluruh unit", body), body
    assert re.search(r"Modul Separuh 2 50% sebagian besar unit", body), body
    assert re.search(r"Modul Sedikit 1 25% sebagian kecil unit", body), body
    assert re.search(r"Modul Kosong 0 0% belum", body), body


def test_city_summary_counts_opds(app, world, coverage, client_of):
    from portal.core.workdays import today

    inspektur = client_of("inspektur")
    response, body = pdf(inspektur)
    assert response.headers["Content-Disposition"] == f"attachment; filename=bukti-dukung-kota-{today().year}.pdf"
    assert app.config["GOVERNMENT_NAME"] in body
    assert "Unit yang dihitung: 3 OPD dengan 8 pegawai." in body
    # Per unit: how many of the 3 OPDs the module reached.
    assert re.search(r"Modul Penuh 6 100% seluruh unit", body), body
    assert re.search(r"Modul Separuh 3 67% sebagian besar unit", body), body
    assert re.search(r"Modul Sedikit 1 33% sebagian kecil unit", body), body
    assert re.search(r"Modul Kosong 0 0% belum", body), body
    assert "Per OPD" in body
    # Dinkes: 4 people, coverage (4 + 2 + 1 + 0) / 16 = 44%, 3 statements.
    assert re.search(r"Dinas Kesehatan 4 44% 3 0", body), body
    assert re.search(r"Dinas Pendidikan dan Kebudayaan 2 25% 0 0", body), body

    # The chosen OPD instead of the city.
    _, body = pdf(inspektur, f"?opd={world.disdik}")
    assert "Unit yang dihitung: 2 pegawai OPD." in body
    assert re.search(r"Modul Penuh 1 50% sebagian besar unit", body), body


def test_most_starts_where_the_setting_says(world, coverage, client_of):
    save_settings(client_of("admin"), most_percent=60)
    _, body = pdf(client_of("secretary"))
    assert re.search(r"Modul Separuh 2 50% sebagian kecil unit", body), body
    assert re.search(r"disampaikan 3 \(75%\) sebagian besar unit", body), body
    save_settings(client_of("admin"), most_percent=80)
    _, body = pdf(client_of("secretary"))
    assert re.search(r"disampaikan 3 \(75%\) sebagian kecil unit", body), body
    assert re.search(r"Modul Penuh 4 100% seluruh unit", body), body


def test_other_year(world, coverage, client_of):
    from portal.core.workdays import today

    last = today().year - 1
    response, body = pdf(client_of("secretary"), f"?tahun={last}")
    assert response.headers["Content-Disposition"].endswith(f"-{last}.pdf")
    assert f"Tahun {last}" in body
    assert re.search(rf"Pernyataan tahunan {last} disampaikan 0 \(0%\) belum", body), body


def test_wording_thresholds(app):
    from portal.participation import services

    with app.test_request_context("/?lang=en"):
        from flask_babel import force_locale

        with force_locale("en"):
            assert services.wording(100) == "all units (seluruh)"
            assert services.wording(99.9) == "most units (sebagian besar)"
            assert services.wording(50) == "most units (sebagian besar)"
            assert services.wording(49.9) == "a few units (sebagian kecil)"
            assert services.wording(0.1) == "a few units (sebagian kecil)"
            assert services.wording(0) == "not yet (belum)"
