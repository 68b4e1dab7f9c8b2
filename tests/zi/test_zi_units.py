"""A unit of Zona Integritas: who sees it, the Inspectorate proposes it, the unit submits, the
Inspectorate completes or sends it back; the to-do lines and the follow-up panel."""
from __future__ import annotations

import re

from portal.extensions import db
from tests.helpers.pages import english, flashed, page_text
from tests.helpers.zi import BASE, VALID, answer_all, audit_actions, unit_state


def test_the_secretary_sees_only_their_own_unit(app, world, login_as, unit_id):
    own = english(login_as(world.secretary))
    index = page_text(own.get(f"{BASE}/"))
    assert "Dinas Kesehatan" in index and f"{BASE}/unit/{unit_id}" in index
    assert own.get(f"{BASE}/unit/{unit_id}").status_code == 200
    other = english(login_as(world.secretary_disdik))
    assert "Dinas Kesehatan" not in page_text(other.get(f"{BASE}/"))
    assert other.get(f"{BASE}/unit/{unit_id}").status_code == 404
    assert other.get(f"{BASE}/unit/999999").status_code == 404
    asn = login_as(world.asn)
    assert asn.get(f"{BASE}/").status_code == 403 and asn.get(f"{BASE}/unit/{unit_id}").status_code == 404
    assert asn.post(f"{BASE}/unit/{unit_id}/selesai").status_code == 403
    for account in (world.inspektur, world.admin):
        client = english(login_as(account))
        assert f"{BASE}/unit/{unit_id}" in page_text(client.get(f"{BASE}/?tahun=2026"))
        assert client.get(f"{BASE}/unit/{unit_id}").status_code == 200
    # The admin sees but does not assess: neither the propose form nor the steps.
    admin_page = page_text(english(login_as(world.admin)).get(f"{BASE}/"))
    assert "Propose an OPD" not in admin_page


def test_nav_entry_for_the_three_roles(app, world, login_as, lke_items):
    for account, shown in ((world.secretary, True), (world.inspektur, True), (world.admin, True), (world.asn, False)):
        home = page_text(english(login_as(account)).get("/"))
        assert (f'href="{BASE}/"' in home) is shown, account["login"]


def test_the_inspectorate_proposes_once_per_opd_and_year(app, world, login_as, lke_items):
    inspektur = english(login_as(world.inspektur))
    index = page_text(inspektur.get(f"{BASE}/"))
    assert "Propose an OPD" in index and "No unit has been proposed for this year." in index
    response = inspektur.post(f"{BASE}/usulkan?tahun=2026", data={"opd_id": world.disdik, "target": "wbbm"})
    assert response.status_code == 302
    with app.app_context():
        from portal.zi.models import Unit

        unit = db.session.scalars(db.select(Unit)).one()
        assert (unit.opd_id, unit.target.value, unit.status.value, unit.version.year) == (
            world.disdik, "wbbm", "self_assessment", 2026)
        unit_id = unit.id
    again = inspektur.post(f"{BASE}/usulkan?tahun=2026", data={"opd_id": world.disdik, "target": "wbk"})
    assert again.status_code == 400 and "has already been proposed for 2026" in page_text(again)
    bad = inspektur.post(f"{BASE}/usulkan?tahun=2026", data={"opd_id": world.dinkes, "target": "emas"})
    assert bad.status_code == 400 and "Not a valid choice." in page_text(bad)
    assert audit_actions(app) == ["zi.unit_proposed"]
    # The secretary may not propose; a withdrawal of an untouched unit removes it.
    assert login_as(world.secretary).post(f"{BASE}/usulkan?tahun=2026",
                                          data={"opd_id": world.dinkes, "target": "wbk"}).status_code == 403
    assert inspektur.post(f"{BASE}/unit/{unit_id}/tarik").status_code == 302
    assert unit_state(app, unit_id) == {} and audit_actions(app)[-1] == "zi.unit_withdrawn"


def test_withdrawal_is_refused_once_the_unit_has_answered(app, world, login_as, unit_id, lke_items):
    answer_all(app, unit_id, lke_items[:1], by=world.secretary)
    inspektur = english(login_as(world.inspektur))
    assert inspektur.post(f"{BASE}/unit/{unit_id}/tarik").status_code == 302
    assert "can no longer be withdrawn" in flashed(inspektur)
    assert unit_state(app, unit_id)["status"] == "self_assessment"


def test_submit_needs_every_item_then_the_inspectorate_assesses_and_finishes(app, world, login_as, unit_id,
                                                                            lke_items):
    secretary = english(login_as(world.secretary))
    answer_all(app, unit_id, lke_items[:-2], by=world.secretary)
    assert secretary.post(f"{BASE}/unit/{unit_id}/kirim").status_code == 302
    message = flashed(secretary)
    assert "Not yet answered (2)" in message and lke_items[-1]["code"] in message
    assert unit_state(app, unit_id)["status"] == "self_assessment"
    answer_all(app, unit_id, lke_items[-2:], by=world.secretary)
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}"))
    assert "Submit the self-assessment" in page and f"{len(lke_items)} of {len(lke_items)} items answered" in page
    assert secretary.post(f"{BASE}/unit/{unit_id}/kirim").status_code == 302
    assert unit_state(app, unit_id)["status"] == "submitted"
    assert "Submit the self-assessment" not in page_text(secretary.get(f"{BASE}/unit/{unit_id}"))
    inspektur = english(login_as(world.inspektur))
    assert "Complete the internal assessment" in page_text(inspektur.get(f"{BASE}/unit/{unit_id}"))
    assert inspektur.post(f"{BASE}/unit/{unit_id}/selesai").status_code == 302
    assert "Not yet assessed" in flashed(inspektur) and unit_state(app, unit_id)["status"] == "submitted"
    # Everything the same but the first item: the unit said "a", the Inspectorate "c".
    answer_all(app, unit_id, lke_items, by=world.inspektur, assessor=True,
               value=lambda e: "c" if e["id"] == lke_items[0]["id"] else VALID[e["type"]])
    assert secretary.post(f"{BASE}/unit/{unit_id}/selesai").status_code == 403
    assert inspektur.post(f"{BASE}/unit/{unit_id}/selesai").status_code == 302
    assert unit_state(app, unit_id)["status"] == "assessed"
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}"))
    row = re.search(rf"<tr class=\"table-warning\"><td[^>]*>{re.escape(lke_items[0]['code'])}</td>.*?</tr>", page, re.S)
    assert row and "Differs" in row.group(0)
    assert page.count('class="table-warning"') == 1
    assert "Pass marks for WBK" in page and "Final score" in page
    actions = audit_actions(app)
    assert actions[-1] == "zi.unit_assessed" and actions.count("zi.unit_submitted") == 1


def test_the_inspectorate_sends_it_back_with_a_reason(app, world, login_as, unit_id, lke_items):
    answer_all(app, unit_id, lke_items, by=world.secretary)
    secretary = english(login_as(world.secretary))
    secretary.post(f"{BASE}/unit/{unit_id}/kirim")
    inspektur = english(login_as(world.inspektur))
    empty = inspektur.post(f"{BASE}/unit/{unit_id}/kembalikan", data={"reason": ""})
    assert empty.status_code == 400 and "Say why the self-assessment is sent back." in page_text(empty)
    assert unit_state(app, unit_id)["status"] == "submitted"
    assert secretary.post(f"{BASE}/unit/{unit_id}/kembalikan", data={"reason": "x"}).status_code == 403
    response = inspektur.post(f"{BASE}/unit/{unit_id}/kembalikan", data={"reason": "Lengkapi bukti SK WBS."})
    assert response.status_code == 302 and unit_state(app, unit_id)["status"] == "self_assessment"
    page = page_text(secretary.get(f"{BASE}/unit/{unit_id}"))
    assert "Sent back by the Inspectorate:" in page and "Lengkapi bukti SK WBS." in page
    assert "zi.unit_reopened" in audit_actions(app)


def test_index_shows_progress_and_scores(app, world, login_as, unit_id, lke_items):
    answer_all(app, unit_id, lke_items[:3], by=world.secretary)
    page = page_text(english(login_as(world.inspektur)).get(f"{BASE}/?tahun=2026"))
    assert f"3 of {len(lke_items)}" in page and "Self-assessment in progress" in page
    other_year = page_text(english(login_as(world.inspektur)).get(f"{BASE}/?tahun=2031"))
    assert "There is no LKE for this year yet." in other_year


def test_the_unit_page_says_which_items_have_evidence_from_the_portal(app, world, login_as, unit_id, lke_items):
    from portal.zi import evidence
    from portal.zi.models import LkeItem

    held = {world.dinkes}  # the OPDs the fake provider holds something for
    evidence.register(app, evidence.Provider("fake_register", "Register palsu", lambda opd, year: evidence.Gathered(
        "Register", ["1 baris"], present=opd in held)))
    with app.app_context():
        db.session.get(LkeItem, lke_items[0]["id"]).evidence_keys = "fake_register"
        db.session.get(LkeItem, lke_items[1]["id"]).evidence_keys = "retired_provider"
        db.session.commit()

    def cells() -> list[str]:
        page = page_text(english(login_as(world.secretary)).get(f"{BASE}/unit/{unit_id}"))
        return re.findall(r'<td data-label="Evidence">(.*?)</td>', page)

    found = cells()
    assert found[0] == "from the portal" and "none yet" in found[1] and len(found) == len(lke_items)
    held.clear()  # nothing in the portal any more: the page follows at once
    assert "none yet" in cells()[0]


def test_the_to_do_lines(app, world, login_as, unit_id, lke_items):
    answer_all(app, unit_id, lke_items[:2], by=world.secretary)
    secretary = english(login_as(world.secretary))
    home = page_text(secretary.get("/"))
    assert f"Zona Integritas self-assessment 2026: 2 of {len(lke_items)} items answered" in home
    assert f"{BASE}/unit/{unit_id}" in home
    assert "self-assessment 2026" not in page_text(english(login_as(world.secretary_disdik)).get("/"))
    inspektur = english(login_as(world.inspektur))
    assert "wait for your assessment" not in page_text(inspektur.get("/"))
    answer_all(app, unit_id, lke_items[2:], by=world.secretary)
    secretary.post(f"{BASE}/unit/{unit_id}/kirim")
    home = page_text(inspektur.get("/"))
    assert "1 Zona Integritas unit waits for your assessment" in home and f"{BASE}/?tahun=2026" in home
    assert "Zona Integritas self-assessment" not in page_text(secretary.get("/"))


def test_the_follow_up_panel(app, world, login_as, unit_id):
    inspektur = english(login_as(world.inspektur))
    page = page_text(inspektur.get(f"{BASE}/unit/{unit_id}"))
    new_url = f"/tindak-lanjut/evaluasi/zi.assessment/{unit_id}/2026/baru"
    assert "Recommendations and their follow-up" in page and new_url in page
    form = page_text(inspektur.get(new_url))
    assert re.search(rf'<option selected value="{world.dinkes}"|<option value="{world.dinkes}" selected', form)
    response = inspektur.post(new_url, data={"text": "Tetapkan tim pembangunan ZI.", "opd_id": world.dinkes,
                                             "owner_login": "", "due_on": "2026-12-31"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/unit/{unit_id}")
    secretary_page = page_text(english(login_as(world.secretary)).get(f"{BASE}/unit/{unit_id}"))
    assert "Tetapkan tim pembangunan ZI." in secretary_page and new_url not in secretary_page


def test_the_steps_need_the_csrf_token(app, app_factory, world, unit_id, lke_items):
    from tests.helpers.accounts import PASSWORD

    answer_all(app, unit_id, lke_items, by=world.secretary)
    strict = app_factory(WTF_CSRF_ENABLED=True)  # the same database as `app`
    client = strict.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"login": "sekretaris.dinkes", "password": PASSWORD,
                                       "csrf_token": token.group(1)}).status_code == 302
    item = lke_items[0]["id"]
    client.post(f"{BASE}/unit/{unit_id}/kirim")
    client.post(f"{BASE}/unit/{unit_id}/butir/{item}/jawaban", data={"value": "c", "note": "x"})
    client.post(f"{BASE}/unit/{unit_id}/butir/{item}/bukti", data={"e-kind": "note", "e-title": "T", "e-note": "n"})
    state = unit_state(app, unit_id)
    assert state["status"] == "self_assessment" and state["answers"][item][:2] == ("a", "")
    with strict.app_context():
        from portal.zi.models import ItemEvidence

        assert db.session.scalar(db.select(db.func.count()).select_from(ItemEvidence)) == 0
    page = client.get(f"{BASE}/unit/{unit_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(f"{BASE}/unit/{unit_id}/kirim", data={"csrf_token": token}).status_code == 302
    assert unit_state(app, unit_id)["status"] == "submitted"
