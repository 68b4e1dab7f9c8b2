"""The privacy notices: one per purpose, contributed by the areas, public, in both languages,
with the contacts the admin sets (the Inspectorate until then) and the retention as set now;
every form that collects personal data links to its notice."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db

PURPOSES = {"akun", "pembelajaran", "benturan-kepentingan", "sosialisasi", "sertifikat", "wbs", "tindak-lanjut",
            "gratifikasi", "zona-integritas"}


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_every_area_contributes_a_complete_notice(app):
    from portal.privacy import purposes

    found = {p.code: p for p in purposes.all_purposes(app)}
    assert set(found) == PURPOSES
    with app.test_request_context():
        for p in found.values():
            for part in (p.title, p.summary, p.why, p.legal_basis):
                assert str(part).strip(), (p.code, part)
            assert p.collected and p.recipients and p.rights, p.code
            assert "UU 27/2022" in str(p.legal_basis), p.code
            with app.app_context():
                assert p.retention() and all(line.strip() for line in p.retention()), p.code
            # No article numbers: the portal team could not check them against the official text.
            assert not re.search(r"\b(Pasal|Article)\b", " ".join(str(x) for x in (p.legal_basis, *p.rights))), p.code


def test_a_later_area_adds_its_purpose_from_its_init_app(app_factory):
    """A later area would do exactly this in its init_app (as Zona Integritas did); nothing central changes."""
    from flask_babel import lazy_gettext as _l

    from portal.privacy.purposes import Purpose, register

    app = app_factory()
    register(app, Purpose(code="area-contoh", title=_l("Evidence"), summary=_l("Evidence you upload."),
                          collected=(_l("The file."),), why=_l("Because."), legal_basis=_l("UU 27/2022 ..."),
                          recipients=(_l("The assessors."),), retention=lambda: ["kept"], rights=(_l("Ask."),)))
    client = app.test_client()
    assert "/privasi/area-contoh" in client.get("/privasi").get_data(as_text=True)
    assert client.get("/privasi/area-contoh").status_code == 200
    with pytest.raises(ValueError):
        register(app, Purpose(code="wbs", title="", summary="", collected=(), why="", legal_basis="", recipients=(),
                              retention=list, rights=()))


@pytest.mark.parametrize("code", sorted(PURPOSES))
def test_each_notice_is_public_in_both_languages_with_the_fallback_contacts(app, code):
    client = app.test_client()
    page = text(client.get(f"/privasi/{code}"))
    assert "UU 27/2022 tentang Pelindungan Data Pribadi" in page
    assert "Pemberitahuan privasi" in page and "Hak Anda" in page  # Indonesian by default
    # Nothing set yet: the government is the controller and the Inspectorate the contact.
    assert "Pemerintah Kota Padang" in page and "Inspektorat Kota Padang" in page
    for unset in ("not configured", "not set", "belum diatur", "belum diisi"):
        assert unset not in page.lower()
    english = text(client.get(f"/privasi/{code}?lang=en"))
    assert "Privacy notice" in english and "Your rights" in english and "Who sees it" in english


def test_the_index_lists_every_notice_and_unknown_purposes_are_404(app):
    client = app.test_client()
    response = client.get("/privasi")
    assert response.status_code == 200
    for code in PURPOSES:
        assert f'href="/privasi/{code}"' in response.get_data(as_text=True)
    assert client.get("/privasi/tidak-ada").status_code == 404


def test_the_notices_never_consult_the_login(app, world, login_as, monkeypatch):
    """Reading the WBS notice, even while logged in, ties nobody's account to the WBS."""
    import flask_login.utils

    client = login_as(world.asn)

    def forbidden():
        raise AssertionError("a privacy notice consulted the login")

    monkeypatch.setattr(flask_login.utils, "_get_user", forbidden)
    assert client.get("/privasi").status_code == 200
    assert client.get("/privasi/wbs?lang=en").status_code == 200


def test_the_wbs_notice_says_what_security_md_proves(wbs_app):
    from portal.core import settings

    with wbs_app.app_context():
        settings.put("wbs.retention_months", 36)
        db.session.commit()
    page = text(wbs_app.test_client().get("/privasi/wbs?lang=en"))
    assert "store no address of your device (IP address), no browser details and no referring page" in page
    assert "never consult a staff login" in page
    assert "cannot tell who you are unless you give your name" in page
    assert "closed for 36 months" in page
    assert "My data) never contains anything of the WBS" in page


def test_the_notices_show_the_retention_as_set_now(app):
    from portal.core import settings

    client = app.test_client()
    assert "no deletion period has been set yet" in text(client.get("/privasi/benturan-kepentingan?lang=en"))
    with app.app_context():
        settings.put("privacy.retention_declarations_months", 24)
        settings.put("privacy.retention_quiz_answers_months", 6)
        db.session.commit()
    assert "deleted 24 months after the day the declaration was acknowledged" in text(
        client.get("/privasi/benturan-kepentingan?lang=en"))
    assert "dihapus 6 bulan setelah" in text(client.get("/privasi/pembelajaran?lang=id"))


def test_the_notice_names_the_area_regulation_from_the_regulations_table(app):
    from portal.home.services import load_regulations

    with app.app_context():
        load_regulations()
        db.session.commit()
    page = text(app.test_client().get("/privasi/benturan-kepentingan"))
    assert "Perwako Padang No. 27 Tahun 2019" in page
    assert "Perwako Padang No. 15 Tahun 2019" not in page


def test_admin_sets_the_contacts_audited_and_every_notice_shows_them(app, world, login_as):
    from portal.core.audit import AuditEvent

    admin = login_as(world.admin)
    before = text(admin.get("/admin/privasi?lang=en"))
    assert "Not set yet" in before and 'id="contacts-not-set"' in admin.get("/admin/privasi").get_data(as_text=True)
    form = {"controller_name": "Pemerintah Kota Contoh", "controller_address": "Jl. Contoh No. 1",
            "controller_email": "pdp@contoh.go.id", "controller_phone": "0751-000",
            "dpo_name": "Pejabat PDP, Dinas Kominfo", "dpo_address": "", "dpo_email": "dpo@contoh.go.id",
            "dpo_phone": ""}
    assert admin.post("/admin/privasi", data=form).status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.contacts_changed"))
        assert event.actor_id == world.admin["user_id"]
        assert event.data["privacy.dpo_email"] == "dpo@contoh.go.id"
    for code in ("wbs", "akun"):
        page = text(app.test_client().get(f"/privasi/{code}"))
        assert "Pemerintah Kota Contoh" in page and "pdp@contoh.go.id" in page
        assert "Pejabat PDP, Dinas Kominfo" in page and "dpo@contoh.go.id" in page
    after = admin.get("/admin/privasi?lang=en").get_data(as_text=True)
    assert 'id="contacts-not-set"' in after  # two fields are still empty, and each says so
    assert re.search(r'id="dpo_address-help"[^>]*>Not set yet\.', after)
    assert 'id="controller_email-help"' not in after


def test_a_bad_contact_is_refused_next_to_the_field(app, world, login_as):
    admin = login_as(world.admin)
    response = admin.post("/admin/privasi?lang=en", data={"controller_email": "bukan-email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="controller_email-error"' in page and "bukan-email" in page
    with app.app_context():
        from portal.privacy import contacts

        assert contacts.stored()["privacy.controller_email"] == ""


def test_the_footer_links_to_the_notices(app, world, login_as):
    for client in (app.test_client(), login_as(world.asn)):
        for path in ("/", "/wbs/"):
            assert 'href="/privasi"' in client.get(path).get_data(as_text=True)


# --- every form that collects personal data links to its notice ----------------------------------

def _notice(code: str) -> str:
    return f'href="/privasi/{code}?lang='


def test_the_wbs_forms_link_to_the_wbs_notice(wbs_app):
    from portal.wbs import services
    from portal.wbs.models import Category, Mode

    client = wbs_app.test_client()
    for path in ("/wbs/", "/wbs/lapor", "/wbs/pantau"):
        assert _notice("wbs") in client.get(path).get_data(as_text=True), path
    with wbs_app.app_context():
        filed = services.file_report(mode=Mode.ANONYMOUS, category=db.session.scalars(sa.select(Category)).first(),
                                     reported_opd=None, content={"reported_name": "X", "what": "w" * 30,
                                                                 "where": "di sini", "how": "begitu"},
                                     identity=None, uploads=[])
        db.session.commit()
        receipt = filed.receipt
    assert client.post("/wbs/pantau", data={"receipt": receipt}).status_code == 302
    assert _notice("wbs") in client.get("/wbs/pantau/laporan").get_data(as_text=True)


def test_the_staff_forms_link_to_their_notices(app, world, login_as, items):
    from portal.learning.content import load_content
    from portal.learning.models import Module

    with app.app_context():
        load_content()
        db.session.commit()
        module = db.session.scalar(sa.select(Module).order_by(Module.position))
        module_id, lesson_id = module.id, module.lessons[0].id
    asn = login_as(world.asn)
    pages = {
        "/benturan-kepentingan/baru/adhoc": "benturan-kepentingan",
        f"/belajar/modul/{module_id}/materi/{lesson_id}": "pembelajaran",
        f"/belajar/modul/{module_id}/kuis": "pembelajaran",
        "/hadir/": "sosialisasi",
        "/akun": "akun",
        "/akun/data-saya": "akun",
        "/akun/data-saya/koreksi": "akun",
    }
    for path, code in pages.items():
        assert _notice(code) in asn.get(path).get_data(as_text=True), path
    started = asn.post(f"/belajar/modul/{module_id}/kuis")
    assert started.status_code == 302 and "/percobaan/" in started.headers["Location"]
    assert _notice("pembelajaran") in asn.get(started.headers["Location"]).get_data(as_text=True)
    admin = login_as(world.admin)
    for path in ("/org/pegawai/baru", f"/org/pegawai/{world.asn['employee_id']}/ubah", "/org/impor"):
        assert _notice("akun") in admin.get(path).get_data(as_text=True), path


def test_the_session_page_links_to_the_sessions_notice(app, world, login_as):
    from datetime import timedelta

    from portal.auth.models import User
    from portal.core.clock import utcnow
    from portal.socialisation import services

    with app.app_context():
        start = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
        session = services.save_session(None, services.SessionFields(
            title="Sosialisasi", starts_at=start, ends_at=start + timedelta(hours=2),
            late_after=start + timedelta(minutes=15), venue="Aula", opd_ids=(world.dinkes,)),
            actor=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
        session_id = session.id
    page = login_as(world.inspektur).get(f"/sosialisasi/{session_id}").get_data(as_text=True)
    assert _notice("sosialisasi") in page
