"""One way to write dates and times: templates use the portal's filters (core/formatting), which
write the government's zone; none names a zone itself or uses Flask-Babel's date filters."""
from __future__ import annotations

import re
from pathlib import Path

from portal.core import settings
from portal.extensions import db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BABEL_FILTERS = re.compile(r"\|\s*(dateformat|datetimeformat|timeformat)\b")
ZONE_LITERAL = re.compile(r"\bWI(B|TA|T)\b")


def test_templates_format_dates_one_way_and_name_no_zone_themselves():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BABEL_FILTERS.search(line) or ZONE_LITERAL.search(line):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_the_session_form_names_the_configured_zone(app, world, login_as):
    organiser = login_as(world.inspektur)
    assert "Mulai pukul (WIB)" in organiser.get("/sosialisasi/baru").get_data(as_text=True)
    with app.app_context():
        settings.put("gov.timezone", "Asia/Makassar")
        db.session.commit()
    page = organiser.get("/sosialisasi/baru?lang=en").get_data(as_text=True)
    assert "Starts at (WITA)" in page and "Late after (WITA)" in page and "(WIB)" not in page


def test_numbers_are_written_as_babel_writes_them_in_both_languages(app):
    """Small whole numbers take a shortcut (tables of counts); what it writes is the pattern's."""
    from babel.numbers import format_decimal
    from flask_babel import force_locale

    from portal.core import formatting

    for locale in ("id", "en"):
        with app.test_request_context(), force_locale(locale):
            for value in (0, 7, -999, 999, 1000, -1000, 123456, 2.5):
                expected = format_decimal(value, "#,##0", locale=locale)
                assert formatting.number(value) == expected, (locale, value)
            assert formatting.number(12, 1) == format_decimal(12, "#,##0.0", locale=locale)
