"""The WBS's promises, proved from outside: nothing readable at rest, no reporter metadata
anywhere, no receipt in a URL or a log, the login never consulted."""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.core import codes
from portal.extensions import db
from portal.web.ratelimit import limiter
from tests.helpers.nonce_support import with_nonce

MARKER = "PENANDA-RAHASIA-7Q2X"
IP = "203.0.113.77"
AGENT = "AgenUnik/9.9 (PelaporRahasia)"


def form_data(**extra):
    data = {"mode": "confidential", "reporter_name": f"Nama {MARKER}", "reporter_contact": f"0812 {MARKER}",
            "reported_name": f"Terlapor {MARKER}", "reported_position": "Bendahara", "reported_opd": "0",
            "category": "1", "what": f"Uang kas dipakai pribadi {MARKER} berulang kali.", "where": f"Kantor {MARKER}",
            "when_from": "2026-01-05", "how": f"Dengan kuitansi palsu {MARKER}", "why": MARKER, "loss": "Rp 5.000.000",
            "good_faith": "y"}
    data.update(extra)
    return data


def file_report(client, **extra):
    data = with_nonce(client, "/wbs/lapor", form_data(**extra))
    data.setdefault("evidence", [(__import__("io").BytesIO(f"isi berkas {MARKER}".encode()), f"catatan-{MARKER}.txt")])
    response = client.post("/wbs/lapor", data=data, content_type="multipart/form-data",
                           headers={"X-Forwarded-For": IP, "User-Agent": AGENT, "Referer": f"http://{IP}/rahasia"},
                           environ_base={"REMOTE_ADDR": IP})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    code = re.search(r'receipt-code font-monospace user-select-all">([^<]+)<', page).group(1)
    return code, page


def all_files_bytes(app, stored=None) -> bytes:
    """Everything the instance holds on disk: the database (with its WAL) and stored files (and
    every object of its bucket, given the test's `storage_backend`)."""
    chunks = []
    if stored is not None:
        names = stored.names(app)
        assert names  # the scan must see the evidence files, wherever they are
        chunks += [stored.raw(app, *name.split("/", 1)) for name in sorted(names)]
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    roots = [Path(app.config["STORAGE_DIR"])]
    if uri.startswith("sqlite:///"):
        db_path = Path(uri[len("sqlite:///"):])
        roots += [db_path.parent]
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                chunks.append(path.read_bytes())
    if uri.startswith("postgresql") and shutil.which("pg_dump"):
        chunks.append(subprocess.run(["pg_dump", "--data-only", uri.replace("+psycopg", "")], check=True,
                                     capture_output=True).stdout)
    return b"\n".join(chunks)


def test_nothing_readable_at_rest_and_no_reporter_metadata(wbs_app, caplog, storage_backend):
    caplog.set_level(logging.DEBUG)
    client = wbs_app.test_client()
    code, _ = file_report(client)
    # Follow-up with a reply and a further file: these are sealed too.
    client.post("/wbs/pantau", data={"receipt": code}, headers={"User-Agent": AGENT}, environ_base={"REMOTE_ADDR": IP})
    client.post("/wbs/pantau/laporan", data={"body": f"Balasan {MARKER}"}, headers={"User-Agent": AGENT},
                environ_base={"REMOTE_ADDR": IP})
    with wbs_app.app_context():
        db.session.remove()
        db.engine.dispose()  # closes SQLite's connections, which checkpoints its WAL into the file
    blob = all_files_bytes(wbs_app, storage_backend)
    with wbs_app.app_context():
        from portal.wbs.models import Report

        public_id = db.session.scalars(sa.select(Report.public_id)).one()
    # The scan sees the database: the (deliberately plain) case number is in it.
    assert public_id.encode() in blob
    for secret in (MARKER, IP, AGENT, code, code.replace("-", "")):
        assert secret.encode() not in blob, f"{secret!r} found at rest"
        assert secret.encode("utf-16-le") not in blob
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (MARKER, IP, AGENT, code):
        assert secret not in logged
    storage = limiter.storage
    keys = " ".join(map(str, list(getattr(storage, "storage", {}).keys()) + list(getattr(storage, "events", {}).keys())))
    assert keys and IP not in keys


@pytest.mark.postgres
def test_database_dump_holds_no_plaintext(wbs_app):
    if not wbs_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the pg_dump check runs on PostgreSQL")
    code, _ = file_report(wbs_app.test_client())
    dump = all_files_bytes(wbs_app)
    assert b"wbs_report" in dump or b"COPY public.wbs_report" in dump
    assert MARKER.encode() not in dump and code.encode() not in dump


def test_a_copy_of_the_database_without_the_keys_reveals_nothing(wbs_app, app_factory):
    from portal.core.crypto import CryptoError
    from portal.wbs import services
    from portal.wbs.models import Report

    code, _ = file_report(wbs_app.test_client())
    thief = app_factory(DATA_KEYS=["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="], WBS_RECEIPT_SCRYPT_N=16)
    with thief.app_context():
        report = db.session.scalars(sa.select(Report)).one()
        with pytest.raises(CryptoError):
            services.reporter_view(report)


def test_receipt_never_in_a_url_and_not_stored(wbs_app):
    from portal.wbs import receipts
    from portal.wbs.models import Report

    client = wbs_app.test_client()
    code, page = file_report(client)
    assert code not in "".join(re.findall(r'(?:href|action|src)="([^"]*)"', page))
    response = client.post("/wbs/pantau", data={"receipt": code})
    assert response.status_code == 302 and code not in response.headers["Location"]
    assert code.replace("-", "") not in response.headers["Location"]
    with wbs_app.app_context():
        report = db.session.scalars(sa.select(Report)).one()
        assert report.receipt_hash == receipts.lookup_key(code) != code
    # The follow-up page does not show the code again.
    assert code not in client.get("/wbs/pantau/laporan").get_data(as_text=True)


def test_receipt_has_at_least_80_bits_and_tolerates_reading_mistakes(app):
    from portal.wbs import receipts

    issued = {receipts.new_code() for _ in range(2000)}
    assert len(issued) == 2000
    sample = next(iter(issued))
    assert len(sample.replace("-", "")) * 5 >= 80
    assert set(sample.replace("-", "")) <= set(codes.ALPHABET)
    with app.app_context():
        messy = sample.lower().replace("-", " ").replace("0", "o").replace("1", "l")
        assert receipts.lookup_key(messy) == receipts.lookup_key(sample)
        assert receipts.lookup_key("short") is None and receipts.lookup_key("x" * 5000) is None


def test_public_wbs_never_consults_the_login(wbs_app, world, monkeypatch):
    """A logged-in employee files a report: the WBS pages never load their account."""
    import flask_login.utils

    from tests.helpers.accounts import login

    client = wbs_app.test_client()
    login(client, "asn.dinkes")

    def forbidden():
        raise AssertionError("the WBS consulted the login")

    monkeypatch.setattr(flask_login.utils, "_get_user", forbidden)
    assert client.get("/wbs/").status_code == 200
    assert client.get("/wbs/lapor?lang=en").status_code == 200
    code, _ = file_report(client)
    assert client.post("/wbs/pantau", data={"receipt": code}).status_code == 302
    assert client.get("/wbs/pantau/laporan").status_code == 200
    source = (Path(__file__).resolve().parents[2] / "portal" / "wbs" / "public_views.py").read_text()
    assert "flask_login" not in source and "current_user" not in source.split('"""', 2)[2]


def test_a_filing_leaves_no_time_of_day_anywhere(wbs_app):
    """The audit log is ordered and timestamped: an event at filing would place the report
    between staff's events. The filing is in the case's history, by date only."""
    from portal.core.audit import AuditEvent
    from portal.wbs.models import Report, ReportEvent

    with wbs_app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    file_report(wbs_app.test_client())
    with wbs_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
        report = db.session.scalars(sa.select(Report)).one()
        (filed,) = db.session.scalars(sa.select(ReportEvent).where(ReportEvent.report_id == report.id,
                                                                    ReportEvent.kind == "filed"))
        assert filed.happened_on == report.filed_on  # a date, no time


def test_guessing_is_throttled_and_looks_like_an_unknown_code(app_factory):
    app = app_factory(WBS_RECEIPT_SCRYPT_N=16, WBS_FOLLOWUP_LIMIT="3 per hour")
    from portal.wbs.content import load_categories

    with app.app_context():
        load_categories()
        db.session.commit()
    client = app.test_client()
    code, _ = file_report(client)
    unknown = client.post("/wbs/pantau?lang=en", data={"receipt": "AAAA-AAAA-AAAA-AAAA-AAAA"})
    for _ in range(2):
        client.post("/wbs/pantau", data={"receipt": "BBBB-BBBB-BBBB-BBBB-BBBB"})
    throttled = client.post("/wbs/pantau?lang=en", data={"receipt": code})
    assert throttled.status_code == unknown.status_code == 200
    message = "No report matches this code."
    assert message in unknown.get_data(as_text=True) and message in throttled.get_data(as_text=True)
    # Another client is not affected.
    other = app.test_client()
    assert other.post("/wbs/pantau", data={"receipt": code}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
                      ).status_code == 302


def test_key_rotation_keeps_reports_readable(wbs_app, app_factory, runner):
    from portal.config import new_keys
    from portal.wbs import services
    from portal.wbs.models import Report

    file_report(wbs_app.test_client())
    old = wbs_app.config["DATA_KEYS"][0]
    new = new_keys()["DATA_KEYS"][0]
    rotated = app_factory(DATA_KEYS=[new, old], WBS_RECEIPT_SCRYPT_N=16)
    result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert "Re-wrapped 1" in result.output
    only_new = app_factory(DATA_KEYS=[new], WBS_RECEIPT_SCRYPT_N=16)
    with only_new.app_context():
        report = db.session.scalars(sa.select(Report)).one()
        assert MARKER in services.reporter_view(report).content["what"]


def test_the_form_warns_that_documents_keep_their_metadata(wbs_app):
    page = wbs_app.test_client().get("/wbs/lapor?lang=en").get_data(as_text=True)
    assert "Location and camera data are removed from photos." in page
    assert "Documents keep theirs, which may include the author&#39;s name" in page
