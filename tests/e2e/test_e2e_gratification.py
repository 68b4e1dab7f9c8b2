"""The gratification pages in a real browser, from the demo's reports: the employee's list, the report
form (also as it comes back with an error), a report as its reporter reads it, the guided check and
two of its results, the UPG's queue and its case page in each state, and the administrator's rules
and settings. Each page in Indonesian and English, at 390 px and on a desktop: axe (WCAG 2.2 AA, no
serious or critical violation), at 390 px every target 24 x 24 px and nothing outside the window
(test_e2e_phone.py's measure), and the Nu HTML checker on the bytes served. Then one report from
the form to its receipt, on phones: the employee sends it, the UPG finds it from the menu and
registers it, the employee downloads the tanda terima.

Screenshots (`make screenshots`) go to screenshots/ with the others.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from areas_support import DROPPED_STATIC_FILE, resolve
from playwright.sync_api import expect
from test_e2e_areas import _axe_problems
from test_e2e_foundation import (DESKTOP, LANGS, PHONE, _open, _page_as, _screenshots, _validate_served_html,
                                 validate_files, with_lang)
from test_e2e_phone import measure, problems_of

pytestmark = [DROPPED_STATIC_FILE]

# {placeholders}: the demo's reports, by state (the `grat` fixture).
PAGES = {
    "asn.dinkes": ["/gratifikasi/", "/gratifikasi/lapor", "/gratifikasi/{sent}", "/gratifikasi/{more_information}",
                   "/gratifikasi/periksa"],
    "sekretaris.disdik": ["/gratifikasi/{decided}"],  # the KPK's decision: hand it over, with the form
    "kadis.disdik": ["/gratifikasi/{closed}"],  # handed over with proof and closed
    "upg.inspektorat": ["/gratifikasi/upg/", "/gratifikasi/", "/gratifikasi/upg/{sent}",
                        "/gratifikasi/upg/{registered}", "/gratifikasi/upg/{more_information}",
                        "/gratifikasi/upg/{forwarded}", "/gratifikasi/upg/{decided}", "/gratifikasi/upg/{closed}",
                        "/gratifikasi/upg/register", "/gratifikasi/statistik"],
    "admin": ["/gratifikasi/aturan", "/gratifikasi/aturan/baru", "/gratifikasi/upg/pengaturan", "/gratifikasi/statistik"],
    "sekretaris.dinkes": ["/gratifikasi/statistik"],
}
# Who reported what in the demo (portal/demo/gratification.py): the reporters above read their own.
REPORTERS = {"sent": "asn.dinkes", "registered": None, "more_information": "asn.dinkes", "forwarded": "kadis.dinkes",
             "decided": "sekretaris.disdik", "closed": "kadis.disdik"}
# The guided check: answers that call for a report, and answers that need none (a colleague's farewell gift).
CHECKS = {
    "report": {"object_kind": "money", "giver": "provider", "occasion": "none", "value": "2.000.000",
               "related_to_duty": "yes", "giver_has_business": "yes", "applies_to_all": "no"},
    "no_need": {"object_kind": "food", "giver": "coworker", "occasion": "farewell", "value": "150.000",
                "earlier_this_year": "0", "related_to_duty": "no", "giver_has_business": "no",
                "applies_to_all": "no"},
}
DEVICES = ((PHONE, "phone"), (DESKTOP, "desktop"))


@pytest.fixture(scope="module")
def grat(live_server) -> dict:
    """The demo's first report in each state (its reporter as in REPORTERS); the check's rules, which
    `flask seed` loads and the test server's demo does not."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.gratification import rules
    from portal.gratification.models import GiftReport, Status

    with live_server.app.app_context():
        try:
            rules.load_rules()
            db.session.commit()
            ids = {}
            for status, login in REPORTERS.items():
                stmt = sa.select(GiftReport).where(GiftReport.status == Status(status)).order_by(GiftReport.id)
                if status == "closed":
                    stmt = stmt.where(GiftReport.handover_on.is_not(None))
                report = db.session.scalars(stmt).first()
                assert report is not None, f"the demo has no {status} gratification report"
                assert login is None or report.reporter.user.username == login, (status, report.reporter.name)
                ids[status] = report.id
        finally:
            db.session.remove()
    return ids


def _check(page, problems: list, label: str, axe, phone: bool) -> None:
    problems += _axe_problems(axe, page, label)
    if phone:
        problems += problems_of(label, measure(page))


@pytest.mark.parametrize("role, template", [pytest.param(role, path, id=f"{role}:{path}")
                                            for role, paths in PAGES.items() for path in paths])
def test_gratification_page_passes_axe_and_fits_a_phone(new_context, log_in, grat, role, template):
    from axe_playwright_python.sync_playwright import Axe

    axe, path, problems = Axe(), template.format(**grat), []
    page = _page_as(new_context, log_in, role, viewport=PHONE)
    for viewport, device in DEVICES:
        page.set_viewport_size(viewport)
        for lang in LANGS:
            url = _open(page, role, path, lang)
            _check(page, problems, f"{role} {url} ({device})", axe, device == "phone")
    assert not problems, "\n".join(problems)


def test_gratification_served_html_is_valid(new_context, log_in, grat, tmp_path):
    _validate_served_html(new_context, log_in, tmp_path, resolve(PAGES, grat))


def _send_incomplete(page, lang: str):
    """The report form sent with only the giver's name: it comes back with the error at its field."""
    page.goto(with_lang("/gratifikasi/lapor", lang))
    page.fill("#giver_name", "Tidak diketahui")
    with page.expect_navigation() as navigation:
        page.click("main form [name=send]")
    response = navigation.value
    assert response.status == 400, response.status
    assert page.locator("#giver_name").input_value() == "Tidak diketahui"
    error = page.locator("main .invalid-feedback").first
    expect(error).to_be_visible()
    return response


def test_report_form_with_an_error_is_accessible_and_valid(new_context, log_in, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    axe, problems, files = Axe(), [], {}
    page = _page_as(new_context, log_in, "asn.dinkes", viewport=PHONE)
    for viewport, device in DEVICES:
        page.set_viewport_size(viewport)
        for lang in LANGS:
            response = _send_incomplete(page, lang)
            _check(page, problems, f"report form with an error ({lang}, {device})", axe, device == "phone")
            target = tmp_path / f"form-error-{lang}-{device}.html"
            target.write_bytes(response.body())
            files[str(target)] = f"report form with an error ({lang}, {device})"
    assert not problems, "\n".join(problems)
    validate_files(files)


def _answer_the_check(page, lang: str, answers: dict):
    page.goto(with_lang("/gratifikasi/periksa", lang))
    for name, value in answers.items():
        if name in ("value", "earlier_this_year"):
            page.fill(f"#{name}", value)
        else:
            page.check(f"input[name={name}][value={value}]")
    page.fill("#received_on", page.evaluate("new Date().toISOString().slice(0, 10)"))
    with page.expect_navigation() as navigation:
        page.click("main form [type=submit]")
    assert navigation.value.status == 200
    return navigation.value


@pytest.mark.parametrize("outcome", list(CHECKS))
def test_guided_check_result_is_accessible_and_valid(new_context, log_in, grat, tmp_path, outcome):
    from axe_playwright_python.sync_playwright import Axe

    axe, problems, files = Axe(), [], {}
    page = _page_as(new_context, log_in, "asn.dinkes", viewport=PHONE)
    for viewport, device in DEVICES:
        page.set_viewport_size(viewport)
        for lang in LANGS:
            response = _answer_the_check(page, lang, CHECKS[outcome])
            assert page.locator("#outcome").get_attribute("data-outcome") == outcome
            _check(page, problems, f"check result {outcome} ({lang}, {device})", axe, device == "phone")
            target = tmp_path / f"check-{outcome}-{lang}-{device}.html"
            target.write_bytes(response.body())
            files[str(target)] = f"check result {outcome} ({lang}, {device})"
    assert not problems, "\n".join(problems)
    validate_files(files)


def test_a_report_from_the_form_to_its_receipt_on_phones(new_context, log_in):
    """asn.disdik reports a gift; the UPG opens its queue from the menu and registers the report; the
    employee downloads the receipt, which names the report."""
    from tests.helpers.pages import pdf_text

    employee = new_context(viewport=PHONE).new_page()
    log_in(employee, "asn.disdik", lang="id")
    employee.goto("/gratifikasi/")
    with employee.expect_navigation():
        employee.click("main a[href='/gratifikasi/lapor']")
    employee.select_option("#report_type", "receipt")
    employee.fill("#giver_name", "Wali murid kelas VI")
    employee.select_option("#giver_relation", "service_user")
    employee.fill("#occasion", "Perpisahan kelas VI")
    employee.fill("#received_on", employee.evaluate("new Date().toISOString().slice(0, 10)"))
    employee.fill("#place", "Ruang guru")
    employee.fill("#chronology", "Wali murid menitipkan bingkisan berisi kain sarung di meja saya seusai acara.")
    employee.select_option("#objects-0-kind", "goods")
    employee.fill("#objects-0-description", "Kain sarung tenun")
    employee.fill("#objects-0-value", "Rp 350.000")
    employee.select_option("#objects-0-custody", "reporter")
    with employee.expect_navigation():
        employee.click("main form [name=send]")
    assert urlsplit(employee.url).path.startswith("/gratifikasi/") and employee.locator(".alert-success").count()
    report_path = urlsplit(employee.url).path
    register_no = employee.locator("h1").inner_text().split("·")[-1].strip()
    assert register_no.startswith("UPG/"), register_no
    assert employee.locator(f"main a[href='{report_path}/tanda-terima.pdf']").count() == 0

    upg = new_context(viewport=PHONE).new_page()
    log_in(upg, "upg.inspektorat", lang="id")
    upg.click(".navbar-toggler")
    entry = upg.locator("#nav-main a[href='/gratifikasi/upg/']")
    expect(entry).to_be_visible()
    box = entry.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24, box
    with upg.expect_navigation():
        entry.click()
    assert entry.get_attribute("aria-current") == "page"
    with upg.expect_navigation():
        upg.locator("main a", has_text=register_no).click()
    with upg.expect_navigation():
        upg.click("main form[action$='/registrasi'] button[type=submit]")
    expect(upg.locator(".alert-success")).to_be_visible()
    receipt_no = upg.locator(f"main a[href='{report_path}/tanda-terima.pdf']").inner_text().strip()
    assert receipt_no

    employee.reload()
    link = employee.locator(f"main a[href='{report_path}/tanda-terima.pdf']")
    assert receipt_no in link.inner_text()
    with employee.expect_download() as download:
        link.click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert register_no in text and receipt_no in text and "Kain sarung tenun" in text, text[:400]


def test_gratification_screenshots_desktop_and_phone_in_both_languages(new_context, log_in, grat):
    _screenshots(new_context, log_in, resolve({
        "asn.dinkes": [("grat-index", "/gratifikasi/"), ("grat-form", "/gratifikasi/lapor"),
                       ("grat-detail-more-information", "/gratifikasi/{more_information}")],
        "sekretaris.disdik": [("grat-detail-decided", "/gratifikasi/{decided}")],
        "upg.inspektorat": [("grat-upg-queue", "/gratifikasi/upg/"),
                            ("grat-upg-case-registered", "/gratifikasi/upg/{registered}"),
                            ("grat-upg-case-decided", "/gratifikasi/upg/{decided}"),
                            ("grat-upg-case-closed", "/gratifikasi/upg/{closed}")],
    }, grat))
