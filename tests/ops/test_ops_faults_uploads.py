"""A full disk or a failed write during an upload (issue 9, "proven under faults").

The disk fills up at the lowest write there is: `os.write` on the storage file (a first chunk is
written, then ENOSPC), or the fsync fails. Whatever the moment, the user gets a clear,
translated message with the form as they typed it, no partial file is left, and no row says
a file exists. A database failure after the file was written removes the file too; a COMMIT
whose answer was lost keeps it for `flask --app portal storage-sweep`. One test fills a real
(tiny) tmpfs when the machine allows mounting one.
"""
from __future__ import annotations

import errno
import html
import io
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.ops.faults_support import parse_form

WHAT = "Petugas loket meminta uang pelicin Rp 500.000 untuk izin usaha saya."
DESCRIPTION = "Adik kandung saya direktur CV Sehat Sentosa yang ikut tender alat kesehatan."


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def disk_full(monkeypatch):
    """Make the storage folder's disk full: the first os.write into a file under it writes 4 KiB,
    the next fails with ENOSPC (mode "write"); or every fsync there fails with EIO ("fsync")."""
    real_write, real_fsync = os.write, os.fsync

    def under(root: Path, fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(str(root))
        except OSError:
            return False

    def arm(root: Path, mode: str = "write") -> dict:
        state = {"writes": 0, "failed": 0}

        def write(fd, data):
            if not under(root, fd):
                return real_write(fd, data)
            state["writes"] += 1
            if state["writes"] == 1 and len(data) > 4096:
                return real_write(fd, bytes(data[:4096]))  # a partial file on disk
            state["failed"] += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def fsync(fd):
            if under(root, fd) and not os.path.isdir(f"/proc/self/fd/{fd}"):
                state["failed"] += 1
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return real_fsync(fd)

        monkeypatch.setattr(os, "write" if mode == "write" else "fsync", write if mode == "write" else fsync)
        return state

    return arm


def evidence_bytes(marker: str = "bukti") -> bytes:
    return (f"{marker}: catatan percakapan di loket.\n" * 400).encode()  # 14 KB: more than one chunk


def wbs_form(client, **extra) -> dict:
    """The report form as a browser sends it: its hidden fields (a nonce, if any) and the answers."""
    form = parse_form(client.get("/wbs/lapor").get_data(as_text=True))
    data = dict(form.hidden, mode="anonymous", reported_name="Tidak diketahui", reported_opd="0",
                category=next(v for v in form.options["category"] if v not in ("", "0")), what=WHAT,
                where="Kantor pelayanan terpadu", when_from="2026-02-10", how="Diminta langsung di loket",
                good_faith="y")
    data.update(extra)
    return data


def post_report(client, data, lang=None):
    response = client.post("/wbs/lapor" + (f"?lang={lang}" if lang else ""), data=data,
                           content_type="multipart/form-data")
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("mode", ["write", "fsync"])
def test_wbs_evidence_on_a_full_disk(wbs_app, disk_full, mode):
    from portal.core.audit import AuditEvent
    from portal.wbs.models import Evidence, Report

    root = Path(wbs_app.config["STORAGE_DIR"])
    client = wbs_app.test_client()
    data = wbs_form(client, evidence=[(io.BytesIO(evidence_bytes()), "percakapan.txt")])
    state = disk_full(root, mode)
    response = post_report(client, data)
    text = page(response)
    assert state["failed"] == 1
    assert response.status_code == 200
    # Indonesian, the default; next to the evidence field; what the reporter typed is still there.
    assert "Berkas tidak dapat disimpan. Tidak ada yang terkirim" in text
    assert re.search(r'id="evidence-error"[^>]*>\s*<span>Berkas tidak dapat disimpan', text)
    assert WHAT in text and "Kantor pelayanan terpadu" in text and "Diminta langsung di loket" in text
    assert "receipt-code" not in text
    assert files_under(root) == []  # neither the partial temporary file nor a renamed one
    assert (count(wbs_app, Report), count(wbs_app, Evidence), count(wbs_app, AuditEvent)) == (0, 0, 0)


def test_second_file_failing_removes_the_first(wbs_app, disk_full, monkeypatch):
    """Two files: the first is stored whole, the second hits the full disk; both go."""
    from portal.core import storage
    from portal.wbs.models import Report

    root = Path(wbs_app.config["STORAGE_DIR"])
    client = wbs_app.test_client()
    data = wbs_form(client, evidence=[(io.BytesIO(b"kecil\n"), "a.txt"), (io.BytesIO(evidence_bytes()), "b.txt")])
    real_write = storage.write
    seen = []

    def first_then_full(area, key, blob):
        seen.append(key)
        if len(seen) == 2:
            disk_full(root)
        real_write(area, key, blob)

    monkeypatch.setattr(storage, "write", first_then_full)
    response = post_report(client, data, lang="en")
    assert len(seen) == 2
    assert "The files could not be saved. Nothing was sent; please try again later." in page(response)
    assert files_under(root) == [] and count(wbs_app, Report) == 0


def test_the_form_works_again_when_there_is_room(wbs_app, disk_full, monkeypatch):
    from portal.wbs.models import Evidence

    root = Path(wbs_app.config["STORAGE_DIR"])
    client = wbs_app.test_client()
    disk_full(root)
    post_report(client, wbs_form(client, evidence=[(io.BytesIO(evidence_bytes()), "x.txt")]))
    monkeypatch.undo()  # room again
    response = post_report(client, wbs_form(client, evidence=[(io.BytesIO(evidence_bytes()), "x.txt")]))
    assert "receipt-code" in page(response)
    with wbs_app.app_context():
        keys = list(db.session.scalars(sa.select(Evidence.storage_key)))
    assert files_under(root) == [f"wbs/{k}" for k in keys] and len(keys) == 1


# --- a staff upload: a conflict-of-interest declaration's attachment ---------------------------

def coi_form(client, app, **extra) -> dict:
    from portal.coi import lists
    from portal.coi.models import ListKind

    with app.app_context():
        lists.load_lists()
        db.session.commit()
        items = {(i.kind.value, i.code): i.id for k in ListKind for i in lists.items(k)}
    hidden = parse_form(client.get("/benturan-kepentingan/baru/adhoc").get_data(as_text=True)).hidden
    data = dict(hidden, types=[items[("type", "BK01")]], sources=[items[("source", "S3")]], description=DESCRIPTION,
                activity="procurement", activity_detail="Tender alkes 2026", related_party="CV Sehat Sentosa",
                relationship_kind="family", proposed_measure="Saya mundur dari panitia.", save="Save draft")
    data.update(extra)
    return data


def test_declaration_attachment_on_a_full_disk(app, world, login_as, disk_full):
    from portal.coi.models import Attachment, Declaration

    root = Path(app.config["STORAGE_DIR"])
    client = login_as(world.asn)
    client.get("/?lang=en")
    data = coi_form(client, app, attachment=(io.BytesIO(evidence_bytes("penawaran")), "penawaran.txt"))
    disk_full(root)
    response = client.post("/benturan-kepentingan/baru/adhoc", data=data, content_type="multipart/form-data")
    text = page(response)
    assert response.status_code == 400
    assert re.search(r'id="attachment-error"[^>]*>\s*<span>The file could not be saved. Please try again later.', text)
    assert DESCRIPTION in text and "Tender alkes 2026" in text and "Saya mundur dari panitia." in text
    assert files_under(root) == []
    assert (count(app, Declaration), count(app, Attachment)) == (0, 0)  # not even the draft


def test_session_photo_on_a_full_disk(app, world, login_as, disk_full):
    from portal.socialisation.models import Photo
    from tests.socialisation.factories import running_session
    from tests.wbs.builders import png_bytes

    with app.app_context():
        session_id = running_session(world).id
    root = Path(app.config["STORAGE_DIR"])
    client = login_as(world.inspektur)
    disk_full(root, "fsync")
    response = client.post(f"/sosialisasi/{session_id}/foto", content_type="multipart/form-data",
                           data={"photo": (io.BytesIO(png_bytes((400, 300))), "foto.png"), "caption": "Peserta"})
    text = page(response)
    assert response.status_code == 400
    assert "Berkas tidak dapat disimpan" in text and 'value="Peserta"' in text
    assert "Traceback" not in text and "Errno" not in text and str(root) not in text
    assert files_under(root) == [] and count(app, Photo) == 0


# --- the safety net: a view that does not catch the storage error ------------------------------

def test_a_storage_error_nobody_catches_is_a_clean_507(app, world, login_as, disk_full):
    """The first download of a certificate stores its PDF; that view does not expect a full disk."""
    from tests.certificates.conftest import attendance_certificate

    cert = attendance_certificate(app, world, world.asn)
    root = Path(app.config["STORAGE_DIR"])
    before = files_under(root)
    disk_full(root, "fsync")
    response = login_as(world.asn).get(f"/sertifikat/{cert['id']}/pdf")
    text = page(response)
    assert response.status_code == 507
    assert "Berkas tidak dapat disimpan" in text and "Portal tidak dapat menyimpan berkas" in text
    assert "Traceback" not in text and "Errno" not in text and str(root) not in text
    assert files_under(root) == before


# --- the database fails after the file was written ---------------------------------------------

def test_failed_flush_after_the_file_removes_it(wbs_app, storage_backend):
    """The file is written, then the database refuses the rows: 503, no row, no file (in the
    folder or in the bucket)."""
    from portal.wbs.models import Report

    client = wbs_app.test_client()
    data = wbs_form(client, evidence=[(io.BytesIO(evidence_bytes()), "x.txt")])

    def gone_at_evidence(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO WBS_EVIDENCE"):
            raise sa.exc.OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))

    with wbs_app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", gone_at_evidence)
    try:
        response = post_report(client, data)
    finally:
        with wbs_app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", gone_at_evidence)
    assert response.status_code == 503
    assert "Layanan untuk sementara tidak tersedia" in page(response) and "INSERT" not in page(response)
    assert storage_backend.names(wbs_app) == set() and count(wbs_app, Report) == 0


def test_lost_commit_keeps_the_file_for_the_sweep(wbs_app, runner_for, storage_backend, monkeypatch):
    """COMMIT was sent and no answer came: the row may exist, so the file stays; storage-sweep
    removes it once it is old enough and no row points to it, and leaves every other file."""
    from portal.wbs.models import Evidence, Report

    files_under = storage_backend.names
    local = storage_backend.kind == "local"
    client = wbs_app.test_client()
    kept = post_report(client, wbs_form(client, evidence=[(io.BytesIO(b"tetap\n"), "a.txt")]))
    assert "receipt-code" in page(kept)
    data = wbs_form(client, evidence=[(io.BytesIO(evidence_bytes()), "x.txt")])

    def lost(conn):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    with wbs_app.app_context():
        sa.event.listen(db.engine, "commit", lost)
    try:
        response = post_report(client, data)
    finally:
        with wbs_app.app_context():
            sa.event.remove(db.engine, "commit", lost)
    assert response.status_code == 503
    assert count(wbs_app, Report) == 1  # here the COMMIT did not happen; the file cannot know that
    with wbs_app.app_context():
        referenced = {f"wbs/{k}" for k in db.session.scalars(sa.select(Evidence.storage_key))}
    orphans = set(files_under(wbs_app)) - referenced
    assert len(orphans) == 1 and not any(".tmp-" in name for name in orphans)

    runner = runner_for(wbs_app)
    assert "0 unreferenced files removed" in runner.invoke(args=["storage-sweep"]).output  # too young yet
    if local:  # a killed writer's temporary file (the object store has none: a PUT is whole or absent)
        storage_backend.put_raw(wbs_app, "wbs", ".tmp-left-by-a-killed-process", b"half")
    # A name the portal never makes is not the sweep's to delete.
    storage_backend.put_raw(wbs_app, "wbs", "catatan-operator.txt", b"x")
    storage_backend.age_everything(wbs_app, monkeypatch, hours=25)
    found = 2 if local else 1
    dry = runner.invoke(args=["storage-sweep", "--dry-run"]).output
    assert f"{found} unreferenced files found (dry run)" in dry and len(files_under(wbs_app)) == found + 2
    result = runner.invoke(args=["storage-sweep"])
    assert result.exit_code == 0 and f"{found} unreferenced files removed" in result.output
    assert files_under(wbs_app) == referenced | {"wbs/catatan-operator.txt"}


@pytest.fixture
def runner_for():
    return lambda app: app.test_cli_runner()


# --- a real full disk: a 64 KiB tmpfs as the storage folder ------------------------------------

@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, timeout=10)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode()[:200]}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=10)


def test_a_real_full_disk(app_factory, tiny_disk):
    from portal.wbs.content import load_categories
    from portal.wbs.models import Report

    app = app_factory(WBS_RECEIPT_SCRYPT_N=16, STORAGE_DIR=str(tiny_disk))
    with app.app_context():
        load_categories()
        db.session.commit()
    client = app.test_client()
    big = os.urandom(150 * 1024)  # more than the disk holds; random, so tmpfs cannot share pages
    response = post_report(client, wbs_form(client, evidence=[(io.BytesIO(b"%PDF-1.4\n" + big), "bukti.pdf")]))
    text = page(response)
    assert "Berkas tidak dapat disimpan. Tidak ada yang terkirim" in text and WHAT in text
    assert files_under(tiny_disk) == [] and count(app, Report) == 0
    small = post_report(client, wbs_form(client, evidence=[(io.BytesIO(b"muat\n"), "a.txt")]))
    assert "receipt-code" in page(small) and len(files_under(tiny_disk)) == 1  # room for a small one
