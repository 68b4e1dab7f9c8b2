"""The employee import: upload, preview every row, apply all or nothing; and the CLI command."""
from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa

from portal.core.audit import AuditEvent
from portal.extensions import db
from portal.org.models import Employee, EmploymentType, ImportBatch

HEAD = "19650101 199001 1 001"
A = "19660801 198803 1 001"
B = "19670202 199202 2 002"
C = "19680303 199303 1 003"
HEADER = ["nip", "nama", "jabatan", "kode_opd", "nip_atasan", "email", "kepala_opd"]


def plain(nip: str) -> str:
    return nip.replace(" ", "")


def valid_rows(world_kadis_nip: str) -> list[list[str]]:
    # A's superior (HEAD) is defined further down the same file; C's superior is already in the portal.
    return [
        [A, "Andi Saputra, S.E.", "Kepala Bidang Pelayanan", "DINKES", HEAD, "andi@padang.go.id", ""],
        [B, "Budi Rahmawati", "Analis Kesehatan", "dinkes", A, "", "tidak"],
        [HEAD, "dr. Hendra Putra", "Sekretaris Dinas", "DINKES", "", "", "ya"],
        [C, "Citra Lestari", "Guru Ahli Pertama", "DISDIKBUD", world_kadis_nip, "", ""],
    ]


def csv_bytes(rows, header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    return out.getvalue().encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in [header, *rows]:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def input_tag(page: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', page)
    assert match, f"no field {field_id}"
    return match.group(0)


def field_error(page: str, field_id: str) -> str:
    """The text of the error shown next to a field ('' when there is none)."""
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else ""


def upload(client, content: bytes, filename: str):
    return client.post("/org/impor", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def uploaded_token(client, content: bytes, filename: str = "pegawai.csv") -> str:
    response = upload(client, content, filename)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    path = urlparse(response.headers["Location"]).path
    assert path.startswith("/org/impor/")
    return path.rsplit("/", 1)[1]


def preview_page(client, token: str) -> str:
    response = client.get(f"/org/impor/{token}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def counts_shown(page: str, new=0, update=0, unchanged=0, problems=0) -> bool:
    return all(f">{n} {label}<" in page for n, label in (
        (new, "new"), (update, "to update"), (unchanged, "unchanged"), (problems, "with problems")))


@pytest.fixture
def admin(login_as, world):
    client = login_as(world.admin)
    client.get("/?lang=en")  # English pages, so the reasons can be read; remembered in the profile
    return client


@pytest.fixture
def kadis_nip(world):
    return world.kadis["nip"]


def snapshot(app) -> dict:
    with app.app_context():
        out = {}
        for e in db.session.scalars(sa.select(Employee)):
            out[e.nip] = {"name": e.name, "position": e.position, "opd": e.opd.code, "email": e.email,
                          "superior": e.superior.nip if e.superior else None, "head": e.is_opd_head,
                          "type": e.employment_type, "gender": e.gender, "user": e.user.id if e.user else None,
                          "updated_at": e.updated_at}
        return out


def batch_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch))


def audit_events(app, action: str | None = None) -> int:
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(AuditEvent)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return db.session.scalar(stmt)


def assert_valid_import(app, before: dict, kadis_nip: str):
    after = snapshot(app)
    assert set(after) - set(before) == {plain(HEAD), plain(A), plain(B), plain(C)}
    a, b, head, c = (after[plain(n)] for n in (A, B, HEAD, C))
    assert a["superior"] == plain(HEAD) and a["email"] == "andi@padang.go.id" and a["opd"] == "DINKES"
    assert b["superior"] == plain(A) and b["opd"] == "DINKES" and b["gender"] == "P" and not b["head"]
    assert head["superior"] is None and head["head"] is True
    assert c["superior"] == kadis_nip and c["opd"] == "DISDIKBUD"
    assert all(e["user"] is not None for e in (a, b, head, c))
    assert all(e["type"] == EmploymentType.PNS for e in (a, b, head, c))


# --- the happy path -------------------------------------------------------------------------

@pytest.mark.parametrize("filename, build", [("pegawai.csv", csv_bytes), ("pegawai.xlsx", xlsx_bytes)])
def test_valid_file_is_previewed_then_applied(app, admin, kadis_nip, filename, build):
    before = snapshot(app)
    events = audit_events(app)
    token = uploaded_token(admin, build(valid_rows(kadis_nip)), filename)

    page = preview_page(admin, token)
    assert counts_shown(page, new=4)
    assert filename in page
    assert snapshot(app) == before, "the preview must not write anything"
    assert audit_events(app) == events

    response = admin.post(f"/org/impor/{token}")
    assert response.status_code == 302
    assert urlparse(response.headers["Location"]).path == "/org/pegawai"
    assert_valid_import(app, before, kadis_nip)
    assert audit_events(app, "org.employee_created") == len(before) + 4
    with app.app_context():
        assert db.session.scalar(sa.select(ImportBatch.applied_at).where(ImportBatch.token == token))

    # Posting the same batch again does nothing more.
    events = audit_events(app)
    assert admin.post(f"/org/impor/{token}").status_code == 200
    assert audit_events(app) == events


def test_semicolon_csv_with_bom_and_english_headers_is_accepted(app, admin, kadis_nip):
    header = ["NIP", "Name", "Position", "OPD Code", "Superior NIP", "Email", "OPD Head"]
    content = b"\xef\xbb\xbf" + csv_bytes(valid_rows(kadis_nip), header=header, delimiter=";")
    before = snapshot(app)
    token = uploaded_token(admin, content, "Pegawai.CSV")
    assert counts_shown(preview_page(admin, token), new=4)
    assert admin.post(f"/org/impor/{token}").status_code == 302
    assert_valid_import(app, before, kadis_nip)


# --- bad rows ---------------------------------------------------------------------------------

def test_every_bad_row_is_listed_and_nothing_is_imported(app, admin, kadis_nip):
    rows = valid_rows(kadis_nip) + [
        ["19661301 198803 1 004", "Salah Tanggal", "Staf", "DINKES", "", "", ""],       # line 6
        ["19690404 199404 1 005", "Opd Asing", "Staf", "DINASX", "", "", ""],           # line 7
        ["19700505 199505 2 006", "Atasan Hilang", "Staf", "DINKES", "19710606 199606 1 099", "", ""],  # 8
        [A.replace(" ", "."), "Andi Kembar", "Staf", "DINKES", "", "", ""],            # line 9
    ]
    before = snapshot(app)
    events = audit_events(app)
    token = uploaded_token(admin, csv_bytes(rows))
    page = preview_page(admin, token)
    assert counts_shown(page, new=4, problems=4)
    table = page.split("<tbody>")[1]
    assert "Digits 1-8 of the NIP must be a valid date of birth (YYYYMMDD)." in table
    assert 'Unknown OPD code "DINASX".' in table
    assert "Unknown superior NIP 197106061996061099" in table
    assert "Duplicate NIP: also on line 2." in table
    for line, name in ((6, "Salah Tanggal"), (7, "Opd Asing"), (8, "Atasan Hilang"), (9, "Andi Kembar")):
        assert f"<td>{line}</td>" in table and name in table
    assert "Andi Saputra" not in table and "Citra Lestari" not in table  # valid rows are not listed
    assert "Import all rows" not in page  # no confirm button while rows have problems

    response = admin.post(f"/org/impor/{token}")  # forced, e.g. from an old tab
    assert response.status_code == 200
    assert snapshot(app) == before
    assert audit_events(app) == events
    with app.app_context():
        assert db.session.scalar(sa.select(ImportBatch.applied_at).where(ImportBatch.token == token)) is None


@pytest.mark.parametrize("row, reason", [
    (["", "Tanpa NIP", "Staf", "DINKES", "", "", ""], "A NIP has exactly 18 digits."),
    ([A, "", "Staf", "DINKES", "", "", ""], "The name is empty."),
    ([A, "Nama", "", "DINKES", "", "", ""], "The position is empty."),
    ([A, "N" * 161, "Staf", "DINKES", "", "", ""], "The name is longer than 160 characters."),
    ([A, "Nama", "Staf", "DINKES", "", "bukan-email", ""], "The email address is not valid."),
    ([A, "Nama", "Staf", "DINKES", A, "", ""], "An employee cannot be their own superior."),
    ([A, "Nama", "Staf", "", "", "", ""], 'Unknown OPD code "".'),
])
def test_single_row_problems(app, admin, row, reason):
    before = snapshot(app)
    token = uploaded_token(admin, csv_bytes([row]))
    page = preview_page(admin, token)
    assert counts_shown(page, problems=1)
    assert reason in page
    assert admin.post(f"/org/impor/{token}").status_code == 200
    assert snapshot(app) == before


CYCLE = "The chain of superiors from this row loops back to this employee."


def test_superior_cycle_inside_the_file_is_a_row_problem(app, admin):
    rows = [[A, "Andi", "Staf", "DINKES", B, "", ""], [B, "Budi", "Staf", "DINKES", C, "", ""],
            [C, "Citra", "Staf", "DINKES", A, "", ""], [HEAD, "Hendra", "Kepala", "DINKES", A, "", "ya"]]
    before = snapshot(app)
    token = uploaded_token(admin, csv_bytes(rows))
    page = preview_page(admin, token)
    assert counts_shown(page, new=1, problems=3)  # HEAD only points into the loop: not itself a problem
    table = page.split("<tbody>")[1]
    assert table.count(CYCLE) == 3 and "Hendra" not in table
    assert admin.post(f"/org/impor/{token}").status_code == 200
    assert snapshot(app) == before


def test_superior_cycle_through_the_portal_is_a_row_problem(app, admin, world):
    # The kadis is the asn's superior in the portal; the file makes the asn the kadis's superior.
    kadis = snapshot(app)[world.kadis["nip"]]
    row = [world.kadis["nip"], kadis["name"], kadis["position"], "DINKES", world.asn["nip"], "", "ya"]
    before = snapshot(app)
    token = uploaded_token(admin, csv_bytes([row]))
    page = preview_page(admin, token)
    assert counts_shown(page, problems=1) and CYCLE in page
    assert admin.post(f"/org/impor/{token}").status_code == 200
    assert snapshot(app) == before


# --- importing again ------------------------------------------------------------------------

def test_reimporting_the_same_file_changes_nothing(app, admin, kadis_nip):
    content = xlsx_bytes(valid_rows(kadis_nip))
    assert admin.post(f"/org/impor/{uploaded_token(admin, content, 'a.xlsx')}").status_code == 302
    before = snapshot(app)
    events = audit_events(app)

    token = uploaded_token(admin, content, "a.xlsx")
    assert counts_shown(preview_page(admin, token), unchanged=4)
    assert admin.post(f"/org/impor/{token}").status_code == 302
    assert snapshot(app) == before
    assert audit_events(app) == events


def test_a_changed_row_is_an_update(app, admin, kadis_nip):
    rows = valid_rows(kadis_nip)
    assert admin.post(f"/org/impor/{uploaded_token(admin, csv_bytes(rows))}").status_code == 302
    before = snapshot(app)
    rows[1][2] = "Kepala Seksi Surveilans"  # B: new position
    rows[1][4] = HEAD                       # and a new superior
    events = audit_events(app, "org.employee_updated")

    token = uploaded_token(admin, csv_bytes(rows))
    assert counts_shown(preview_page(admin, token), update=1, unchanged=3)
    assert admin.post(f"/org/impor/{token}").status_code == 302
    after = snapshot(app)
    assert after[plain(B)]["position"] == "Kepala Seksi Surveilans"
    assert after[plain(B)]["superior"] == plain(HEAD)
    assert after[plain(B)]["user"] == before[plain(B)]["user"]  # same account, not a new one
    assert {k: v for k, v in after.items() if k != plain(B)} == {k: v for k, v in before.items() if k != plain(B)}
    assert audit_events(app, "org.employee_updated") > events
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "org.employee_updated")
                                   .order_by(AuditEvent.seq.desc())).first()
        assert event.data["after"]["superior"] == plain(HEAD)


# --- file problems --------------------------------------------------------------------------

BAD_FILES = {
    "wrong columns": ("data.csv", b"id,full_name,title\n1,Andi,Staf\n", "lacks the required columns"),
    "latin-1": ("data.csv", ",".join(HEADER).encode() + "\n19660801198803 1 001,José Émile,Staf,DINKES,,,\n"
                .encode("latin-1"), "not UTF-8"),
    "utf-16": ("data.csv", (",".join(HEADER) + f"\n{A},Andi,Staf,DINKES,,,\n").encode("utf-16"), "not UTF-8"),
    "utf-16 without BOM": ("data.csv", (",".join(HEADER) + f"\n{A},Andi,Staf,DINKES,,,\n").encode("utf-16-le"),
                           "not UTF-8"),
    "empty": ("data.csv", b"", "The file is empty."),
    "header only": ("data.csv", ",".join(HEADER).encode() + b"\n,,,,,,\n", "header but no rows"),
    "exe": ("setup.exe", b"MZ\x90\x00\x03", "Upload a .csv or .xlsx file."),
    "pdf": ("daftar.pdf", b"%PDF-1.4\n%\xe2\xe3\n", "Upload a .csv or .xlsx file."),
    "csv.exe": ("data.csv.exe", b"nip,nama\n", "Upload a .csv or .xlsx file."),
    "no name": ("", b"nip,nama\n", "Choose a file."),
    "corrupt xlsx": ("data.xlsx", b"PK\x03\x04 this is not really a workbook", "The XLSX file could not be read."),
    "csv named xlsx": ("data.xlsx", b"nip,nama,jabatan,kode_opd\n", "The XLSX file could not be read."),
    "empty xlsx": ("data.xlsx", lambda: xlsx_bytes([], header=[]), "The file is empty."),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gets_a_message_next_to_the_field(app, admin, case):
    filename, content, message = BAD_FILES[case]
    content = content() if callable(content) else content
    before = batch_count(app)
    response = upload(admin, content, filename)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "is-invalid" in input_tag(page, "file")
    error = field_error(page, "file")
    assert error and message in error
    assert batch_count(app) == before


def test_no_file_at_all(admin, app):
    response = admin.post("/org/impor", data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "file") == "Choose a file."


# --- who may see a batch ----------------------------------------------------------------------

def test_another_admin_cannot_open_or_apply_my_preview(app, admin, world, kadis_nip, login_as):
    from portal.auth import services as auth_services
    from portal.core.roles import Role

    token = uploaded_token(admin, csv_bytes(valid_rows(kadis_nip)))
    with app.app_context():
        auth_services.create_user(username="admin2", password="kata-sandi-uji-123", roles={Role.ADMIN})
        db.session.commit()
    other = login_as({"login": "admin2"})
    before = snapshot(app)
    assert other.get(f"/org/impor/{token}").status_code == 404
    assert other.post(f"/org/impor/{token}").status_code == 404
    assert snapshot(app) == before
    assert admin.get("/org/impor/" + "x" * 43).status_code == 404
    assert admin.get("/org/impor/" + "y" * 5000).status_code == 404
    assert admin.get(f"/org/impor/{token}").status_code == 200


def test_only_admins_reach_the_import(world, login_as):
    for account in (world.secretary, world.inspektur, world.asn):
        client = login_as(account)
        assert client.get("/org/impor").status_code == 403
        assert upload(client, csv_bytes([]), "a.csv").status_code == 403


# --- the CLI ---------------------------------------------------------------------------------

def test_cli_previews_then_applies(app, world, kadis_nip, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(valid_rows(kadis_nip)))
    runner = app.test_cli_runner()
    before = snapshot(app)

    result = runner.invoke(args=["import-employees", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 rows: 4 new, 0 to update, 0 unchanged, 0 invalid" in result.output
    assert "Imported." not in result.output
    assert snapshot(app) == before

    result = runner.invoke(args=["import-employees", str(path), "--apply"])
    assert result.exit_code == 0, result.output
    assert "Imported." in result.output
    assert_valid_import(app, before, kadis_nip)

    events = audit_events(app)
    result = runner.invoke(args=["import-employees", str(path), "--apply"])
    assert result.exit_code == 0, result.output
    assert "4 rows: 0 new, 0 to update, 4 unchanged, 0 invalid" in result.output
    assert audit_events(app) == events


def test_cli_explains_bad_rows_and_unreadable_files(app, world, kadis_nip, tmp_path):
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(xlsx_bytes(valid_rows(kadis_nip) + [["123", "Salah", "Staf", "DINKES", "", "", ""]]))
    runner = app.test_cli_runner()
    before = snapshot(app)
    result = runner.invoke(args=["import-employees", str(path), "--apply"])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, repr(result.exception)
    assert "line 6:" in result.output and "line 5:" not in result.output
    assert "5 rows: 4 new, 0 to update, 0 unchanged, 1 invalid" in result.output
    assert "Nothing imported" in result.output and "Imported." not in result.output
    assert snapshot(app) == before

    path = tmp_path / "pegawai.pdf"
    path.write_bytes(b"%PDF-1.4")
    # Lazy messages render outside a request too (in the default language), not a RuntimeError.
    result = runner.invoke(args=["import-employees", str(path)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, repr(result.exception)
    assert "Error:" in result.output


def test_the_template_and_the_opd_codes_are_offered_and_read_back(app, admin, world):
    page = admin.get("/org/impor").get_data(as_text=True)
    for link in ("/org/impor/templat.xlsx", "/org/impor/templat.csv", "/org/impor/kode-opd.xlsx",
                 "/org/impor/kode-opd.csv"):
        assert f'href="{link}"' in page, link
    template = admin.get("/org/impor/templat.csv")
    assert template.headers["Content-Disposition"] == "attachment; filename=templat-impor-pegawai.csv"
    header = next(csv.reader(io.StringIO(template.get_data(as_text=True).lstrip("\ufeff"))))
    assert header[:3] == ["nip", "nama", "jabatan"] and "kode_opd" in header and "pangkat_golongan" in header
    # The template, filled in, is what the import reads.
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(admin.get("/org/impor/templat.xlsx").data))
    columns = [c.value for c in next(book.active.iter_rows(min_row=1, max_row=1))]
    filled = dict.fromkeys(columns, "")
    filled.update(nip=A, nama="Andi Saputra", jabatan="Analis", kode_opd="DINKES", pangkat_golongan="Penata (III/c)")
    token = uploaded_token(admin, csv_bytes([[filled[c] for c in columns]], header=columns))
    assert counts_shown(preview_page(admin, token), new=1, problems=0)

    codes = list(csv.reader(io.StringIO(admin.get("/org/impor/kode-opd.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert codes[0][0] == "kode_opd" and ["DINKES", "Dinas Kesehatan"] == codes[1 + [r[0] for r in codes[1:]].index(
        "DINKES")][:2]


def test_the_rows_with_problems_download_with_their_reasons(app, admin, kadis_nip):
    rows = valid_rows(kadis_nip) + [["19690404 199404 1 005", "Opd Asing", "Staf", "DINASX", "", "", ""]]
    token = uploaded_token(admin, csv_bytes(rows))
    assert f'href="/org/impor/{token}/masalah.xlsx"' in preview_page(admin, token)
    response = admin.get(f"/org/impor/{token}/masalah.csv?lang=en")
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][0] == "Line" and table[0][-1] == "Problems"
    assert len(table) == 2 and table[1][0] == "6" and "Opd Asing" in table[1]
    assert table[1][-1] == 'Unknown OPD code "DINASX".'
    assert admin.get(f"/org/impor/{token}/masalah.xlsx").data[:2] == b"PK"
