"""A declaration involving a gift links to the declarant's own gift report, both ways, through
HTTP: the form offers only their sent reports, the service refuses anybody else's; the
declaration's page shows the report's number and status, a link only for those who may read the
report; the report's pages list the declarations, a link only for those who may read them."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests.coi.conftest import BASE, english, field_error, text
from tests.helpers.gifts import gift_report
from tests.helpers.nonce_support import with_nonce

GIFTS = "/gratifikasi"


def form(items, **over) -> dict:
    data = {"types": [items[("type", "BK01")]], "sources": [items[("source", "S3")]],
            "description": "Rekanan yang memberi parsel ikut tender alat kesehatan yang saya nilai.",
            "activity": "procurement", "related_party": "CV Maju Bersama", "relationship_kind": "gift_giver",
            "gift_involved": "y", "proposed_measure": "Saya mundur dari panitia.", "save": "Save draft"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def send(client, url: str, data: dict):
    return client.post(url, data=with_nonce(client, url, data))


def new_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return int(re.search(rf"{BASE}/(\d+)$", response.headers["Location"]).group(1))


def linked(app, declaration_id: int) -> int | None:
    from portal.coi.models import Declaration

    with app.app_context():
        return db.session.get(Declaration, declaration_id).gift_report_id


@pytest.fixture
def upg_user(world, make_employee):
    from portal.core.roles import Role

    return make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})


@pytest.fixture
def gifts(app, world):
    """asn.dinkes's sent report and draft, and asn.disdik's sent report."""
    with app.app_context():
        ids = {"sent": gift_report(world.asn["user_id"]), "draft": gift_report(world.asn["user_id"], send=False),
               "other": gift_report(world.asn_disdik["user_id"], giver="Orang Lain")}
        db.session.commit()
        from portal.gratification.models import GiftReport

        ids["register_no"] = db.session.get(GiftReport, ids["sent"]).register_no
    return ids


@pytest.fixture
def asn(world, login_as):
    return english(login_as(world.asn))


def test_the_form_offers_only_my_sent_reports_and_links_the_one_chosen(app, asn, items, gifts):
    page = asn.get(f"{BASE}/baru/adhoc").get_data(as_text=True)
    select = page[page.index('name="gift_report"'):]
    select = select[:select.index("</select>")]
    assert f'value="{gifts["sent"]}"' in select and gifts["register_no"] in select
    assert f'value="{gifts["draft"]}"' not in select and f'value="{gifts["other"]}"' not in select

    did = new_id(send(asn, f"{BASE}/baru/adhoc", form(items, gift_report=str(gifts["sent"]),
                                                       gift_report_ref="")))
    assert linked(app, did) == gifts["sent"]
    detail = asn.get(f"{BASE}/{did}").get_data(as_text=True)
    assert f'href="{GIFTS}/{gifts["sent"]}"' in detail and "Sent to the UPG" in text(asn.get(f"{BASE}/{did}"))
    # Editing keeps it chosen; choosing none removes the link; a KPK GOL number is still typed in.
    edit = asn.get(f"{BASE}/{did}/ubah").get_data(as_text=True)
    assert re.search(rf'<option selected value="{gifts["sent"]}"|<option value="{gifts["sent"]}" selected', edit)
    assert send(asn, f"{BASE}/{did}/ubah", form(items, gift_report="", gift_report_ref="GOL-2026-0042")) \
        .status_code == 302
    assert linked(app, did) is None
    assert "GOL-2026-0042" in text(asn.get(f"{BASE}/{did}"))


@pytest.mark.parametrize("which", ["other", "draft", "missing"])
def test_only_my_own_sent_report_can_be_linked(app, asn, items, gifts, which):
    from portal.coi.models import Declaration

    target = 999999 if which == "missing" else gifts[which]
    response = send(asn, f"{BASE}/baru/adhoc", form(items, gift_report=str(target)))
    assert response.status_code == 400
    assert "Choose one of the gratification reports you have sent to the UPG." in field_error(
        response.get_data(as_text=True), "gift_report")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Declaration)) == 0


def test_the_refusal_is_translated(app, world, login_as, items, gifts):
    client = login_as(world.asn)  # Indonesian, the default
    response = send(client, f"{BASE}/baru/adhoc", form(items, gift_report=str(gifts["other"])))
    assert response.status_code == 400
    assert "Pilih salah satu laporan gratifikasi" in field_error(response.get_data(as_text=True), "gift_report")


def test_a_link_needs_the_gift_ticked(app, asn, items, gifts):
    response = send(asn, f"{BASE}/baru/adhoc", form(items, gift_involved=None, gift_report=str(gifts["sent"])))
    assert response.status_code == 400
    assert "to link a gratification report" in field_error(response.get_data(as_text=True), "gift_report")


def test_the_decider_sees_the_number_and_status_but_no_link(app, world, login_as, asn, items, gifts, upg_user):
    from portal.auth.models import User
    from portal.core.roles import Role

    did = new_id(send(asn, f"{BASE}/baru/adhoc", form(items, gift_report=str(gifts["sent"]), save=None,
                                                       send="Save and submit")))
    kadis = english(login_as(world.kadis))
    page = kadis.get(f"{BASE}/{did}")
    assert page.status_code == 200
    assert gifts["register_no"] in text(page) and "Sent to the UPG" in text(page)
    assert f'href="{GIFTS}/{gifts["sent"]}"' not in page.get_data(as_text=True)
    assert kadis.get(f"{GIFTS}/{gifts['sent']}").status_code == 404  # and the report stays closed to them
    # The Inspectorate reviewer who is also the UPG may read both: the link is there.
    with app.app_context():
        from portal.auth import services as auth

        auth.set_roles(db.session.get(User, world.inspektur["user_id"]), {Role.ASN, Role.COI_REVIEWER, Role.UPG},
                       actor=None)
        db.session.commit()
    both = english(login_as(world.inspektur)).get(f"{BASE}/{did}").get_data(as_text=True)
    assert f'href="{GIFTS}/{gifts["sent"]}"' in both


def test_the_report_lists_its_declarations_with_links_for_who_may_read_them(app, world, login_as, asn, items, gifts,
                                                                               upg_user):
    submitted = new_id(send(asn, f"{BASE}/baru/adhoc", form(items, gift_report=str(gifts["sent"]), save=None,
                                                             send="Save and submit")))
    draft = new_id(send(asn, f"{BASE}/baru/adhoc", form(items, gift_report=str(gifts["sent"]))))
    with app.app_context():
        from portal.coi.models import Declaration

        number = db.session.get(Declaration, submitted).register_no
    mine = asn.get(f"{GIFTS}/{gifts['sent']}").get_data(as_text=True)
    assert f'href="{BASE}/{submitted}"' in mine and f'href="{BASE}/{draft}"' in mine and number in mine
    # The UPG reads the report, not the declaration: its number and status, no link, and no draft.
    upg = english(login_as(upg_user))
    for url in (f"{GIFTS}/{gifts['sent']}", f"{GIFTS}/upg/{gifts['sent']}"):
        page = upg.get(url)
        assert page.status_code == 200, url
        body = page.get_data(as_text=True)
        assert number in body and "Waiting for a decision" in text(page), url
        assert f'href="{BASE}/{submitted}"' not in body and f'href="{BASE}/{draft}"' not in body, url
        assert body.count("Ad-hoc declaration") == 1, url
    assert upg.get(f"{BASE}/{submitted}").status_code == 404


def test_a_sent_report_offers_to_declare_the_gift_with_the_form_prefilled(app, world, login_as, asn, gifts,
                                                                             upg_user):
    url = f"{BASE}/baru/adhoc?gratifikasi={gifts['sent']}"
    page = asn.get(f"{GIFTS}/{gifts['sent']}").get_data(as_text=True)
    assert f'href="{url}"'.replace("?", "?") in page.replace("&amp;", "&")
    assert "benturan-kepentingan/baru" not in asn.get(f"{GIFTS}/{gifts['draft']}").get_data(as_text=True)
    assert "benturan-kepentingan/baru" not in english(login_as(upg_user)).get(
        f"{GIFTS}/{gifts['sent']}").get_data(as_text=True)
    prefilled = asn.get(url).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="gift_involved"|<input[^>]*name="gift_involved"[^>]*checked',
                     prefilled)
    assert re.search(rf'<option selected value="{gifts["sent"]}"|<option value="{gifts["sent"]}" selected', prefilled)
    assert 'value="Budi Santoso, CV Maju Bersama"' in prefilled
    # Somebody else's report in the address fills nothing in.
    other = asn.get(f"{BASE}/baru/adhoc?gratifikasi={gifts['other']}").get_data(as_text=True)
    assert "Orang Lain" not in other and not re.search(r'<option selected value="\d+"|value="\d+" selected', other)


def test_deleting_the_report_leaves_the_declaration_without_the_link(app, world, asn, items, gifts):
    """The foreign key is ON DELETE SET NULL (retention deletes reports: tests/privacy)."""
    import sqlalchemy as sa

    from portal.gratification.models import GiftReport

    did = new_id(send(asn, f"{BASE}/baru/adhoc", form(items, gift_report=str(gifts["sent"]))))
    with app.app_context():
        db.session.execute(sa.delete(GiftReport).where(GiftReport.id == gifts["sent"]))
        db.session.commit()
    assert linked(app, did) is None
    assert asn.get(f"{BASE}/{did}").status_code == 200
