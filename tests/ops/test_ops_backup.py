"""Backup and restore (`flask --app portal backup` / `restore`): an instance's data comes back
whole into an empty instance and decryptable with the same keys; a damaged backup, a used
instance or the wrong keys are refused or reported before anyone relies on the result."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from tests.certificates.conftest import certificates
from tests.helpers.accounts import login
from tests.helpers.config import BASE_CONFIG
from tests.learning.factories import make_small_module
from tests.wbs.builders import png_bytes

WHAT = "Petugas loket meminta uang pelicin Rp 5.000.000 agar izin usaha cepat terbit."
REPORTER = "Siti Rahmawati"
OTHER_KEYS = ["Zm9yZWlnbi1rZXktZm9yZWlnbi1rZXktZm9yZWlnbjE="]
DECLARED = "Ipar saya pemilik Apotek Sumber Sehat, rekanan dinas yang pengadaannya saya nilai."
ATTACHED = ("akta-apotek-sumber-sehat.txt", b"Akta pendirian Apotek Sumber Sehat, pemegang saham: ipar saya.\n")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hidden_fields(response) -> dict:
    """The hidden inputs of a form page (a single-use nonce, say), as a browser sends them back."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", response.get_data(as_text=True)):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if 'type="hidden"' in tag and name:
            fields[name[1]] = value[1] if value else ""
    return fields


def english(client):
    client.get("/?lang=en")
    return client


# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture
def filled(app, world, login_as):
    """The source instance, filled the way people fill it: a confidential WBS report with an
    image as evidence, a yearly declaration, a passed quiz with its module certificate, whose
    PDF has been downloaded (and so stored). Declarations and quizzes go through their services:
    their forms' details are tested in their own areas."""
    from portal.wbs.content import load_categories

    with app.app_context():
        load_categories()
        module_id = make_small_module(slug="cadangan")
        db.session.commit()
    reporter = app.test_client()
    response = reporter.post("/wbs/lapor?lang=en", content_type="multipart/form-data", data={
        **hidden_fields(reporter.get("/wbs/lapor")),
        "mode": "confidential", "reporter_name": REPORTER, "reporter_contact": "0812 0000 1111",
        "reported_name": "Tidak diketahui", "reported_opd": "0", "category": "2", "what": WHAT,
        "where": "Kantor pelayanan terpadu", "when_from": "2026-02-10", "how": "Diminta langsung di loket",
        "good_faith": "y", "evidence": [(io.BytesIO(png_bytes()), "bukti.png")]})
    assert response.status_code == 200, response.data[:500]
    receipt = re.search(r'receipt-code font-monospace user-select-all">([^<]+)<', response.get_data(as_text=True))[1]
    declaration_id = declare_yearly(app, world.asn)
    adhoc_id = declare_adhoc(app, world.asn)
    attempt_id = pass_module(app, world.asn, module_id)
    (cert,) = certificates(app, kind="module", employee_id=world.asn["employee_id"])
    pdf = english(login_as(world.asn)).get(f"/sertifikat/{cert['id']}/pdf").data
    assert pdf.startswith(b"%PDF")
    return {"receipt": receipt, "attempt_id": attempt_id, "declaration_id": declaration_id, "cert_id": cert["id"],
            "pdf": pdf, "world": world, "adhoc_id": adhoc_id, **wbs_plaintext(app)}


def declare_yearly(app, account) -> int:
    """The yearly conflict-of-interest statement, 'no conflict', submitted through the service."""
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Kind

    with app.app_context():
        user = db.session.get(User, account["user_id"])
        declaration = services.save_draft(None, declarant=user.employee, kind=Kind.YEARLY, actor=user,
                                          fields=services.DraftFields(no_conflict=True))
        services.submit(declaration, actor=user)
        db.session.commit()
        return declaration.id


def declare_adhoc(app, account) -> int:
    """An ad-hoc declaration with its text and an attachment, submitted through the service."""
    from portal.auth.models import User
    from portal.coi import lists, services
    from portal.coi.models import Activity, Kind, ListItem, ListKind, Relationship

    with app.app_context():
        lists.load_lists()
        user = db.session.get(User, account["user_id"])
        first = {kind: db.session.scalars(sa.select(ListItem.id).where(ListItem.kind == kind)).first()
                 for kind in (ListKind.TYPE, ListKind.SOURCE)}
        fields = services.DraftFields(description=DECLARED, activity=Activity.PROCUREMENT,
                                      related_party="Apotek Sumber Sehat", relationship_kind=Relationship.FAMILY,
                                      proposed_measure="Saya tidak ikut menilai penawaran apotek itu.",
                                      type_ids=(first[ListKind.TYPE],), source_ids=(first[ListKind.SOURCE],))
        declaration = services.save(None, declarant=user.employee, kind=Kind.ADHOC, fields=fields, actor=user,
                                    attachment=ATTACHED, send=True)
        db.session.commit()
        return declaration.id


def declaration_plaintext(app, declaration_id: int) -> tuple[str, str, bytes]:
    from portal.coi import attachments
    from portal.coi.models import Declaration

    with app.app_context():
        d = db.session.get(Declaration, declaration_id)
        return d.description, d.attachments[0].filename, attachments.read(d.attachments[0])


def pass_module(app, account, module_id: int) -> int:
    """Read every lesson and pass the quiz through the services; the module certificate is
    issued by the completion hook. Returns the attempt's id."""
    from portal.learning import attempts, services
    from portal.learning.models import Module

    with app.app_context():
        module = db.session.get(Module, module_id)
        for lesson in module.lessons:
            services.mark_lesson_read(account["employee_id"], lesson)
        attempt = attempts.start_attempt(account["employee_id"], module)
        outcome = attempts.submit_attempt(attempt, {aq.question_id: list(aq.correct_choice_ids)
                                                    for aq in attempt.questions})
        assert outcome.attempt.passed and outcome.completed
        db.session.commit()
        return attempt.id


def wbs_plaintext(app) -> dict:
    from portal.wbs import services
    from portal.wbs.models import Report
    from portal.wbs.sealing import Seal

    with app.app_context():
        report = db.session.scalars(sa.select(Report)).one()
        name, evidence = services.open_evidence(report, report.evidence[0])
        return {"public_id": report.public_id, "content": services.reporter_view(report).content,
                "identity": Seal(report).open_data("identity", report.identity), "evidence_name": name,
                "evidence": evidence, "evidence_key": report.evidence[0].storage_key}


@pytest.fixture
def target(database, tmp_path, request):
    """Empty instances to restore into: a new database (on PostgreSQL one created for the test),
    a STORAGE_DIR that does not exist yet (or, given `storage_backend` s3, a new empty bucket),
    and by default the source's keys."""
    made = []
    stored = request.getfixturevalue("storage_backend") if "storage_backend" in request.fixturenames else None
    admin = None
    if database["kind"] == "postgresql":
        admin = sa.create_engine(database["uri"], isolation_level="AUTOCOMMIT")

    def make(**extra):
        n = len(made)
        if admin is None:
            uri, name = f"sqlite:///{tmp_path / f'restored-{n}.db'}", None
        else:
            name = f"portal_restore_{os.getpid()}_{n}"
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                conn.execute(sa.text(f"CREATE DATABASE {name}"))
            uri = database["uri"].rsplit("/", 1)[0] + "/" + name
        space = stored.new_space(f"restored-{n}") if stored else {"STORAGE_DIR": str(tmp_path / f"restored-{n}")}
        app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=uri, **space, **extra))
        made.append((app, name))
        return app

    yield make
    for app, name in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if name:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    if admin is not None:
        admin.dispose()


def backup(app, out: Path) -> tuple[Path, str]:
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return Path(re.search(r"Backup written: (\S+) \(", result.output)[1]), result.output


def restore(app, archive: Path, *args):
    return app.test_cli_runner().invoke(args=["restore", str(archive), *args])


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def all_rows(app) -> dict:
    """Every row of every table, ordered by primary key: what 'intact' means."""
    with app.app_context():
        rows = {t.name: [tuple(r) for r in db.session.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in db.metadata.sorted_tables}
        db.session.rollback()
        return rows


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def target_is_untouched(app, stored) -> None:
    from portal.ops.dump import tables_with_rows

    root = Path(app.config["STORAGE_DIR"])
    assert not root.exists(), list(root.rglob("*"))  # not even a staging folder
    assert stored.names(app) == set()
    with app.app_context():
        url = db.engine.url
        if url.get_backend_name() == "sqlite":
            assert not Path(url.database).exists()
        else:
            with db.engine.connect() as conn:
                assert sa.inspect(conn).get_table_names() == []
        assert tables_with_rows(db.engine) == []
        db.engine.dispose()


# --- the round trip ---------------------------------------------------------------------------------

def test_a_backup_restored_into_an_empty_instance_has_everything_intact_and_decryptable(app, filled, target,
                                                                                       tmp_path, storage_backend):
    from portal.core import audit, storage
    from portal.certificates.models import Certificate
    from portal.coi.models import Declaration, Status
    from portal.learning.models import Attempt
    from portal.wbs.models import Report

    archive, output = backup(app, tmp_path / "backups")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert "Keys are NOT in the backup" in output and "backed up separately" in output
    assert not list(archive.parent.glob("*.partial")) and not list(archive.parent.glob(".portal-backup-*"))

    manifest = manifest_of(archive)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])
    assert manifest["database"]["kind"] == app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    assert manifest["alembic_revision"] is None  # the test schema is built by create_all, not migrations
    assert manifest["app_version"] == "0.1.0" and manifest["keys_included"] is False
    files = {f["path"]: f for f in manifest["files"]}
    with app.app_context():
        cert = db.session.get(Certificate, filled["cert_id"])
        pdf_key, pdf_sha = cert.pdf_key, cert.pdf_sha256
    assert pdf_sha == sha256(filled["pdf"])
    assert files[f"certificates/{pdf_key}"] == {"path": f"certificates/{pdf_key}", "size": len(filled["pdf"]),
                                                "sha256": pdf_sha}
    sealed = storage_backend.raw(app, "wbs", filled["evidence_key"])
    assert files[f"wbs/{filled['evidence_key']}"]["sha256"] == sha256(sealed) and sealed != filled["evidence"]
    with app.app_context():
        from portal.coi.models import Attachment

        attachment_key = db.session.scalars(sa.select(Attachment.storage_key)).one()
    sealed = storage_backend.raw(app, "coi", attachment_key)
    assert files[f"coi/{attachment_key}"]["sha256"] == sha256(sealed) and ATTACHED[1] not in sealed
    raw = archive.read_bytes()
    for secret in (BASE_CONFIG["DATA_KEYS"][0], BASE_CONFIG["WBS_RECEIPT_PEPPER"], BASE_CONFIG["SECRET_KEY"],
                   REPORTER, WHAT[:30], DECLARED[:30], ATTACHED[0], ATTACHED[1][:30].decode()):
        assert secret.encode() not in raw, secret

    fresh = target()
    result = restore(fresh, archive)
    assert result.exit_code == 0, result.output
    assert "every SHA-256 verified" in result.output
    assert "The configured DATA_KEYS open all 1 WBS reports." in result.output
    assert "The configured DATA_KEYS open all 2 conflict-of-interest declarations." in result.output
    assert "Keys are NOT in the backup" in result.output

    before, after = all_rows(app), all_rows(fresh)
    for model in (Report, Declaration, Attempt, Certificate):
        assert count(fresh, model) >= 1, model
    assert after == before
    assert wbs_plaintext(fresh) == {k: filled[k] for k in wbs_plaintext(app)}
    assert declaration_plaintext(fresh, filled["adhoc_id"]) == (DECLARED, *ATTACHED)
    assert filled["content"]["what"] == WHAT and filled["identity"]["name"] == REPORTER
    assert filled["evidence"].startswith(b"\x89PNG")
    with fresh.app_context():
        assert db.session.get(Declaration, filled["declaration_id"]).status == Status.FILED
        attempt = db.session.get(Attempt, filled["attempt_id"])
        assert attempt.passed and attempt.score_percent == 100
        stored = storage.read("certificates", pdf_key)
        assert sha256(stored) == db.session.get(Certificate, filled["cert_id"]).pdf_sha256 == pdf_sha
        assert audit.verify_chain() == (True, None)
    assert storage_backend.names(fresh) == set(files)  # every file, and no staging folder or object left
    for path, entry in files.items():
        assert sha256(storage_backend.raw(fresh, *path.split("/", 1))) == entry["sha256"]

    # The restored instance works as the portal: logins, the reporter's receipt, the stored PDF.
    client = fresh.test_client()
    login(client, filled["world"].asn["login"])
    assert client.get(f"/sertifikat/{filled['cert_id']}/pdf").data == filled["pdf"]
    reporter = english(fresh.test_client())
    assert reporter.post("/wbs/pantau", data={"receipt": filled["receipt"]}).status_code == 302
    assert WHAT in reporter.get("/wbs/pantau/laporan").get_data(as_text=True)
    assert DECLARED in client.get(f"/benturan-kepentingan/{filled['adhoc_id']}").get_data(as_text=True)
    # ... and takes new data (sequences restored on PostgreSQL).
    from portal.org import services as org_services
    from portal.org.models import OpdKind

    with fresh.app_context():
        org_services.save_opd(None, code="BARU", name="Dinas Baru", short_name="BARU", kind=OpdKind.DINAS,
                              active=True, actor=None)
        db.session.commit()


# --- refusals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("damaged", ["certificate PDF", "database"])
def test_a_damaged_backup_is_refused_before_anything_changes(app, filled, target, tmp_path, damaged, storage_backend):
    archive, _ = backup(app, tmp_path / "backups")
    prefix = "database/" if damaged == "database" else "files/certificates/"
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith(prefix))
    with open(archive, "r+b") as fh:  # one byte in the middle of the member, same size
        fh.seek(member.offset_data + member.size // 2)
        byte = fh.read(1)
        fh.seek(-1, io.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0xFF]))
    fresh = target()
    result = restore(fresh, archive)
    assert result.exit_code != 0
    assert "do not match the manifest" in result.output and member.name in result.output
    assert "Nothing was restored." in result.output
    target_is_untouched(fresh, storage_backend)


def test_an_archive_with_an_unlisted_member_is_refused(app, filled, target, tmp_path, storage_backend):
    archive, _ = backup(app, tmp_path / "backups")
    with tarfile.open(archive, "a") as tar:
        info = tarfile.TarInfo("../../kunci.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    fresh = target()
    result = restore(fresh, archive)
    assert result.exit_code != 0 and "which the manifest does not list" in result.output
    target_is_untouched(fresh, storage_backend)
    assert not (tmp_path.parent / "kunci.json").exists()


def test_restore_refuses_a_used_instance_unless_forced(app, filled, make_opd, target, tmp_path, storage_backend):
    from portal.org.models import Opd

    archive, _ = backup(app, tmp_path / "backups")
    make_opd("SESUDAH", "Dibuat sesudah cadangan")
    opds = count(app, Opd)
    result = restore(app, archive)
    assert result.exit_code != 0
    assert "Refusing to restore into an instance that is not empty" in result.output and "--force" in result.output
    assert count(app, Opd) == opds

    # An empty database with files in STORAGE_DIR (or the bucket's prefix) is not an empty instance either.
    fresh = target()
    storage_backend.put_raw(fresh, "coi", "abc123", b"x")
    result = restore(fresh, archive)
    assert result.exit_code != 0 and "holds files" in result.output
    assert storage_backend.names(fresh) == {"coi/abc123"}

    # --force puts the backup's content in place of what is there.
    result = restore(app, archive, "--force")
    assert result.exit_code == 0, result.output
    assert count(app, Opd) == opds - 1


def test_with_other_keys_the_restore_warns_and_the_wbs_content_cannot_be_decrypted(app, filled, target, tmp_path,
                                                                                   storage_backend):
    """Why the keys are backed up separately: the backup alone opens nothing, and a restore
    without the keys in use when it was made gets every row back but no WBS content."""
    from portal.core import crypto, storage
    from portal.certificates.models import Certificate
    from portal.wbs import services
    from portal.wbs.models import Report

    archive, _ = backup(app, tmp_path / "backups")
    fresh = target(DATA_KEYS=OTHER_KEYS)
    result = restore(fresh, archive)
    assert result.exit_code == 0, result.output
    assert "WARNING: 1 of 1 WBS reports cannot be decrypted with the configured DATA_KEYS" in result.output
    assert "WARNING: 2 of 2 conflict-of-interest declarations cannot be decrypted" in result.output
    assert all_rows(fresh) == all_rows(app)
    with fresh.app_context():
        report = db.session.scalars(sa.select(Report)).one()
        with pytest.raises(crypto.CryptoError):
            services.reporter_view(report)
        with pytest.raises(crypto.CryptoError):
            services.open_evidence(report, report.evidence[0])
    with pytest.raises(crypto.CryptoError):
        declaration_plaintext(fresh, filled["adhoc_id"])
    with fresh.app_context():
        cert = db.session.get(Certificate, filled["cert_id"])
        assert sha256(storage.read("certificates", cert.pdf_key)) == cert.pdf_sha256  # not encrypted: intact


# --- the schema revision ------------------------------------------------------------------------------

@pytest.fixture
def stamped(app):
    """Stamp the source database with an Alembic revision (dropped again afterwards: on
    PostgreSQL the test database is shared by the tests of this run)."""

    def stamp(revision: str) -> None:
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
                conn.execute(sa.text("DELETE FROM alembic_version"))
                conn.execute(sa.text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
            db.engine.dispose()

    yield stamp
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def _head(app) -> str:
    from alembic.script import ScriptDirectory

    with app.app_context():
        return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_heads()[0]


@pytest.mark.parametrize("age, advice", [
    ("older", "Run `flask --app portal db upgrade` now."),
    ("current", "is this code's newest: no upgrade needed."),
    ("newer", "the backup was made by a newer version of the portal"),
])
def test_restore_checks_the_schema_revision(app, world, stamped, target, tmp_path, age, advice):
    revision = {"older": "82c427a0d24e", "current": _head(app), "newer": "0123456789ab"}[age]
    stamped(revision)
    archive, output = backup(app, tmp_path / "backups")
    assert manifest_of(archive)["alembic_revision"] == revision and f"revision {revision}" in output
    result = restore(target(), archive)
    assert result.exit_code == 0, result.output
    assert advice in result.output


# --- details ----------------------------------------------------------------------------------------

def test_a_sqlite_backup_does_not_wait_for_or_include_an_open_write(app, world, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's online backup; pg_dump has its own snapshot")
    writer = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE org_opd SET name = 'belum disimpan'")
    try:
        archive, _ = backup(app, tmp_path / "backups")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with tarfile.open(archive) as tar:
        (tmp_path / "snapshot.db").write_bytes(tar.extractfile("database/portal.sqlite3").read())
    snapshot = sqlite3.connect(tmp_path / "snapshot.db")
    names = {row[0] for row in snapshot.execute("SELECT name FROM org_opd")}
    snapshot.close()
    assert "Dinas Kesehatan" in names and "belum disimpan" not in names


def test_the_postgresql_password_never_reaches_the_command_line(tmp_path):
    from sqlalchemy.engine import make_url

    from portal.ops import dump as dbdump

    url = make_url("postgresql+psycopg://portal:r4h:a\\sia@db.example:5433/portal?sslmode=require")
    argv, env = dbdump.pg_dump_command(url, tmp_path / "dump", tmp_path)
    assert not any("r4h" in arg for arg in argv)
    assert "--dbname=postgresql://portal@db.example:5433/portal?sslmode=require" in argv
    passfile = Path(env["PGPASSFILE"])
    assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
    assert passfile.read_text() == "*:*:*:*:r4h\\:a\\\\sia\n"
    (tmp_path / "other").mkdir()
    argv, _ = dbdump.pg_restore_command(url, tmp_path / "dump", tmp_path / "other")
    assert not any("r4h" in arg for arg in argv) and "--single-transaction" in argv


def test_backup_refuses_to_write_into_storage_or_over_a_file(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "--output", str(Path(app.config["STORAGE_DIR"]) / "cadangan")])
    assert result.exit_code != 0 and "inside STORAGE_DIR" in result.output
    existing = tmp_path / "ada.tar"
    existing.write_bytes(b"lama")
    result = runner.invoke(args=["backup", "--output", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_bytes() == b"lama"
