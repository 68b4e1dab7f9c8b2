"""Shared by the area browser tests (WBS, conflicts of interest, e-learning): the pages each
role sees, the ids they need (read from the live server's database, or made through the
services when the demo has none that fits), and a log-in that also knows the anonymous
reporter. Not a conftest: the test modules import what they use.
"""
from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest

# Paths with {placeholders} filled from the `area` fixture. "public" is a visitor without an
# account; "reporter" is a visitor who has opened a report with its receipt code.
AREA_PAGES = {
    "public": ["/wbs/", "/wbs/lapor", "/wbs/pantau"],
    "reporter": ["/wbs/pantau/laporan"],
    "wbs.petugas": ["/wbs/kelola/", "/wbs/kelola/kasus/{case}", "/wbs/kelola/statistik",
                    "/wbs/kelola/kasus/{held_case}", "/wbs/kelola/kasus/{shredded_case}"],
    "admin": ["/wbs/kelola/pengaturan", "/admin/hari-libur", "/belajar/kelola/", "/belajar/kelola/modul/baru",
              "/belajar/kelola/modul/{module}", "/belajar/kelola/modul/{module}/materi/baru",
              "/belajar/kelola/materi/{lesson}", "/belajar/kelola/modul/{module}/soal/baru",
              "/belajar/kelola/soal/{question}"],
    "asn.dinkes": ["/benturan-kepentingan/", "/benturan-kepentingan/baru/adhoc", "/benturan-kepentingan/{declaration}",
                   "/belajar/", "/belajar/modul/{module}", "/belajar/modul/{module}/materi/{lesson}",
                   "/belajar/modul/{module}/kuis", "/belajar/percobaan/{result}/hasil"],
    "asn.disdik": ["/benturan-kepentingan/baru/yearly", "/belajar/percobaan/{attempt}"],
    "kadis.dinkes": ["/benturan-kepentingan/", "/benturan-kepentingan/{declaration}"],
    "inspektur": ["/benturan-kepentingan/pengawasan/", "/benturan-kepentingan/pengawasan/register",
                  "/benturan-kepentingan/pengawasan/evaluasi", "/benturan-kepentingan/pengawasan/evaluasi/kota",
                  "/tindak-lanjut/", "/benturan-kepentingan/pengawasan/daftar",
                  "/benturan-kepentingan/pengawasan/daftar/entri/{list_item}",
                  "/benturan-kepentingan/pengawasan/cakupan", "/benturan-kepentingan/{declaration}",
                  "/belajar/hasil/", "/belajar/hasil/pegawai/{employee}", "/belajar/hasil/analisis-soal/{module}",
                  "/belajar/hasil/analisis-soal/soal/{question}"],
    "sekretaris.dinkes": ["/benturan-kepentingan/pengawasan/cakupan", "/belajar/hasil/", "/tindak-lanjut/", "/gratifikasi/statistik",
                          "/belajar/hasil/pegawai/{employee}"],
}

# The threaded werkzeug server leaks a static file handle when the browser drops the connection
# mid-answer (a context closed while its favicon is in flight): serving.py's `finally` reads the
# reset socket before it closes the response. Python reports the unclosed file whenever the
# garbage collector runs, so it lands on an arbitrary test; only that exact message is ignored.
DROPPED_STATIC_FILE = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io\.FileIO name='[^']*/static/[^']*' mode='rb'"
    ":pytest.PytestUnraisableExceptionWarning")

RECEIPT_RE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$")


def png_bytes(color=(40, 120, 200)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, format="PNG")
    return out.getvalue()


def resolve(pages: dict[str, list], ids: dict) -> dict[str, list]:
    """Fill in the ids: in paths, or in the paths of (name, path) pairs."""
    def fill(item):
        return item.format(**ids) if isinstance(item, str) else (item[0], item[1].format(**ids))
    return {role: [fill(p) for p in paths] for role, paths in pages.items()}


def _prepare() -> dict:
    """Runs in the live server's app context; everything it makes is committed."""
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.coi import services as coi
    from portal.coi.models import Activity, Declaration, Kind, ListItem, ListKind, Relationship, Route
    from portal.extensions import db
    from portal.learning import attempts
    from portal.learning.models import Attempt, LessonRead, Module
    from portal.wbs import handling, retention, services as wbs
    from portal.wbs.models import Category, Mode
    from portal.wbs.workflow import Status as WbsStatus
    from portal.core.workdays import today

    users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.is_not(None)))}
    handler = users["wbs.petugas"]

    # A case in review (messages, a note and evidence in the demo) the handler may open.
    case = next(r for r in db.session.scalars(handling.queue_query(handler, status=WbsStatus.REVIEW.value))
                if handling.can_handle(handler, r))

    # The demo does not keep receipt codes: a report filed here, with an answer from the team.
    category = db.session.scalars(sa.select(Category).order_by(Category.position)).first()
    filed = wbs.file_report(mode=Mode.ANONYMOUS, category=category, reported_opd=None, identity=None, content={
        "reported_name": "Tidak diketahui", "what": "Pungutan tanpa dasar hukum di loket pelayanan kelurahan.",
        "where": "Kantor kelurahan", "when_from": today().isoformat(), "how": "Diminta secara lisan."},
        uploads=[wbs.Upload("bukti.png", png_bytes())])
    handling.send_message(filed.report, "Terima kasih, laporan sedang kami pelajari.", actor=handler,
                          wait_for_reply=False)

    # A case under legal hold, and a closed case whose content the retention rule destroyed.
    held, shredded = (wbs.file_report(mode=Mode.CONFIDENTIAL, category=category, reported_opd=None, content={
        "reported_name": "Tidak diketahui", "what": "Dana hibah dicairkan kepada kelompok fiktif.",
        "where": "Kantor kecamatan", "when_from": today().isoformat(), "how": "Proposal palsu."},
        identity={"name": "Pelapor", "contact": "0812"}, uploads=[]) for _ in range(2))
    retention.place_hold(held.report, "Diserahkan kepada Kejaksaan Negeri Padang.", actor=handler)
    handling.change_status(shredded.report, WbsStatus.REJECTED, reason="Tidak lengkap.", actor=handler)
    db.session.flush()
    retention.shred(shredded.report.id, on=today(), months=retention.period_months())

    # A declaration waiting for kadis.dinkes (the demo has none): asn.dinkes's superior.
    declarant = users["asn.dinkes"].employee

    def item(kind):
        return db.session.scalars(sa.select(ListItem).where(ListItem.kind == kind)
                                  .order_by(ListItem.position, ListItem.id)).first()

    declaration = coi.save_draft(None, declarant=declarant, kind=Kind.ADHOC, actor=users["asn.dinkes"],
                                 fields=coi.DraftFields(
                                     description="Sepupu saya pemilik toko yang menawar pengadaan ATK dinas.",
                                     activity=Activity.PROCUREMENT, related_party="Toko Sumber Rezeki",
                                     relationship_kind=Relationship.FAMILY, type_ids=(item(ListKind.TYPE).id,),
                                     source_ids=(item(ListKind.SOURCE).id,)))
    coi.submit(declaration, actor=users["asn.dinkes"])
    assert declaration.route == Route.SUPERIOR and declaration.decider_id == users["kadis.dinkes"].employee_id

    # /baru/yearly shows the form only to someone without this year's statement.
    assert db.session.scalar(sa.select(Declaration).where(
        Declaration.declarant_id == users["asn.disdik"].employee_id, Declaration.kind == Kind.YEARLY,
        Declaration.year == today().year)) is None, "asn.disdik already has a yearly statement in the demo"

    modules = {m.slug: m for m in db.session.scalars(sa.select(Module))}
    wbs_module, coi_module, gift_module = modules["wbs"], modules["benturan-kepentingan"], modules["gratifikasi"]
    # asn.disdik's open quiz attempt (the demo leaves one; start_attempt resumes it, or opens one).
    attempt = attempts.start_attempt(users["asn.disdik"].employee_id, coi_module)
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(LessonRead).where(
        LessonRead.employee_id == users["asn.dinkes"].employee_id,
        LessonRead.lesson_id.in_([lesson.id for lesson in gift_module.lessons]))), "asn.dinkes started gratifikasi"
    result = db.session.scalars(sa.select(Attempt).where(
        Attempt.employee_id == users["asn.dinkes"].employee_id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.id)).first()
    ids = {
        "case": case.public_id, "receipt": filed.receipt,
        "held_case": held.report.public_id, "shredded_case": shredded.report.public_id,
        "shredded_receipt": shredded.receipt,
        "declaration": declaration.id, "module": wbs_module.id, "lesson": wbs_module.lessons[-1].id,
        "question": wbs_module.questions[0].id, "attempt": attempt.id, "result": result.id,
        "list_item": item(ListKind.TYPE).id, "employee": users["asn.dinkes"].employee_id,
        # asn.dinkes has not started this one: the quiz flow reads it from the start.
        "flow_module": gift_module.id, "flow_lessons": [lesson.id for lesson in gift_module.lessons],
        "kadis_dinkes": users["kadis.dinkes"].employee.name,
    }
    db.session.commit()
    return ids


@pytest.fixture(scope="session")
def area(live_server) -> dict:
    """Ids and codes the area tests need (made once per server, whichever module asks first)."""
    if not hasattr(live_server, "area_ids"):
        from portal.extensions import db

        with live_server.app.app_context():
            try:
                live_server.area_ids = _prepare()
            finally:
                db.session.remove()
    return live_server.area_ids


def open_reported_case(page, receipt: str, lang: str | None = None) -> None:
    """What a reporter does: type the receipt code at /wbs/pantau and land on the report."""
    page.goto("/wbs/pantau" + (f"?lang={lang}" if lang else ""))
    page.fill("#receipt", receipt)
    with page.expect_navigation():
        page.click("main form [type=submit]")
    assert urlsplit(page.url).path == "/wbs/pantau/laporan", f"the receipt code did not open the report: {page.url}"


@pytest.fixture
def enter(log_in, area):
    """enter(page, role): log in as the role, or open the filed report for "reporter"."""
    def enter(page, role, **kwargs):
        if role == "reporter":
            open_reported_case(page, area["receipt"], **kwargs)
        else:
            log_in(page, role, **kwargs)
    return enter


def fill_minimal_report(page, what: str = "Petugas meminta uang tambahan untuk mempercepat layanan.") -> None:
    """The required fields of /wbs/lapor, anonymously."""
    page.select_option("#category", index=1)
    page.fill("#reported_name", "Tidak diketahui")
    page.fill("#what", what)
    page.fill("#where", "Loket pelayanan")
    page.fill("#when_from", "2025-01-15")
    page.fill("#how", "Diminta secara lisan di loket.")
    page.check("#good_faith")
