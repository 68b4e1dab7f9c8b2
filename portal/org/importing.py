"""Employee import from CSV or XLSX: read, preview every row with its problems, apply all or nothing.

Columns (header names, case-insensitive; Indonesian or English):
  nip, nama|name, jabatan|position, kode_opd|opd_code  (required)
  nip_atasan|superior_nip, email, kepala_opd|opd_head, pangkat_golongan|rank  (optional)
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal.core import uploads
from portal.core.errors import PortalError
from portal.org import nip as nip_rules
from portal.org import services
from portal.org.models import Employee

MAX_ROWS = 20000
MAX_COLUMNS = 30  # the template has 7; a few spare for the columns an office adds
MAX_FILE_BYTES = 5 * 1024 * 1024
# An XLSX is a ZIP of XML: a few hundred kilobytes can unpack into millions of cells that hold a
# worker for minutes. What may be unpacked is checked from the ZIP's own directory before openpyxl
# reads anything: 20,000 rows of 30 short cells fit in well under this.
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_XLSX_PARTS = 100

ALIASES = {
    "nip": "nip",
    "nama": "name", "name": "name",
    "jabatan": "position", "position": "position",
    "kode_opd": "opd_code", "opd_code": "opd_code", "opd": "opd_code",
    "nip_atasan": "superior_nip", "superior_nip": "superior_nip",
    "email": "email", "surel": "email",
    "kepala_opd": "is_opd_head", "opd_head": "is_opd_head",
    "pangkat_golongan": "rank", "pangkat": "rank", "golongan": "rank", "rank": "rank",
}
REQUIRED = ("nip", "name", "position", "opd_code")
TRUE_WORDS = {"1", "ya", "y", "yes", "true", "benar"}


class ImportFileError(PortalError):
    pass


@dataclass
class RowCheck:
    line: int
    data: dict
    errors: list = field(default_factory=list)
    action: str = "new"  # new | update | unchanged | invalid


@dataclass
class Preview:
    rows: list[RowCheck]

    @property
    def invalid(self) -> list[RowCheck]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.invalid


def read_table(filename: str, content: bytes) -> list[dict]:
    """Rows as dicts with canonical keys; raises ImportFileError with a message for the user."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_l("The file is larger than 5 MB."))
    name = (filename or "").lower()
    if not name.endswith((".xlsx", ".csv", ".txt")):
        raise ImportFileError(_l("Upload a .csv or .xlsx file."))
    try:
        uploads.scan(content, "employee-import")  # before openpyxl or csv reads a byte of it
    except uploads.UploadError as exc:
        raise ImportFileError(exc.message) from None
    if name.endswith(".xlsx"):
        table = _read_xlsx(content)
    elif name.endswith(".csv") or name.endswith(".txt"):
        table = _read_csv(content)
    else:
        raise ImportFileError(_l("Upload a .csv or .xlsx file."))
    if not table:
        raise ImportFileError(_l("The file is empty."))
    header = [ALIASES.get(str(h or "").strip().lower().replace(" ", "_")) for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(_l("The file lacks the required columns: %(columns)s. The first row must name "
                                 "the columns nip, nama, jabatan, kode_opd (and optionally nip_atasan, "
                                 "email, kepala_opd).", columns=", ".join(missing)))
    rows = []
    for values in table[1:]:
        if not any(str(v or "").strip() for v in values):
            continue
        row = {key: str(values[i]).strip() if i < len(values) and values[i] is not None else ""
               for i, key in enumerate(header) if key}
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_l("The file has more than %(max)d rows; split it.", max=MAX_ROWS))
    if not rows:
        raise ImportFileError(_l("The file has a header but no rows."))
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_l("The CSV file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")) from None
    if "\x00" in text:
        raise ImportFileError(_l("The CSV file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise ImportFileError(_l("The CSV file could not be read.")) from None


def _check_xlsx_size(content: bytes) -> None:
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError(_l("The XLSX file could not be read.")) from None
    if len(parts) > MAX_XLSX_PARTS or sum(p.file_size for p in parts) > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_l("The XLSX file holds far more cells than an employee list: keep only the columns "
                                 "of the template, at most %(rows)d rows, and save it again.", rows=MAX_ROWS))


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    _check_xlsx_size(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(_l("The XLSX file could not be read.")) from None
    ws = wb.worksheets[0]
    out = []
    for i, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)):
        if i > MAX_ROWS + 1:
            raise ImportFileError(_l("The file has more than %(max)d rows; split it.", max=MAX_ROWS))
        out.append(["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                    for v in row])
    wb.close()
    return out


def check_rows(rows: list[dict]) -> Preview:
    """Validate every row against the file itself and the database; nothing is written."""
    checks = [RowCheck(line=i + 2, data=row) for i, row in enumerate(rows)]
    nips_in_file: dict[str, int] = {}
    opds = {o.code.lower(): o for o in services.list_opds()}
    for check in checks:
        d = check.data
        try:
            parsed = nip_rules.parse(d.get("nip", ""))
            d["nip"] = parsed.value
            if parsed.value in nips_in_file:
                check.errors.append(_l("Duplicate NIP: also on line %(line)d.", line=nips_in_file[parsed.value]))
            else:
                nips_in_file[parsed.value] = check.line
        except nip_rules.NipError as exc:
            check.errors.append(exc.message)
        if not d.get("name"):
            check.errors.append(_l("The name is empty."))
        elif len(d["name"]) > 160:
            check.errors.append(_l("The name is longer than 160 characters."))
        if not d.get("position"):
            check.errors.append(_l("The position is empty."))
        elif len(d["position"]) > 200:
            check.errors.append(_l("The position is longer than 200 characters."))
        if d.get("opd_code", "").lower() not in opds:
            check.errors.append(_l("Unknown OPD code \"%(code)s\".", code=d.get("opd_code", "")[:40]))
        email = d.get("email", "")
        if email and ("@" not in email or len(email) > 254 or " " in email):
            check.errors.append(_l("The email address is not valid."))
    for check in checks:
        sup = nip_rules.normalize(check.data.get("superior_nip", ""))
        if not sup:
            continue
        check.data["superior_nip"] = sup
        if sup == check.data.get("nip"):
            check.errors.append(_l("An employee cannot be their own superior."))
        elif sup not in nips_in_file and services.get_employee_by_nip(sup) is None:
            check.errors.append(_l("Unknown superior NIP %(nip)s: not in this file and not in the portal.",
                                   nip=sup[:18]))
    _check_cycles(checks)
    for check in checks:
        if check.errors:
            check.action = "invalid"
            continue
        existing = services.get_employee_by_nip(check.data["nip"])
        check.action = "new" if existing is None else ("unchanged" if _same(existing, check.data) else "update")
    return Preview(rows=checks)


def _check_cycles(checks: list[RowCheck]) -> None:
    """A -> B -> A inside the file (or through people already in the portal) is a row problem."""
    def db_superior(nip: str) -> str:
        existing = services.get_employee_by_nip(nip)
        return existing.superior.nip if existing and existing.superior else ""

    # A file without the superior column keeps the superiors the portal already has.
    in_file = {c.data.get("nip"): c.data["superior_nip"] if "superior_nip" in c.data else db_superior(c.data["nip"])
               for c in checks if not c.errors}

    def superior_of(nip: str) -> str:
        return in_file[nip] if nip in in_file else db_superior(nip)

    for check in checks:
        start = check.data.get("nip")
        if check.errors or not in_file.get(start):
            continue
        seen, node = {start}, in_file[start]
        while node:
            if node in seen:
                if node == start:
                    check.errors.append(_l("The chain of superiors from this row loops back to this employee."))
                break
            seen.add(node)
            node = superior_of(node)


def _flag(value: str) -> bool:
    return (value or "").strip().lower() in TRUE_WORDS


def _wanted(e: Employee | None, d: dict) -> dict:
    """What the row asks for; an optional column missing from the file keeps the portal's value."""
    return {
        "email": d["email"] if "email" in d else (e.email or "" if e else ""),
        "superior_nip": d["superior_nip"] if "superior_nip" in d else (e.superior.nip if e and e.superior else ""),
        "is_opd_head": _flag(d["is_opd_head"]) if "is_opd_head" in d else bool(e and e.is_opd_head),
        "rank": d["rank"] if "rank" in d else (e.rank or "" if e else ""),
    }


def _same(e: Employee, d: dict) -> bool:
    w = _wanted(e, d)
    return (e.name == d["name"] and e.position == d["position"] and e.opd.code.lower() == d["opd_code"].lower()
            and (e.email or "") == w["email"] and (e.superior.nip if e.superior else "") == w["superior_nip"]
            and e.is_opd_head == w["is_opd_head"] and (e.rank or "") == w["rank"] and e.active)


def apply_rows(rows: list[dict], *, actor) -> Preview:
    """Apply a valid file. The caller commits, or rolls back if this raises."""
    preview = check_rows(rows)
    if not preview.ok:
        raise ImportFileError(_l("The file has rows with problems; nothing was imported."))
    employees: dict[str, Employee] = {}
    wanted: dict[str, dict] = {}
    for check in preview.rows:
        d = check.data
        existing = services.get_employee_by_nip(d["nip"])
        if check.action == "unchanged":
            employees[d["nip"]] = existing
            continue
        wanted[d["nip"]] = _wanted(existing, d)
        employees[d["nip"]] = services.save_employee(
            existing, nip=d["nip"], name=d["name"], position=d["position"],
            opd=services.get_opd_by_code(d["opd_code"]), email=wanted[d["nip"]]["email"],
            superior=existing.superior if existing else None,
            is_opd_head=wanted[d["nip"]]["is_opd_head"], active=True, rank=wanted[d["nip"]]["rank"], actor=actor)
    for check in preview.rows:
        d = check.data
        if check.action == "unchanged":
            continue
        employee = employees[d["nip"]]
        sup_nip = wanted[d["nip"]]["superior_nip"]
        superior = (employees.get(sup_nip) or services.get_employee_by_nip(sup_nip)) if sup_nip else None
        if employee.superior is not superior:
            services.save_employee(employee, nip=employee.nip, name=employee.name, position=employee.position,
                                   opd=employee.opd, email=employee.email, superior=superior,
                                   is_opd_head=employee.is_opd_head, active=employee.active, actor=actor)
    return preview


# --- files that help an office fill the import ------------------------------------------------------

# The template's columns, in the order the upload page explains them (Indonesian: the offices' words).
TEMPLATE_COLUMNS = ("nip", "nama", "jabatan", "pangkat_golongan", "kode_opd", "nip_atasan", "email", "kepala_opd")
FIELD_COLUMN = {"nip": "nip", "name": "nama", "position": "jabatan", "rank": "pangkat_golongan",
                "opd_code": "kode_opd", "superior_nip": "nip_atasan", "email": "email", "is_opd_head": "kepala_opd"}


def opd_code_rows() -> list[list[str]]:
    """The codes an import may name: the active OPDs, by code."""
    return [[o.code, o.name, str(o.kind.label)] for o in services.list_opds() if o.active]


def problem_rows(preview: Preview) -> list[list[str]]:
    """The rejected rows as the file had them, with their line and what is wrong, to correct and send again."""
    return [[str(row.line), *(str(row.data.get(f, "") or "") for f in FIELD_COLUMN),
             "; ".join(str(e) for e in row.errors)] for row in preview.invalid]
