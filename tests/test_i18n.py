"""The translation gate: a stale catalog, an untranslated or fuzzy Indonesian entry, or a
.mo that differs from its .po fails the suite (SecureDrop's check-strings idea)."""
from __future__ import annotations

import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from portal.ops.cli import extract_messages
from portal.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"


def _read(path):
    with open(path, "rb") as fh:
        return read_po(fh)


def _ids(catalog):
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def test_catalog_template_is_fresh(tmp_path):
    fresh = tmp_path / "messages.pot"
    extract_messages(fresh)
    missing = _ids(_read(fresh)) - _ids(_read(TRANSLATIONS / "messages.pot"))
    stale = _ids(_read(TRANSLATIONS / "messages.pot")) - _ids(_read(fresh))
    assert not missing, f"run `flask --app portal translate update`: new strings {sorted(map(str, missing))[:20]}"
    assert not stale, f"run `flask --app portal translate update`: removed strings {sorted(map(str, stale))[:20]}"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_catalog_has_every_template_message(lang):
    template = _ids(_read(TRANSLATIONS / "messages.pot"))
    catalog = _ids(_read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"))
    assert not template - catalog, f"{lang} catalog lacks {sorted(map(str, template - catalog))[:20]}"


def test_indonesian_is_complete_and_not_fuzzy():
    catalog = _read(TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po")
    todo = [m.id for m in catalog if m.id and (m.fuzzy or not m.string or
                                               (isinstance(m.string, tuple) and not all(m.string)))]
    assert not todo, f"untranslated or fuzzy Indonesian entries: {todo[:20]}"


def test_placeholders_survive_translation():
    catalog = _read(TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po")
    pattern = re.compile(r"%\([a-z_]+\)[sd]|%%")
    for m in catalog:
        if not m.id or isinstance(m.id, tuple):
            continue
        assert sorted(pattern.findall(m.id)) == sorted(pattern.findall(m.string)), m.id


@pytest.mark.parametrize("lang", ["id", "en"])
def test_compiled_catalog_matches_source(lang):
    po = _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
    mo_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), "run `flask --app portal translate compile`"
    with open(mo_path, "rb") as fh:
        mo = read_mo(fh)
    def key(value):  # plural entries: tuples from read_po, lists from read_mo
        return tuple(value) if isinstance(value, (list, tuple)) else value

    def translated(m) -> bool:
        return bool(m.id and m.string and all(key(m.string)) if isinstance(m.string, (list, tuple))
                    else m.id and m.string)

    # pybabel compiles an untranslated plural as its own msgids: the same as no entry.
    po_map = {key(m.id): key(m.string) for m in po if translated(m) and not m.fuzzy and key(m.string) != key(m.id)}
    mo_map = {key(m.id): key(m.string) for m in mo if translated(m) and key(m.string) != key(m.id)}
    assert po_map == mo_map


def test_pages_render_translated(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Masuk pegawai" in page
    assert "Staff login" in client.get("/login?lang=en").get_data(as_text=True)
