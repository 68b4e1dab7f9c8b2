"""The LKE editor (/zona-integritas/lke) of the Inspectorate and administrators, through HTTP: who
may open it, a new year copied from an earlier one, items edited (bad options kept with the reason),
moved, deleted only while no unit has answered them, and the two setup-checklist items that stay
open until the LKE, its pass marks and the scoring have been checked."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.pages import english, field_error, flashed, page_text

LKE = "/zona-integritas/lke"


@pytest.fixture
def version_id(app):
    from portal.zi import lke

    with app.app_context():
        assert lke.load_shipped() == 1
        db.session.commit()
        return lke.latest_version().id


def item_of(app, code: str, year: int = 2026) -> dict:
    from portal.zi import lke

    with app.app_context():
        for item in lke.items_of(lke.version_for(year)):
            if item.code == code:
                return {"id": item.id, "text": item.text, "options": list(item.options), "verified": item.verified,
                        "evidence_keys": item.evidence_keys, "position": item.position,
                        "component_id": item.component_id}
    raise AssertionError(code)


def checklist(client) -> dict[str, str]:
    page = client.get("/admin/persiapan?lang=en").get_data(as_text=True)
    found = re.findall(r'<li class="list-group-item[^"]*" id="setup-([a-z_]+)">(.*?)</li>', page, re.S)
    return {key: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip() for key, body in found}


def audit_actions(app) -> list[str]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("zi.%"))
                                       .order_by(AuditEvent.seq)))


def item_form(item: dict, **changes) -> dict:
    data = {"code": "A.I.5.i.a", "row_id": "75", "text": item["text"], "answer_type": "abc",
            "options": "\n".join(item["options"]), "guidance": "", "source": "Templat LKE"}
    data.update(changes)
    return data


def test_only_the_inspectorate_and_administrators_open_the_editor(app, world, login_as, version_id):
    for account in (world.inspektur, world.admin):
        client = login_as(account)
        assert client.get(f"{LKE}/").status_code == 200
        page = client.get(f"{LKE}/{version_id}?lang=en")
        assert page.status_code == 200
        text = page_text(page)
        assert "Penguatan Pengawasan" in text and "A.I.5.iv.a" in text
        # Areas 1-4 and 6 have no sub-components yet; area 5's add up to its weight, so no warning.
        assert "No sub-components or items have been entered for this area yet." in text
        assert "The sub-components sum to" not in text
    for account in (world.secretary, world.asn):
        client = login_as(account)
        assert client.get(f"{LKE}/").status_code == 403
        assert client.get(f"{LKE}/{version_id}").status_code == 403
        assert client.post(f"{LKE}/baru", data={"source_id": version_id, "year": "2027"}).status_code == 403


def test_a_new_year_copies_every_item_into_rows_of_its_own(app, world, login_as, version_id):
    from portal.zi import lke

    client = english(login_as(world.inspektur))
    listing = page_text(client.get(f"{LKE}/"))
    assert "25 items" in listing and "3 complete, 5 incomplete" in listing
    response = client.post(f"{LKE}/baru", data={"source_id": version_id, "year": "2027"})
    assert response.status_code == 302
    with app.app_context():
        old, new = lke.version_for(2026), lke.version_for(2027)
        assert {**lke.as_data(old), "year": 2027} == lke.as_data(new)
        assert not {i.id for i in lke.items_of(old)} & {i.id for i in lke.items_of(new)}
        assert response.headers["Location"].endswith(f"{LKE}/{new.id}")
    # Editing next year's item leaves this year's as it was.
    copied = item_of(app, "A.I.5.i.a", 2027)
    assert client.post(f"{LKE}/butir/{copied['id']}", data=item_form(copied, text="Kampanye publik 2027",
                                                                     verified="y")).status_code == 302
    assert item_of(app, "A.I.5.i.a", 2027)["text"] == "Kampanye publik 2027"
    assert item_of(app, "A.I.5.i.a", 2026)["text"] == copied["text"]
    # A year that exists already is refused next to the field.
    refused = client.post(f"{LKE}/baru", data={"source_id": version_id, "year": "2027"})
    assert refused.status_code == 400
    assert "The LKE of 2027 already exists" in field_error(refused.get_data(as_text=True), "year")
    assert audit_actions(app) == ["zi.lke_version_created", "zi.lke_item_saved"]


def test_an_item_with_the_wrong_number_of_options_is_shown_again_with_the_reason(app, world, login_as, version_id):
    from portal.zi import evidence

    evidence.register(app, evidence.Provider("fake_register", "Register palsu", lambda opd, year: None))
    client = english(login_as(world.admin))
    item = item_of(app, "A.I.5.i.a")
    form = client.get(f"{LKE}/butir/{item['id']}").get_data(as_text=True)
    assert 'value="fake_register"' in form and "Register palsu" in form
    # An item naming a provider nobody has registered (one a later version removed) offers it for unticking.
    with app.app_context():
        from portal.extensions import db
        from portal.zi.models import LkeItem

        db.session.get(LkeItem, item["id"]).evidence_keys = "socialisation retired_provider"
        db.session.commit()
    item = item_of(app, "A.I.5.i.a")
    shown = page_text(client.get(f"{LKE}/butir/{item['id']}"))
    assert "retired_provider (not registered)" in shown and "socialisation (not registered)" not in shown
    typed = item_form(item, text="Kampanye publik yang diketik", answer_type="abcd",
                      options="Berkala\nTidak berkala\nBelum", evidence_keys=["fake_register"])
    refused = client.post(f"{LKE}/butir/{item['id']}", data=typed)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "A/B/C/D has 4 options; 3 lines were given" in field_error(page, "options")
    assert "Kampanye publik yang diketik" in page_text(refused)
    assert re.search(r'<option selected value="abcd">|<option value="abcd" selected>', page)
    assert re.search(r'value="fake_register"[^>]*checked|checked[^>]*value="fake_register"', page)
    assert item_of(app, "A.I.5.i.a") == item  # nothing saved
    # A percentage has no options at all.
    refused = client.post(f"{LKE}/butir/{item['id']}", data={**typed, "answer_type": "percent"})
    assert "has no options" in field_error(refused.get_data(as_text=True), "options")
    # With four lines it is saved, and the provider chosen replaces the unregistered ones.
    saved = client.post(f"{LKE}/butir/{item['id']}", data={**typed, "options": "A\nB\nC\nD", "verified": "y"})
    assert saved.status_code == 302
    after = item_of(app, "A.I.5.i.a")
    assert after["options"] == ["A", "B", "C", "D"] and after["verified"] and after["evidence_keys"] == "fake_register"


def test_items_move_and_are_deleted_only_while_no_unit_answered_them(app, world, login_as, version_id):
    from portal.zi.models import Answer, LkeItem, Target, Unit

    client = english(login_as(world.inspektur))
    first, second = item_of(app, "A.I.5.ii.a"), item_of(app, "A.I.5.ii.b")
    assert client.post(f"{LKE}/butir/{second['id']}/pindah/naik").status_code == 302
    assert item_of(app, "A.I.5.ii.b")["position"] < item_of(app, "A.I.5.ii.a")["position"]
    with app.app_context():
        unit = Unit(version_id=version_id, opd_id=world.dinkes, target=Target.WBK)
        db.session.add(unit)
        db.session.flush()
        db.session.add(Answer(unit_id=unit.id, item_id=first["id"], self_value="a"))
        db.session.commit()
    refused = client.post(f"{LKE}/butir/{first['id']}/hapus")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"{LKE}/butir/{first['id']}")
    assert "cannot be deleted: a unit of 2026 has already answered it" in flashed(client)
    refused = client.post(f"{LKE}/subkomponen/{first['component_id']}/hapus")
    assert refused.status_code == 302
    assert "Sub-component A.I.5.ii cannot be deleted" in flashed(client)
    assert client.post(f"{LKE}/butir/{second['id']}/hapus").status_code == 302
    with app.app_context():
        assert db.session.get(LkeItem, first["id"]) is not None
        assert db.session.get(LkeItem, second["id"]) is None
        positions = db.session.scalars(sa.select(LkeItem.position).where(
            LkeItem.component_id == first["component_id"]).order_by(LkeItem.position)).all()
        assert positions == [0, 1, 2]
    # A sub-component added to an empty area: then the weights are compared with the area's.
    area = page_text(client.get(f"{LKE}/{version_id}"))
    area_id = int(re.search(r'id="area-(\d+)"[^>]*aria-labelledby="area-\d+-h"', area).group(1))
    added = client.post(f"{LKE}/area/{area_id}/subkomponen/baru",
                        data={"part": "compliance", "code": "A.I.1.i", "name": "Tim Kerja", "weight": "2,5"})
    assert added.status_code == 302
    assert "The sub-components sum to 2.5 of 8." in page_text(client.get(f"{LKE}/{version_id}"))
    taken = client.post(f"{LKE}/area/{area_id}/subkomponen/baru",
                        data={"part": "reform", "code": "A.I.1.i", "name": "Lagi", "weight": "1"})
    assert taken.status_code == 400 and "already has the code A.I.1.i" in page_text(taken)
    assert "zi.lke_item_moved" in audit_actions(app) and "zi.lke_item_deleted" in audit_actions(app)


def test_the_setup_checklist_says_what_is_left_until_the_lke_is_checked(app, world, login_as, version_id):
    from portal.zi.models import AnswerType, LkeArea, LkeComponent, LkeItem, Part

    admin = english(login_as(world.admin))
    shown = checklist(admin)
    assert "To do" in shown["zi_lke"]
    assert ("Areas without items: Manajemen Perubahan, Penataan Tatalaksana, Penataan Sistem Manajemen SDM "
            "Aparatur, Penguatan Akuntabilitas, Peningkatan Kualitas Pelayanan Publik") in shown["zi_lke"]
    assert "25 items not yet checked against the Lampiran of PermenPANRB 90/2021" in shown["zi_lke"]
    assert "pass marks are the template's" in shown["zi_lke"]
    assert f'href="{LKE}/{version_id}"' in admin.get("/admin/persiapan").get_data(as_text=True)
    # An area with items that is no longer marked complete is named as such.
    with app.app_context():
        area5 = db.session.scalar(sa.select(LkeArea).where(LkeArea.code == "5"))
        area5_id, area5_weight = area5.id, area5.weight
    assert admin.post(f"{LKE}/area/{area5_id}", data={"name": "Penguatan Pengawasan", "weight": "15"}
                      ).status_code == 302
    assert "Areas not yet marked complete: Penguatan Pengawasan;" in checklist(admin)["zi_lke"]
    assert admin.post(f"{LKE}/area/{area5_id}", data={"name": "Penguatan Pengawasan", "weight": "15",
                                                      "complete": "y"}).status_code == 302
    assert "Areas not yet marked complete" not in checklist(admin)["zi_lke"] and area5_weight == 15
    # The pass marks checked through the form: that part goes.
    form = {"title": "LKE Zona Integritas", "source": "PermenPANRB 90/2021", "pass_marks_verified": "y",
            "wbk_final": "75", "wbbm_final": "85,5"}
    assert admin.post(f"{LKE}/{version_id}/ubah", data=form).status_code == 302
    shown = checklist(admin)["zi_lke"]
    assert "pass marks" not in shown and "25 items" in shown
    with app.app_context():
        from portal.zi import lke

        version = lke.version_for(2026)
        assert version.pass_marks == {"wbk": {"final": 75.0}, "wbbm": {"final": 85.5}}
        for item in lke.items_of(version)[1:]:
            item.verified = True
        db.session.commit()
    assert "1 item not yet checked" in checklist(admin)["zi_lke"]
    item = item_of(app, "A.I.5.i.a")
    assert admin.post(f"{LKE}/butir/{item['id']}", data=item_form(item, verified="y")).status_code == 302
    shown = checklist(admin)["zi_lke"]
    assert "not yet checked" not in shown and "Areas without items" in shown
    with app.app_context():
        areas = db.session.scalars(sa.select(LkeArea).where(LkeArea.complete.is_(False))).all()
        assert len(areas) == 5
        first = areas[0]
        first_id, name, weight = first.id, first.name, first.weight
        for n, area in enumerate(areas[1:]):
            area.complete = True
            area.components.append(LkeComponent(part=Part.COMPLIANCE, code=f"X.{n}", name="Sub", weight=area.weight,
                                                items=[LkeItem(code=f"X.{n}.a", text="Butir", verified=True,
                                                               answer_type=AnswerType.YES_NO)]))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(LkeItem.id)).where(LkeItem.verified.is_(False))) == 0
    # Marked complete without items: still named as an area without items.
    assert admin.post(f"{LKE}/area/{first_id}", data={"name": name, "weight": str(weight), "complete": "y"}
                      ).status_code == 302
    assert f"Areas without items: {name}." in checklist(admin)["zi_lke"]
    # Its first sub-component and item, checked: nothing is left.
    assert admin.post(f"{LKE}/area/{first_id}/subkomponen/baru",
                      data={"part": "compliance", "code": "A.I.x.i", "name": "Sub", "weight": str(weight)}
                      ).status_code == 302
    with app.app_context():
        component_id = db.session.scalar(sa.select(LkeArea).where(LkeArea.id == first_id)).components[0].id
    added = admin.post(f"{LKE}/subkomponen/{component_id}/butir/baru", data={
        "code": "A.I.x.i.a", "text": "Butir baru", "answer_type": "yes_no", "options": "Ya\nTidak",
        "verified": "y"})
    assert added.status_code == 302
    shown = checklist(admin)
    assert "Done" in shown["zi_lke"] and "To do" not in shown["zi_lke"]
    # The scoring stays open until someone records where it was checked.
    assert "To do" in shown["zi_scoring"] and "common practice" in shown["zi_scoring"]
    assert admin.post(f"{LKE}/{version_id}/skor", data={"where": "Lampiran PermenPANRB 90/2021, hlm. 40"}
                      ).status_code == 302
    shown = checklist(admin)["zi_scoring"]
    assert "Done" in shown and "Lampiran PermenPANRB 90/2021, hlm. 40" in shown
    assert admin.post(f"{LKE}/{version_id}/skor", data={"where": ""}).status_code == 302
    assert "To do" in checklist(admin)["zi_scoring"]


def test_the_editor_s_forms_need_the_csrf_token(app_factory, world, version_id):
    from tests.helpers.accounts import PASSWORD

    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"login": "inspektur", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    item = item_of(app, "A.I.5.i.a")
    assert client.post(f"{LKE}/baru", data={"source_id": version_id, "year": "2028"}).status_code == 400
    assert client.post(f"{LKE}/butir/{item['id']}/hapus").status_code == 400
    assert client.post(f"{LKE}/butir/{item['id']}", data=item_form(item, text="Tanpa token")).status_code == 400
    assert item_of(app, "A.I.5.i.a") == item
    page = client.get(f"{LKE}/butir/{item['id']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"{LKE}/butir/{item['id']}", data={**item_form(item, text="Dengan token"),
                                                          "csrf_token": token}).status_code == 302
    assert item_of(app, "A.I.5.i.a")["text"] == "Dengan token"
