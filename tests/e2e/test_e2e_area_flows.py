"""Three flows in a real browser, through the forms a person uses:
(a) an anonymous WBS report and its follow-up with JavaScript switched off;
(b) a conflict-of-interest declaration: filed, decided by the superior, acknowledged;
(c) an e-learning module read in order and its quiz taken, at phone width.

English text is asserted only on pages opened with ?lang=en (or after it, the choice is kept).
"""
from __future__ import annotations

import re
from functools import partial
from urllib.parse import unquote, urlsplit

from areas_support import DROPPED_STATIC_FILE, RECEIPT_RE, area, png_bytes  # noqa: F401
from test_e2e_foundation import PHONE, html_lang, path_of


pytestmark = [DROPPED_STATIC_FILE]

def _no_script_context(new_context, browser):
    """A context from the `new_context` fixture (request log, foreign-host guard, server-error
    check) whose pages run no JavaScript at all."""
    original = browser.new_context
    browser.new_context = partial(original, java_script_enabled=False)
    try:
        return new_context()
    finally:
        browser.new_context = original


def _submit(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def _fill_report(page, what: str) -> None:
    page.check("input[name=mode][value=anonymous]")
    page.fill("#reported_name", "Tidak diketahui")
    page.fill("#reported_position", "Petugas loket")
    page.select_option("#reported_opd", index=1)
    page.select_option("#category", index=2)
    page.fill("#what", what)
    page.fill("#where", "Loket pelayanan Disdukcapil")
    page.fill("#when_from", "2025-03-03")
    page.fill("#when_to", "2025-03-10")
    page.fill("#how", "Asked in person at the counter, cash only.")
    page.fill("#why", "To make money on the side.")
    page.fill("#loss", "Rp 150.000")
    page.set_input_files("#evidence", files=[{"name": "kuitansi.png", "mimeType": "image/png",
                                              "buffer": png_bytes()}])
    page.check("#good_faith")


# --- (a) the WBS without JavaScript --------------------------------------------------------------


def test_anonymous_report_and_follow_up_work_without_javascript(new_context, browser):
    context = _no_script_context(new_context, browser)
    page = context.new_page()
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))

    page.goto("/wbs/lapor?lang=en")
    assert html_lang(page) == "en"
    # portal.js marks a scripted page with class="js" on <html>: here nothing ran.
    assert "js" not in (page.locator("html").get_attribute("class") or "").split()

    what = "The cashier asked for Rp 150.000 to speed up a birth certificate; no receipt was given."
    _fill_report(page, what)
    _submit(page, page.get_by_role("button", name="Send the report"))

    assert page.get_by_role("heading", level=1).inner_text() == "Your report has been received"
    # The Print and Copy buttons need JavaScript: without it they are not offered.
    assert page.locator("#receipt-print").is_hidden() and page.locator("#receipt-copy").is_hidden()
    receipt = page.locator(".receipt-code").inner_text().strip()
    assert RECEIPT_RE.match(receipt), receipt
    case_no = page.locator("xpath=//dt[normalize-space()='Case number']/following-sibling::dd[1]").inner_text()

    _submit(page, page.get_by_role("link", name="I have written it down: follow up my report"))
    assert path_of(page) == "/wbs/pantau"
    page.fill("#receipt", receipt)
    _submit(page, page.get_by_role("button", name="Open my report"))

    assert path_of(page) == "/wbs/pantau/laporan"
    assert page.get_by_role("heading", level=1).inner_text() == f"My report {case_no}"
    main = page.locator("main")
    assert what in main.inner_text()
    assert main.get_by_role("listitem").filter(has_text="kuitansi.png").count() == 1

    reply = "The same happened again today at 10:00, to another citizen."
    page.fill("#body", reply)
    _submit(page, page.get_by_role("button", name="Send", exact=True))
    assert path_of(page) == "/wbs/pantau/laporan"
    assert "Your message has been sent to the WBS team." in page.locator("main").inner_text()
    sent = page.locator(".card").filter(has_text=reply)
    assert sent.count() == 1 and "You" in sent.inner_text()

    # The code travels in POST bodies only: never in an address the browser asked for.
    addresses = visited + context.request_log.urls + [page.url]
    variants = {receipt, receipt.replace("-", ""), receipt.lower(), receipt.replace("-", "").lower()}
    leaked = [u for u in addresses if any(v in unquote(u) for v in variants)]
    assert not leaked, f"the receipt code appeared in URLs: {leaked}"
    assert {urlsplit(u).path for u in visited} >= {"/wbs/lapor", "/wbs/pantau", "/wbs/pantau/laporan"}


def test_on_a_phone_the_receipt_offers_print_and_copy(new_context):
    context = new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto("/wbs/lapor?lang=en")
    _fill_report(page, "A vendor paid for a trip of the procurement committee; the tender followed.")
    _submit(page, page.get_by_role("button", name="Send the report"))
    receipt = page.locator(".receipt-code").inner_text().strip()
    assert page.get_by_role("button", name="Print the receipt").is_visible()
    copy = page.get_by_role("button", name="Copy the receipt code")
    box = copy.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    copy.click()
    page.get_by_text("The receipt code has been copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == receipt
    # The full public address to follow up from, not a bare path.
    assert re.search(r"Follow up at https?://\S+/wbs/pantau with the receipt code", page.locator("main").inner_text())


# --- (b) a conflict-of-interest declaration ------------------------------------------------------


def _status(page) -> str:
    return page.locator("xpath=//main//p[starts-with(normalize-space(), 'Status:')]/strong").inner_text()


def test_declaration_is_filed_decided_by_the_superior_and_acknowledged(new_context, log_in, area):
    declarant = new_context().new_page()
    log_in(declarant, "asn.dinkes", lang="en")
    declarant.goto("/benturan-kepentingan/baru/adhoc?lang=en")
    form = declarant.locator("main form")
    form.locator("input[name=types]").first.check()
    form.locator("input[name=sources]").first.check()
    declarant.fill("#description", "My brother-in-law owns the firm bidding in the lab equipment tender I assess.")
    declarant.select_option("#activity", "procurement")
    declarant.fill("#activity_detail", "Lab equipment tender 2026")
    declarant.fill("#related_party", "CV Alat Medika")
    declarant.select_option("#relationship_kind", "family")
    declarant.fill("#proposed_measure", "I step out of the evaluation committee.")
    _submit(declarant, declarant.get_by_role("button", name="Save and submit"))

    detail = re.fullmatch(r"/benturan-kepentingan/(\d+)", path_of(declarant))
    assert detail, declarant.url
    assert declarant.get_by_role("status").filter(has_text="Submitted.").is_visible()
    assert _status(declarant) == "Waiting for a decision"
    assert f"Direct superior ({area['kadis_dinkes']})" in declarant.locator("main").inner_text()
    assert declarant.get_by_role("button", name="I acknowledge this decision").count() == 0

    decider = new_context().new_page()
    log_in(decider, "kadis.dinkes", lang="en")
    decider.goto(f"{detail.group(0)}?lang=en")
    assert decider.get_by_role("heading", name="Your decision").is_visible()
    decider.select_option("#decision", index=1)
    chosen = decider.locator("#decision option:checked").inner_text()
    decider.fill("#rationale", "The employee leaves the committee; the secretary takes over the evaluation.")
    _submit(decider, decider.get_by_role("button", name="Record the decision"))
    assert decider.get_by_role("status").filter(has_text="The decision has been recorded.").is_visible()
    assert _status(decider) == "Decided"
    assert decider.get_by_role("heading", name="Your decision").count() == 0  # decided once only

    declarant.goto(f"{detail.group(0)}?lang=en")
    assert _status(declarant) == "Decided"
    assert declarant.get_by_role("heading", level=2, name=f"Decision: {chosen}").is_visible()
    _submit(declarant, declarant.get_by_role("button", name="I acknowledge this decision"))
    assert declarant.get_by_role("status").filter(has_text="You have acknowledged the decision.").is_visible()
    assert _status(declarant) == "Decision acknowledged"
    assert "Acknowledged on" in declarant.locator("main").inner_text()
    assert declarant.get_by_role("button", name="I acknowledge this decision").count() == 0


# --- (c) a module and its quiz on a phone --------------------------------------------------------


def test_module_read_in_order_and_quiz_taken_on_a_phone(new_context, log_in, area):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "asn.dinkes", lang="en")
    module, lessons = area["flow_module"], area["flow_lessons"]
    page.goto(f"/belajar/modul/{module}?lang=en")

    first = page.locator("main ol.list-group a").first
    _submit(page, first)
    # The demo switches the pre-test on: before the first lesson, once, without seeing the answers.
    assert path_of(page) == f"/belajar/modul/{module}/pra-tes"
    assert page.get_by_text("It does not count towards passing, attempts or your certificate.").is_visible()
    _submit(page, page.get_by_role("button", name="Start with the pre-test"))
    pre = page.locator("#quiz-form fieldset")
    assert pre.count() >= 5
    for i in range(pre.count()):
        pre.nth(i).locator("input.form-check-input").first.check()
    _submit(page, page.get_by_role("button", name="Submit for grading"))
    assert re.match(r"Pre-test score: \d{1,3}%$", page.locator("main .alert p.h4").inner_text())
    assert page.get_by_text("Correct answer").count() == 0  # the answers are not shown
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _submit(page, page.get_by_role("link", name="Go to the first lesson"))
    for n, lesson in enumerate(lessons, start=1):
        assert path_of(page) == f"/belajar/modul/{module}/materi/{lesson}"
        assert page.get_by_text(f"Lesson {n} of {len(lessons)}").is_visible()
        last = n == len(lessons)
        label = "Mark as read and go to the quiz" if last else "Mark as read and go to the next lesson"
        _submit(page, page.get_by_role("button", name=label))
    assert path_of(page) == f"/belajar/modul/{module}/kuis"
    assert page.get_by_role("status").filter(has_text="You have reached the last lesson").is_visible()

    _submit(page, page.get_by_role("button", name="Start the quiz"))
    assert re.fullmatch(r"/belajar/percobaan/\d+", path_of(page)), page.url
    questions = page.locator("#quiz-form fieldset")
    total = questions.count()
    assert total >= 5
    for i in range(total):
        choice = questions.nth(i).locator("input.form-check-input").first
        choice.check()
        assert choice.is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _submit(page, page.get_by_role("button", name="Submit for grading"))

    assert re.fullmatch(r"/belajar/percobaan/\d+/hasil", path_of(page)), page.url
    assert page.get_by_role("status").filter(has_text="Your answers have been graded.").is_visible()
    score = page.locator("main .alert p.h4").inner_text()
    assert re.match(r"Score: \d{1,3}% · (Passed|Not passed)$", score), score
    reviews = page.locator("main section.card")
    assert reviews.count() == total
    for i in range(total):
        verdict = reviews.nth(i).locator("h3 span.small").inner_text()
        assert re.search(r"Question \d+ · (Correct|Wrong)$", verdict), verdict  # every one was answered
        assert reviews.nth(i).get_by_text("Correct answer").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
