"""The WBS, conflict-of-interest and e-learning pages in a real browser: accessibility (axe)
and HTML validity of every page for the role that uses it, in Indonesian and English, and
screenshots. The flows themselves are in test_e2e_area_flows.py.

Ids come from the live server's database (see areas_support.py); the helpers are the
foundation test's, so both areas are held to the same standard.
"""
from __future__ import annotations

import pytest

from areas_support import (AREA_PAGES, DROPPED_STATIC_FILE, RECEIPT_RE, area, enter,  # noqa: F401 (fixtures)
                           fill_minimal_report, resolve)
from test_e2e_foundation import (BLOCKING_IMPACTS, DESKTOP, LANGS, PHONE, SCREENSHOT_DIR_NAME, _open, _page_as,
                                 _screenshots, _validate_served_html, validate_files, with_lang)

pytestmark = [DROPPED_STATIC_FILE]

PARAMS = [pytest.param(role, path, id=f"{role}:{path}") for role, paths in AREA_PAGES.items() for path in paths]


def _axe_problems(axe, page, label: str) -> list[str]:
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
            problems.append(f"{label}: {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return problems


# --- accessibility -------------------------------------------------------------------------------


@pytest.mark.parametrize("role, template", PARAMS)
def test_area_page_has_no_serious_accessibility_violations(new_context, enter, area, role, template):
    from axe_playwright_python.sync_playwright import Axe

    axe, path = Axe(), template.format(**area)
    page = _page_as(new_context, enter, role)
    problems = []
    for lang in LANGS:
        url = _open(page, role, path, lang)
        problems += _axe_problems(axe, page, f"{role} {url}")
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)


def _file_report(page, lang: str):
    """Send the report form (JavaScript on) and return the response that shows the receipt."""
    page.goto(with_lang("/wbs/lapor", lang))
    fill_minimal_report(page)
    with page.expect_navigation() as navigation:
        page.click("main form [type=submit]")
    response = navigation.value
    assert response.status == 200 and page.locator(".receipt-code").count() == 1, f"no receipt: {page.url}"
    assert RECEIPT_RE.match(page.locator(".receipt-code").inner_text().strip())
    return response


def test_receipt_page_is_accessible_and_valid(new_context, tmp_path):
    """The receipt exists only as the answer to the POST that files the report."""
    from axe_playwright_python.sync_playwright import Axe

    axe, page, problems, files = Axe(), new_context().new_page(), [], {}
    for lang in LANGS:
        response = _file_report(page, lang)
        problems += _axe_problems(axe, page, f"receipt ({lang})")
        target = tmp_path / f"receipt-{lang}.html"
        target.write_bytes(response.body())
        files[str(target)] = f"receipt page ({lang})"
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)
    validate_files(files)


@pytest.mark.parametrize("role", [
    pytest.param(r)
    for r in ("admin", "inspektur", "sekretaris.dinkes", "wbs.petugas", "upg.inspektorat", "kadis.dinkes",
              "asn.dinkes", "public")])
def test_navbar_fits_a_desktop_window_in_both_languages(new_context, enter, role):
    """Everything in the menu, the name and the log-out button included, is inside the window."""
    page = _page_as(new_context, enter, role)
    outside = []
    for lang in LANGS:
        _open(page, role, "/wbs/" if role == "public" else "/", lang)
        right = page.evaluate("Math.max(...[...document.querySelectorAll('nav.navbar a, nav.navbar button')]"
                              ".map(e => e.getBoundingClientRect().right))")
        width = page.evaluate("document.documentElement.scrollWidth")
        if right > DESKTOP["width"] or width > DESKTOP["width"]:
            outside.append(f"{role} ({lang}): the menu ends at {right:.0f}px, the page is {width}px wide, "
                           f"the window {DESKTOP['width']}px")
    assert not outside, "\n".join(outside)


# --- HTML validity -------------------------------------------------------------------------------


def test_area_served_html_is_valid(new_context, enter, area, tmp_path):
    _validate_served_html(new_context, enter, tmp_path, resolve(AREA_PAGES, area))


# --- screenshots ---------------------------------------------------------------------------------


def test_area_screenshots_desktop_and_phone_in_both_languages(new_context, enter, area):
    _screenshots(new_context, enter, resolve({
        "public": [("wbs-home", "/wbs/"), ("wbs-report-form", "/wbs/lapor")],
        "wbs.petugas": [("wbs-queue", "/wbs/kelola/"), ("wbs-case", "/wbs/kelola/kasus/{case}")],
        "asn.dinkes": [("coi-form", "/benturan-kepentingan/baru/adhoc"),
                       ("coi-detail", "/benturan-kepentingan/{declaration}"), ("learning-index", "/belajar/"),
                       ("lesson", "/belajar/modul/{module}/materi/{lesson}"), ("quiz", "/belajar/modul/{module}/kuis")],
        "kadis.dinkes": [("coi-decide", "/benturan-kepentingan/{declaration}")],
        "asn.disdik": [("quiz-attempt", "/belajar/percobaan/{attempt}")],
        "inspektur": [("item-analysis", "/belajar/hasil/analisis-soal/{module}")],
        "upg.inspektorat": [("gift-register", "/gratifikasi/upg/register"), ("gift-statistics", "/gratifikasi/statistik")],
        "sekretaris.dinkes": [("gift-statistics-opd", "/gratifikasi/statistik")],
    }, area))


def test_receipt_screenshots_desktop_and_phone_in_both_languages(new_context):
    from portal.config import PROJECT_ROOT

    out_dir = PROJECT_ROOT / SCREENSHOT_DIR_NAME
    out_dir.mkdir(exist_ok=True)
    overflow = []
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_context(viewport=viewport).new_page()
        for lang in LANGS:
            _file_report(page, lang)
            page.evaluate("document.fonts.ready")
            target = out_dir / f"wbs-receipt-{lang}-{device}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 5_000
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                overflow.append(f"{target.name}: {width}px of content in a {viewport['width']}px viewport")
    assert not overflow, "horizontal overflow:\n" + "\n".join(overflow)
