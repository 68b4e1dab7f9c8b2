"""No export runs what people typed: a formula planted in every text field that reaches a CSV or
XLSX comes out as text, in every export kind the portal produces (portal/core/tables.py)."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core import tables
from portal.core.roles import Role
from portal.extensions import db

# One payload per formula trigger OWASP lists: = + - @ tab and carriage return.
NAME = "=HYPERLINK(\"http://evil.example\",\"klik\")"
POSITION = "+SUM(1;2)"
OPD_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
OPD_SHORT = "-RUMUS+1"
DESCRIPTION = "-2+3 ipar saya pemilik apotek rekanan dinas kesehatan kita"
MEASURE = "=1+1 tidak ikut menilai"
TAB = "\t=1+1"
PLANTED = (NAME, POSITION, OPD_NAME, DESCRIPTION, MEASURE)


def _looks_live(value) -> bool:
    return isinstance(value, str) and value.startswith(tables.FORMULA_STARTS)


def _csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def _xlsx_cells(data: bytes) -> list:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))  # not read-only: data_type tells a formula from text
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_csv_inert(data: bytes, *expected: str) -> None:
    cells = _csv_cells(data)
    assert not [c for c in cells if _looks_live(c)], "a CSV cell would run as a formula"
    for text in expected:
        assert "'" + text in cells, f"{text!r} is missing from the CSV"


def _assert_xlsx_inert(data: bytes, *expected: str) -> None:
    cells = _xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "an XLSX cell is a formula"
    values = [c.value for c in cells]
    for text in expected:
        assert text in values, f"{text!r} is missing from the XLSX (as text)"


def test_the_writer_quotes_every_trigger_and_keeps_numbers():
    data = tables.csv_bytes(["a", "b"], [[NAME, 5], [TAB, -3], ["\r=1", "plain"]])
    assert _csv_cells(data) == ["a", "b", "'" + NAME, "5", "'" + TAB, "-3", "'\r=1", "plain"]
    book = tables.xlsx_bytes([tables.Sheet("x", ["a"], [[NAME], [-3]], preamble=[[POSITION]])])
    cells = _xlsx_cells(book)
    assert [c.value for c in cells] == [POSITION, "a", NAME, -3]
    assert [c.data_type for c in cells] == ["s", "s", "s", "n"]


@pytest.fixture
def planted(app, world, make_opd, make_employee, items):
    """An OPD, an employee and a declaration whose typed text are all formulas; the employee
    attended a closed session with a certificate, and a WBS report names the OPD."""
    from portal.auth.models import User
    from portal.certificates import services as certificates
    from portal.coi import services as coi
    from portal.coi.models import Activity, Kind, Relationship
    from portal.core.clock import utcnow
    from portal.socialisation import checkin, services as sessions
    from portal.socialisation.models import Method
    from portal.wbs import services as wbs
    from portal.wbs.content import load_categories
    from portal.wbs.models import Category, Mode

    opd_id = make_opd("RUMUS", OPD_NAME)
    head = make_employee(opd_id, username="kepala.rumus", head=True)
    person = make_employee(opd_id, username="pegawai.rumus", name=NAME, position=POSITION,
                           superior_id=head["employee_id"])
    secretary = make_employee(opd_id, username="sekretaris.rumus", roles={Role.ASN, Role.SECRETARY})
    with app.app_context():
        from portal.org.models import Opd

        db.session.get(Opd, opd_id).short_name = OPD_SHORT  # the WBS statistics name OPDs by it
        user = db.session.get(User, person["user_id"])
        d = coi.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, actor=user, fields=coi.DraftFields(
            description=DESCRIPTION, activity=Activity.PROCUREMENT, related_party=TAB, proposed_measure=MEASURE,
            relationship_kind=Relationship.FAMILY, type_ids=(items[("type", "BK01")],),
            source_ids=(items[("source", "S1")],)))
        coi.submit(d, actor=user)
        inspektur = db.session.get(User, world.inspektur["user_id"])
        start = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
        session = sessions.save_session(None, sessions.SessionFields(
            title="Sosialisasi", starts_at=start, ends_at=start + timedelta(hours=2),
            late_after=start + timedelta(minutes=15), venue="Balai Kota", speakers="", opd_ids=(opd_id,),
            invite_nips=user.employee.nip, capacity=None), actor=inspektur)
        checkin.check_in(session, user.employee, method=Method.QR, at=start + timedelta(minutes=5), device_hash="d")
        sessions.close(session, actor=inspektur, now=utcnow())
        assert certificates.for_participant(session.participants[0]) is not None
        load_categories()
        wbs.file_report(mode=Mode.ANONYMOUS, category=db.session.scalars(sa.select(Category)).first(),
                        reported_opd=db.session.get(type(user.employee.opd), opd_id),
                        content={"reported_name": "x", "what": "y" * 30, "where": "z", "how": "w"}, identity=None,
                        uploads=[])
        db.session.commit()
        return {"opd_id": opd_id, "session_id": session.id, "year": d.year, "secretary": secretary}


def test_every_export_kind_keeps_planted_formulas_as_text(app, world, login_as, planted):
    opd, year = planted["opd_id"], planted["year"]
    inspektur = login_as(world.inspektur)

    evaluation = inspektur.get(f"/benturan-kepentingan/pengawasan/evaluasi.xlsx?opd={opd}&tahun={year}")
    assert evaluation.status_code == 200
    _assert_xlsx_inert(evaluation.data, DESCRIPTION, f"{NAME} ({POSITION})")
    assert any(MEASURE in str(c.value) for c in _xlsx_cells(evaluation.data))

    pack = inspektur.get(f"/sosialisasi/{planted['session_id']}/bukti-dukung?opd={opd}")
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        participants = next(n for n in archive.namelist() if n.endswith(".csv"))
        _assert_csv_inert(archive.read(participants), NAME, POSITION)

    secretary = login_as(planted["secretary"])
    staff_csv = secretary.get("/partisipasi/pegawai.csv")
    assert staff_csv.status_code == 200
    _assert_csv_inert(staff_csv.data, NAME, POSITION, OPD_NAME)
    staff_xlsx = secretary.get("/partisipasi/pegawai.xlsx")
    assert staff_xlsx.status_code == 200
    _assert_xlsx_inert(staff_xlsx.data, NAME, POSITION, OPD_NAME)

    handler = login_as(world.handler)
    statistics = handler.get("/wbs/kelola/statistik.csv")
    assert statistics.status_code == 200
    _assert_csv_inert(statistics.data, OPD_SHORT)
