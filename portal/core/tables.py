"""The one writer of every CSV and XLSX the portal produces.

What people typed can start with `=`, `+`, `-`, `@` (or a tab or carriage return), which a
spreadsheet would run as a formula (OWASP "CSV injection"): in CSV such a cell gets a leading
apostrophe, in XLSX every string is stored as text, never as a formula. XLSX sheets also get
what an office expects when it opens one: a bold frozen header row, an autofilter over the
table, and column widths that fit their contents.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60  # characters; longer text wraps in the cell instead of widening the column


def inert(value):
    """A value that no spreadsheet will evaluate: strings that look like formulas are quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence, rows: Iterable[Sequence], *, preamble: Iterable[Sequence] = ()) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Indonesian names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in preamble:
        writer.writerow([inert(v) for v in line])
    writer.writerow([inert(v) for v in header])
    for row in rows:
        writer.writerow([inert(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


@dataclass
class Sheet:
    title: str
    header: Sequence = ()
    rows: Iterable[Sequence] = ()
    # Lines above the table (a title, the period, "figures as of"); the header follows them.
    preamble: Sequence[Sequence] = field(default_factory=list)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    for spec in sheets:
        sheet = wb.create_sheet(_sheet_title(spec.title))
        rows = [list(r) for r in spec.rows]  # widths need every row before the first is written
        header_row = len(spec.preamble) + 1
        widths: dict[int, int] = {}
        for line in [*spec.preamble, spec.header, *rows]:
            for i, value in enumerate(line):
                widths[i] = max(widths.get(i, 0), min(MAX_WIDTH, len(str(value)) if value is not None else 0))
        for i, width in widths.items():
            sheet.column_dimensions[get_column_letter(i + 1)].width = max(8, width + 2)
        if spec.header:
            sheet.freeze_panes = f"A{header_row + 1}"
            last = get_column_letter(max(1, len(spec.header)))
            sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(rows)}"

        for line in spec.preamble:
            sheet.append([_cell(sheet, v) for v in line])
        if spec.header:
            sheet.append([_cell(sheet, v, bold=True) for v in spec.header])
        for row in rows:
            sheet.append([_cell(sheet, v, wrap=isinstance(v, str) and len(v) > MAX_WIDTH) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(sheet, value, *, bold: bool = False, wrap: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula, whatever it starts with
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _sheet_title(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in str(title))
    return clean[:31] or "Sheet"
