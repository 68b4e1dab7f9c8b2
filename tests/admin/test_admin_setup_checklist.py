"""The setup checklist (/admin/persiapan): every area's items, each saying whether it is done, what
remains and where to do it; an item turns done once the admin has done it."""
from __future__ import annotations

import html
import io
import re

import sqlalchemy as sa

from portal.extensions import db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ITEMS = ["public_address", "mail", "government", "timezone", "coat_of_arms", "letterheads", "signatories",
         "numbering", "electronic_signature", "regulation_texts", "regulation_articles", "coi_types",
         "coi_decision_deadline", "wbs_deadlines", "upg_deadline", "learning_hours_rule"]


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def items(client) -> dict[str, str]:
    """The checklist's items by key, as the text each shows."""
    response = client.get("/admin/persiapan?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = re.findall(r'<li class="list-group-item[^"]*" id="setup-([a-z_]+)">(.*?)</li>', page, re.S)
    return {key: text(body) for key, body in found}


def done(item: str) -> bool:
    assert ("Done" in item) != ("To do" in item), item
    return "Done" in item


def english(client):
    """The client's language from now on: English (the portal remembers the choice)."""
    assert client.get("/?lang=en").status_code == 200
    return client


def seed(app) -> None:
    from portal.home.services import load_regulations

    with app.app_context():
        load_regulations()
        db.session.commit()


def test_the_checklist_shows_every_area_s_items_in_order_and_is_linked_from_administration(app, world, login_as):
    seed(app)
    admin = english(login_as(world.admin))
    shown = items(admin)
    assert [key for key in shown if key in ITEMS] == ITEMS  # other areas may add theirs in between
    # A fresh installation in development is not ready: none of these is in place yet.
    assert not any(done(shown[key]) for key in ITEMS)
    summary = f"{sum(done(item) for item in shown.values())} of {len(shown)} in place"
    assert summary in text(admin.get("/admin/persiapan?lang=en").get_data(as_text=True))
    index = admin.get("/admin/?lang=en").get_data(as_text=True)
    assert 'href="/admin/persiapan"' in index and f"{summary} before a real launch" in text(index)
    # What each says, and the page where it is done.
    assert "PORTAL_PUBLIC_BASE_URL" in shown["public_address"] and "http://127.0.0.1" in shown["public_address"]
    assert "Perwako Padang No. 27 Tahun 2019, Pasal 6" in shown["coi_types"]
    assert "learning hours (JP)" in shown["learning_hours_rule"]
    assert "PP No. 11 Tahun 2017 jo. PP No. 17 Tahun 2020" in shown["learning_hours_rule"]
    page = admin.get("/admin/persiapan").get_data(as_text=True)
    for href in ('href="/admin/pemerintah"', 'href="/benturan-kepentingan/pengawasan/daftar"',
                 'href="/wbs/kelola/pengaturan"', 'href="/admin/peraturan/"'):
        assert href in page, href


def test_the_time_zone_is_missing_until_the_admin_chooses_it(app, world, login_as):
    from portal.core import clock, settings

    admin = english(login_as(world.admin))
    assert not done(items(admin)["timezone"])
    # Saving without a choice is refused next to the field; nothing is stored.
    names = {"name": "Pemerintah Kota Makassar", "inspectorate": "Inspektorat Kota Makassar", "head_office": ""}
    refused = admin.post("/admin/pemerintah", data={**names, "timezone": "", "place": "Padang"})
    assert refused.status_code == 400 and "Choose the time zone." in text(refused.get_data(as_text=True))
    assert admin.post("/admin/pemerintah", data={**names, "timezone": "Asia/Makassar",
                                                 "place": "Makassar"}).status_code == 302
    with app.app_context():
        assert settings.get(clock.SETTING, None) == "Asia/Makassar" and settings.place() == "Makassar"
        from portal.core.audit import AuditEvent

        assert db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.seq.desc())) \
            == "admin.government_settings_changed"
    item = items(admin)["timezone"]
    assert done(item) and "WITA" in item


def test_regulation_texts_and_the_coi_types_turn_done_when_the_admin_records_and_checks_them(app, world, login_as):
    from portal.home.models import Regulation, RegulationArticle

    seed(app)
    admin = english(login_as(world.admin))
    assert not done(items(admin)["regulation_texts"])
    with app.app_context():
        regulations = {r.id: r.slug for r in db.session.scalars(sa.select(Regulation))}
        types_article = db.session.scalar(sa.select(RegulationArticle).where(RegulationArticle.key == "coi-types"))
        types_id, p27 = types_article.id, types_article.regulation_id
    for reg_id, slug in regulations.items():
        if slug != "perwako-padang-15-2019":
            response = admin.post(f"/admin/peraturan/{reg_id}/teks", data={"text": (io.BytesIO(PDF), "t.pdf")},
                                  content_type="multipart/form-data")
            assert response.status_code == 302
    item = items(admin)["regulation_texts"]
    assert not done(item) and "Perwako Padang No. 15 Tahun 2019" in item and "Perwako Padang No. 27" not in item
    form = {"short_name": "Perwako Padang No. 15 Tahun 2019", "kind": "Perwako", "number": "15", "year": "2019",
            "topic": "wbs", "title_id": "Judul", "title_en": "Title", "position": "1",
            "jdih_url": "https://jdih.padang.go.id/perwako-15-2019"}
    wbs_id = next(i for i, s in regulations.items() if s == "perwako-padang-15-2019")
    assert admin.post(f"/admin/peraturan/{wbs_id}", data=form).status_code == 302
    assert done(items(admin)["regulation_texts"])

    assert not done(items(admin)["coi_types"])
    assert admin.post(f"/admin/peraturan/pasal/{types_id}/periksa", data={"verify": "1"}).status_code == 302
    shown = items(admin)
    assert done(shown["coi_types"]) and "Perwako Padang No. 27 Tahun 2019, Pasal 6: checked" in shown["coi_types"]
    assert p27 in regulations
    # The other relied-on articles are still waiting, and say so.
    assert not done(shown["regulation_articles"]) and "1 of 8 checked" in shown["regulation_articles"]
    assert not done(shown["coi_decision_deadline"]) and not done(shown["wbs_deadlines"])


def test_public_address_and_mail_come_from_the_configuration(app_factory, world, login_as):
    seed(app_factory())
    configured = app_factory(PUBLIC_BASE_URL="https://integritas.padang.go.id", MAIL_SERVER="smtp.padang.go.id")
    client = configured.test_client()
    response = client.post("/login", data={"login": "admin", "password": "kata-sandi-uji-123"})
    assert response.status_code == 302
    shown = items(client)
    assert done(shown["public_address"]) and "https://integritas.padang.go.id" in shown["public_address"]
    assert done(shown["mail"]) and "smtp.padang.go.id" in shown["mail"]


def test_an_area_adds_an_item_with_three_lines(app, world, login_as):
    from portal.core import contributions, settings

    def letterhead():
        return contributions.SetupStatus(bool(settings.get("doc.letterhead", "")), "Upload the letterhead.",
                                         "admin.government_settings")
    contributions.add_setup_check(app, "letterhead", "Letterhead", letterhead, position=15)

    admin = english(login_as(world.admin))
    shown = items(admin)
    order = list(shown)
    assert order.index("public_address") < order.index("letterhead") < order.index("mail")  # by position
    assert not done(shown["letterhead"])
    assert "Upload the letterhead." in shown["letterhead"]
    with app.app_context():
        settings.put("doc.letterhead", "kop.png")
        db.session.commit()
    assert done(items(admin)["letterhead"])


def test_only_the_admin_sees_the_checklist(app, world, login_as):
    for account in (world.inspektur, world.secretary, world.asn, world.handler):
        assert login_as(account).get("/admin/persiapan").status_code == 403
    assert app.test_client().get("/admin/persiapan").status_code == 302
