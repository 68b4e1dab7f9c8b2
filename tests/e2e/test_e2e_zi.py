"""The Zona Integritas pages in a real browser, from the demo's two units: the secretaries' list, their
unit, an item and the timeline; the Inspectorate's list, city view, both units, an item of the
submitted unit with the assessment form, the timeline and the LKE editor; the administrator's list,
city view and LKE list. Each page in Indonesian and English, at 390 px and on a desktop: axe (WCAG 2.2
AA, no serious or critical violation), at 390 px every target 24 x 24 px and nothing outside the window
(test_e2e_phone.py's measure), and the Nu HTML checker on the bytes served. Then, on phones: Dinas
Kesehatan's secretary answers an item from the to-do line, adds a link, sends a tampered answer back
(a translated error, the note kept), and the Inspectorate assesses an item of Disdikbud differently
from the unit; Disdikbud's secretary downloads both exports from the unit page.

Screenshots (`make screenshots`) go to screenshots/ with the others.
"""
from __future__ import annotations

import io
import zipfile
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

# {placeholders}: the demo's units and items (the `zi` fixture).
PAGES = {
    "sekretaris.dinkes": ["/zona-integritas/", "/zona-integritas/unit/{dinkes}",
                          "/zona-integritas/unit/{dinkes}/butir/{dinkes_item}", "/zona-integritas/jadwal"],
    "sekretaris.disdik": ["/zona-integritas/", "/zona-integritas/unit/{disdik}",
                          "/zona-integritas/unit/{disdik}/butir/{disdik_item}", "/zona-integritas/jadwal"],
    "inspektur": ["/zona-integritas/", "/zona-integritas/kota", "/zona-integritas/unit/{dinkes}",
                  "/zona-integritas/unit/{disdik}", "/zona-integritas/unit/{disdik}/butir/{disdik_item}",
                  "/zona-integritas/jadwal", "/zona-integritas/lke/", "/zona-integritas/lke/{version}",
                  "/zona-integritas/lke/butir/{lke_item}", "/zona-integritas/lke/area/{lke_area}"],
    "admin": ["/zona-integritas/", "/zona-integritas/kota", "/zona-integritas/lke/"],
}
DEVICES = ((PHONE, "phone"), (DESKTOP, "desktop"))
NOTE = "Sosialisasi dijadwalkan setiap triwulan sejak Maret."
LINK = "https://dinkes.example.go.id/zi/bukti-sosialisasi"
COMMENT = "Jadwal ada, laporan pelaksanaannya belum diunggah."


@pytest.fixture(scope="module")
def zi(live_server) -> dict:
    """This year's units and LKE from the demo: an item each unit's pages open, one item Dinas Kesehatan
    has not answered (for the flow) and one Disdikbud item the Inspectorate has not assessed (for the
    flow; another for the pages), each a select of two choices or more; the LKE's first area and item;
    the Disdikbud item with an assessor's comment, for the exports."""
    import sqlalchemy as sa
    from flask_babel import force_locale

    from portal.extensions import db
    from portal.org.models import Opd
    from portal.zi import lke, scoring, services
    from portal.zi.models import Unit, UnitStatus

    with live_server.app.test_request_context():
        try:
            units = {opd.code: unit for unit, opd in db.session.execute(
                sa.select(Unit, Opd).join(Opd, Unit.opd_id == Opd.id))}
            dinkes, disdik = units["DINKES"], units["DISDIKBUD"]
            assert dinkes.status == UnitStatus.SELF_ASSESSMENT and disdik.status == UnitStatus.SUBMITTED
            assert dinkes.version_id == disdik.version_id
            items = lke.items_of(dinkes.version)
            selects = [i for i in items if len(scoring.choices(i)) >= 2]
            dinkes_answers = services.answers_of(dinkes)
            disdik_answers = services.answers_of(disdik)
            answered = [i for i in items if dinkes_answers.get(i.id) and dinkes_answers[i.id].self_value]
            open_dinkes = [i for i in selects if not (dinkes_answers.get(i.id) and dinkes_answers[i.id].self_value)]
            unassessed = [i for i in selects if not disdik_answers[i.id].assessor_value]
            commented = next(i for i in items if disdik_answers.get(i.id) and disdik_answers[i.id].assessor_comment)
            assert answered and open_dinkes and len(unassessed) >= 2, "the demo's units are not partway"
            flow_item, assess_item = open_dinkes[0], unassessed[-1]
            with force_locale("id"):
                invalid_id = str(services._invalid(flow_item))
            with force_locale("en"):
                invalid_en = str(services._invalid(flow_item))
            ids = {
                "dinkes": dinkes.id, "disdik": disdik.id, "version": dinkes.version_id,
                "dinkes_item": answered[0].id, "disdik_item": unassessed[0].id,
                "lke_item": items[0].id, "lke_area": items[0].component.area_id,
                "flow_item": flow_item.id, "flow_code": flow_item.code, "flow_value": scoring.choices(flow_item)[1],
                "invalid": {"id": invalid_id, "en": invalid_en},
                "assess_item": assess_item.id, "assess_code": assess_item.code,
                "assess_self": disdik_answers[assess_item.id].self_value,
                "assess_value": next(v for v in scoring.choices(assess_item)
                                     if v != disdik_answers[assess_item.id].self_value),
                "commented_code": commented.code, "comment": disdik_answers[commented.id].assessor_comment,
                "disdik_opd": disdik.opd.code, "year": dinkes.version.year,
            }
        finally:
            db.session.remove()
    assert ids["invalid"]["id"] != ids["invalid"]["en"], "the invalid-answer message has no Indonesian"
    return ids


def _check(page, problems: list, label: str, axe, phone: bool) -> None:
    problems += _axe_problems(axe, page, label)
    if phone:
        problems += problems_of(label, measure(page))


@pytest.mark.parametrize("role, template", [pytest.param(role, path, id=f"{role}:{path}")
                                            for role, paths in PAGES.items() for path in paths])
def test_zi_page_passes_axe_and_fits_a_phone(new_context, log_in, zi, role, template):
    from axe_playwright_python.sync_playwright import Axe

    axe, path, problems = Axe(), template.format(**zi), []
    page = _page_as(new_context, log_in, role, viewport=PHONE)
    for viewport, device in DEVICES:
        page.set_viewport_size(viewport)
        for lang in LANGS:
            url = _open(page, role, path, lang)
            _check(page, problems, f"{role} {url} ({device})", axe, device == "phone")
    assert not problems, "\n".join(problems)


def test_zi_item_page_shows_the_assessment_form_to_the_inspectorate(new_context, log_in, zi):
    """The item page the axe test opens as inspektur is the one with the form (not a read-only copy)."""
    page = _page_as(new_context, log_in, "inspektur", viewport=PHONE)
    page.goto(f"/zona-integritas/unit/{zi['disdik']}/butir/{zi['disdik_item']}")
    expect(page.locator("main form[action$='/penilaian'] #a-value")).to_be_visible()
    assert page.locator("main form[action$='/jawaban']").count() == 0


def test_zi_served_html_is_valid(new_context, log_in, zi, tmp_path):
    _validate_served_html(new_context, log_in, tmp_path, resolve(PAGES, zi))


def _send_tampered_answer(page, zi: dict, lang: str):
    """The answer form sent with a value the select does not offer: it comes back with the error."""
    page.goto(with_lang(f"/zona-integritas/unit/{zi['dinkes']}/butir/{zi['flow_item']}", lang))
    page.evaluate("""() => {
        const select = document.querySelector('#value');
        select.add(new Option('zz', 'zz'));
        select.value = 'zz';
    }""")
    page.fill("#note", NOTE)
    with page.expect_navigation() as navigation:
        page.click("main form[action$='/jawaban'] [type=submit]")
    response = navigation.value
    assert response.status == 400, response.status
    assert page.locator("#note").input_value() == NOTE
    error = page.locator("#value-error")
    expect(error).to_be_visible()
    assert error.inner_text().strip() == zi["invalid"][lang]
    assert page.locator("#value").get_attribute("aria-invalid") == "true"
    return response


def test_a_unit_answers_and_the_inspectorate_assesses_on_phones(new_context, log_in, zi, tmp_path):
    """sekretaris.dinkes goes from the to-do line to an unanswered item, answers it with a note and adds
    a link; a tampered answer comes back with the error (accessible and valid). inspektur opens Disdikbud
    from the menu and assesses an item differently: the unit page marks the row."""
    from axe_playwright_python.sync_playwright import Axe

    unit_path = f"/zona-integritas/unit/{zi['dinkes']}"
    item_path = f"{unit_path}/butir/{zi['flow_item']}"
    secretary = new_context(viewport=PHONE).new_page()
    log_in(secretary, "sekretaris.dinkes", lang="id")
    secretary.goto("/?lang=id")
    todo = secretary.locator(f".todo-list a[href='{unit_path}']")
    expect(todo).to_contain_text("Zona Integritas")
    with secretary.expect_navigation():
        todo.click()
    assert urlsplit(secretary.url).path == unit_path
    row = secretary.locator("main tr", has=secretary.locator(f"a[href='{item_path}']"))
    expect(row).to_contain_text(zi["flow_code"])
    assert "–" in row.locator("td").nth(2).inner_text()  # not answered yet
    with secretary.expect_navigation():
        row.locator(f"a[href='{item_path}']").click()
    assert urlsplit(secretary.url).path == item_path

    secretary.select_option("#value", zi["flow_value"])
    secretary.fill("#note", NOTE)
    with secretary.expect_navigation():
        secretary.click("main form[action$='/jawaban'] [type=submit]")
    assert urlsplit(secretary.url).path == item_path
    expect(secretary.locator(".alert-success")).to_be_visible()
    secretary.select_option("#e-kind", "link")
    secretary.fill("#e-title", "Jadwal sosialisasi di situs dinas")
    secretary.fill("#e-url", LINK)
    with secretary.expect_navigation():
        secretary.click("main form[action$='/bukti'] [type=submit]")
    expect(secretary.locator(".alert-success")).to_be_visible()
    answers = secretary.locator("main dl").inner_text()
    assert zi["flow_value"] in answers and NOTE in answers, answers
    assert secretary.locator("#value").input_value() == zi["flow_value"]
    expect(secretary.locator(f"main a[href='{LINK}']")).to_be_visible()

    axe, problems, files = Axe(), [], {}
    for lang in LANGS:
        response = _send_tampered_answer(secretary, zi, lang)
        _check(secretary, problems, f"answer with an error ({lang}, phone)", axe, True)
        target = tmp_path / f"answer-error-{lang}.html"
        target.write_bytes(response.body())
        files[str(target)] = f"answer form with an error ({lang})"
    assert not problems, "\n".join(problems)
    validate_files(files)
    secretary.goto(item_path)  # the refused answer changed nothing
    assert secretary.locator("#value").input_value() == zi["flow_value"]

    assessor = new_context(viewport=PHONE).new_page()
    log_in(assessor, "inspektur", lang="id")
    assessor.click(".navbar-toggler")
    entry = assessor.locator("#nav-main a[href='/zona-integritas/']")
    expect(entry).to_be_visible()
    with assessor.expect_navigation():
        entry.click()
    disdik_path = f"/zona-integritas/unit/{zi['disdik']}"
    with assessor.expect_navigation():
        assessor.locator(f"main a[href='{disdik_path}']").click()
    assess_path = f"{disdik_path}/butir/{zi['assess_item']}"
    row = assessor.locator("main tr", has=assessor.locator(f"a[href='{assess_path}']"))
    assert row.locator(".badge").count() == 0
    with assessor.expect_navigation():
        row.locator(f"a[href='{assess_path}']").click()
    assessor.select_option("#a-value", zi["assess_value"])
    assessor.fill("#a-comment", COMMENT)
    with assessor.expect_navigation():
        assessor.click("main form[action$='/penilaian'] [type=submit]")
    assert urlsplit(assessor.url).path == assess_path
    expect(assessor.locator(".alert-success")).to_be_visible()
    assert COMMENT in assessor.locator("main dl").inner_text()
    with assessor.expect_navigation():
        assessor.locator(f"nav[aria-label=breadcrumb] a[href='{disdik_path}']").click()
    for lang, word in (("id", "Berbeda"), ("en", "Differs")):
        assessor.goto(with_lang(disdik_path, lang))
        row = assessor.locator("main tr", has=assessor.locator(f"a[href='{assess_path}']"))
        expect(row).to_have_class("table-warning")
        expect(row.locator(".badge")).to_have_text(word)


def test_the_secretary_downloads_both_exports_from_the_unit_page(new_context, log_in, zi):
    """The LKE workbook holds the item the Inspectorate commented on, with the comment; the ZIP has a
    folder for that item code and the workbook at its root."""
    from openpyxl import load_workbook

    page = _page_as(new_context, log_in, "sekretaris.disdik", viewport=PHONE)
    page.goto(f"/zona-integritas/unit/{zi['disdik']}")
    stem = f"{zi['disdik_opd'].lower()}-{zi['year']}"

    with page.expect_download() as download:
        page.click(f"main a[href='/zona-integritas/unit/{zi['disdik']}/lke.xlsx']")
    assert download.value.suggested_filename == f"lke-{stem}.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    rows = [row for row in book.worksheets[0].iter_rows(values_only=True) if row[1] == zi["commented_code"]]
    assert len(rows) == 1, f"{zi['commented_code']} is not one row of the workbook"
    assert zi["comment"] in rows[0], rows[0]

    with page.expect_download() as download:
        page.click(f"main a[href='/zona-integritas/unit/{zi['disdik']}/bukti-dukung.zip']")
    assert download.value.suggested_filename == f"bukti-dukung-zi-{stem}.zip"
    with zipfile.ZipFile(Path(download.value.path())) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert f"{zi['commented_code']}/" in names, names[:20]
    assert f"lke-{stem}.xlsx" in names and "index.html" in names


def test_zi_screenshots_desktop_and_phone_in_both_languages(new_context, log_in, zi):
    _screenshots(new_context, log_in, resolve({
        "sekretaris.dinkes": [("zi-unit-self-assessment", "/zona-integritas/unit/{dinkes}"),
                              ("zi-item-answer", "/zona-integritas/unit/{dinkes}/butir/{dinkes_item}")],
        "inspektur": [("zi-index", "/zona-integritas/"), ("zi-city", "/zona-integritas/kota"),
                      ("zi-unit-submitted", "/zona-integritas/unit/{disdik}"),
                      ("zi-item-assess", "/zona-integritas/unit/{disdik}/butir/{disdik_item}"),
                      ("zi-timeline", "/zona-integritas/jadwal"), ("zi-lke-version", "/zona-integritas/lke/{version}")],
    }, zi))
