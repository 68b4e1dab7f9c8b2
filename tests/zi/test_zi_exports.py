"""A unit's exports: the LKE as XLSX (answers of the unit and the Inspectorate, scores, evidence list
and absolute links; the scores and pass checks) and the supporting evidence as a ZIP by item code
(folders, notes, the portal's gathered evidence, uploads under safe unique names, an escaped index),
who may download them, the audit event each export leaves; the ZIP is made by the background worker
(`jobs.run_pending()` here, in an app context without a request) and fetched from its owner's job page."""
from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from portal.extensions import db
from tests.helpers.pages import english

BASE = "https://integritas.padang.go.id"
FORMULA = '=HYPERLINK("http://evil.example","klik")'
HTML_TITLE = "<script>alert(1)</script> SK Tim WBS"
ITEM = "A.I.5.iv.a"  # Whistle Blowing System telah diterapkan: A/B/C, weight 1.5 / 3 items


@pytest.fixture
def app(app_factory):
    return app_factory(PUBLIC_BASE_URL=BASE)


def _provider_file() -> bytes:
    return b"bulan,laporan\n1,3\n"


@pytest.fixture
def unit(app, world):
    """Dinas Kesehatan's WBK unit of 2026: answers, three uploads (one name an attack, one a Windows
    device, one whose stored file is gone), a note, a link and the portal's own evidence."""
    from portal.core import storage
    from portal.zi import evidence, lke
    from portal.zi.models import Answer, EvidenceKind, ItemEvidence, LkeItem, Target, Unit

    def gather(opd_id, year):
        return evidence.Gathered(title=f"Register WBS {year} <b>uji</b>", lines=["3 laporan, 2 selesai"],
                                 url="/wbs/kelola", files=[("../../rekap.csv", _provider_file)])

    def broken(opd_id, year):
        raise RuntimeError("the other area's tables are away")

    evidence.register(app, evidence.Provider("uji", "Uji", gather))
    evidence.register(app, evidence.Provider("rusak", "Register rusak", broken))
    with app.app_context():
        lke.load_shipped()
        version = lke.latest_version()
        items = {i.code: i for i in lke.items_of(version)}
        items[ITEM].evidence_keys = "uji"
        items["A.I.5.iv.b"].evidence_keys = "rusak"
        unit = Unit(version=version, opd_id=world.dinkes, target=Target.WBK)
        db.session.add(unit)
        db.session.flush()
        db.session.add_all([
            Answer(unit_id=unit.id, item_id=items[ITEM].id, self_value="a", self_note=FORMULA, assessor_value="b",
                   assessor_comment="Evaluasi belum berkala."),
            Answer(unit_id=unit.id, item_id=items["A.I.5.iii.b"].id, self_value="yes", assessor_value="no"),
            Answer(unit_id=unit.id, item_id=items["A.II.5.ii"].id, self_value="87.5"),
        ])
        uploads = {}
        for name, content in (("../../x", b"isi SK tim WBS"), ("CON.pdf", b"%PDF-1.4 kedua"), ("X", b"ketiga")):
            key = storage.new_key()
            storage.write("zi", key, content)
            uploads[name] = key
        db.session.add_all([
            ItemEvidence(unit_id=unit.id, item_id=items[ITEM].id, kind=EvidenceKind.FILE, title=HTML_TITLE,
                         storage_key=uploads["../../x"], filename="../../x", media_type="application/octet-stream"),
            ItemEvidence(unit_id=unit.id, item_id=items[ITEM].id, kind=EvidenceKind.FILE, title="SK kedua",
                         storage_key=uploads["CON.pdf"], filename="CON.pdf", media_type="application/pdf"),
            ItemEvidence(unit_id=unit.id, item_id=items[ITEM].id, kind=EvidenceKind.FILE, title="SK ketiga",
                         storage_key=uploads["X"], filename="X", media_type="application/octet-stream"),
            ItemEvidence(unit_id=unit.id, item_id=items[ITEM].id, kind=EvidenceKind.FILE, title="Berkas hilang",
                         storage_key="0" * 32, filename="hilang.pdf", media_type="application/pdf"),
            ItemEvidence(unit_id=unit.id, item_id=items[ITEM].id, kind=EvidenceKind.NOTE, title="Catatan rapat",
                         note="Rapat evaluasi WBS setiap triwulan."),
            ItemEvidence(unit_id=unit.id, item_id=items[ITEM].id, kind=EvidenceKind.LINK, title="Laman WBS",
                         url="https://wbs.padang.go.id/laporan"),
        ])
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(LkeItem.id))) > 20
        return unit.id


def _xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def _rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_lke_xlsx_holds_every_answer_score_and_evidence_link(app, world, unit, login_as):
    client = english(login_as(world.secretary))  # an official export: Indonesian whatever the reader's language
    response = client.get(f"/zona-integritas/unit/{unit}/lke.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "lke-dinkes-2026.xlsx" in response.headers["Content-Disposition"]
    book = _xlsx(response.data)
    assert book.sheetnames == ["Jawaban", "Nilai"]
    rows = _rows(book["Jawaban"])
    header = rows[0]
    for title in ("ID", "Kode", "Jawaban Unit", "Catatan Unit", "Jawaban TPI (Inspektorat)", "Catatan TPI",
                  "Nilai Unit", "Nilai TPI", "Daftar Bukti Dukung", "Tautan Bukti Dukung"):
        assert title in header, title
    col = {name: header.index(name) for name in header}
    by_code = {r[col["Kode"]]: r for r in rows[1:]}
    # Every area of the version has its header row, the empty ones too; then sub-components, then items.
    assert {"1", "2", "3", "4", "5", "6", "B.I", "B.II"} <= set(by_code)
    assert by_code["A.I.5.iv"][col["ID"]] is None and by_code["A.I.5.iv"][col["Bobot"]] == 1.5
    codes = [r[col["Kode"]] for r in rows[1:]]
    assert codes.index("5") < codes.index("A.I.5.iv") < codes.index(ITEM) < codes.index("A.I.5.iv.b")

    row = by_code[ITEM]
    assert row[col["ID"]] == 88
    assert row[col["Bagian (Pemenuhan/Reform)"]] == "Pemenuhan"
    assert row[col["Uraian"]] == "Whistle Blowing System telah diterapkan"
    assert row[col["Bobot"]] == 0.5
    assert (row[col["Jawaban Unit"]], row[col["Jawaban TPI (Inspektorat)"]]) == ("A", "B")
    assert row[col["Catatan Unit"]] == FORMULA and row[col["Catatan TPI"]] == "Evaluasi belum berkala."
    assert (row[col["Nilai Unit"]], row[col["Nilai TPI"]]) == (0.5, 0.25)
    titles = row[col["Daftar Bukti Dukung"]].split("\n")
    assert titles == ["Register WBS 2026 <b>uji</b>", HTML_TITLE, "SK kedua", "SK ketiga", "Berkas hilang",
                      "Catatan rapat", "Laman WBS"]
    links = row[col["Tautan Bukti Dukung"]].split("\n")
    # No download page for uploads yet: the file's place in the ZIP (which holds this workbook too).
    assert links == [f"{BASE}/wbs/kelola", f"{ITEM}/x", f"{ITEM}/_CON.pdf", f"{ITEM}/X (2)", f"{ITEM}/hilang.pdf",
                     "https://wbs.padang.go.id/laporan"]
    assert by_code["A.I.5.iii.b"][col["Jawaban Unit"]] == "Ya"
    assert by_code["A.I.5.iii.b"][col["Jawaban TPI (Inspektorat)"]] == "Tidak"
    assert by_code["A.II.5.ii"][col["Jawaban Unit"]] == 87.5 and by_code["A.II.5.ii"][col["Nilai Unit"]] == 2.625
    assert by_code["5"][col["Nilai Unit"]] == pytest.approx(0.5 + 0.375 + 2.625)
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell would run as a formula"

    scores = _rows(book["Nilai"])
    area5 = next(r for r in scores if r[0] == "5")
    assert area5[1] == "Penguatan Pengawasan" and area5[3] == 15 and area5[4] == pytest.approx(3.5)
    assert area5[6] == pytest.approx(0.25)  # the Inspectorate: B on the WBS item, "Tidak" on complaints
    checks = [r for r in scores if r[0] in ("WBK", "WBBM")]
    assert {r[0] for r in checks} == {"WBK", "WBBM"}
    final = next(r for r in checks if r[0] == "WBK" and r[1] == "Nilai akhir")
    assert (final[3], final[4], final[6]) == (75, "Tidak", "Tidak")
    assert any("belum" in str(r[0]) for r in scores[:4] if r and r[0])  # pass marks still unverified

    from portal.core.audit import AuditEvent

    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "zi.unit_exported")).one()
        assert (event.object_type, event.object_id, event.actor_id) == ("zi_unit", str(unit),
                                                                        world.secretary["user_id"])
        assert event.data == {"format": "xlsx", "year": 2026}


def request_zip(client, unit_id: int) -> int:
    """Ask for the unit's evidence ZIP as the unit page's form does: the job page's id."""
    response = client.post(f"/zona-integritas/unit/{unit_id}/bukti-dukung")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.fullmatch(r"/zona-integritas/unduhan/(\d+)", response.headers["Location"]).group(1))


def run_worker(app) -> int:
    """As `flask --app portal worker` runs jobs: in an app context, without a request."""
    from portal.core import jobs

    with app.app_context():
        return jobs.run_pending()


def job_row(app, job_id: int) -> dict:
    from portal.core import jobs

    with app.app_context():
        job = db.session.get(jobs.Job, job_id)
        return {"status": job.status.value, "done": job.done, "total": job.total, "owner_id": job.owner_id,
                "kind": job.kind, "params": job.params, "error": job.error}


def test_the_evidence_zip_has_a_folder_per_item_with_safe_names_and_an_escaped_index(app, world, unit, login_as,
                                                                                    storage_backend):
    from portal.zi import lke

    client = english(login_as(world.inspektur))
    job_id = request_zip(client, unit)
    with app.app_context():
        items = len(lke.items_of(lke.latest_version()))
    queued = job_row(app, job_id)
    assert queued == {"status": "queued", "done": 0, "total": items, "owner_id": world.inspektur["user_id"],
                      "kind": "zi.evidence_zip", "params": {"unit_id": unit}, "error": ""}
    page = client.get(f"/zona-integritas/unduhan/{job_id}").get_data(as_text=True)
    assert f"0 of {items} items" in page and 'http-equiv="refresh"' in page
    assert "/berkas" not in page  # no download link before the file exists
    early = client.get(f"/zona-integritas/unduhan/{job_id}/berkas")
    assert early.status_code == 302 and early.headers["Location"].endswith(f"/zona-integritas/unduhan/{job_id}")

    assert run_worker(app) == 1
    assert job_row(app, job_id)["status"] == "done"
    page = client.get(f"/zona-integritas/unduhan/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and f"{items} of {items} items" in page
    assert f'href="/zona-integritas/unduhan/{job_id}/berkas"' in page
    assert f'href="/zona-integritas/unit/{unit}"' in page  # back to the unit
    response = client.get(f"/zona-integritas/unduhan/{job_id}/berkas")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "bukti-dukung-zi-dinkes-2026.zip" in response.headers["Content-Disposition"]
    assert "attachment" in response.headers["Content-Disposition"]
    assert int(response.headers["Content-Length"]) == len(response.data)
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert names[:3] == ["index.html", "index.csv", "lke-dinkes-2026.xlsx"]
    for name in names:
        assert ".." not in name.split("/") and not name.startswith("/") and "\\" not in name, name
    assert len(names) == len(set(n.lower() for n in names))
    # One folder per item of the LKE, the empty ones too.
    assert {f"{ITEM}/", "A.I.5.iv.b/", "A.II.5.ii/", "B.II/"} <= set(names)
    inside = [n.split("/", 1)[1] for n in names if n.startswith(f"{ITEM}/") and n != f"{ITEM}/"]
    assert inside == ["catatan.txt", "uji-ringkasan.txt", "rekap.csv", "x", "_CON.pdf", "X (2)"]
    assert archive.read(f"{ITEM}/x") == b"isi SK tim WBS"
    assert archive.read(f"{ITEM}/_CON.pdf") == b"%PDF-1.4 kedua"
    assert archive.read(f"{ITEM}/X (2)") == b"ketiga"
    assert archive.read(f"{ITEM}/rekap.csv") == _provider_file()
    notes = archive.read(f"{ITEM}/catatan.txt").decode()
    assert "Rapat evaluasi WBS setiap triwulan." in notes and "https://wbs.padang.go.id/laporan" in notes
    summary = archive.read(f"{ITEM}/uji-ringkasan.txt").decode()
    assert summary.startswith("Register WBS 2026 <b>uji</b>") and "3 laporan, 2 selesai" in summary
    assert f"{BASE}/wbs/kelola" in summary

    index = archive.read("index.html").decode()
    assert "<script>alert" not in index and "&lt;script&gt;alert(1)&lt;/script&gt; SK Tim WBS" in index
    assert "<b>uji</b>" not in index and "&lt;b&gt;uji&lt;/b&gt;" in index
    assert f'href="{ITEM}/x"' in index and f'href="{ITEM}/X%20%282%29"' in index
    assert 'href="lke-dinkes-2026.xlsx"' in index
    assert "A. Seluruh kebijakan Whistle Blowing System, dan terdapat inovasi" in index  # the option's wording
    assert "B. Sesuai yang ditetapkan organisasi" in index
    assert "hilang.pdf (tidak ada)" in index  # its stored file is gone: said, not silently dropped
    assert "http" not in index.replace("https://wbs.padang.go.id/laporan", "")  # nothing loaded from outside

    table = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert table[0][:5] == ["ID", "Kode", "Uraian", "Jawaban Unit", "Jawaban TPI (Inspektorat)"]
    line = next(r for r in table if r[1] == ITEM)
    assert line[0] == "88" and line[3].startswith("A. ") and line[4].startswith("B. ")
    assert f"{ITEM}/x" in line[6].split("\n") and f"{ITEM}/hilang.pdf (tidak ada)" in line[6].split("\n")
    assert {r[1] for r in table[1:]} >= {"A.I.5.i.a", "B.II"}
    # A provider that fails is said in its item's folder; the rest of the export still goes out.
    assert "tidak dapat membaca" in archive.read("A.I.5.iv.b/rusak-ringkasan.txt").decode()
    assert _xlsx(archive.read("lke-dinkes-2026.xlsx")).sheetnames == ["Jawaban", "Nilai"]


def test_only_who_sees_the_unit_may_export_it(app, world, unit, login_as):
    for account in (world.secretary_disdik, world.asn, world.asn_disdik):
        client = login_as(account)
        assert client.get(f"/zona-integritas/unit/{unit}/lke.xlsx").status_code == 404
        assert client.post(f"/zona-integritas/unit/{unit}/bukti-dukung").status_code == 404
    admin = login_as(world.admin)
    assert admin.get(f"/zona-integritas/unit/{unit}/lke.xlsx").status_code == 200
    assert admin.get(f"/zona-integritas/unit/{unit + 1000}/lke.xlsx").status_code == 404
    assert admin.post(f"/zona-integritas/unit/{unit + 1000}/bukti-dukung").status_code == 404
    anonymous = app.test_client()
    for response in (anonymous.post(f"/zona-integritas/unit/{unit}/bukti-dukung"),
                     anonymous.get(f"/zona-integritas/unit/{unit}/lke.xlsx")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    # The old synchronous download is gone.
    assert login_as(world.secretary).get(f"/zona-integritas/unit/{unit}/bukti-dukung.zip").status_code == 404
    from portal.core import jobs
    from portal.core.audit import AuditEvent

    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "zi.unit_exported")).all()
        assert [e.actor_id for e in events] == [world.admin["user_id"]]
        assert db.session.scalar(db.select(db.func.count(jobs.Job.id))) == 0


def test_the_zip_and_its_job_pages_are_the_owners_only(app, world, unit, login_as, make_employee):
    from portal.core.roles import Role

    job_id = request_zip(login_as(world.secretary), unit)
    assert run_worker(app) == 1
    owner = login_as(world.secretary)
    assert owner.get(f"/zona-integritas/unduhan/{job_id}").status_code == 200
    assert owner.get(f"/zona-integritas/unduhan/{job_id}/berkas").status_code == 200
    # Another Inspectorate account sees the unit, but not someone else's job; nor does anyone else.
    other_assessor = make_employee(world.inspektorat, username="inspektur.dua", roles={Role.ASN, Role.COI_REVIEWER})
    for account in (world.inspektur, other_assessor, world.admin, world.secretary_disdik, world.asn):
        client = login_as(account)
        assert client.get(f"/zona-integritas/unduhan/{job_id}").status_code == 404, account
        assert client.get(f"/zona-integritas/unduhan/{job_id}/berkas").status_code == 404, account
    anonymous = app.test_client().get(f"/zona-integritas/unduhan/{job_id}/berkas")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert owner.get(f"/zona-integritas/unduhan/{job_id + 1000}").status_code == 404


def test_a_certificate_job_is_not_shown_on_the_zi_job_pages(app, world, unit, login_as):
    from portal.auth.models import User
    from portal.core import jobs

    with app.app_context():
        other = jobs.enqueue("certificates.session_pdf", {"session_id": 1},
                             owner=db.session.get(User, world.secretary["user_id"]), title="x", total=1)
        db.session.commit()
        other_id = other.id
    client = login_as(world.secretary)
    assert client.get(f"/zona-integritas/unduhan/{other_id}").status_code == 404
    assert client.get(f"/zona-integritas/unduhan/{other_id}/berkas").status_code == 404


def test_a_zip_already_on_its_way_is_reused_and_each_request_audited(app, world, unit, login_as):
    from portal.core import jobs
    from portal.core.audit import AuditEvent

    secretary = english(login_as(world.secretary))
    first = request_zip(secretary, unit)
    again = secretary.post(f"/zona-integritas/unit/{unit}/bukti-dukung", follow_redirects=True)
    assert "already being prepared" in again.get_data(as_text=True)
    assert request_zip(secretary, unit) == first
    # Another person's request is theirs: a job of its own.
    assessor_job = request_zip(login_as(world.inspektur), unit)
    assert assessor_job != first
    assert run_worker(app) == 2
    # Once made, a new request makes a new file: the evidence may have changed since.
    later = request_zip(secretary, unit)
    assert later not in (first, assessor_job)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(jobs.Job.id))) == 3
        events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "zi.unit_exported")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.actor_id, e.object_id, e.data) for e in events] == [
            (world.secretary["user_id"], str(unit), {"format": "zip", "year": 2026, "job": first, "reused": False}),
            (world.secretary["user_id"], str(unit), {"format": "zip", "year": 2026, "job": first, "reused": True}),
            (world.secretary["user_id"], str(unit), {"format": "zip", "year": 2026, "job": first, "reused": True}),
            (world.inspektur["user_id"], str(unit),
             {"format": "zip", "year": 2026, "job": assessor_job, "reused": False}),
            (world.secretary["user_id"], str(unit), {"format": "zip", "year": 2026, "job": later, "reused": False}),
        ]


def test_evidence_that_writes_while_the_zip_is_made_is_kept_and_the_job_finishes(app, world, unit, login_as):
    """A socialisation pack numbers its invitation when it is first made: a write in the middle of
    the job, which must neither hold the progress bar's updates back (SQLite: "database is locked")
    nor be lost."""
    from portal.core import audit, jobs
    from portal.core.audit import AuditEvent
    from portal.zi import evidence, lke

    def numbered() -> bytes:
        audit.record("zi.test_numbered", None, object_type="zi_test", object_id=1)
        db.session.flush()
        return b"nomor 1"

    evidence.register(app, evidence.Provider("tulis", "Menulis", lambda opd_id, year: evidence.Gathered(
        title="Berkas bernomor", lines=[], files=[("nomor.txt", numbered)])))
    with app.app_context():
        first = lke.items_of(lke.latest_version())[0]
        first.evidence_keys, first_code = "tulis", first.code
        db.session.commit()
    job_id = request_zip(login_as(world.secretary), unit)
    assert run_worker(app) == 1
    assert job_row(app, job_id)["status"] == "done", job_row(app, job_id)
    with app.app_context():
        assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "zi.test_numbered")).one()
        data = jobs.read_result(db.session.get(jobs.Job, job_id))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read(f"{first_code}/nomor.txt") == b"nomor 1"


def test_the_zip_reports_its_progress_item_by_item(app, world, unit):
    from portal.zi import exports, lke
    from portal.zi.models import Unit

    calls: list[tuple[int, int]] = []
    with app.app_context():  # no request, as in the worker
        total = len(lke.items_of(lke.latest_version()))
        data = exports.evidence_zip(db.session.get(Unit, unit), progress=lambda done, of: calls.append((done, of)))
    assert calls == [(n, total) for n in range(1, total + 1)]
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_the_partial_links_the_xlsx_and_asks_for_the_zip(app, unit):
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string('{% include "zi/_exports.html" %}', unit={"id": unit})
    assert f'href="/zona-integritas/unit/{unit}/lke.xlsx"' in html
    assert f'<form method="post" action="/zona-integritas/unit/{unit}/bukti-dukung">' in html
    assert 'name="csrf_token"' in html and "bukti-dukung.zip" not in html


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../x", "x"), ("..\\..\\windows\\win.ini", "win.ini"), ("CON", "_CON"), ("con.txt", "_con.txt"),
    ("LPT1.tar.gz", "_LPT1.tar.gz"), ("...", "berkas"), ("", "berkas"), (".htaccess", "htaccess"),
    ("laporan <akhir>:2026?.pdf", "laporan _akhir_2026_.pdf"), ("a\x00b\nc.txt", "a_b_c.txt"),
    ("A.I.5.iv.a", "A.I.5.iv.a"), ("x" * 150 + ".pdf", "x" * 96 + ".pdf"),
])
def test_file_names_stay_in_their_folder(raw, safe):
    from portal.zi.export_names import safe_name

    assert safe_name(raw) == safe


def test_names_are_unique_without_regard_to_case():
    from portal.zi.export_names import unique

    taken: set[str] = set()
    assert [unique(n, taken) for n in ("sk.pdf", "SK.pdf", "sk.pdf", "catatan", "Catatan")] == [
        "sk.pdf", "SK (2).pdf", "sk (3).pdf", "catatan", "Catatan (2)"]
