"""The yearly evaluation of the whole city: every OPD's figures (the same as each OPD's own
evaluation), the city's totals, the official PDF (Indonesian for every reader) and the XLSX."""
from __future__ import annotations

import io
from datetime import date

import pytest

from portal.extensions import db
from tests.coi.conftest import OVERSIGHT, english, text
from tests.helpers.pages import pdf_text

FIGURES = ("headcount", "statements_filed", "declarations", "decided", "decided_on_time", "open_overdue")


def declare(app, account, items, *, kind="adhoc", description="Adik saya ikut tender di dinas ini.") -> int:
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Activity, Kind, Relationship

    with app.app_context():
        user = db.session.get(User, account["user_id"])
        d = services.save_draft(None, declarant=user.employee, kind=Kind(kind), actor=user,
                                fields=services.DraftFields(
                                    description=description, activity=Activity.PROCUREMENT,
                                    related_party="CV Contoh", relationship_kind=Relationship.FAMILY,
                                    proposed_measure="Tidak ikut menilai.", type_ids=(items[("type", "BK01")],),
                                    source_ids=(items[("source", "S1")],)))
        services.submit(d, actor=user)
        db.session.commit()
        return d.year


@pytest.fixture
def inspektur(world, login_as):
    return english(login_as(world.inspektur))


@pytest.fixture
def year(app, world, items):
    year = declare(app, world.asn, items)
    declare(app, world.asn, items, kind="yearly")
    declare(app, world.asn_disdik, items, description="Sepupu saya ikut seleksi guru di sekolah.")
    return year


def test_city_lists_every_opd_and_totals_match_the_per_opd_evaluations(app, world, inspektur, year):
    from portal.coi import queries
    from portal.org.models import Opd

    with app.app_context():
        city = queries.city_evaluation(year, "en", date.today())
        names = {opd.name for opd in db.session.scalars(db.select(Opd))}
        assert {opd.name for opd, _ in city.opds} == names
        for opd, ev in city.opds:
            alone = queries.evaluation(opd.id, year, "en", date.today())
            assert [getattr(ev, f) for f in FIGURES] == [getattr(alone, f) for f in FIGURES], opd.name
        for f in FIGURES:
            assert getattr(city.total, f) == sum(getattr(ev, f) for _, ev in city.opds), f
        assert city.total.declarations == 3 and city.total.statements_filed == 1
        assert city.total.headcount == 7

    page = text(inspektur.get(f"{OVERSIGHT}/evaluasi/kota?tahun={year}"))
    assert "Yearly evaluation of the whole city" in page and "Whole city" in page
    for name in names:
        assert name in page
    # The per-OPD evaluation links to the city's.
    assert f"{OVERSIGHT}/evaluasi/kota?tahun={year}" in inspektur.get(
        f"{OVERSIGHT}/evaluasi?opd={world.dinkes}&tahun={year}").get_data(as_text=True)


def test_city_pdf_is_official_and_indonesian_for_an_english_reader(app, world, inspektur, year):
    from portal.core import settings

    with app.app_context():
        settings.put("gov.head_office", "Wali Kota Padang", actor=None)
        db.session.commit()
    response = inspektur.get(f"{OVERSIGHT}/evaluasi/kota.pdf?tahun={year}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "evaluasi-bk-kota" in response.headers["Content-Disposition"]
    words = pdf_text(response.data)
    assert "Wali Kota Padang" in words
    assert "Dinas Kesehatan" in words and "Dinas Pendidikan dan Kebudayaan" in words and "Inspektorat" in words
    assert "Seluruh kota" in words and "Rekomendasi" in words
    assert "Whole city" not in words and "Yearly evaluation" not in words and "Employees" not in words
    again = inspektur.get(f"{OVERSIGHT}/evaluasi/kota.pdf?tahun={year}")  # the same number, once per year
    with app.app_context():
        from portal.documents.models import IssuedNumber

        numbers = list(db.session.scalars(db.select(IssuedNumber).where(IssuedNumber.kind == "coi.evaluation")))
        assert [n.subject for n in numbers] == [f"coi_evaluation:city:{year}"]
    assert numbers[0].number in pdf_text(again.data)


def test_city_xlsx_has_every_opd_and_the_total(app, world, inspektur, year):
    from openpyxl import load_workbook

    response = inspektur.get(f"{OVERSIGHT}/evaluasi/kota.xlsx?tahun={year}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = [list(r) for r in book["OPDs"].iter_rows(values_only=True)]
    by_name = {r[0]: r for r in rows if r and r[0]}
    assert by_name["Dinas Kesehatan"][4] == 2 and by_name["Dinas Pendidikan dan Kebudayaan"][4] == 1
    assert by_name["Whole city"][1] == 7 and by_name["Whole city"][4] == 3
    assert "Recommendations" in book.sheetnames


def test_city_evaluation_is_the_inspectorates(world, login_as):
    for account in (world.secretary, world.asn, world.admin):
        client = login_as(account)
        assert client.get(f"{OVERSIGHT}/evaluasi/kota").status_code == 403
        assert client.get(f"{OVERSIGHT}/evaluasi/kota.pdf").status_code == 403
