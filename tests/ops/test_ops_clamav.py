"""Upload scanning with a real ClamAV daemon: EICAR is refused on the public WBS forms and on
staff uploads with the form kept and nothing stored, clean files pass, a scanner that is down
or hangs refuses uploads (never a 500), and the admin status page tells which state it is in.

clamd runs as a subprocess of this test session with a temporary configuration and a one-line
signature database we write ourselves, so no network and no freshclam are needed.
"""
from __future__ import annotations

import io
import logging
import re
import shutil
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.core import clamav
from portal.extensions import db
from tests.helpers.pages import english, field_error, flashed, page_text
from tests.wbs.builders import png_bytes

# The EICAR test file, put together here so that no file in the repository is itself one.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Portal-Test-EICAR"
STREAM_MAX = 1024 * 1024  # small, so the "too large for the scanner" path is cheap to reach
REFUSED = "The virus scanner found harmful content in this file, so it was not accepted."
UNAVAILABLE = "Files cannot be checked for viruses right now, so this one was not accepted."
TOO_LARGE = "This file is too large to be checked for viruses."


def _clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if Path(p).exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A clamd of our own on a Unix socket and on loopback TCP. Without `User` in its
    configuration clamd keeps the identity it was started with (root here, or the developer),
    so it can read our temporary files either way."""
    binary = _clamd_binary()
    if binary is None:
        pytest.skip("clamd is not installed (Debian: clamav-daemon; `make test` installs it)")
    home = tmp_path_factory.mktemp("clamd")
    (home / "db").mkdir()
    # An .ndb body signature (any file type, any offset), so EICAR is found inside other files too.
    (home / "db" / "portal-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    sock, port = home / "clamd.sock", _free_port()
    conf = home / "clamd.conf"
    conf.write_text("\n".join([
        f"LocalSocket {sock}", f"TCPSocket {port}", "TCPAddr 127.0.0.1", "Foreground yes",
        f"DatabaseDirectory {home / 'db'}", f"TemporaryDirectory {home}", f"LogFile {home / 'clamd.log'}",
        f"StreamMaxLength {STREAM_MAX}", "SelfCheck 3600", ""]))
    out = open(home / "clamd.out", "wb")
    proc = subprocess.Popen([binary, "--config-file", str(conf)], stdout=out, stderr=subprocess.STDOUT)
    config = {"CLAMD_SOCKET": str(sock), "CLAMD_TIMEOUT": 5}
    deadline = time.monotonic() + 90
    while True:
        try:
            if clamav.command(config, "PING") == "PONG":
                break
        except clamav.ScanUnavailable:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out.close()
            log = (home / "clamd.out").read_text(errors="replace")[-2000:]
            pytest.fail(f"clamd did not answer PING (exit {proc.returncode}):\n{log}")
        time.sleep(0.2)
    yield {"socket": str(sock), "address": f"127.0.0.1:{port}"}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    out.close()


@pytest.fixture
def app(app_factory, clamd):
    """Every test here scans through the real clamd (the conftest fixtures build on this app)."""
    return app_factory(CLAMD_SOCKET=clamd["socket"], WBS_RECEIPT_SCRYPT_N=16)


@pytest.fixture
def wbs_ready(app):
    from portal.wbs.content import load_categories

    with app.app_context():
        load_categories()
        db.session.commit()
    return app


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored_files(app, area: str) -> list[str]:
    folder = Path(app.config["STORAGE_DIR"]) / area
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def report_form(**extra) -> dict:
    data = {"mode": "confidential", "reporter_name": "Siti Pelapor Rahasia", "reporter_contact": "0812-7777-1111",
            "reported_name": "Tidak diketahui", "reported_opd": "0", "category": "2",
            "what": "Petugas loket meminta uang pelicin untuk izin usaha.", "where": "Kantor pelayanan",
            "when_from": "2026-02-10", "how": "Diminta langsung di loket", "good_faith": "y"}
    data.update(extra)
    return data


def with_nonce(client, url: str, data):
    """The form's single-use token, read off the page as a browser would (when it has one)."""
    match = re.search(r'name="nonce" value="([^"]*)"', client.get(url).get_data(as_text=True))
    if match:
        data["nonce"] = match.group(1)
    return data


def post_report(client, data):
    data = with_nonce(client, "/wbs/lapor", data)
    response = client.post("/wbs/lapor?lang=en", data=data, content_type="multipart/form-data")
    response.get_data()
    response.close()
    return response


def receipt_of(page: str) -> str:
    return re.search(r'receipt-code font-monospace user-select-all">([^<]+)<', page).group(1)


def scan_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "portal.core.uploads"]


# --- the protocol, against the real daemon ------------------------------------------------------

@pytest.mark.parametrize("where", ["socket", "address"])
def test_clamd_finds_eicar_over_the_socket_and_tcp(clamd, where):
    config = {"CLAMD_SOCKET": clamd["socket"]} if where == "socket" else {"CLAMD_ADDRESS": clamd["address"]}
    assert clamav.command(config, "PING") == "PONG"
    assert clamav.scan(config, b"Laporan biasa, tanpa apa-apa.\n") is None
    assert clamav.scan(config, EICAR) == f"{SIGNATURE}.UNOFFICIAL"
    assert clamav.scan(config, png_bytes() + EICAR) == f"{SIGNATURE}.UNOFFICIAL"  # hidden after an image
    assert clamav.scan(config, b"x" * (3 * clamav.CHUNK + 17)) is None  # several chunks


@pytest.mark.parametrize("where", ["socket", "address"])
def test_a_stream_over_clamds_limit_is_refused_as_too_large(clamd, where):
    config = {"CLAMD_SOCKET": clamd["socket"]} if where == "socket" else {"CLAMD_ADDRESS": clamd["address"]}
    assert clamav.scan(config, b"a" * STREAM_MAX) is None
    # clamd answers and hangs up as soon as the limit is passed, while we are still sending.
    for size in (STREAM_MAX + 1, 5 * STREAM_MAX):
        with pytest.raises(clamav.ScanTooLarge):
            clamav.scan(config, b"a" * size)
    assert clamav.command(config, "PING") == "PONG"  # and clamd is still fine


# --- the public WBS forms -----------------------------------------------------------------------

def test_eicar_on_the_wbs_report_is_refused_and_the_form_kept(wbs_ready, caplog):
    from portal.wbs.models import Evidence, Report

    caplog.set_level(logging.WARNING, logger="portal.core.uploads")
    files = [(io.BytesIO(b"Catatan kejadian.\n"), "catatan.txt"), (io.BytesIO(EICAR), "bukti-dari-siti.txt")]
    response = post_report(english(wbs_ready.test_client()), report_form(evidence=files))
    page = page_text(response)
    assert response.status_code == 200 and "receipt-code" not in page
    assert REFUSED in field_error(page, "evidence") and "bukti-dari-siti.txt" in field_error(page, "evidence")
    assert "Petugas loket meminta uang pelicin untuk izin usaha." in page and "Siti Pelapor Rahasia" in page
    assert count(wbs_ready, Report) == 0 and count(wbs_ready, Evidence) == 0
    assert stored_files(wbs_ready, "wbs") == []
    # The log says that malware came in through the WBS, and nothing about who sent it.
    [line] = scan_lines(caplog)
    assert "(wbs)" in line and SIGNATURE in line and str(len(EICAR)) in line
    for secret in ("bukti-dari-siti", "Siti", "0812", "pelicin", "catatan", "127.0.0.1"):
        assert secret not in line


def test_clean_files_pass_the_scanner_and_are_stored(wbs_ready):
    from portal.wbs.models import Evidence

    files = [(io.BytesIO(b"Catatan kejadian.\n"), "catatan.txt"), (io.BytesIO(png_bytes()), "foto.png")]
    response = post_report(english(wbs_ready.test_client()), report_form(evidence=files))
    assert response.status_code == 200 and receipt_of(page_text(response))
    assert count(wbs_ready, Evidence) == 2 and len(stored_files(wbs_ready, "wbs")) == 2


def test_eicar_on_the_follow_up_page_is_refused_and_the_message_kept(wbs_ready):
    from portal.wbs.models import Evidence, Message

    reporter = english(wbs_ready.test_client())
    receipt = receipt_of(page_text(post_report(reporter, report_form())))
    assert reporter.post("/wbs/pantau", data={"receipt": receipt}).status_code == 302
    typed = "Ini salinan pesan yang saya terima dari terlapor."
    data = with_nonce(reporter, "/wbs/pantau/laporan",
                      {"body": typed, "evidence": [(io.BytesIO(b"Awal. " + EICAR), "pesan.txt")]})
    response = reporter.post("/wbs/pantau/laporan", content_type="multipart/form-data", data=data)
    page = page_text(response)
    assert response.status_code == 200
    assert REFUSED in field_error(page, "evidence") and typed in page
    assert count(wbs_ready, Message) == 0 and count(wbs_ready, Evidence) == 0
    assert stored_files(wbs_ready, "wbs") == []


def test_a_scanner_that_is_down_refuses_the_upload_not_the_page(app_factory, tmp_path, caplog):
    from portal.wbs.content import load_categories
    from portal.wbs.models import Report

    app = app_factory(CLAMD_SOCKET=str(tmp_path / "no-clamd.sock"), WBS_RECEIPT_SCRYPT_N=16)
    with app.app_context():
        load_categories()
        db.session.commit()
    caplog.set_level(logging.ERROR, logger="portal.core.uploads")
    files = [(io.BytesIO(b"Catatan kejadian.\n"), "catatan.txt")]
    response = post_report(english(app.test_client()), report_form(evidence=files))
    page = page_text(response)
    assert response.status_code == 200
    assert UNAVAILABLE in field_error(page, "evidence") and "Please try again later." in page
    assert "Petugas loket meminta uang pelicin untuk izin usaha." in page
    assert count(app, Report) == 0 and stored_files(app, "wbs") == []
    assert any("did not answer" in line and "(wbs)" in line for line in scan_lines(caplog))
    # Without files the report still goes through: nothing needs scanning.
    response = post_report(english(app.test_client()), report_form())
    assert response.status_code == 200 and receipt_of(page_text(response))


def test_a_scanner_that_hangs_is_given_up_on_after_the_timeout(app_factory, tmp_path):
    from portal.wbs.content import load_categories
    from portal.wbs.models import Report

    path = str(tmp_path / "silent.sock")
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(path)
    silent.listen(8)  # accepts connections into the backlog, never reads or answers
    try:
        app = app_factory(CLAMD_SOCKET=path, CLAMD_TIMEOUT=0.5, WBS_RECEIPT_SCRYPT_N=16)
        with app.app_context():
            load_categories()
            db.session.commit()
        started = time.monotonic()
        response = post_report(english(app.test_client()),
                               report_form(evidence=[(io.BytesIO(b"Catatan.\n"), "catatan.txt")]))
        assert time.monotonic() - started < 10
        assert response.status_code == 200 and UNAVAILABLE in field_error(page_text(response), "evidence")
        assert count(app, Report) == 0
    finally:
        silent.close()


def test_a_file_over_the_scanners_limit_is_refused_with_its_own_message(wbs_ready):
    from portal.wbs.models import Report

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    big = b"Rekap transaksi harian.\n" * (STREAM_MAX // 24 + 100)
    # Encoded here: werkzeug's test builder would spool a body this large to a file it never closes.
    client = english(wbs_ready.test_client())
    fields = MultiDict(with_nonce(client, "/wbs/lapor", report_form()))
    fields.add("evidence", FileStorage(io.BytesIO(big), filename="rekap.txt"))
    boundary, body = encode_multipart(fields)
    response = client.post(
        "/wbs/lapor?lang=en", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    error = field_error(page_text(response), "evidence")
    assert TOO_LARGE in error
    assert count(wbs_ready, Report) == 0


# --- staff uploads ------------------------------------------------------------------------------

def test_eicar_as_a_declaration_attachment_is_refused_and_the_draft_kept(app, world, login_as, caplog):
    from portal.coi import lists
    from portal.coi.models import Attachment, Declaration, ListKind

    with app.app_context():
        lists.load_lists()
        db.session.commit()
        type_id = lists.items(ListKind.TYPE)[0].id
    caplog.set_level(logging.WARNING, logger="portal.core.uploads")
    asn = english(login_as(world.asn))
    typed = "Adik kandung saya direktur CV Sehat Sentosa yang ikut tender alat kesehatan."
    data = {"types": [type_id], "description": typed, "related_party": "CV Sehat Sentosa", "save": "Save draft",
            "attachment": (io.BytesIO(EICAR), "penawaran.txt")}
    url = "/benturan-kepentingan/baru/adhoc"
    response = asn.post(url, data=with_nonce(asn, url, data), content_type="multipart/form-data")
    page = page_text(response)
    assert response.status_code == 400
    assert REFUSED in field_error(page, "attachment") and typed in page
    assert count(app, Declaration) == 0 and count(app, Attachment) == 0 and stored_files(app, "coi") == []
    assert any("(coi)" in line and SIGNATURE in line for line in scan_lines(caplog))

    data["attachment"] = (io.BytesIO(b"Surat penawaran CV\n"), "penawaran.txt")
    response = asn.post(url, data=with_nonce(asn, url, data), content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(app, Attachment) == 1 and len(stored_files(app, "coi")) == 1


def test_eicar_inside_a_session_photo_is_refused_next_to_the_field(app, world, login_as):
    from portal.socialisation.models import Photo
    from tests.socialisation.factories import make_session

    with app.app_context():
        session_id = make_session(world, starts_in=timedelta(minutes=-10)).id
    inspektur = english(login_as(world.inspektur))
    response = inspektur.post(f"/sosialisasi/{session_id}/foto", content_type="multipart/form-data",
                              data={"photo": (io.BytesIO(png_bytes() + EICAR), "foto.png"), "caption": "Suasana"})
    page = page_text(response)
    assert response.status_code == 400
    assert REFUSED in field_error(page, "photo") and 'value="Suasana"' in page
    assert count(app, Photo) == 0 and stored_files(app, "session-photos") == []

    response = inspektur.post(f"/sosialisasi/{session_id}/foto", content_type="multipart/form-data",
                              data={"photo": (io.BytesIO(png_bytes()), "foto.png"), "caption": "Suasana"})
    assert response.status_code == 302 and "The photo has been added." in flashed(inspektur)
    assert count(app, Photo) == 1


def test_eicar_in_an_employee_import_is_refused_before_it_is_read(app, world, login_as):
    from portal.org.models import ImportBatch

    admin = english(login_as(world.admin))
    content = b"nip,nama,jabatan,kode_opd\n" + EICAR + b"\n"
    response = admin.post("/org/impor", data={"file": (io.BytesIO(content), "pegawai.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 200
    assert REFUSED in field_error(page_text(response), "file")
    assert count(app, ImportBatch) == 0


def test_eicar_sent_for_certificate_comparison_is_refused(app, world):
    from tests.certificates.conftest import attendance_certificate

    cert = attendance_certificate(app, world, world.asn)
    public = english(app.test_client())
    response = public.post(f"/verifikasi/{cert['code']}", data={"pdf": (io.BytesIO(EICAR), "sertifikat.pdf")},
                           content_type="multipart/form-data")
    page = page_text(response)
    assert response.status_code == 200 and "Valid certificate" in page and REFUSED in page
    assert "is NOT the file issued" not in page


# --- the admin status page ----------------------------------------------------------------------

def scanning_line(page: str) -> str:
    match = re.search(r'<dd class="col-sm-8" id="status-scanning">(.*?)</dd>', page, re.S)
    assert match, "no scanning line on the status page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def admin_status(app_factory, **config) -> str:
    from portal.auth import services as auth_services
    from portal.core.roles import Role
    from tests.helpers.accounts import PASSWORD, login

    app = app_factory(**config)
    with app.app_context():
        auth_services.create_user(username="admin", password=PASSWORD, roles={Role.ADMIN})
        db.session.commit()
    client = english(app.test_client())
    login(client, "admin")
    response = client.get("/admin/")
    assert response.status_code == 200
    return scanning_line(page_text(response))


def test_status_page_says_when_uploads_are_not_scanned(app_factory):
    line = admin_status(app_factory)
    assert line == "Off: uploaded files are not scanned for viruses (no ClamAV daemon is configured)."


def test_status_page_shows_clamd_answering_and_its_version(app_factory, clamd):
    line = admin_status(app_factory, CLAMD_SOCKET=clamd["socket"])
    assert line.startswith(f"On: ClamAV at {clamd['socket']} answers (ClamAV ") and re.search(r"\d+\.\d+", line)


def test_status_page_shows_clamd_not_answering(app_factory, tmp_path):
    line = admin_status(app_factory, CLAMD_ADDRESS=f"127.0.0.1:{_free_port()}")
    assert "does not answer: every upload is refused until it does." in line
