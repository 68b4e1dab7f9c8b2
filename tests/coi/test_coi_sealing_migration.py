"""Migration 138745fad1bf seals the declarations already in the database: rows written in plain
text at the previous revision are unreadable in the database after the upgrade, read back
through the model and the service, and come back as plain text after the downgrade."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.helpers.config import worker_database

BEFORE, SEALING = "90f5828ad940", "138745fad1bf"
MARKER = "SAHAM-KELUARGA-Q9"
FILE_BODY = f"Akta pendirian CV milik ipar saya {MARKER}\n".encode()
FILE_KEY = "0123456789abcdef0123456789abcdef"
PLAIN = {"description": f"Ipar saya ({MARKER}) pemilik CV rekanan dinas.", "activity_detail": f"Tender {MARKER}",
         "related_party": f"CV {MARKER}", "gift_report_ref": "", "proposed_measure": f"Saya mundur {MARKER}.",
         "decision_rationale": f"Diganti pejabat lain {MARKER}"}
CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret-key-that-is-long-enough-000", "WBS_RECEIPT_PEPPER": "p",
          "DATA_KEYS": ["q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A="]}


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _wipe(app) -> None:
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def migrating(request, tmp_path):
    """An app on an empty database, for migrations. On PostgreSQL that is the test database itself
    (TEST_DATABASE_URL): emptied first, and given back with the schema the other tests expect."""
    if request.param == "sqlite":
        app = create_app(dict(CONFIG, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}",
                              STORAGE_DIR=str(tmp_path / "files")))
        yield app
        _close(app)
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL not set")
    uri = worker_database(os.environ["TEST_DATABASE_URL"], os.environ.get("PYTEST_XDIST_WORKER"))
    app = create_app(dict(CONFIG, SQLALCHEMY_DATABASE_URI=uri,
                          STORAGE_DIR=str(tmp_path / "files")))
    _wipe(app)
    yield app
    _wipe(app)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def _insert(conn, name: str, **values) -> None:
    """A row with the given values, every other required column filled with a plain value."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.name == "id":
            continue
        python = column.type.python_type
        row[column.name] = {bool: False, int: 1, date: date(2026, 3, 2), bytes: b"x",
                            datetime: datetime(2026, 3, 2, tzinfo=timezone.utc)}.get(python, f"{column.name}-{name}")
    conn.execute(table.insert(), row)


def _plain_rows(app) -> None:
    """What the previous revision held: an ad-hoc declaration in plain text with a comment, an
    empty comment and an attachment (its file plain in STORAGE_DIR), and an empty yearly statement."""
    with app.app_context(), db.engine.begin() as conn:
        _insert(conn, "org_opd", id=1, code="DINKES", kind="dinas")
        _insert(conn, "org_employee", id=1, opd_id=1, nip="198001012005011001", gender="1", employment_type="pns")
        _insert(conn, "auth_user", id=1, username="asn", employee_id=1)
        _insert(conn, "coi_declaration", id=7, kind="adhoc", year=2026, status="decided", declarant_id=1, opd_id=1,
                register_no="BK/DINKES/2026/00007", **PLAIN)
        _insert(conn, "coi_declaration", id=8, kind="yearly", year=2026, status="filed", declarant_id=1, opd_id=1,
                no_conflict=True, **{field: "" for field in PLAIN})
        _insert(conn, "coi_comment", id=1, declaration_id=7, author_id=1, kind="returned", body=f"Lengkapi {MARKER}")
        _insert(conn, "coi_comment", id=2, declaration_id=7, author_id=1, kind="resubmitted", body="")
        _insert(conn, "coi_attachment", id=1, declaration_id=7, filename=f"akta-{MARKER}.txt", media_type="text/plain",
                size=len(FILE_BODY), storage_key=FILE_KEY)
    _close(app)
    folder = Path(app.config["STORAGE_DIR"]) / "coi"
    folder.mkdir(parents=True)
    (folder / FILE_KEY).write_bytes(FILE_BODY)


def _raw(app) -> tuple[str, list[bytes]]:
    """Every row of the three tables as text, and every stored file of the area."""
    with app.app_context(), db.engine.connect() as conn:
        rows = "\n".join(str(tuple(r)) for t in ("coi_declaration", "coi_comment", "coi_attachment")
                         for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY id")))
    _close(app)
    return rows, [p.read_bytes() for p in sorted((Path(app.config["STORAGE_DIR"]) / "coi").iterdir())]


def test_the_upgrade_seals_existing_declarations_and_the_downgrade_opens_them(migrating):
    from portal.coi import attachments
    from portal.coi.models import Declaration

    app = migrating
    with app.app_context():
        upgrade(revision=BEFORE)
    _plain_rows(app)
    rows, files = _raw(app)
    assert MARKER in rows and files == [FILE_BODY]  # the test's own check: it sees plain text

    with app.app_context():
        upgrade(revision=SEALING)
    rows, files = _raw(app)
    assert "BK/DINKES/2026/00007" in rows and "adhoc" in rows  # what queries filter on stays plain
    assert MARKER not in rows and len(files) == 1 and MARKER.encode() not in files[0]
    assert not (Path(app.config["STORAGE_DIR"]) / "coi" / FILE_KEY).exists()  # the plain file is gone
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):  # nor left in the file's free pages (or its WAL)
        path = Path(uri[len("sqlite:///"):])
        assert not [p for p in path.parent.glob(path.name + "*") if MARKER.encode() in p.read_bytes()]
    with app.app_context():
        upgrade()  # the model is the head's: later revisions add columns to coi_declaration
        d = db.session.get(Declaration, 7)
        assert {field: getattr(d, field) for field in PLAIN} == PLAIN
        assert [(c.kind, c.body) for c in d.comments] == [("returned", f"Lengkapi {MARKER}"), ("resubmitted", "")]
        (a,) = d.attachments
        assert a.filename == f"akta-{MARKER}.txt" and attachments.read(a) == FILE_BODY
        yearly = db.session.get(Declaration, 8)
        assert yearly.wrapped_key is not None and yearly.description == "" and yearly.description_sealed is None
        with db.engine.connect() as conn:
            index = conn.execute(sa.text(
                "SELECT sql FROM sqlite_master WHERE name = 'uq_coi_yearly_statement'" if conn.dialect.name == "sqlite"
                else "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_coi_yearly_statement'")).scalar()
        assert "UNIQUE" in index.upper() and "yearly" in index  # the partial index survived the rebuild
    _close(app)
    with app.app_context():
        downgrade(revision=BEFORE)
    rows, files = _raw(app)
    for text in (*(v for v in PLAIN.values() if v), f"Lengkapi {MARKER}", f"akta-{MARKER}.txt"):
        assert text in rows, text
    assert files == [FILE_BODY]
    with app.app_context(), db.engine.connect() as conn:
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("coi_declaration")}
        assert not columns["description"]["nullable"] and "wrapped_key" not in columns
        assert conn.execute(sa.text("SELECT gift_report_ref FROM coi_declaration WHERE id = 8")).scalar() == ""
    _close(app)


def test_without_keys_the_upgrade_changes_nothing_until_they_are_configured(migrating):
    from portal.core.crypto import CryptoError

    app = migrating
    with app.app_context():
        upgrade(revision=BEFORE)
    _plain_rows(app)
    keys, app.config["DATA_KEYS"] = app.config["DATA_KEYS"], []
    with app.app_context():
        with pytest.raises(CryptoError, match="no DATA_KEYS"):
            upgrade(revision=SEALING)
    _close(app)
    assert _raw(app)[1] == [FILE_BODY]
    with app.app_context(), db.engine.connect() as conn:
        assert "wrapped_key" not in {c["name"] for c in sa.inspect(conn).get_columns("coi_declaration")}
        assert MARKER in conn.execute(sa.text("SELECT description FROM coi_declaration WHERE id = 7")).scalar()
    _close(app)
    app.config["DATA_KEYS"] = keys
    with app.app_context():
        upgrade(revision=SEALING)
    assert MARKER not in _raw(app)[0]
