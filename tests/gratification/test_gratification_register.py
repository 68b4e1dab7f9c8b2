"""The UPG's register of a year (filters, pages, XLSX), the statistics per OPD and month (who sees
which OPDs, counts under 3 hidden outside the UPG, a constant number of SQL statements) and the
yearly report to the head of region (PDF in Indonesian whatever the interface, XLSX for the KPK)."""
from __future__ import annotations

import contextlib
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.pages import english, page_text, pdf_text

YEAR = 2025
REGISTER = "/gratifikasi/upg/register"
STATISTICS = "/gratifikasi/statistik"
YEARLY = "/gratifikasi/upg/laporan-tahunan"
FORMULA = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture
def upg_user(world, make_employee):
    from portal.core.roles import Role

    return make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})


def add_report(app, reporter: dict, opd_id: int, sent_on: date, *, kind: str = "receipt", values=(100000,),
               late: bool = False, status: str = "registered", kpk_reference: str = "", decision: str | None = None,
               number: int) -> int:
    """A report as the UPG's workflow leaves it (plain columns only; the workflow itself is tested in
    test_gratification_upg.py)."""
    from portal.gratification.models import Decision, GiftObject, GiftReport, ObjectKind, ReportType, Status

    with app.app_context():
        report = GiftReport(
            register_no=None if status == "draft" else f"UPG/{sent_on.year}/{number:05d}", status=Status(status),
            report_type=ReportType(kind), reporter_id=reporter["employee_id"], opd_id=opd_id,
            received_on=sent_on.replace(day=1), sent_on=None if status == "draft" else sent_on, late=late,
            kpk_reference=kpk_reference, kpk_sent_on=sent_on if kpk_reference else None,
            decision=Decision(decision) if decision else None, decision_no="SK-1" if decision else "",
            objects=[GiftObject(kind=ObjectKind.GOODS, value=v, position=i) for i, v in enumerate(values)])
        db.session.add(report)
        db.session.commit()
        return report.id


@pytest.fixture
def dataset(app, world):
    """Dinas Kesehatan: 3 reports in 2025 (two in January); Disdikbud: 1; one the year before; a draft."""
    ids = {
        "jan_late": add_report(app, world.asn, world.dinkes, date(YEAR, 1, 10), values=(1500000,), late=True,
                               number=1),
        "jan_state": add_report(app, world.asn, world.dinkes, date(YEAR, 1, 20), values=(300000, 200000),
                                status="decided", kpk_reference=FORMULA, decision="state", number=2),
        "mar_refusal": add_report(app, world.secretary, world.dinkes, date(YEAR, 3, 5), kind="refusal", values=(0,),
                                  status="sent", number=3),
        "feb_offer": add_report(app, world.asn_disdik, world.disdik, date(YEAR, 2, 14), kind="offer",
                                values=(250000,), status="forwarded", kpk_reference="KPK-2025-77",
                                decision="recipient", number=4),
        "last_year": add_report(app, world.asn, world.dinkes, date(YEAR - 1, 12, 30), values=(9000000,),
                                number=5),
        "draft": add_report(app, world.asn, world.dinkes, date(YEAR, 4, 1), status="draft", number=6),
    }
    return ids


# --- the register ------------------------------------------------------------------------------

def test_the_register_lists_a_years_sent_reports_with_filters_and_links(app, world, login_as, upg_user, dataset):
    upg = english(login_as(upg_user))
    page = page_text(upg.get(f"{REGISTER}?tahun={YEAR}"))
    numbers = re.findall(r"UPG/\d{4}/\d{5}", page)
    assert numbers == [f"UPG/{YEAR}/0000{n}" for n in (1, 2, 3, 4)]  # register order; no draft, no other year
    assert "4 found" in page
    assert f'href="/gratifikasi/upg/{dataset["jan_state"]}"' in page  # each row opens the UPG's case page
    assert "Rp500,000" in page and "Rp1,500,000" in page  # the total of its objects
    assert "Late" in page and "KPK-2025-77" in page and "The recipient&#39;s property" not in page
    assert "The recipient's property" in page  # the KPK's decision

    def listed(query: str) -> list[str]:
        return re.findall(r"UPG/\d{4}/\d{5}", page_text(upg.get(f"{REGISTER}?tahun={YEAR}&{query}")))

    assert listed(f"opd={world.disdik}") == [f"UPG/{YEAR}/00004"]
    assert listed("status=sent") == [f"UPG/{YEAR}/00003"]
    assert listed("jenis=refusal") == [f"UPG/{YEAR}/00003"]
    assert listed(f"opd={world.dinkes}&jenis=receipt") == [f"UPG/{YEAR}/00001", f"UPG/{YEAR}/00002"]
    assert listed("status=draft") == listed("status=nonsense") == listed("")  # no such filter: all
    assert re.findall(r"UPG/\d{4}/\d{5}", page_text(upg.get(f"{REGISTER}?tahun={YEAR - 1}"))) == [
        f"UPG/{YEAR - 1}/00005"]
    assert upg.get(f"{REGISTER}?tahun=99999999999999&opd=-1&page=0").status_code == 200  # defaults, never a 500


def test_the_register_is_paginated(app, world, login_as, upg_user):
    for n in range(1, 53):
        add_report(app, world.asn, world.dinkes, date(YEAR, 1 + n % 12, 1), number=n)
    upg = login_as(upg_user)
    first = re.findall(r"UPG/\d{4}/\d{5}", page_text(upg.get(f"{REGISTER}?tahun={YEAR}")))
    second = page_text(upg.get(f"{REGISTER}?tahun={YEAR}&page=2"))
    assert len(first) == 50 and re.findall(r"UPG/\d{4}/\d{5}", second) == [f"UPG/{YEAR}/00051",
                                                                           f"UPG/{YEAR}/00052"]
    assert "page=2" in page_text(upg.get(f"{REGISTER}?tahun={YEAR}"))


def test_only_the_upg_opens_the_register_and_the_yearly_report(app, world, login_as, upg_user, dataset):
    for account in (world.asn, world.secretary, world.inspektur, world.admin):
        client = login_as(account)
        for url in (REGISTER, f"{REGISTER}.xlsx", f"{YEARLY}.pdf", f"{YEARLY}.xlsx"):
            assert client.get(url).status_code == 403, (account["login"], url)
    anonymous = app.test_client().get(REGISTER)
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_the_register_xlsx_has_every_row_as_text_never_a_formula(app, world, login_as, upg_user, dataset):
    from openpyxl import load_workbook

    response = english(login_as(upg_user)).get(f"{REGISTER}.xlsx?tahun={YEAR}&opd={world.dinkes}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert f"register-gratifikasi-{YEAR}.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert lines[0][0] == "Register of gratification reports" and lines[0][2] == YEAR
    header = lines[2]
    assert header[:3] == ["Register no.", "Reporter", "Date received"] and "Total value (Rp)" in header
    body = {line[0]: dict(zip(header, line, strict=True)) for line in lines[3:]}
    assert sorted(body) == [f"UPG/{YEAR}/00001", f"UPG/{YEAR}/00002", f"UPG/{YEAR}/00003"]  # Dinkes only
    state = body[f"UPG/{YEAR}/00002"]
    assert state["Total value (Rp)"] == 500000 and state["KPK's decision"] == "State property"
    assert state["Date reported"] == f"20 January {YEAR}" and body[f"UPG/{YEAR}/00001"]["Late"] == "Yes"
    # What someone typed that looks like a formula stays text.
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s"
    with app.app_context():
        from portal.core.audit import AuditEvent

        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "gratification.register_exported")) == 1


# --- the statistics ----------------------------------------------------------------------------

def table(page: str, table_id: str) -> dict[str, list[str]]:
    """A table's rows by their first cell, the cells as text."""
    import html

    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0]] = cells[1:]
    return out


def test_the_upg_sees_every_opd_exactly(app, world, login_as, upg_user, dataset):
    upg = english(login_as(upg_user))
    page = upg.get(f"{STATISTICS}?tahun={YEAR}").get_data(as_text=True)
    opds = table(page, "per-opd")
    # sent, receipts, refusals, offers, late, forwarded, state property, recipient's, value
    assert opds["Dinas Kesehatan"] == ["3", "2", "1", "0", "1", "1", "1", "0", "Rp2,000,000"]
    assert opds["Dinas Pendidikan dan Kebudayaan"] == ["1", "0", "0", "1", "0", "1", "0", "1", "Rp250,000"]
    assert opds["Inspektorat"] == ["0"] * 8 + ["Rp0"]  # an OPD that reported nothing is listed too
    assert opds["Whole city"] == ["4", "2", "1", "1", "1", "2", "1", "1", "Rp2,250,000"]
    months = table(page, "per-month")
    assert months["January"] == ["2", "2", "0", "0", "1", "1", "1", "0", "Rp2,000,000"]
    assert months["February"][0] == "1" and months["March"][0] == "1" and months["April"][0] == "0"
    matrix = table(page, "opd-month")
    assert matrix["Dinas Kesehatan"] == ["2", "0", "1"] + ["0"] * 9 + ["3"]
    assert f'/gratifikasi/upg/register?tahun={YEAR}&amp;opd={world.dinkes}' in page  # into the register


def test_outside_the_upg_counts_under_3_are_hidden(app, world, login_as, dataset):
    admin = english(login_as(world.admin))
    page = admin.get(f"{STATISTICS}?tahun={YEAR}").get_data(as_text=True)
    opds = table(page, "per-opd")
    assert opds["Dinas Kesehatan"] == ["3", "< 3", "< 3", "0", "< 3", "< 3", "< 3", "0", "Rp2,000,000"]
    assert opds["Dinas Pendidikan dan Kebudayaan"] == ["< 3", "0", "0", "< 3", "0", "< 3", "0", "< 3", "–"]
    assert opds["Whole city"] == ["4", "< 3", "< 3", "< 3", "< 3", "< 3", "< 3", "< 3", "Rp2,250,000"]
    assert table(page, "per-month")["January"] == ["< 3", "< 3", "0", "0", "< 3", "< 3", "< 3", "0", "–"]
    assert "Rp250,000" not in page and "/gratifikasi/upg/" not in page  # no value of a small cell, no link
    assert "Counts of 1 or 2 are shown as" in page_text(admin.get(f"{STATISTICS}?tahun={YEAR}"))


def test_a_secretary_sees_their_own_opd_only_counts_only(app, world, login_as, dataset):
    secretary = english(login_as(world.secretary))
    page = secretary.get(f"{STATISTICS}?tahun={YEAR}&opd={world.disdik}").get_data(as_text=True)
    opds = table(page, "per-opd")
    assert list(opds) == ["OPD", "Dinas Kesehatan"]  # the header and their own OPD, whatever ?opd= says
    assert opds["Dinas Kesehatan"] == ["3", "< 3", "< 3", "0", "< 3", "< 3", "< 3", "0", "Rp2,000,000"]
    assert "Dinas Pendidikan" not in page and "Whole city" not in page and 'id="opd-month"' not in page
    assert table(page, "per-month")["Year"][0] == "3"
    assert not re.search(r'href="/gratifikasi/(upg/)?\d+', page) and "/gratifikasi/upg/" not in page
    other = english(login_as(world.secretary_disdik)).get(f"{STATISTICS}?tahun={YEAR}").get_data(as_text=True)
    assert table(other, "per-opd")["Dinas Pendidikan dan Kebudayaan"][0] == "< 3" and "Dinas Kesehatan" not in other
    # Where a secretary meets gratification, the statistics are one link away.
    assert f'href="{STATISTICS}"' in login_as(world.secretary).get("/gratifikasi/").get_data(as_text=True)
    for account in (world.asn, world.inspektur, world.handler):
        assert login_as(account).get(STATISTICS).status_code == 403


@contextlib.contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def test_the_pages_cost_the_same_statements_for_one_report_as_for_many(app, world, login_as, upg_user,
                                                                         make_opd, make_employee):
    clients = {"upg": login_as(upg_user), "admin": login_as(world.admin), "secretary": login_as(world.secretary)}
    pages = [("upg", f"{STATISTICS}?tahun={YEAR}"), ("admin", f"{STATISTICS}?tahun={YEAR}"),
             ("secretary", f"{STATISTICS}?tahun={YEAR}"), ("upg", f"{REGISTER}?tahun={YEAR}"),
             ("upg", f"{REGISTER}?tahun={YEAR}&page=2"), ("upg", f"{REGISTER}.xlsx?tahun={YEAR}")]

    def measure() -> dict:
        out = {}
        for who, url in pages:
            clients[who].get(url)  # warm
            with counting(app) as statements:
                assert clients[who].get(url).status_code == 200
            out[(who, url)] = len(statements)
        return out

    add_report(app, world.asn, world.dinkes, date(YEAR, 1, 5), number=1)
    small = measure()  # one report in one OPD
    for n in range(2, 80):
        opd = make_opd(f"UNIT{n:02d}") if n % 10 == 0 else world.disdik if n % 2 else world.dinkes
        reporter = make_employee(opd) if n % 10 == 0 else world.asn_disdik if n % 2 else world.asn
        add_report(app, reporter, opd, date(YEAR, 1 + n % 12, 3), values=(1000, 2000), late=n % 3 == 0,
                   kind=("receipt", "refusal", "offer")[n % 3], kpk_reference="K" if n % 4 == 0 else "",
                   decision="state" if n % 8 == 0 else None, number=n)
    large = measure()  # 79 reports in 10 OPDs, two pages of the register
    assert large == small
    assert all(n < 25 for n in small.values()), small


# --- the yearly report -------------------------------------------------------------------------

def test_the_yearly_report_is_an_indonesian_letter_with_the_figures(app, world, login_as, upg_user, dataset):
    from portal.documents import services as documents

    with app.app_context():
        documents.save_signatory("gratification.yearly_report", "sign", organiser=False, capacity="",
                                 office="Inspektur Kota Padang", name="Dr. Nama Inspektur", rank="", nip="",
                                 actor=None)
        db.session.commit()
    upg = english(login_as(upg_user))
    response = upg.get(f"{YEARLY}.pdf?tahun={YEAR}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, raw=True)
    assert f"Laporan Pengendalian Gratifikasi Tahun {YEAR}" in text  # Indonesian for an English reader
    assert "Gratification control report" not in text and "January" not in text
    assert "Januari" in text and "Dinas Kesehatan" in text and "Dinas Pendidikan dan Kebudayaan" in text
    assert "Rp2.250.000" in text and "Rp2.000.000" in text and "Rp250.000" in text
    assert re.search(r"Laporan terkirim 4\b", text), text  # the summary's first line: reports sent
    assert "Dr. Nama Inspektur" in text
    with app.app_context():
        number = documents.number_of("gratification.yearly_report", f"gratification_yearly_report:{YEAR}")
    assert number and number in text
    again = pdf_text(upg.get(f"{YEARLY}.pdf?tahun={YEAR}").data)
    assert number in again  # one number per year, however often it is printed


def test_the_yearly_xlsx_has_summary_opds_months_and_register_without_names(app, world, login_as, upg_user,
                                                                             dataset):
    from openpyxl import load_workbook

    response = english(login_as(upg_user)).get(f"{YEARLY}.xlsx?tahun={YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Summary", "Per OPD", "Per month", "OPD and month", "Register"]

    def rows(name):
        return [[c.value for c in row] for row in book[name].iter_rows()]

    summary = {line[0]: line[1] for line in rows("Summary") if line and line[0]}
    assert summary["Reports sent"] == 4 and summary["Sent late"] == 1 and summary["Forwarded to the KPK"] == 2
    assert summary["Total value (Rp)"] == 2250000 and summary["OPDs that reported"] == 2
    per_opd = {line[0]: line[1:] for line in rows("Per OPD")[3:]}
    assert per_opd["Dinas Kesehatan"] == [3, 2, 1, 0, 1, 1, 1, 0, 2000000]
    assert per_opd["Whole city"][0] == 4
    assert {line[0]: line[1] for line in rows("Per month")[3:]}["January"] == 2
    register = rows("Register")
    assert "Reporter" not in register[2] and len(register) == 3 + 4
    with app.app_context():
        from portal.org.models import Employee

        names = {e.name for e in db.session.scalars(sa.select(Employee))}
    cells = {str(c) for line in register for c in line}
    assert not names & cells  # no reporter's name in the file for the KPK


def test_the_yearly_report_needs_its_signatory_on_the_setup_checklist(app, world, login_as):
    page = page_text(login_as(world.admin).get("/admin/persiapan?lang=en"))
    assert "Yearly gratification control report (to the head of region)" in page
