"""The regulation library: the admin records where each regulation can be read (an uploaded PDF,
checked by content, or a JDIH link) and which relied-on articles have been checked; the public
and staff see the title, the number and where to read it."""
from __future__ import annotations

import html
import io
import re

import sqlalchemy as sa

from portal.core.audit import AuditEvent
from portal.extensions import db
from portal.home.models import Regulation, RegulationArticle

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
GRATIFICATION = {"uu-31-1999-jo-uu-20-2001", "peraturan-kpk-2-2019", "peraturan-kpk-1-2026",
                 "perwako-padang-15-2012-jo-13-2013"}
ARTICLES = {"coi-types", "coi-decision-deadline", "coi-decider", "wbs-deadlines", "wbs-anonymity", "upg-deadline",
            "gratification-retention", "asn-yearly-jp"}


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body))


def english(client):
    """The client's language from now on: English (the portal remembers the choice)."""
    assert client.get("/?lang=en").status_code == 200
    return client


def seeded(app) -> dict[str, int]:
    from portal.home.services import load_regulations

    with app.app_context():
        load_regulations()
        db.session.commit()
        return {r.slug: r.id for r in db.session.scalars(sa.select(Regulation))}


def regulation(app, regulation_id: int) -> dict:
    with app.app_context():
        r = db.session.get(Regulation, regulation_id)
        return {"text_key": r.text_key, "text_sha256": r.text_sha256, "jdih_url": r.jdih_url, "slug": r.slug,
                "short_name": r.short_name, "articles": [a.id for a in r.articles]}


def article(app, key: str) -> dict:
    with app.app_context():
        a = db.session.scalar(sa.select(RegulationArticle).where(RegulationArticle.key == key))
        return {"id": a.id, "verified": a.verified, "verified_by_id": a.verified_by_id,
                "verified_on": a.verified_on, "regulation_id": a.regulation_id}


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))


def upload(client, regulation_id: int, data: bytes, name: str):
    return client.post(f"/admin/peraturan/{regulation_id}/teks",
                       data={"text": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_default_content_has_the_gratification_regulations_and_the_relied_on_articles_unchecked(app):
    from portal.home.services import load_regulations

    ids = seeded(app)
    assert GRATIFICATION <= set(ids)
    with app.app_context():
        rows = {r.slug: r for r in db.session.scalars(sa.select(Regulation))}
        assert all(rows[s].topic == "gratification" for s in GRATIFICATION)
        assert (rows["peraturan-kpk-1-2026"].kind, rows["peraturan-kpk-1-2026"].number,
                rows["peraturan-kpk-1-2026"].year) == ("Peraturan KPK", "1", 2026)
        items = list(db.session.scalars(sa.select(RegulationArticle)))
        assert {a.key for a in items} == ARTICLES and not any(a.verified for a in items)
        assert next(a for a in items if a.key == "coi-types").citation == "Perwako Padang No. 27 Tahun 2019, Pasal 6"
        assert load_regulations() == 0  # a second load adds nothing


def test_the_public_summaries_no_longer_state_unchecked_rules_as_the_perwako_s_own(app, client):
    seeded(app)
    page = text(client.get("/?lang=en"))
    assert "anonymously if they wish" not in page and "the direct superior decides" not in page
    assert "Issued by Mayor Mahyeldi and presented by the Inspectorate to every agency (OPD) on 9 August 2019" in page
    assert "not available to the portal team" not in page
    id_page = text(client.get("/?lang=id"))
    assert "termasuk tanpa menyebutkan identitas" not in id_page and "atasan langsung memutuskan" not in id_page


def test_the_admin_uploads_the_official_text_and_anyone_downloads_it(app, world, login_as, storage_backend):
    ids = seeded(app)
    reg_id = ids["perwako-padang-27-2019"]
    anonymous = app.test_client()
    assert "Ask the Inspectorate for the official text." in text(anonymous.get("/peraturan?lang=en"))
    assert anonymous.get(f"/peraturan/{reg_id}/teks").status_code == 404

    admin = english(login_as(world.admin))
    response = upload(admin, reg_id, PDF, "Perwako 27 2019.pdf")
    assert response.status_code == 302
    stored = regulation(app, reg_id)
    assert stored["text_key"] and len(stored["text_sha256"]) == 64
    assert actions(app)[-1] == "regulation.text_uploaded"

    page = anonymous.get("/peraturan?lang=en").get_data(as_text=True)
    assert f'href="/peraturan/{reg_id}/teks"' in page
    download = anonymous.get(f"/peraturan/{reg_id}/teks")
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "perwako-padang-27-2019.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    # The conflict-of-interest page tells staff where to read it too.
    assert f'href="/peraturan/{reg_id}/teks"' in login_as(world.asn).get("/benturan-kepentingan/").get_data(as_text=True)

    # A new text replaces the old one, whose file is removed once the new one is committed.
    old_key = stored["text_key"]
    assert upload(admin, reg_id, PDF + b"% v2\n", "v2.pdf").status_code == 302
    assert regulation(app, reg_id)["text_key"] != old_key
    with app.app_context():
        from portal.core import storage
        from portal.home import library

        assert old_key not in storage.orphans(library.AREA, set(), older_than_seconds=-1)


def test_a_file_that_only_calls_itself_a_pdf_is_refused(app, world, login_as, storage_backend):
    reg_id = seeded(app)["perwako-padang-15-2019"]
    admin = english(login_as(world.admin))
    for data, name in ((PNG, "perwako.pdf"), (b"Ini bukan PDF, hanya teks.\n", "perwako.pdf"),
                       (b"<html><script>alert(1)</script></html>", "perwako.pdf")):
        response = upload(admin, reg_id, data, name)
        assert response.status_code == 400, name
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
        assert regulation(app, reg_id)["text_key"] is None
    assert "The official text must be a PDF file." in text(upload(admin, reg_id, PNG, "perwako.pdf"))
    assert "regulation.text_uploaded" not in actions(app)
    with app.app_context():
        from portal.core import storage
        from portal.home import library

        assert storage.orphans(library.AREA, set(), older_than_seconds=-1) == []  # nothing left on disk


def test_the_jdih_address_must_be_http_or_https(app, world, login_as):
    reg_id = seeded(app)["perwako-padang-15-2019"]
    admin = english(login_as(world.admin))
    form = admin.get(f"/admin/peraturan/{reg_id}")
    assert form.status_code == 200
    data = {"short_name": "Perwako Padang No. 15 Tahun 2019", "kind": "Perwako", "number": "15", "year": "2019",
            "topic": "wbs", "title_id": "Judul", "title_en": "Title", "summary_id": "", "summary_en": "",
            "source": "", "position": "1"}
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "jdih.padang.go.id/x"):
        response = admin.post(f"/admin/peraturan/{reg_id}", data={**data, "jdih_url": bad})
        assert response.status_code == 400, bad
        assert "Enter a web address starting with https:// or http://." in text(response)
        assert bad in html.unescape(response.get_data(as_text=True))  # what was typed is kept
        assert regulation(app, reg_id)["jdih_url"] == ""
    good = "https://jdih.padang.go.id/peraturan/perwako-15-2019"
    assert admin.post(f"/admin/peraturan/{reg_id}", data={**data, "jdih_url": good}).status_code == 302
    assert regulation(app, reg_id)["jdih_url"] == good
    assert actions(app)[-1] == "regulation.changed"
    page = app.test_client().get("/wbs/?lang=en").get_data(as_text=True)
    assert f'href="{good}"' in page and 'rel="noopener noreferrer"' in page


def test_an_article_is_checked_only_against_a_recorded_text_and_every_change_is_audited(app, world, login_as):
    seeded(app)
    item = article(app, "coi-types")
    admin = english(login_as(world.admin))
    url = f"/admin/peraturan/pasal/{item['id']}/periksa"

    response = admin.post(url, data={"verify": "1"}, follow_redirects=True)
    assert "Record the official text first" in text(response)
    assert article(app, "coi-types")["verified"] is False

    assert upload(admin, item["regulation_id"], PDF, "p27.pdf").status_code == 302
    assert admin.post(url, data={"verify": "1"}).status_code == 302
    checked = article(app, "coi-types")
    assert checked["verified"] is True and checked["verified_by_id"] == world.admin["user_id"]
    assert checked["verified_on"] is not None
    assert actions(app)[-1] == "regulation.article_verified"

    assert admin.post(url, data={"unverify": "1"}).status_code == 302
    assert article(app, "coi-types") == {**item, "verified": False}
    assert actions(app)[-1] == "regulation.article_unverified"


def test_the_admin_adds_a_regulation_and_an_article(app, world, login_as):
    seeded(app)
    admin = english(login_as(world.admin))
    response = admin.post("/admin/peraturan/baru", data={
        "short_name": "SE MenPANRB No. 08/M.PAN-RB/06/2012", "kind": "Surat Edaran", "number": "08/M.PAN-RB/06/2012",
        "year": "2012", "topic": "wbs", "title_id": "Sistem Penanganan Pengaduan (Whistle Blower System) Tindak Pidana "
        "Korupsi", "title_en": "The system for handling complaints", "summary_id": "", "summary_en": "",
        "source": "", "jdih_url": "", "position": "9"})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(sa.select(Regulation).where(Regulation.number == "08/M.PAN-RB/06/2012"))
        assert new.slug == "se-menpanrb-no-08-m-pan-rb-06-2012" and new.topic == "wbs"
        new_id = new.id
    assert admin.post(f"/admin/peraturan/{new_id}/pasal/baru", data={
        "label": "Angka 3", "relied_id": "Ciri WBS", "relied_en": "The characteristics of a WBS", "note": "",
        "position": "1"}).status_code == 302
    assert regulation(app, new_id)["articles"]
    assert actions(app)[-2:] == ["regulation.created", "regulation.article_created"]
    # Without what the portal takes from it, an article is not saved, and the form says why.
    refused = admin.post(f"/admin/peraturan/{new_id}/pasal/baru", data={"label": "Angka 4", "relied_id": "",
                                                                         "relied_en": "", "position": "2"})
    assert refused.status_code == 400 and "Say what the portal takes from this article." in text(refused)
    assert len(regulation(app, new_id)["articles"]) == 1
