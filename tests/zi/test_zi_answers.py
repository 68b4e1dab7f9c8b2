"""Answers to LKE items: the unit's own while it fills the self-assessment, the Inspectorate's
while it is submitted; a refused value re-renders with the reason and what was typed."""
from __future__ import annotations

import re

from portal.extensions import db
from tests.helpers.pages import english, field_error, page_text
from tests.helpers.zi import BASE, INVALID, VALID, answer_all, audit_actions, unit_state


def _first(lke_items, kind):
    return next(i for i in lke_items if i["type"] == kind)


def test_the_item_page_shows_wording_options_guidance_and_source(app, world, login_as, unit_id, lke_items):
    item = _first(lke_items, "abc")
    with app.app_context():
        from portal.zi.models import LkeItem

        row = db.session.get(LkeItem, item["id"])
        text, options, source = row.text, list(row.options), row.source
        row.verified = False
        db.session.commit()
    page = page_text(english(login_as(world.secretary)).get(f"{BASE}/unit/{unit_id}/butir/{item['id']}"))
    assert text in page and f"a. {options[0]}" in page and f"c. {options[2]}" in page
    assert "The wording is the LKE as the portal applies it, not a legal text." in page and source in page
    assert "nverified" not in page and "belum diverifikasi" not in page.lower()
    # An item without wording for its options offers the bare letters.
    with app.app_context():
        db.session.get(LkeItem, item["id"]).options = []
        db.session.commit()
    page = page_text(english(login_as(world.secretary)).get(f"{BASE}/unit/{unit_id}/butir/{item['id']}"))
    assert re.search(r'<option value="b"\s*>b</option>', page)


def test_an_item_of_another_version_is_404(app, world, login_as, unit_id, lke_items):
    client = login_as(world.secretary)
    assert client.get(f"{BASE}/unit/{unit_id}/butir/999999").status_code == 404
    assert login_as(world.secretary_disdik).get(f"{BASE}/unit/{unit_id}/butir/{lke_items[0]['id']}").status_code == 404


def test_the_secretary_answers_and_a_bad_value_keeps_the_note(app, world, login_as, unit_id, lke_items):
    secretary = english(login_as(world.secretary))
    for kind in ("abc", "score"):
        item = _first(lke_items, kind)
        url = f"{BASE}/unit/{unit_id}/butir/{item['id']}/jawaban"
        bad = secretary.post(url, data={"value": INVALID[kind], "note": "Catatan yang saya ketik"})
        page = page_text(bad)
        assert bad.status_code == 400 and "Catatan yang saya ketik" in page
        assert field_error(page, "value") in ("Choose one of the answers offered.", "Enter a value from 0 to 4.")
        assert item["id"] not in unit_state(app, unit_id)["answers"]
        good = secretary.post(url, data={"value": VALID[kind], "note": "SK Kepala Dinas"})
        assert good.status_code == 302
        assert unit_state(app, unit_id)["answers"][item["id"]][:2] == (VALID[kind], "SK Kepala Dinas")
    percent = _first(lke_items, "score")
    assert secretary.post(f"{BASE}/unit/{unit_id}/butir/{percent['id']}/jawaban",
                          data={"value": "2,5", "note": ""}).status_code == 302
    assert unit_state(app, unit_id)["answers"][percent["id"]][0] == "2.5"
    assert audit_actions(app).count("zi.self_answered") == 3
    # Others may not answer for the unit.
    url = f"{BASE}/unit/{unit_id}/butir/{lke_items[0]['id']}/jawaban"
    assert login_as(world.inspektur).post(url, data={"value": "a"}).status_code == 403
    assert login_as(world.admin).post(url, data={"value": "a"}).status_code == 403
    assert login_as(world.secretary_disdik).post(url, data={"value": "a"}).status_code == 404


def test_answers_are_closed_once_submitted_and_the_assessor_answers(app, world, login_as, unit_id, lke_items):
    answer_all(app, unit_id, lke_items, by=world.secretary)
    secretary = english(login_as(world.secretary))
    secretary.post(f"{BASE}/unit/{unit_id}/kirim")
    item = _first(lke_items, "abc")
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}/butir/{item['id']}"))
    assert "Your answer" not in page and "Internal assessment" not in page
    refused = secretary.post(f"{BASE}/unit/{unit_id}/butir/{item['id']}/jawaban", data={"value": "c", "note": ""})
    assert refused.status_code == 400 and "can no longer be changed" in page_text(refused)
    assert unit_state(app, unit_id)["answers"][item["id"]][0] == "a"
    inspektur = english(login_as(world.inspektur))
    assert "Internal assessment" in page_text(inspektur.get(f"{BASE}/unit/{unit_id}/butir/{item['id']}"))
    url = f"{BASE}/unit/{unit_id}/butir/{item['id']}/penilaian"
    bad = inspektur.post(url, data={"a-value": "q", "a-comment": "Bukti kurang"})
    assert bad.status_code == 400 and field_error(page_text(bad), "a-value") == "Choose one of the answers offered."
    assert "Bukti kurang" in page_text(bad)
    empty = inspektur.post(url, data={"a-value": "", "a-comment": ""})
    assert empty.status_code == 400 and field_error(page_text(empty), "a-value") == "Choose the assessor's answer."
    assert inspektur.post(url, data={"a-value": "b", "a-comment": "Belum berkala"}).status_code == 302
    assert unit_state(app, unit_id)["answers"][item["id"]] == ("a", "", "b", "Belum berkala")
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}/butir/{item['id']}"))
    assert "Differs from the unit's answer" in page and "Belum berkala" in page
    same = _first(lke_items, "score")
    inspektur.post(f"{BASE}/unit/{unit_id}/butir/{same['id']}/penilaian", data={"a-value": VALID["score"]})
    assert "Differs" not in page_text(secretary.get(f"{BASE}/unit/{unit_id}/butir/{same['id']}"))
    assert login_as(world.admin).post(url, data={"a-value": "a"}).status_code == 403


def test_the_assessor_cannot_assess_during_the_self_assessment(app, world, login_as, unit_id, lke_items):
    item = lke_items[0]
    inspektur = english(login_as(world.inspektur))
    response = inspektur.post(f"{BASE}/unit/{unit_id}/butir/{item['id']}/penilaian", data={"a-value": "a"})
    assert response.status_code == 400
    assert unit_state(app, unit_id)["answers"] == {}


def test_the_unit_page_scores_both_answer_sets(app, world, login_as, unit_id, lke_items):
    answer_all(app, unit_id, lke_items, by=world.secretary)
    english(login_as(world.secretary)).post(f"{BASE}/unit/{unit_id}/kirim")
    answer_all(app, unit_id, lke_items, by=world.inspektur, assessor=True,
               value=lambda e: {"abc": "c", "abcd": "d", "abcde": "e", "yes_no": "no"}.get(e["type"], "0"))
    with app.app_context():
        from portal.zi import lke, scoring

        version = lke.version_for(2026)
        items = lke.items_of(version)
        own = scoring.score(version, items, {i.id: VALID[i.answer_type.value] for i in items}).parts["final"]
    page = page_text(english(login_as(world.inspektur)).get(f"{BASE}/unit/{unit_id}"))
    assert f"{own:.2f}" in page and "0.00" in page
    assert page.count("Differs") == len(lke_items)
    assert "Not met" in page


def test_the_pages_speak_indonesian_by_default(app, world, login_as, unit_id, lke_items):
    secretary = login_as(world.secretary)
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}/butir/{lke_items[0]['id']}"))
    assert "Rumusan ini adalah LKE sebagaimana diterapkan portal, bukan teks hukum." in page
    assert "Simpan jawaban" in page and "Tambah bukti dukung" in page
    assert "Penilaian mandiri berjalan" in page_text(secretary.get(f"{BASE}/unit/{unit_id}"))
