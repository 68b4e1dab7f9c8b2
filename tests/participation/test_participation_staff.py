"""The staff list: filters, search, sort, pagination, bad query strings; and the exports'
safety (CSV formula injection, the NIP kept as text in XLSX)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from tests.participation.support import (BASE, add_staff, complete, csv_rows, fail, file_statement, main, make_module,
                                         read_lesson, save_settings, staff_names, text, xlsx_cells, xlsx_sheet)

NO_TARGET = "No target date is set for this year, so nobody is overdue."


def rename(employee_id: int, name: str) -> None:
    from portal.org.models import Employee

    db.session.get(Employee, employee_id).name = name
    db.session.commit()


@pytest.fixture
def dinkes(app, world, make_employee):
    """Five people of Dinkes with fixed names and known progress over two modules:

    Budi    statement filed, no module         -> in progress
    Citra   module A, read a lesson of B        -> in progress, no statement
    Dewi    (kadis) nothing                     -> not started
    Eka     (secretary) failed quiz A           -> failed, no statement
    Fajar   (asn) both modules and statement    -> complete
    """
    budi = make_employee(world.dinkes, name="Budi Santoso")
    citra = make_employee(world.dinkes, name="Citra Lestari")
    with app.app_context():
        rename(world.kadis["employee_id"], "Dewi Kadis")
        rename(world.secretary["employee_id"], "Eka Sekretaris")
        rename(world.asn["employee_id"], "Fajar Analis")
        a, b = make_module("modul-a", "Modul A"), make_module("modul-b", "Modul B")
        file_statement(budi["employee_id"])
        complete(citra["employee_id"], a)
        read_lesson(citra["employee_id"], b)
        fail(world.secretary["employee_id"], a)
        complete(world.asn["employee_id"], a)
        complete(world.asn["employee_id"], b)
        file_statement(world.asn["employee_id"])
    return {"budi": budi, "citra": citra}


def names(client, query: str) -> list[str]:
    response = client.get(f"{BASE}/pegawai{query}")
    assert response.status_code == 200, response.data[:300]
    return staff_names(main(response))


def set_target(admin, day) -> None:
    save_settings(admin, target_date=day.isoformat() if day else "")


def test_filters(world, dinkes, client_of):
    secretary = client_of("secretary")
    everyone = ["Budi Santoso", "Citra Lestari", "Dewi Kadis", "Eka Sekretaris", "Fajar Analis"]
    assert names(secretary, "") == everyone
    assert names(secretary, "?filter=not_started") == ["Dewi Kadis"]
    assert names(secretary, "?filter=failed") == ["Eka Sekretaris"]
    assert names(secretary, "?filter=no_statement") == ["Citra Lestari", "Dewi Kadis", "Eka Sekretaris"]
    assert names(secretary, "?filter=complete") == ["Fajar Analis"]
    # Filters combine with the search.
    assert names(secretary, "?filter=no_statement&q=Dewi") == ["Dewi Kadis"]
    # The statuses shown agree with the filters.
    page = main(secretary.get(f"{BASE}/pegawai?filter=complete"))
    assert "Finished" in page and "2/2" in page


def test_overdue_needs_a_target_date(world, dinkes, client_of):
    from portal.core.workdays import today

    secretary, admin = client_of("secretary"), client_of("admin")
    response = secretary.get(f"{BASE}/pegawai?filter=overdue")
    assert staff_names(main(response)) == []
    assert NO_TARGET in text(response)
    assert NO_TARGET not in text(secretary.get(f"{BASE}/pegawai"))  # said only when it matters

    set_target(admin, today() + timedelta(days=1))
    response = secretary.get(f"{BASE}/pegawai?filter=overdue")
    assert staff_names(main(response)) == [] and NO_TARGET not in text(response)

    set_target(admin, today() - timedelta(days=1))
    response = secretary.get(f"{BASE}/pegawai?filter=overdue")
    assert staff_names(main(response)) == ["Budi Santoso", "Citra Lestari", "Dewi Kadis", "Eka Sekretaris"]
    assert NO_TARGET not in text(response)
    # The export of the filtered list has the same people.
    assert [r["Name"] for r in csv_rows(secretary.get(f"{BASE}/pegawai.csv?filter=overdue"))] == [
        "Budi Santoso", "Citra Lestari", "Dewi Kadis", "Eka Sekretaris"]

    set_target(admin, None)
    assert names(secretary, "?filter=overdue") == []


def test_search_by_name_and_nip(app, world, dinkes, client_of):
    from portal.org.models import Employee

    secretary = client_of("secretary")
    assert names(secretary, "?q=Budi") == ["Budi Santoso"]
    assert names(secretary, "?q=lestari") == ["Citra Lestari"]  # any case, any part
    assert names(secretary, "?q=%25") == [] and names(secretary, "?q=_") == []  # LIKE wildcards are literal
    assert names(secretary, "?q=Nobody+Here") == []
    with app.app_context():
        nips = {e.name: e.nip for e in db.session.scalars(db.select(Employee).where(Employee.opd_id == world.dinkes))}
    nip = nips["Citra Lestari"]
    for prefix in (nip[:14], nip[:8], f"{nip[:8]} {nip[8:14]}", nip):
        expected = sorted(n for n, v in nips.items() if v.startswith(prefix.replace(" ", "")))
        assert "Citra Lestari" in expected
        assert names(secretary, f"?q={prefix}") == expected, prefix
    # A NIP of another OPD finds nobody.
    with app.app_context():
        other = db.session.get(Employee, world.asn_disdik["employee_id"]).nip
    assert names(secretary, f"?q={other}") == []


def test_sort(world, dinkes, client_of):
    secretary = client_of("secretary")
    assert names(secretary, "?sort=name") == ["Budi Santoso", "Citra Lestari", "Dewi Kadis", "Eka Sekretaris",
                                              "Fajar Analis"]
    assert names(secretary, "?sort=progress") == ["Budi Santoso", "Dewi Kadis", "Eka Sekretaris", "Citra Lestari",
                                                  "Fajar Analis"]
    assert names(secretary, "?sort=-progress") == ["Fajar Analis", "Citra Lestari", "Budi Santoso", "Dewi Kadis",
                                                   "Eka Sekretaris"]


def test_pagination(app, world, dinkes, client_of):
    with app.app_context():
        add_staff(world.dinkes, 55, prefix="Pegawai Uji")
    secretary = client_of("secretary")
    response = secretary.get(f"{BASE}/pegawai")
    page1 = staff_names(main(response))
    assert "60 found" in text(response)
    assert len(page1) == 50 and page1[:5] == ["Budi Santoso", "Citra Lestari", "Dewi Kadis", "Eka Sekretaris",
                                              "Fajar Analis"]
    assert re.search(r'href="/partisipasi/pegawai\?page=2"', text(response))
    page2 = names(secretary, "?page=2")
    assert page2 == [f"Pegawai Uji {i:03d}" for i in range(45, 55)]
    assert not set(page1) & set(page2)
    assert names(secretary, "?page=3") == []
    # The filter stays on the next page's link, and the page applies to the filtered list.
    response = secretary.get(f"{BASE}/pegawai?filter=not_started")
    assert len(staff_names(main(response))) == 50
    link = re.search(r'href="(/partisipasi/pegawai\?[^"]*page=2[^"]*)"', text(response)).group(1)
    assert "filter=not_started" in link
    assert names(secretary, "?filter=not_started&page=2") == [f"Pegawai Uji {i:03d}" for i in range(49, 55)]
    # The export has everyone, not a page.
    assert len(csv_rows(secretary.get(f"{BASE}/pegawai.csv"))) == 60


BAD_QUERIES = ["?page=abc", "?page=0", "?page=-1", "?page=99999999999999999999", "?filter=zzz", "?sort=zzz",
               "?tahun=99999", "?tahun=abc", "?tahun=-5", "?opd=abc", "?opd=99999999999999999999",
               "?q=" + "x" * 300, "?filter=overdue&sort=-progress&page=2&tahun=2019"]


def test_bad_values_are_not_errors(world, dinkes, client_of):
    for account in ("secretary", "inspektur"):
        client = client_of(account)
        for query in BAD_QUERIES:
            for path in ("/", "/pegawai", "/pegawai.csv", "/pegawai.xlsx"):
                response = client.get(f"{BASE}{path}{query}")
                assert response.status_code == 200, (account, path, query, response.data[:300])
    secretary = client_of("secretary")
    for query in ("?filter=zzz", "?sort=zzz", "?page=abc", "?page=0", "?page=-1", "?tahun=99999", "?tahun=abc",
                  "?q=" + "x" * 300):
        # An unknown value is ignored: everyone, in the first page.
        assert names(secretary, query) == ["Budi Santoso", "Citra Lestari", "Dewi Kadis", "Eka Sekretaris",
                                           "Fajar Analis"], query


def test_nul_in_search_is_refused_not_an_error(world, dinkes, client_of):
    """PostgreSQL text cannot hold NUL: every request carrying one is a 400, on both backends."""
    secretary = client_of("secretary")
    for path in ("/pegawai", "/pegawai.csv", "/pegawai.xlsx"):
        for query in ("?q=%00", "?q=Budi%00", "?q=19%00", "?filter=%00"):
            response = secretary.get(f"{BASE}{path}{query}")
            assert response.status_code == 400, (path, query, response.status_code)
            assert "Traceback" not in response.get_data(as_text=True)


def test_bad_year_falls_back_to_this_year(world, dinkes, client_of):
    from portal.core.workdays import today

    secretary = client_of("secretary")
    this_year = {r["Name"]: r["Yearly statement filed"] for r in csv_rows(secretary.get(f"{BASE}/pegawai.csv"))}
    assert this_year["Budi Santoso"] == "yes"
    for bad in ("99999", "1900", "abc"):
        rows = csv_rows(secretary.get(f"{BASE}/pegawai.csv?tahun={bad}"))
        assert {r["Name"]: r["Yearly statement filed"] for r in rows} == this_year
    # Last year: nobody had filed then.
    rows = csv_rows(secretary.get(f"{BASE}/pegawai.csv?tahun={today().year - 1}"))
    assert {r["Yearly statement filed"] for r in rows} == {"no"}
    assert names(secretary, f"?filter=no_statement&tahun={today().year - 1}") == [
        "Budi Santoso", "Citra Lestari", "Dewi Kadis", "Eka Sekretaris", "Fajar Analis"]


# --- export safety ------------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://contoh.test\",\"klik\")", "+62 812 3456", "-1+1", "@SUM(A1:A2)"]


@pytest.fixture
def formula_people(app, world, make_employee):
    made = [make_employee(world.dinkes, name=name, position=f"={i}+1") for i, name in enumerate(FORMULAS)]
    with app.app_context():
        from portal.org.models import Employee

        return {db.session.get(Employee, m["employee_id"]).nip: db.session.get(Employee, m["employee_id"]).name
                for m in made}


def test_csv_guards_against_formulas(world, formula_people, client_of):
    rows = csv_rows(client_of("secretary").get(f"{BASE}/pegawai.csv"))
    by_nip = {r["NIP"]: r for r in rows}
    for nip, name in formula_people.items():
        assert name[0] in "=+-@"
        assert by_nip[nip]["Name"] == "'" + name
        assert by_nip[nip]["Position"].startswith("'=")
    # Ordinary values are written as they are.
    ordinary = [r for r in rows if r["NIP"] not in formula_people]
    assert ordinary and all(not r["Name"].startswith("'") for r in ordinary)
    assert all(r["Modules completed"] == "0" for r in ordinary)


def test_xlsx_keeps_nip_as_text(world, dinkes, client_of):
    response = client_of("secretary").get(f"{BASE}/pegawai.xlsx")
    sheet = xlsx_sheet(response)
    header = sheet[1]
    assert header[:2] == ["Name", "NIP"]
    rows = xlsx_cells(response)[2:]
    assert len(rows) == 5
    for row in rows:
        nip = row[1]
        assert nip.data_type == "s" and isinstance(nip.value, str)
        assert len(nip.value) == 18 and nip.value.isdigit()
        assert isinstance(row[4].value, int)  # counts stay numbers


def test_xlsx_does_not_write_formulas(world, formula_people, client_of):
    response = client_of("secretary").get(f"{BASE}/pegawai.xlsx")
    for row in xlsx_cells(response)[2:]:
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)


def test_a_filtered_export_is_named_for_its_filter(world, dinkes, client_of):
    secretary = client_of("secretary")
    whole = secretary.get(f"{BASE}/pegawai.csv")
    assert re.search(r"filename=partisipasi-dinkes-\d{4}\.csv$", whole.headers["Content-Disposition"])
    filtered = secretary.get(f"{BASE}/pegawai.csv?filter=no_statement&q=Dewi")
    assert re.search(r"filename=partisipasi-dinkes-\d{4}-tanpa-pernyataan-pencarian\.csv$",
                     filtered.headers["Content-Disposition"])
    assert [r["Name"] for r in csv_rows(filtered)] == ["Dewi Kadis"]
    sheet = xlsx_sheet(secretary.get(f"{BASE}/pegawai.xlsx?filter=not_started"))
    assert sheet[0][0].endswith("· Not started") and "Dinas Kesehatan" in sheet[0][0]
    assert [row[0] for row in sheet[2:]] == ["Dewi Kadis"]
