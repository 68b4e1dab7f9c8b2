"""Evidence of an item: what the portal gathers (present or missing) and the files, links and
notes the unit adds, downloads and removes while it may still edit."""
from __future__ import annotations

import io

import pytest

from portal.extensions import db
from tests.helpers.pages import english, field_error, flashed, page_text
from tests.helpers.zi import BASE, answer_all, audit_actions

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence_rows(app) -> list[dict]:
    from portal.zi.models import ItemEvidence

    with app.app_context():
        return [{"id": e.id, "kind": e.kind.value, "title": e.title, "key": e.storage_key, "url": e.url,
                 "note": e.note, "filename": e.filename}
                for e in db.session.scalars(db.select(ItemEvidence).order_by(ItemEvidence.id))]


def stored(app, key) -> bytes | None:
    from portal.core import storage

    with app.app_context():
        try:
            return storage.read("zi", key)
        except (storage.StorageError, OSError):
            return None


@pytest.fixture
def item_url(unit_id, lke_items):
    return f"{BASE}/unit/{unit_id}/butir/{lke_items[0]['id']}"


def test_upload_download_and_remove_a_file(app, world, login_as, unit_id, item_url, storage_backend):
    secretary = english(login_as(world.secretary))
    response = secretary.post(f"{item_url}/bukti", data={
        "e-kind": "file", "e-title": "SK Tim WBS", "e-file": (io.BytesIO(PDF), "sk tim.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    [row] = evidence_rows(app)
    assert (row["kind"], row["title"], row["filename"]) == ("file", "SK Tim WBS", "sk tim.pdf")
    assert stored(app, row["key"]) == PDF
    page = page_text(secretary.get(item_url))
    assert 'href="/privasi/zona-integritas?lang=' in page  # the evidence form links to its privacy notice
    download = f"{BASE}/unit/{unit_id}/bukti/{row['id']}"
    assert "SK Tim WBS" in page and download in page
    assert "<td data-label=\"Evidence\">1 added</td>" in page_text(secretary.get(f"{BASE}/unit/{unit_id}"))
    for account in (world.secretary, world.inspektur, world.admin):
        got = login_as(account).get(download)
        assert got.status_code == 200 and got.data == PDF and "sandbox" in got.headers["Content-Security-Policy"]
        assert "attachment" in got.headers["Content-Disposition"]
    assert login_as(world.secretary_disdik).get(download).status_code == 404
    assert login_as(world.inspektur).post(f"{download}/hapus").status_code == 403
    assert secretary.post(f"{download}/hapus").status_code == 302
    assert evidence_rows(app) == [] and stored(app, row["key"]) is None
    assert secretary.get(download).status_code == 404
    assert secretary.post(f"{download}/hapus").status_code == 302 and "already been removed" in flashed(secretary)
    assert audit_actions(app)[-2:] == ["zi.evidence_added", "zi.evidence_removed"]


def test_a_refused_file_and_a_missing_file(app, world, login_as, unit_id, item_url, storage_backend):
    secretary = english(login_as(world.secretary))
    bad = secretary.post(f"{item_url}/bukti", data={
        "e-kind": "file", "e-title": "Program", "e-file": (io.BytesIO(b"MZ\x90\x00binary"), "x.exe")},
        content_type="multipart/form-data")
    assert bad.status_code == 400 and field_error(page_text(bad), "e-file")
    none = secretary.post(f"{item_url}/bukti", data={"e-kind": "file", "e-title": "Tanpa berkas"})
    assert none.status_code == 400 and field_error(page_text(none), "e-file") == "Choose the file."
    assert "Tanpa berkas" in page_text(none)
    assert evidence_rows(app) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://contoh.go.id/sk.pdf", "contoh.go.id/sk",
                                 "https://", "http://contoh .go.id/"])
def test_links_must_be_web_addresses(app, world, login_as, unit_id, item_url, url):
    secretary = english(login_as(world.secretary))
    response = secretary.post(f"{item_url}/bukti", data={"e-kind": "link", "e-title": "Tautan", "e-url": url})
    assert response.status_code == 400
    assert field_error(page_text(response), "e-url") == "Enter a web address starting with http:// or https://."
    assert evidence_rows(app) == []


def test_a_link_and_a_note(app, world, login_as, unit_id, item_url):
    secretary = english(login_as(world.secretary))
    assert secretary.post(f"{item_url}/bukti", data={"e-kind": "link", "e-title": "Laman WBS",
                                                     "e-url": "https://wbs.padang.go.id/"}).status_code == 302
    empty_note = secretary.post(f"{item_url}/bukti", data={"e-kind": "note", "e-title": "Catatan", "e-note": ""})
    assert empty_note.status_code == 400 and field_error(page_text(empty_note), "e-note") == "Write the note."
    assert secretary.post(f"{item_url}/bukti", data={"e-kind": "note", "e-title": "Catatan",
                                                     "e-note": "Kampanye tiap triwulan."}).status_code == 302
    rows = evidence_rows(app)
    assert [(r["kind"], r["url"], r["note"], r["key"]) for r in rows] == [
        ("link", "https://wbs.padang.go.id/", "", None), ("note", "", "Kampanye tiap triwulan.", None)]
    page = page_text(secretary.get(item_url))
    assert 'href="https://wbs.padang.go.id/"' in page and "Kampanye tiap triwulan." in page


def test_evidence_is_closed_once_submitted(app, world, login_as, unit_id, lke_items, item_url):
    secretary = english(login_as(world.secretary))
    secretary.post(f"{item_url}/bukti", data={"e-kind": "note", "e-title": "Catatan", "e-note": "Isi"})
    [row] = evidence_rows(app)
    answer_all(app, unit_id, lke_items, by=world.secretary)
    secretary.post(f"{BASE}/unit/{unit_id}/kirim")
    page = page_text(secretary.get(item_url))
    assert "Add evidence" not in page and "Remove" not in page
    refused = secretary.post(f"{item_url}/bukti", data={"e-kind": "note", "e-title": "Lagi", "e-note": "Isi"})
    assert refused.status_code == 400 and "evidence can no longer be changed" in page_text(refused)
    assert secretary.post(f"{BASE}/unit/{unit_id}/bukti/{row['id']}/hapus").status_code == 302
    assert "evidence can no longer be changed" in flashed(secretary) and len(evidence_rows(app)) == 1


def test_what_the_portal_gathers(app, world, login_as, unit_id, lke_items, item_url):
    from portal.zi import evidence

    seen = []

    def gather(opd_id, year):
        seen.append((opd_id, year))
        if opd_id == world.dinkes:
            return evidence.Gathered("Register WBS 2026", ["3 laporan, 2 selesai"], url="/wbs/")
        return evidence.Gathered("Register WBS 2026", [], present=False)

    evidence.register(app, evidence.Provider("test_wbs", "WBS", gather))
    with app.app_context():
        from portal.zi.models import LkeItem

        db.session.get(LkeItem, lke_items[0]["id"]).evidence_keys = "test_wbs unknown_key"
        db.session.commit()
    page = page_text(english(login_as(world.secretary)).get(item_url))
    assert "Register WBS 2026" in page and "3 laporan, 2 selesai" in page and "Not yet in the portal." not in page
    assert seen == [(world.dinkes, 2026)]
    with app.app_context():
        from portal.zi import services
        from portal.zi.models import Unit

        other = services.propose(db.session.get(Unit, unit_id).version, world.disdik, "wbbm", None)
        db.session.commit()
        other_id = other.id
    page = page_text(english(login_as(world.secretary_disdik)).get(
        f"{BASE}/unit/{other_id}/butir/{lke_items[0]['id']}"))
    assert "Not yet in the portal." in page


def test_a_link_to_what_the_portal_holds_only_for_who_may_open_it(app, world, login_as, unit_id, lke_items,
                                                                  item_url):
    from portal.core.roles import Role
    from portal.zi import evidence

    evidence.register(app, evidence.Provider(
        "test_register", "Register", lambda opd_id, year: evidence.Gathered(
            "Register benturan kepentingan 2026", ["4 deklarasi"], url="/benturan-kepentingan/pengawasan/register"),
        url_roles=(Role.COI_REVIEWER,)))
    with app.app_context():
        from portal.zi.models import LkeItem

        db.session.get(LkeItem, lke_items[0]["id"]).evidence_keys = "test_register"
        db.session.commit()
    link = '<a href="/benturan-kepentingan/pengawasan/register">Register benturan kepentingan 2026</a>'
    secretary = page_text(english(login_as(world.secretary)).get(item_url))
    assert "Register benturan kepentingan 2026" in secretary and "4 deklarasi" in secretary and link not in secretary
    assert link in page_text(english(login_as(world.inspektur)).get(item_url))


def test_an_item_page_leads_to_the_previous_and_next_items(app, world, login_as, unit_id, lke_items):
    secretary = english(login_as(world.secretary))
    first, second, last = lke_items[0], lke_items[1], lke_items[-1]
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}/butir/{first['id']}"))
    assert f'href="{BASE}/unit/{unit_id}/butir/{second["id"]}" rel="next">Next item {second["code"]}' in page
    assert 'rel="prev"' not in page
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}/butir/{last['id']}"))
    assert 'rel="next"' not in page and f'rel="prev">← Previous item {lke_items[-2]["code"]}' in page
