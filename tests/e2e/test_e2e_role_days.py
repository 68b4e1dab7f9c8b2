"""Each role's day in a real browser, on a phone: log in, find the task on the home page's to-do
list, follow it, finish it, and see it gone from the list. Then every role's home page at phone
width and on a desktop, in both languages: axe (WCAG 2.2 AA, no serious or critical violation),
24 x 24 px tap targets on the list, the Nu HTML checker, and screenshots.

The work each walk finishes is made for it in the live server's database (a declaration, a WBS
report, a session that is over), so the demo data other browser tests rely on stays as it was.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from areas_support import DROPPED_STATIC_FILE
from test_e2e_areas import _axe_problems
from test_e2e_foundation import DESKTOP, LANGS, PHONE, _validate_served_html, with_lang

pytestmark = [DROPPED_STATIC_FILE]

ROLES = ("asn.disdik", "kadis.disdik", "wbs.petugas", "inspektur", "sekretaris.dinkes", "upg.inspektorat", "admin")
TODO = "section[aria-labelledby=todo-h]"


def _make(live_server, build):
    """Run `build()` in the live server's app context, commit, return what it returns."""
    from portal.extensions import db

    with live_server.app.app_context():
        result = build()
        db.session.commit()
        db.session.remove()
        return result


def _user(username):
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.extensions import db

    return db.session.scalar(sa.select(User).where(User.username == username))


def _todo_lines(page) -> list[str]:
    page.goto("/")
    return [" ".join(t.split()) for t in page.locator(f"{TODO} li").all_inner_texts()]


def _phone(new_context, log_in, username):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, username, lang="id")
    return page


def _follow(page, text: str) -> None:
    """Tap the to-do line that says `text`: it must be a target of at least 24 x 24 px."""
    link = page.locator(f"{TODO} a", has_text=text).first
    box = link.bounding_box()
    assert box and box["height"] >= 24 and box["width"] >= 24, (text, box)
    with page.expect_navigation():
        link.click()


def test_a_superior_decides_and_the_employee_acknowledges_on_a_phone(new_context, log_in, live_server):
    def declare():
        import sqlalchemy as sa

        from portal.coi import services
        from portal.coi.models import Activity, Kind, ListItem, ListKind, Relationship
        from portal.extensions import db

        def item(kind, code):
            return sa.select(ListItem.id).where(ListItem.kind == kind, ListItem.code == code)

        user = _user("asn.disdik")
        d = services.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, fields=services.DraftFields(
            description="Sepupu saya pemilik toko yang menawarkan alat tulis untuk kantor kami.",
            activity=Activity.PROCUREMENT, related_party="Toko Sepupu Jaya", relationship_kind=Relationship.FAMILY,
            proposed_measure="Saya tidak ikut memilih penyedia.",
            type_ids=(db.session.scalar(item(ListKind.TYPE, "BK01")),),
            source_ids=(db.session.scalar(item(ListKind.SOURCE, "S1")),)), actor=user)
        services.submit(d, actor=user)
        return d.register_no

    number = _make(live_server, declare)

    superior = _phone(new_context, log_in, "kadis.disdik")
    before = [line for line in _todo_lines(superior) if "menunggu keputusan Anda" in line]
    assert len(before) == 1, _todo_lines(superior)
    waiting = int(before[0].split()[0])
    _follow(superior, "menunggu keputusan Anda")
    if waiting > 1:  # several: the link opens the list of them; take this one
        with superior.expect_navigation():
            superior.locator("main a", has_text=number).click()
    assert number in superior.locator("main").inner_text()
    superior.select_option("#decision", index=1)
    superior.fill("#rationale", "Pegawai tidak ikut memilih penyedia; pengadaan diputuskan pejabat lain.")
    with superior.expect_navigation():
        superior.get_by_role("button", name="Catat keputusan").click()
    after = [line for line in _todo_lines(superior) if "menunggu keputusan Anda" in line]
    assert (int(after[0].split()[0]) if after else 0) == waiting - 1, after

    employee = _phone(new_context, log_in, "asn.disdik")
    _follow(employee, number)
    with employee.expect_navigation():
        employee.get_by_role("button", name="Saya menerima keputusan ini").click()
    assert not any(number in line for line in _todo_lines(employee)), _todo_lines(employee)


def test_the_wbs_team_acknowledges_a_new_report_on_a_phone(new_context, log_in, live_server):
    def report():
        import sqlalchemy as sa

        from portal.extensions import db
        from portal.org.models import Opd
        from portal.wbs import services
        from portal.wbs.content import load_categories
        from portal.wbs.models import Category, Mode

        load_categories()
        filed = services.file_report(
            mode=Mode.ANONYMOUS, category=db.session.scalars(sa.select(Category).order_by(Category.position)).first(),
            reported_opd=db.session.scalars(sa.select(Opd).where(Opd.code == "DISDIKBUD")).first(),
            content={"reported_name": "Bendahara X", "reported_position": "", "reported_opd_text": "",
                     "what": "Honor kegiatan dipotong tanpa dasar oleh bendahara kegiatan.",
                     "where": "Kantor", "when_from": "2026-11-02", "how": "Potongan tunai."},
            identity=None, uploads=[])
        return filed.report.public_id

    public_id = _make(live_server, report)
    handler = _phone(new_context, log_in, "wbs.petugas")
    before = next(line for line in _todo_lines(handler) if "laporan baru perlu diterima" in line)
    _follow(handler, "laporan baru perlu diterima")
    assert urlsplit(handler.url).query == "status=diterima"
    with handler.expect_navigation():
        handler.locator("main a", has_text=public_id).first.click()
    handler.select_option("#status", value="verifikasi")
    handler.fill("#status-reason", "Laporan diterima dan mulai diverifikasi.")
    with handler.expect_navigation():
        handler.click("#status-submit")
    after = [line for line in _todo_lines(handler) if "laporan baru perlu diterima" in line]
    assert (int(after[0].split()[0]) if after else 0) == int(before.split()[0]) - 1, (before, after)


def test_the_organiser_closes_a_list_after_the_session_on_a_phone(new_context, log_in, live_server):
    title = "Sosialisasi Perwako 15/2019 (uji hari peran)"

    def session():
        from portal.core.clock import utcnow
        from portal.socialisation import services as sessions

        start = (utcnow() - timedelta(hours=5)).replace(second=0, microsecond=0)
        sessions.save_session(None, sessions.SessionFields(
            title=title, starts_at=start, ends_at=start + timedelta(hours=2),
            late_after=start + timedelta(minutes=15), venue="Aula Inspektorat", module_ids=(), opd_ids=(),
            invite_nips=""), actor=_user("inspektur"))

    _make(live_server, session)
    organiser = _phone(new_context, log_in, "inspektur")
    _follow(organiser, title)
    assert urlsplit(organiser.url).path.endswith("/tutup")
    with organiser.expect_navigation():
        organiser.locator("main form button[type=submit]").first.click()
    assert not any(title in line for line in _todo_lines(organiser))


@pytest.mark.parametrize("role", ROLES)
def test_every_home_page_on_a_phone_and_a_desktop_in_both_languages(new_context, log_in, role):
    from axe_playwright_python.sync_playwright import Axe

    from portal.config import PROJECT_ROOT

    axe, problems, small = Axe(), [], []
    out = Path(os.environ.get("ROLE_DAY_PICTURES") or PROJECT_ROOT / "screenshots" / "role-days")
    out.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport=PHONE).new_page()
    log_in(page, role)
    for viewport, device in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(viewport)
        for lang in LANGS:
            page.goto(with_lang("/", lang))
            assert page.locator(TODO).count() == 1
            problems += _axe_problems(axe, page, f"{role} / ({lang}, {device})")
            for link in page.locator(f"{TODO} a").all():
                box = link.bounding_box()
                if box and (box["height"] < 24 or box["width"] < 24):
                    small.append(f"{role} ({lang}, {device}): {link.inner_text()!r} is {box['width']:.0f}x"
                                 f"{box['height']:.0f}px")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{role} ({lang}, {device}): {width}px wide"
            if device == "phone":
                page.evaluate("document.fonts.ready")
                page.screenshot(path=str(out / f"home-{role}-{lang}-phone.png"), full_page=True)
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)
    assert not small, "\n".join(small)


def test_home_pages_are_valid_html(new_context, log_in, tmp_path):
    _validate_served_html(new_context, log_in, tmp_path, {role: ["/"] for role in ROLES})
