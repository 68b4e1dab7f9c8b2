"""Each audience reads what is theirs: the public and staff read what the rules say and where to read
them, never a note to whoever built or sets up the portal ("the portal team", "the authors");
where the portal applies an article nobody has checked, the text says so."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
LEARNING = ROOT / "portal" / "content" / "learning"
# Notes addressed to the makers of the portal or of its lessons, in either language.
MAKERS = re.compile(r"portal team|tim portal|tidak tersedia bagi|not available to|penyusun|the authors|"
                    r"tidak diketahui oleh|was not available|kami tidak menemukan|we found no",
                    re.IGNORECASE)
DEMO_PASSWORD = "integritas-2019"
STAFF = ("asn.dinkes", "kadis.dinkes", "sekretaris.dinkes", "inspektur", "wbs.petugas")


def _text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _pages(app) -> list[str]:
    """The pages anyone may open without an id in the address, and those of every module and lesson."""
    from portal.learning.models import Lesson

    urls = sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments
                   and not rule.rule.startswith(("/admin", "/static", "/bootstrap", "/healthz"))})
    with app.app_context():
        for lesson in db.session.scalars(sa.select(Lesson)):
            urls += [f"/belajar/modul/{lesson.module_id}", f"/belajar/modul/{lesson.module_id}/materi/{lesson.id}"]
    return [*urls, "/benturan-kepentingan/baru/adhoc", "/benturan-kepentingan/baru/yearly"]


@pytest.fixture
def demo_app(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return app


def test_public_and_staff_pages_carry_no_note_to_the_makers(demo_app):
    app = demo_app
    clients = {"anonymous": app.test_client()}
    for login in STAFF:
        client = app.test_client()
        assert client.post("/login", data={"login": login, "password": DEMO_PASSWORD}).status_code == 302, login
        clients[login] = client
    seen, found = 0, []
    for url in _pages(app):
        for who, client in clients.items():
            for lang in ("id", "en"):
                response = client.get(f"{url}?lang={lang}")
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                seen += 1
                for match in MAKERS.finditer(_text(response)):
                    found.append(f"{who} {url} ({lang}): …{_text(response)[max(0, match.start() - 60):match.end() + 40]}…")
    assert seen > 100, seen  # the walk reached the pages (lessons included), not only login redirects
    assert not found, "\n".join(found)


def test_lesson_files_carry_no_note_to_their_authors():
    files = sorted(LEARNING.glob("*/lessons/*.md")) + sorted(LEARNING.glob("*/module.json"))
    assert len(files) >= 24
    found = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in files
             for m in MAKERS.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found


def test_no_template_or_catalog_entry_speaks_to_the_portal_team():
    from babel.messages.pofile import read_po

    found = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in sorted((ROOT / "templates").rglob("*.html"))
             for m in MAKERS.finditer(path.read_text(encoding="utf-8"))]
    with open(ROOT / "translations" / "id" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        for message in read_po(fh):
            texts = [message.id, message.string] if isinstance(message.id, str) else [*message.id, *message.string]
            found += [f"catalog: {t[:80]}" for t in texts if t and MAKERS.search(t)]
    assert not found, "\n".join(found)


def test_lessons_say_where_the_portal_applies_an_unchecked_article_and_where_to_read_it():
    lessons = {path.name: path.read_text(encoding="utf-8") for path in LEARNING.glob("*/lessons/*.md")}
    for name in ("sumber-dan-jenis", "deklarasi-dan-keputusan", "kerahasiaan-dan-perlindungan"):
        assert "sebagaimana diterapkan portal ini" in lessons[f"{name}.id.md"].lower(), name
        assert "as the portal applies it" in lessons[f"{name}.en.md"].lower(), name
    types = lessons["sumber-dan-jenis.en.md"]
    assert "the list this portal applies; the Inspectorate keeps it in line with Article 6 of Perwako 27/2019" in types
    for name, body in lessons.items():
        if "Perwako" in body and name.split(".")[0] in ("perwako-27-2019", "apa-itu-wbs", "jalur-upg"):
            assert "](/peraturan)" in body, name  # points to the library, where the official text is read
    # Every lesson module still names its sources, each with an address.
    for module in LEARNING.glob("*/module.json"):
        for lesson in json.loads(module.read_text(encoding="utf-8"))["lessons"]:
            assert all(re.search(r"https?://", s) for s in lesson["sources"]), lesson["slug"]
