"""The numbers agree: the dashboard, the queries, the CSV export, the evidence PDF and the
tables they count (completions, statements, sessions, certificates) say the same thing,
on a small world with known progress and on the demo data."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.participation.support import (BASE, attended_session, cards, complete, csv_rows, draft_statement, fail,
                                         file_statement, make_module, module_table, opd_table, pdf_text, read_lesson,
                                         text, xlsx_sheet)


def _int(cell) -> int:
    return int(cell)


def _csv_totals(rows: list[dict]) -> dict:
    return {"rows": len(rows),
            "completed": sum(_int(r["Modules completed"]) for r in rows),
            "filed": sum(1 for r in rows if r["Yearly statement filed"] == "yes"),
            "not_filed": sum(1 for r in rows if r["Yearly statement filed"] == "no"),
            "sessions": sum(_int(r["Sessions attended"]) for r in rows),
            "attended": sum(1 for r in rows if _int(r["Sessions attended"]) > 0),
            "certificates": sum(_int(r["Certificates"]) for r in rows),
            "failed": sum(_int(r["Failed quiz attempts"]) for r in rows),
            "complete": sum(1 for r in rows if r["Status"] == "Complete"),
            "not_started": sum(1 for r in rows if r["Status"] == "Not started")}


def _counts(opd_id=None) -> dict:
    """Straight COUNTs over the tables, for active employees of `opd_id` (None: everyone)."""
    from portal.certificates.models import Certificate, CertificateStatus
    from portal.coi.models import Declaration, Kind, Status
    from portal.learning.models import Completion, Module
    from portal.org.models import Employee
    from portal.core.clock import year_bounds
    from portal.socialisation.models import ATTENDED, Participant, SocialisationSession
    from portal.core.workdays import today

    def scoped(stmt):
        stmt = stmt.where(Employee.active.is_(True))
        return stmt.where(Employee.opd_id == opd_id) if opd_id is not None else stmt

    year = today().year
    start, end = year_bounds(year)
    certs = sa.select(sa.func.count()).select_from(Certificate).where(Certificate.status == CertificateStatus.VALID)
    if opd_id is not None:
        certs = certs.where(Certificate.opd_id == opd_id)
    return {
        "headcount": db.session.scalar(scoped(sa.select(sa.func.count()).select_from(Employee))),
        "completed": db.session.scalar(scoped(
            sa.select(sa.func.count()).select_from(Completion).join(Employee, Employee.id == Completion.employee_id)
            .join(Module, Module.id == Completion.module_id).where(Module.active.is_(True)))),
        "filed": db.session.scalar(scoped(
            sa.select(sa.func.count(sa.distinct(Declaration.declarant_id)))
            .join(Employee, Employee.id == Declaration.declarant_id)
            .where(Declaration.kind == Kind.YEARLY, Declaration.year == year, Declaration.status != Status.DRAFT))),
        "attended": db.session.scalar(scoped(
            sa.select(sa.func.count(sa.distinct(Participant.employee_id)))
            .join(Employee, Employee.id == Participant.employee_id).join(SocialisationSession, SocialisationSession.id == Participant.session_id)
            .where(Participant.status.in_(ATTENDED), SocialisationSession.starts_at >= start, SocialisationSession.starts_at < end))),
        "certificates": db.session.scalar(certs),
    }


@pytest.fixture
def progress(app, world, make_employee):
    """Dinkes (4 people) and Disdik with known progress over two modules.

    asn.dinkes: both modules, statement filed   -> 2 module + 1 compliance certificates
    sekretaris: module A, failed B, statement    -> 1 module certificate
    kadis:      read a lesson of A, draft statement (not filed)
    extra:      nothing
    asn.disdik: module A
    A closed session attended by asn.dinkes, kadis and asn.disdik -> 3 attendance certificates.
    """
    extra = make_employee(world.dinkes, username="staf.dinkes", name="Staf Dinkes")
    with app.app_context():
        a = make_module("modul-a", "Modul A")
        b = make_module("modul-b", "Modul B")
        file_statement(world.asn["employee_id"])
        complete(world.asn["employee_id"], a)
        complete(world.asn["employee_id"], b)
        complete(world.secretary["employee_id"], a)
        fail(world.secretary["employee_id"], b)
        file_statement(world.secretary["employee_id"])
        read_lesson(world.kadis["employee_id"], a)
        draft_statement(world.kadis["employee_id"])
        complete(world.asn_disdik["employee_id"], a)
        attended_session(world, [world.asn["employee_id"], world.kadis["employee_id"],
                                 world.asn_disdik["employee_id"]], [world.dinkes, world.disdik])
    return {"a": a, "b": b, "extra": extra}


def test_known_progress_agrees_everywhere(app, world, progress, client_of):
    from portal.certificates.models import Certificate, CertificateStatus
    from portal.participation import figures
    from portal.core.workdays import today

    expected = {"headcount": 4, "completed": 3, "filed": 2, "attended": 2, "certificates": 6}
    with app.app_context():
        year = today().year
        assert _counts(world.dinkes) == expected
        (row,) = figures.load(year, world.dinkes).rows
        assert (row.headcount, row.statements, row.attended, row.certificates) == (4, 2, 2, 6)
        assert row.module(progress["a"]).complete == 2 and row.module(progress["b"]).complete == 1
        assert row.module(progress["a"]).started == 3 and row.module(progress["b"]).started == 2
        assert (row.attempts, row.passed_attempts) == (4, 3)
        assert row.coverage([progress["a"], progress["b"]]) == pytest.approx(3 / 8)
        kinds = sorted(k.value for k in db.session.scalars(sa.select(Certificate.kind).where(
            Certificate.opd_id == world.dinkes, Certificate.status == CertificateStatus.VALID)))
        assert kinds == ["attendance", "attendance", "compliance", "module", "module", "module"]

    secretary = client_of("secretary")
    page = text(secretary.get(f"{BASE}/"))
    shown = cards(page)
    assert shown["Employees"] == "4"
    assert shown["E-learning coverage"] == "38%"  # 3 completions of 2 x 4
    assert shown["Yearly statements filed"] == "2"
    assert shown["Attended a session"] == "2"
    assert shown["Certificates issued"] == "6"
    assert shown["Quiz attempts passed"] == "75%"
    assert module_table(page) == {"Modul A": (2, 1, 1), "Modul B": (1, 1, 2)}

    rows = csv_rows(secretary.get(f"{BASE}/pegawai.csv"))
    totals = _csv_totals(rows)
    assert totals["rows"] == expected["headcount"]
    assert totals["completed"] == expected["completed"]
    assert totals["filed"] == expected["filed"] and totals["not_filed"] == 2  # the draft does not count
    assert totals["attended"] == expected["attended"] and totals["sessions"] == 2
    assert totals["certificates"] == expected["certificates"]
    assert totals["failed"] == 1 and totals["complete"] == 1 and totals["not_started"] == 1
    by_name = {r["Name"]: r for r in rows}
    assert by_name["Staf Dinkes"]["Status"] == "Not started"
    assert all(r["Modules in total"] == "2" for r in rows)

    sheet = xlsx_sheet(secretary.get(f"{BASE}/pegawai.xlsx"))
    header, body = sheet[1], sheet[2:]
    col = {name: header.index(name) for name in header}
    assert len(body) == 4
    assert sum(int(r[col["Certificates"]]) for r in body) == 6
    assert sum(int(r[col["Modules completed"]]) for r in body) == 3
    assert sum(1 for r in body if r[col["Yearly statement filed"]] == "yes") == 2

    pdf = pdf_text(secretary.get(f"{BASE}/bukti-dukung.pdf").data)
    assert "Unit yang dihitung: 4 pegawai OPD." in pdf
    assert re.search(r"Modul A 2 50% sebagian besar unit", pdf), pdf
    assert re.search(r"Modul B 1 25% sebagian kecil unit", pdf), pdf
    assert re.search(r"disampaikan 2 \(50%\) sebagian besar unit", pdf), pdf
    assert re.search(r"Pegawai yang menghadiri sosialisasi tahun ini 2\b", pdf), pdf
    assert re.search(r"Sertifikat sah yang diterbitkan 6\b", pdf), pdf


def test_city_numbers_agree(app, world, progress, client_of):
    from portal.participation import figures, queries
    from portal.core.workdays import today

    inspektur = client_of("inspektur")
    with app.app_context():
        year = today().year
        counts = _counts()
        rows = figures.load(year).rows
        total = queries.city_total(rows)
        per_opd = {r.opd_id: r for r in rows}
        for opd_id in (world.dinkes, world.disdik, world.inspektorat):
            c = _counts(opd_id)
            r = per_opd[opd_id]
            assert (r.headcount, r.statements, r.attended, r.certificates) == (
                c["headcount"], c["filed"], c["attended"], c["certificates"]), opd_id
    assert counts == {"headcount": 8, "completed": 4, "filed": 2, "attended": 3, "certificates": 8}
    assert (total.headcount, total.statements, total.attended, total.certificates) == (8, 2, 3, 8)
    assert sum(c.complete for c in total.modules.values()) == 4

    page = text(inspektur.get(f"{BASE}/"))
    shown = cards(page)
    assert (shown["Employees"], shown["Yearly statements filed"], shown["Attended a session"],
            shown["Certificates issued"]) == ("8", "2", "3", "8")
    assert module_table(page) == {"Modul A": (3, 1, 4), "Modul B": (1, 1, 6)}
    ranking = opd_table(page)
    assert ranking["Dinas Kesehatan"]["certificates"] == 6 and ranking["Dinas Kesehatan"]["attended"] == 2
    assert ranking["Dinas Pendidikan dan Kebudayaan"]["certificates"] == 2
    assert ranking["Dinas Pendidikan dan Kebudayaan"]["coverage"] == "25%"
    assert list(ranking)[0] == "Dinas Kesehatan"  # ranked by coverage: 38% before 25% and 0%

    totals = _csv_totals(csv_rows(inspektur.get(f"{BASE}/pegawai.csv")))
    assert (totals["rows"], totals["completed"], totals["filed"], totals["attended"], totals["certificates"]) == (
        8, 4, 2, 3, 8)

    pdf = pdf_text(inspektur.get(f"{BASE}/bukti-dukung.pdf").data)
    assert "Unit yang dihitung: 3 OPD dengan 8 pegawai." in pdf
    # Per unit: module A reached 2 of the 3 OPDs, module B one of them.
    assert re.search(r"Modul A 3 67% sebagian besar unit", pdf), pdf
    assert re.search(r"Modul B 1 33% sebagian kecil unit", pdf), pdf
    assert re.search(r"Sertifikat sah yang diterbitkan 8\b", pdf), pdf


def test_revoked_certificate_leaves_every_count(app, world, progress, client_of):
    """A revoked certificate leaves every count; the counts stay equal."""
    from portal.auth.models import User
    from portal.certificates import services
    from portal.certificates.models import Certificate, CertificateKind

    with app.app_context():
        cert = db.session.scalar(sa.select(Certificate).where(Certificate.employee_id == world.asn["employee_id"],
                                                              Certificate.kind == CertificateKind.COMPLIANCE))
        services.revoke(cert, "Diterbitkan karena kesalahan data.", actor=db.session.get(User, world.admin["user_id"]))
        db.session.commit()
        assert _counts(world.dinkes)["certificates"] == 5
    secretary = client_of("secretary")
    assert cards(text(secretary.get(f"{BASE}/")))["Certificates issued"] == "5"
    assert _csv_totals(csv_rows(secretary.get(f"{BASE}/pegawai.csv")))["certificates"] == 5
    assert re.search(r"Sertifikat sah yang diterbitkan 5\b", pdf_text(secretary.get(f"{BASE}/bukti-dukung.pdf").data))


def test_demo_data_numbers_agree(app):
    from portal import demo
    from portal.demo.org import DEMO_PASSWORD
    from tests.helpers.accounts import login
    from tests.participation.support import english
    from portal.participation import figures, queries
    from portal.core.workdays import today

    with app.app_context():
        demo.run(echo=lambda *a: None)
        db.session.commit()
        year = today().year
        rows = figures.load(year).rows
        total = queries.city_total(rows)
        module_ids = [m.id for m in queries.counted_modules()]
        counts = _counts()
        assert counts["headcount"] > 100 and counts["completed"] > 50  # the demo has real spread
        assert total.headcount == counts["headcount"]
        assert sum(total.module(m).complete for m in module_ids) == counts["completed"]
        assert total.statements == counts["filed"]
        assert total.attended == counts["attended"]
        # Certificates of inactive OPDs are not in the rows; the demo has none.
        assert total.certificates == counts["certificates"]
        for r in rows:
            c = _counts(r.opd_id)
            assert (r.headcount, r.statements, r.attended, r.certificates) == (
                c["headcount"], c["filed"], c["attended"], c["certificates"]), r.name
            assert sum(r.module(m).complete for m in module_ids) == c["completed"], r.name

    inspektur = app.test_client()
    login(inspektur, "inspektur", DEMO_PASSWORD)
    english(inspektur)
    rows_csv = csv_rows(inspektur.get(f"{BASE}/pegawai.csv"))
    totals = _csv_totals(rows_csv)
    assert totals["rows"] == counts["headcount"]
    assert totals["completed"] == counts["completed"]
    assert totals["filed"] == counts["filed"]
    assert totals["attended"] == counts["attended"]
    assert totals["certificates"] == counts["certificates"]
    shown = cards(text(inspektur.get(f"{BASE}/")))
    assert shown["Employees"] == str(counts["headcount"])
    assert shown["Yearly statements filed"] == str(counts["filed"])
    assert shown["Certificates issued"] == str(counts["certificates"])


def test_city_numbers_agree_with_an_inactive_opd(app, world, progress, client_of):
    """An OPD closed in a reorganisation while its people are not moved yet: the city's
    dashboard and the city's export must still count the same people."""
    from portal.org import services
    from portal.org.models import Opd

    with app.app_context():
        opd = db.session.get(Opd, world.disdik)
        services.save_opd(opd, code=opd.code, name=opd.name, short_name=opd.short_name, kind=opd.kind, active=False,
                          actor=None)
        db.session.commit()
    inspektur = client_of("inspektur")
    shown = cards(text(inspektur.get(f"{BASE}/")))
    totals = _csv_totals(csv_rows(inspektur.get(f"{BASE}/pegawai.csv")))
    assert shown["Employees"] == str(totals["rows"])
    assert shown["Yearly statements filed"] == str(totals["filed"])
    assert shown["Attended a session"] == str(totals["attended"])
