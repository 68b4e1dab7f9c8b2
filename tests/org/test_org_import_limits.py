"""An XLSX that unpacks into millions of cells is refused from the ZIP's directory, before
openpyxl parses a byte of it; stray columns far to the right of a real list are ignored."""
from __future__ import annotations

import html
import io
import zipfile

import pytest

from portal.org import importing

HEADER = ["nip", "nama", "jabatan", "kode_opd"]


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb(rows: int = 300, columns: int = 16000) -> bytes:
    """A small file whose one sheet unpacks to ~100 MB of XML: a header and rows of empty-ish cells."""
    base = zipfile.ZipFile(io.BytesIO(_workbook([HEADER])))
    cells = '<c t="s"><v>0</v></c>' * columns
    body = "".join(f'<row r="{r}">{cells}</row>' for r in range(2, rows + 2))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData><row r="1"><c t="inlineStr"><is><t>nip</t></is></c></row>{body}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in base.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else base.read(item.filename)
            bomb.writestr(item.filename, data)
    return out.getvalue()


def test_a_cell_bomb_is_refused_before_parsing(app, monkeypatch):
    content = _bomb()
    assert len(content) < 1024 * 1024  # small on the wire
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not parse this file")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with app.app_context(), pytest.raises(importing.ImportFileError) as refused:
        importing.read_table("pegawai.xlsx", content)
    assert "far more cells" in str(refused.value.message)


def test_the_upload_page_says_why_and_nothing_is_kept(app, world, login_as):
    admin = login_as(world.admin)
    response = admin.post("/org/impor?lang=en", data={"file": (io.BytesIO(_bomb()), "pegawai.xlsx")},
                          content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    assert "far more cells than an employee list" in html.unescape(response.get_data(as_text=True))


def test_a_stray_value_far_to_the_right_does_not_widen_the_read(app, world):
    row = ["196608011988031001", "Budi Santoso", "Analis", "DINKES"] + [None] * 300 + ["catatan"]
    with app.app_context():
        rows = importing.read_table("pegawai.xlsx", _workbook([HEADER, row]))
    assert rows == [{"nip": "196608011988031001", "name": "Budi Santoso", "position": "Analis", "opd_code": "DINKES"}]
