"""The storage backends (issue 22): the local folder and an S3-compatible object store give
callers the same guarantees. Each test here runs on both (`storage_backend`); the s3 runs use a
real object store (scripts/objectstore.sh, TEST_S3_ENDPOINT) with a fresh bucket per test."""
from __future__ import annotations

import io
import os
import threading

import pytest
import sqlalchemy as sa

from portal.extensions import db

pytestmark = pytest.mark.usefixtures("storage_backend")


def test_write_read_delete_and_a_missing_key(app, storage_backend):
    from portal.core import storage

    with app.app_context():
        key = storage.new_key()
        storage.write("documents", key, b"isi berkas")
        assert storage.read("documents", key) == b"isi berkas"
        assert storage_backend.names(app) == {f"documents/{key}"}  # named <area>/<key>, nothing else
        storage.write("documents", key, b"versi kedua")  # replaced whole
        assert storage_backend.raw(app, "documents", key) == b"versi kedua"
        storage.delete("documents", key)
        storage.delete("documents", key)  # deleting what is gone is not an error
        with pytest.raises(FileNotFoundError):
            storage.read("documents", key)
        # Callers catch (StorageError, OSError) for a missing file: both backends raise an OSError.
        with pytest.raises(OSError):
            storage.read("documents", storage.new_key())
        for bad in ("", "../keys.json", "a/b", "abc.def", "é"):
            with pytest.raises(storage.StorageError):
                storage.read("documents", bad)
            with pytest.raises(storage.StorageError):
                storage.write("documents", bad, b"x")
        with pytest.raises(storage.StorageError):
            storage.write("../wbs", key, b"x")
    assert storage_backend.names(app) == set()


def _corrupt_in_transit(app, monkeypatch, kind):
    """Break the write on its way: on s3 the body's bytes change after the MD5 was computed (the
    store must refuse it); locally the fsync fails after the temporary file was written. Returns
    the undo (the s3 client is the process's, shared with later tests)."""
    if kind == "s3":
        from portal.core import storage_s3

        def corrupt(request, **kwargs):
            if request.body:
                body = request.body if isinstance(request.body, bytes) else request.body.read()
                request.body = bytes(b ^ 0x20 for b in body)

        client = storage_s3._client(app.config)
        client.meta.events.register_first("before-send.s3.PutObject", corrupt)
        return lambda: client.meta.events.unregister("before-send.s3.PutObject", corrupt)
    from portal.core import storage_local

    def failing(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(storage_local.os, "fsync", failing)
    return monkeypatch.undo


def test_a_write_that_fails_on_its_way_leaves_nothing(app, storage_backend, monkeypatch):
    from portal.core import storage

    with app.app_context():
        kept = storage.new_key()
        storage.write("followup", kept, b"utuh")
        undo = _corrupt_in_transit(app, monkeypatch, storage_backend.kind)
        try:
            key = storage.new_key()
            with pytest.raises(storage.StorageError):
                storage.write("followup", key, b"bukti tindak lanjut " * 1000)
            with pytest.raises(storage.StorageError):
                storage.write("followup", kept, b"versi rusak")
        finally:
            undo()
    # Neither the new file, nor a temporary one, nor a damaged version of the old one.
    assert storage_backend.names(app) == {f"followup/{kept}"}
    assert storage_backend.raw(app, "followup", kept) == b"utuh"


def test_a_failed_transaction_removes_the_files_it_wrote(app, storage_backend):
    from portal.core import storage

    with app.app_context():
        gone, kept = storage.new_key(), storage.new_key()
        storage.write("documents", gone, b"a")
        storage.track(db.session, "documents", gone)
        db.session.rollback()
        storage.write("documents", kept, b"b")
        storage.track(db.session, "documents", kept)
        db.session.commit()
    assert storage_backend.names(app) == {f"documents/{kept}"}


def test_orphans_are_old_unreferenced_files_of_one_area(app, storage_backend, monkeypatch):
    from portal.core import storage

    with app.app_context():
        referenced, orphan, other = storage.new_key(), storage.new_key(), storage.new_key()
        for area, key in (("zi", referenced), ("zi", orphan), ("followup", other)):
            storage.write(area, key, b"x")
        storage_backend.put_raw(app, "zi", "LIHAT-SAYA.txt", b"not the portal's")
        assert storage.orphans("zi", {referenced}, 3600) == []  # too young
        storage_backend.age_everything(app, monkeypatch, hours=2)
        assert storage.orphans("zi", {referenced}, 3600) == [orphan]
        assert storage.orphans("nothing-here", set(), 0) == []


def test_the_raw_stored_wbs_evidence_is_ciphertext(wbs_app, storage_backend):
    """What the folder or the bucket holds of a WBS report's evidence: never the file's text or
    its name; the app reads it back whole."""
    from portal.wbs import services
    from portal.wbs.models import Evidence, Report
    from tests.helpers.nonce_support import with_nonce

    secret = b"Bukti transfer Rp 75.000.000 ke rekening pribadi PENANDA-BUKTI-93"
    client = wbs_app.test_client()
    data = with_nonce(client, "/wbs/lapor", {
        "mode": "anonymous", "category": "2", "reported_name": "Tidak diketahui", "reported_opd": "0",
        "what": "Uang kas dipakai untuk keperluan pribadi berulang kali.", "where": "Kantor pelayanan",
        "when_from": "2026-02-10", "how": "Dengan kuitansi palsu", "good_faith": "y",
        "evidence": [(io.BytesIO(secret), "rekening-PENANDA-BUKTI-93.txt")]})
    response = client.post("/wbs/lapor?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "receipt-code" in response.get_data(as_text=True), response.get_data(
        as_text=True)[-3000:]
    with wbs_app.app_context():
        evidence = db.session.scalars(sa.select(Evidence)).one()
        key = evidence.storage_key
        report = db.session.get(Report, evidence.report_id)
        name, opened = services.open_evidence(report, evidence)
    assert opened == secret and name == "rekening-PENANDA-BUKTI-93.txt"
    assert storage_backend.names(wbs_app) == {f"wbs/{key}"}
    raw = storage_backend.raw(wbs_app, "wbs", key)
    assert raw and secret not in raw and b"PENANDA-BUKTI-93" not in raw and b"rekening" not in raw


def test_one_client_per_process_shared_by_threads(app, storage_backend):
    if storage_backend.kind != "s3":
        pytest.skip("the local folder has no client")
    from portal.core import storage_s3

    seen = []
    with app.app_context():
        config = dict(app.config)
    threads = [threading.Thread(target=lambda: seen.append(storage_s3._client(config))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 1


def test_store_errors_name_no_endpoint_bucket_or_secret(app_factory, storage_backend, caplog):
    if storage_backend.kind != "s3":
        pytest.skip("the local folder's errors are covered by the full-disk tests")
    from portal.core import storage

    space = storage_backend.new_space("wrong")
    secret = "salah-rahasia-" + os.urandom(6).hex()
    cases = [dict(space, S3_SECRET_ACCESS_KEY=secret),                   # the store refuses the signature
             dict(space, S3_ENDPOINT_URL="http://127.0.0.1:9", S3_SECRET_ACCESS_KEY=secret)]  # nobody answers
    for config in cases:
        config["S3_BUCKET"] = "bucket-" + os.urandom(4).hex()  # must not be named either
        app = app_factory(**config)
        with app.app_context():
            for action in (lambda: storage.write("coi", storage.new_key(), b"x"),
                           lambda: storage.read("coi", storage.new_key()),
                           lambda: storage.orphans("coi", set(), 0)):
                with pytest.raises(storage.StorageError) as caught:
                    action()
                text = str(caught.value) + caplog.text
                for leak in (secret, config["S3_BUCKET"], config["S3_ENDPOINT_URL"].split("//")[1],
                             config["S3_ACCESS_KEY_ID"] or "-"):
                    assert leak not in text, leak


def test_storage_check_says_whether_the_storage_answers(app_factory, storage_backend):
    good = app_factory().test_cli_runner().invoke(args=["storage-check"])
    assert good.exit_code == 0 and f"Storage ({storage_backend.kind}) answers." in good.output
    if storage_backend.kind == "s3":
        bad = app_factory(**dict(storage_backend.config(), S3_SECRET_ACCESS_KEY="salah-rahasia-9"))
    else:
        blocker = storage_backend.tmp_path / "a-file"
        blocker.write_bytes(b"")
        bad = app_factory(STORAGE_DIR=str(blocker / "files"))
    result = bad.test_cli_runner().invoke(args=["storage-check"])
    assert result.exit_code != 0 and "salah-rahasia-9" not in result.output and "Storage (" in result.output


def test_storage_sweep_and_backup_say_so_when_the_store_is_away(app_factory, storage_backend, tmp_path):
    if storage_backend.kind != "s3":
        pytest.skip("an unreachable object store")
    app = app_factory(**dict(storage_backend.config(), S3_ENDPOINT_URL="http://127.0.0.1:9"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["storage-sweep"])
    assert result.exit_code != 0 and "object store list failed" in result.output and "127.0.0.1:9" not in result.output
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "b")])
    assert result.exit_code != 0 and "Reading the stored files failed" in result.output
    assert not list((tmp_path / "b").glob("*.tar*"))


# --- configuration ---------------------------------------------------------------------------

def test_the_configuration_refuses_an_object_store_it_cannot_use(storage_backend, monkeypatch):
    if storage_backend.kind != "local":
        pytest.skip("configuration only; once is enough")
    from portal.config import ConfigError, check_config

    def problems(**config):
        try:
            check_config(config)
        except ConfigError as exc:
            return str(exc)
        return ""

    assert problems(STORAGE_BACKEND="local") == ""
    assert "STORAGE_BACKEND must be 'local' or 's3'" in problems(STORAGE_BACKEND="minio")
    assert "S3_BUCKET is missing" in problems(STORAGE_BACKEND="s3", S3_ENDPOINT_URL="http://127.0.0.1:8333")
    assert "S3_ENDPOINT_URL" in problems(STORAGE_BACKEND="s3", S3_BUCKET="portal")
    assert "S3_ENDPOINT_URL" in problems(STORAGE_BACKEND="s3", S3_BUCKET="portal", S3_ENDPOINT_URL="127.0.0.1:8333")
    assert "S3_PREFIX" in problems(STORAGE_BACKEND="s3", S3_BUCKET="portal", S3_ENDPOINT_URL="http://s3",
                                   S3_PREFIX="portal")
    assert problems(STORAGE_BACKEND="S3", S3_BUCKET="portal", S3_ENDPOINT_URL="http://s3", S3_PREFIX="portal/") == ""
    # In production the bucket is never open to anyone: credentials are required.
    prod = dict(PORTAL_ENV="production", STORAGE_BACKEND="s3", S3_BUCKET="portal", S3_ENDPOINT_URL="https://s3")
    assert "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are missing" in problems(**prod)
    assert "S3_" not in problems(**prod, S3_ACCESS_KEY_ID="a", S3_SECRET_ACCESS_KEY="b")

    # The environment sets them like every other key, read as typed (a secret of digits stays text).
    from portal import create_app

    for name, value in {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": "http://127.0.0.1:1", "S3_BUCKET": "b-1",
                        "S3_ACCESS_KEY_ID": "123", "S3_SECRET_ACCESS_KEY": "0042", "S3_PREFIX": "p/"}.items():
        monkeypatch.setenv(f"PORTAL_{name}", value)
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    config = create_app().config
    assert (config["STORAGE_BACKEND"], config["S3_SECRET_ACCESS_KEY"], config["S3_ACCESS_KEY_ID"]) == ("s3", "0042", "123")
    assert config["S3_REGION"] == "us-east-1"
    monkeypatch.delenv("PORTAL_S3_BUCKET")
    with pytest.raises(ConfigError, match="S3_BUCKET is missing"):
        create_app()
