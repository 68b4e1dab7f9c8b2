"""Browser tests: the real app served by werkzeug in a thread, driven by Playwright + Debian Chromium.

One server (its own SQLite file, the full demo data, CSRF on) and one browser per session;
every test gets fresh browser contexts (cookies, storage) whose requests are all recorded.
Requests to any other host are refused, and the test fails after the fact if a page asked
for one (no CDN, no third-party asset) or if the app raised while serving it.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
DEMO_PASSWORD = "integritas-2019"
DESKTOP = {"width": 1280, "height": 800}

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is an e2e test (`-m "not e2e"` skips them all)."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- the server ----------------------------------------------------------------------------------


class LiveServer:
    def __init__(self, app, url: str, errors: list, facts: dict):
        self.app = app
        self.url = url
        self.netloc = urlsplit(url).netloc
        self.errors = errors  # exceptions the app raised while serving, in order
        self.facts = facts  # what the demo data holds, read from the database

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def _demo_facts() -> dict:
    """Names and numbers the tests look for, read back rather than copied from the demo module."""
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.extensions import db
    from portal.web.templating import format_nip

    def person(username):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        employee = user.employee
        return {
            "name": user.display_name,
            "nip": employee.nip if employee else None,
            "nip_formatted": format_nip(employee.nip) if employee else None,
            "opd": employee.opd.name if employee else None,
            "position": employee.position if employee else None,
            "superior": employee.superior.name if employee and employee.superior else None,
        }

    return {name: person(name) for name in ("asn.dinkes", "admin", "sekretaris.dinkes")}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from flask import got_request_exception
    from werkzeug.serving import WSGIRequestHandler, make_server

    from portal.extensions import db
    from tests.helpers.config import BASE_CONFIG, fresh_app

    base = tmp_path_factory.mktemp("e2e")
    # BASE_CONFIG turns CSRF off for the unit tests; the browser exercises real forms, so it is on.
    app = fresh_app(f"sqlite:///{base / 'e2e.db'}", WTF_CSRF_ENABLED=True, STORAGE_DIR=str(base / "files"))
    assert BASE_CONFIG["WTF_CSRF_ENABLED"] is False and app.config["WTF_CSRF_ENABLED"] is True
    with app.app_context():
        from portal import demo

        db.create_all()
        demo.run(echo=lambda *a: None)
        db.session.commit()
        facts = _demo_facts()
        db.session.remove()

    errors: list = []

    def record(sender, exception, **extra):
        errors.append(repr(exception))

    got_request_exception.connect(record, app)

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # one line per request would drown the test output
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    # The addresses the portal writes (QR codes, links in PDFs) are this server's, whatever port it got.
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", errors, facts)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record, app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run "
                    "the browser tests; `playwright install` is not used")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


class RequestLog:
    """Every request a browser context makes, and the ones it was refused (other hosts)."""

    IGNORED_SCHEMES = {"data", "blob", "about"}

    def __init__(self, server: LiveServer):
        self.server = server
        self.urls: list[str] = []
        self.blocked: list[str] = []
        self.failed: list[tuple[int, str, str]] = []  # (status, resource type, url) of answers >= 400

    def on_request(self, request):
        self.urls.append(request.url)

    def on_response(self, response):
        if response.status >= 400:
            self.failed.append((response.status, response.request.resource_type, response.url))

    def failed_assets(self) -> list[str]:
        """Stylesheets, scripts, images, fonts... that did not arrive (error pages themselves excluded)."""
        return sorted({f"{status} {kind} {url}" for status, kind, url in self.failed if kind != "document"})

    def foreign(self) -> list[str]:
        out = []
        for url in self.urls + self.blocked:
            parts = urlsplit(url)
            if parts.scheme in self.IGNORED_SCHEMES:
                continue
            if parts.scheme != "http" or parts.netloc != self.server.netloc:
                out.append(url)
        return sorted(set(out))

    def paths(self) -> list[str]:
        return [urlsplit(u).path for u in self.urls]


def assert_only_local_requests(log: RequestLog) -> None:
    foreign = log.foreign()
    assert not foreign, "the page asked hosts other than the test server for:\n  " + "\n  ".join(foreign)


@pytest.fixture
def new_context(request, browser, live_server):
    """Make browser contexts; each records its requests. All are closed after the test and
    checked for foreign requests and (unless the test is an expected failure) server errors."""
    made = []

    def make(viewport=DESKTOP):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        context.set_default_timeout(10_000)
        log = RequestLog(live_server)
        context.on("request", log.on_request)
        context.on("response", log.on_response)

        def guard(route):
            # Nothing may leave the machine: refuse any other host, and remember that it was asked for.
            if urlsplit(route.request.url).netloc == live_server.netloc:
                route.continue_()
            else:
                log.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        context.request_log = log
        made.append(context)
        return context

    errors_before = len(live_server.errors)
    yield make
    for context in made:
        # A late request (the favicon, say) may still be in the route handler when the context
        # closes; without this its continue_() raises "Target closed" during teardown.
        context.unroute_all(behavior="ignoreErrors")
        context.close()
    for context in made:
        assert_only_local_requests(context.request_log)
    new_errors = live_server.errors[errors_before:]
    if request.node.get_closest_marker("xfail") is None:  # an xfail test reports its own failure
        assert not new_errors, f"the app raised while serving this test: {new_errors}"


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def requests_log(context) -> RequestLog:
    return context.request_log


def _log_in(page, username: str, password: str = DEMO_PASSWORD, lang: str | None = None) -> None:
    """Log in through the real form (CSRF token and all) and wait for the redirect home."""
    page.goto("/login" + (f"?lang={lang}" if lang else ""))
    page.fill("#login", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form [type=submit]")
    assert urlsplit(page.url).path == "/", f"login as {username} did not land on the home page: {page.url}"


@pytest.fixture
def log_in():
    """log_in(page, username, password=DEMO_PASSWORD, lang=None): through the form at /login."""
    return _log_in
