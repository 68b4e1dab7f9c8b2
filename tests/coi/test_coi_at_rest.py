"""Declarations at rest: what the declarant, the decider and the Inspectorate write, and the
attached files, are sealed with the declaration's own key (as the WBS seals a report), so a
copy of the database or of the stored files shows none of it; the pages still do."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db

BASE = "/benturan-kepentingan"
MARKER = "IPAR-RAHASIA-K7W2"
OTHER_KEYS = ["Zm9yZWlnbi1rZXktZm9yZWlnbi1rZXktZm9yZWlnbjE="]
FILE_BODY = f"Surat penawaran {MARKER} untuk tender alat kesehatan.\n".encode()


def english(client):
    client.get("/?lang=en")
    return client


def page_text(response) -> str:
    import html

    return html.unescape(response.get_data(as_text=True))


def with_nonce(client, url: str, data: dict) -> dict:
    found = re.search(r'name="nonce" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found, url
    return dict(data, nonce=found[1])


def declare(client, items) -> int:
    """An ad-hoc declaration with the marker in every free-text field and an attachment, sent."""
    url = f"{BASE}/baru/adhoc"
    data = with_nonce(client, url, {
        "types": [items[("type", "BK01")]], "sources": [items[("source", "S3")]],
        "description": f"Adik ipar saya ({MARKER}) direktur CV yang ikut tender alat kesehatan.",
        "activity": "procurement", "activity_detail": f"Tender alkes {MARKER}",
        "related_party": f"CV {MARKER}", "relationship_kind": "family", "gift_involved": "y",
        "gift_report_ref": f"UPG/{MARKER}", "proposed_measure": f"Saya mundur dari panitia {MARKER}.",
        "send": "Save and submit", "attachment": (io.BytesIO(FILE_BODY), f"penawaran-{MARKER}.txt")})
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, page_text(response)[:2000]
    return int(re.search(r"/(\d+)$", response.headers["Location"])[1])


def everything_at_rest(app) -> bytes:
    """The database (file and WAL, or pg_dump) and every stored file, as a thief would copy them."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # closes SQLite's connections, which checkpoints its WAL into the file
    chunks = []
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    roots = [Path(app.config["STORAGE_DIR"])]
    if uri.startswith("sqlite:///"):
        roots.append(Path(uri[len("sqlite:///"):]).parent)
    for root in roots:
        chunks += [p.read_bytes() for p in root.rglob("*") if p.is_file()]
    if uri.startswith("postgresql"):
        assert shutil.which("pg_dump")
        chunks.append(subprocess.run(["pg_dump", "--data-only", uri.replace("+psycopg", "")], check=True,
                                     capture_output=True).stdout)
    return b"\n".join(chunks)


@pytest.fixture
def decided(app, world, login_as, items):
    """A declaration that went through every hand: filed with an attachment, returned by the
    superior, sent again, commented on by the Inspectorate, decided."""
    asn, kadis, inspektur = (english(login_as(a)) for a in (world.asn, world.kadis, world.inspektur))
    did = declare(asn, items)
    assert kadis.post(f"{BASE}/{did}/kembalikan", data={"body": f"Sebutkan nama paketnya {MARKER}"}).status_code == 302
    assert asn.post(f"{BASE}/{did}/ajukan").status_code == 302
    assert inspektur.post(f"{BASE}/pengawasan/{did}/komentar",
                          data={"body": f"Catatan Inspektorat {MARKER}"}).status_code == 302
    assert kadis.post(f"{BASE}/{did}/putuskan", data={"decision": items[("decision", "RECUSAL")],
                                                      "rationale": f"Pegawai diganti {MARKER}"}).status_code == 302
    return {"id": did, "asn": asn, "kadis": kadis, "inspektur": inspektur}


def test_nothing_written_into_a_declaration_is_readable_at_rest(app, world, decided, storage_backend):
    from portal.coi.models import Attachment

    did, asn = decided["id"], decided["asn"]
    # Everyone who may read it reads it in full ...
    page = page_text(asn.get(f"{BASE}/{did}"))
    for typed in (f"Adik ipar saya ({MARKER})", f"Tender alkes {MARKER}", f"CV {MARKER}", f"UPG/{MARKER}",
                  f"Saya mundur dari panitia {MARKER}.", f"Pegawai diganti {MARKER}", f"Sebutkan nama paketnya {MARKER}",
                  f"Catatan Inspektorat {MARKER}", f"penawaran-{MARKER}.txt"):
        assert typed in page, typed
    with app.app_context():
        attachment_id = db.session.scalars(sa.select(Attachment.id)).one()
    download = asn.get(f"{BASE}/{did}/lampiran/{attachment_id}")
    assert download.status_code == 200 and download.data == FILE_BODY
    assert f"penawaran-{MARKER}.txt" in download.headers["Content-Disposition"]
    assert f"Adik ipar saya ({MARKER})" in page_text(decided["inspektur"].get(
        f"{BASE}/pengawasan/register?opd={world.dinkes}"))

    # ... and no raw row, stored file or database file holds any of it.
    with app.app_context():
        rows = [str(row) for table in ("coi_declaration", "coi_comment", "coi_attachment")
                for row in db.session.execute(sa.text(f"SELECT * FROM {table}"))]
        assert rows and not [row for row in rows if MARKER in row]
    stored = storage_backend.keys(app, "coi")  # the folder or the bucket, as its owner sees it
    assert len(stored) == 1
    raw = storage_backend.raw(app, "coi", stored.pop())
    assert MARKER.encode() not in raw and FILE_BODY not in raw
    blob = everything_at_rest(app)
    assert b"BK/DINKES/" in blob  # the scan sees the database: the register number stays plain
    assert MARKER.encode() not in blob and MARKER.encode("utf-16-le") not in blob


def test_the_yearly_evaluation_reads_the_sealed_text(app, world, decided):
    from openpyxl import load_workbook

    response = decided["inspektur"].get(f"{BASE}/pengawasan/evaluasi.xlsx?opd={world.dinkes}")
    assert response.status_code == 200
    cells = [str(c) for ws in load_workbook(io.BytesIO(response.data)).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(f"Adik ipar saya ({MARKER})" in c for c in cells)
    assert any(f"Pegawai diganti {MARKER}" in c and f"Saya mundur dari panitia {MARKER}." in c for c in cells)
    pdf = decided["inspektur"].get(f"{BASE}/pengawasan/evaluasi.pdf?opd={world.dinkes}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_copy_of_the_database_without_the_keys_reveals_nothing(app, world, decided, app_factory):
    from portal.coi import attachments
    from portal.coi.models import Declaration
    from portal.core.crypto import CryptoError

    thief = app_factory(DATA_KEYS=OTHER_KEYS)
    with thief.app_context():
        d = db.session.get(Declaration, decided["id"])
        assert d.register_no and d.status.value == "decided"  # what queries filter on stays plain
        for read in (lambda: d.description, lambda: d.related_party, lambda: d.comments[0].body,
                     lambda: d.attachments[0].filename, lambda: attachments.read(d.attachments[0])):
            with pytest.raises(CryptoError):
                read()


def test_a_sealed_value_cannot_be_moved_to_another_field_or_declaration(app, world, login_as, items):
    from portal.coi.models import Declaration
    from portal.core.crypto import CryptoError

    asn = english(login_as(world.asn))
    first, second = declare(asn, items), declare(asn, items)
    with app.app_context():
        conn = db.session.connection()
        blob = conn.execute(sa.text("SELECT description_sealed FROM coi_declaration WHERE id = :i"),
                            {"i": first}).scalar()
        conn.execute(sa.text("UPDATE coi_declaration SET description_sealed = :b WHERE id = :i"),
                     {"b": blob, "i": second})
        conn.execute(sa.text("UPDATE coi_declaration SET proposed_measure_sealed = :b WHERE id = :i"),
                     {"b": blob, "i": first})
        db.session.commit()
        d1, d2 = db.session.get(Declaration, first), db.session.get(Declaration, second)
        assert MARKER in d1.description
        with pytest.raises(CryptoError):
            d2.description  # noqa: B018
        with pytest.raises(CryptoError):
            d1.proposed_measure  # noqa: B018


def test_key_rotation_keeps_declarations_readable(app, world, decided, app_factory):
    from portal.config import new_keys

    old, new = app.config["DATA_KEYS"][0], new_keys()["DATA_KEYS"][0]
    rotated = app_factory(DATA_KEYS=[new, old])
    result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "Re-wrapped 1 conflict-of-interest declaration keys under the newest master key." in result.output
    again = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert "Re-wrapped 0 conflict-of-interest declaration keys" in again.output

    only_new = app_factory(DATA_KEYS=[new])
    client = only_new.test_client()
    client.post("/login", data={"login": world.asn["login"], "password": "kata-sandi-uji-123"})
    page = page_text(client.get(f"{BASE}/{decided['id']}"))
    assert f"Adik ipar saya ({MARKER})" in page and f"Pegawai diganti {MARKER}" in page
    attachment_id = re.search(rf"{BASE}/{decided['id']}/lampiran/(\d+)", page)[1]
    assert client.get(f"{BASE}/{decided['id']}/lampiran/{attachment_id}").data == FILE_BODY
    with app_factory(DATA_KEYS=[old]).app_context():  # the old key alone no longer opens it
        from portal.coi.models import Declaration
        from portal.core.crypto import CryptoError

        with pytest.raises(CryptoError):
            db.session.get(Declaration, decided["id"]).description  # noqa: B018
