"""Changes of circumstances through HTTP: reported on a filed yearly statement (or any filed
declaration) at its own address, pre-filled, decided like any declaration, listed on what it
amends, which stays as it was filed; one change at a time; who may open the address."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests.coi.conftest import BASE, english, field_error, text
from tests.coi.test_coi_views import DESCRIPTION, declaration, form, new_id, send


def snapshot(app, declaration_id: int) -> dict:
    """Everything a filed declaration says and how it stands."""
    from portal.coi.models import Declaration

    with app.app_context():
        d = db.session.get(Declaration, declaration_id)
        return {"status": d.status.value, "no_conflict": d.no_conflict, "description": d.description,
                "related_party": d.related_party, "types": sorted(t.id for t in d.types),
                "register_no": d.register_no, "submitted_on": d.submitted_on, "decision_id": d.decision_id,
                "changes_id": d.changes_id, "comments": len(d.comments)}


def links_to(page: str, declaration_id: int) -> bool:
    return re.search(rf'href="{BASE}/{declaration_id}"', page) is not None


def change_form(items, **over) -> dict:
    data = form(items, description=DESCRIPTION + " Sejak Juni adik saya menjadi direktur CV itu.",
                send="Save and submit", **over)
    data.pop("save")
    return data


@pytest.fixture
def asn(world, login_as):
    return english(login_as(world.asn))


@pytest.fixture
def kadis(world, login_as):
    return english(login_as(world.kadis))


@pytest.fixture
def yearly(app, asn):
    """asn.dinkes's yearly statement for this year: no conflict, filed."""
    return new_id(send(asn, f"{BASE}/baru/yearly", data={"no_conflict": "y", "send": "Save and submit"}))


def test_a_filed_yearly_statement_is_amended_by_a_change_the_superior_decides(app, world, asn, kadis, items,
                                                                                yearly):
    filed = snapshot(app, yearly)
    amend = f"{BASE}/{yearly}/perubahan"
    assert amend in text(asn.get(f"{BASE}/{yearly}"))  # the statement's page offers it
    assert amend in text(asn.get(f"{BASE}/"))           # and so does the declarations page
    page = text(asn.get(amend))
    assert "Changes the declaration" in page and filed["register_no"] in page and links_to(page, yearly)
    assert "no conflict of interest to declare" in page

    change = new_id(send(asn, amend, data=change_form(items)))
    d = declaration(app, change)
    assert (d["kind"], d["changes_id"], d["status"]) == ("change", yearly, "submitted")
    assert (d["route"], d["decider_id"]) == ("superior", world.kadis["employee_id"])
    assert snapshot(app, yearly) == filed  # the statement is evidence: it stays as it was filed

    # The superior's first try lacks a decision: the page comes back with what was typed, and
    # opening the refused form's address again (a reload) leads back to the change.
    typed = "Kepala Dinas menilai ulang keterlibatan pegawai."
    refused = kadis.post(f"{BASE}/{change}/putuskan", data={"decision": "", "rationale": typed})
    assert refused.status_code == 400
    assert field_error(text(refused), "decision") and typed in text(refused)
    reload = kadis.get(f"{BASE}/{change}/putuskan")
    assert reload.status_code == 302 and reload.headers["Location"].endswith(f"{BASE}/{change}")
    recusal = items[("decision", "RECUSAL")]
    refused = kadis.post(f"{BASE}/{change}/putuskan", data={"decision": recusal, "rationale": ""})
    assert refused.status_code == 400 and field_error(text(refused), "rationale")
    assert re.search(rf'<option[^>]*selected[^>]*value="{recusal}"|<option[^>]*value="{recusal}"[^>]*selected',
                     text(refused))
    assert kadis.post(f"{BASE}/{change}/putuskan", data={"decision": recusal, "rationale": typed}).status_code == 302
    assert declaration(app, change)["decision_id"] == recusal
    assert snapshot(app, yearly) == filed

    # Each page links to the other, for the employee and for the superior who decided the change
    # (who reads the statement it amends through it).
    for client in (asn, kadis):
        change_page, statement_page = text(client.get(f"{BASE}/{change}")), text(client.get(f"{BASE}/{yearly}"))
        assert links_to(change_page, yearly) and filed["register_no"] in change_page
        assert links_to(statement_page, change) and d["register_no"] in statement_page
        assert "Changes of circumstances" in statement_page


def test_the_address_without_a_declaration_amends_this_years_statement(app, world, asn, items, yearly):
    # What the tester typed: /baru/change gave 404. It is this year's statement's change form.
    page = asn.get(f"{BASE}/baru/change")
    assert page.status_code == 200 and "Changes the declaration" in text(page)
    change = new_id(send(asn, f"{BASE}/baru/change", data=change_form(items)))
    assert declaration(app, change)["changes_id"] == yearly


def test_without_a_yearly_statement_the_address_explains(app, world, asn):
    response = asn.get(f"{BASE}/baru/change")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/")
    assert "has not been made yet" in text(asn.get(f"{BASE}/"))


def test_the_change_starts_from_what_was_declared_and_one_is_begun_at_a_time(app, world, asn, kadis, items):
    data = form(items, send="Save and submit")
    data.pop("save")
    statement = new_id(send(asn, f"{BASE}/baru/yearly", data=data))
    amend = f"{BASE}/{statement}/perubahan"
    page = text(asn.get(amend))
    assert DESCRIPTION in page and "CV Sehat Sentosa" in page
    bk04 = items[("type", "BK04")]
    assert re.search(rf'<input[^>]*value="{bk04}"[^>]*checked|<input[^>]*checked[^>]*value="{bk04}"', page)

    draft = new_id(send(asn, amend, data=form(items, description=DESCRIPTION + " Draf perubahan.")))
    assert declaration(app, draft)["status"] == "draft"
    again = asn.get(amend)  # a second change is not begun beside it: the draft is continued
    assert again.status_code == 302 and again.headers["Location"].endswith(f"{BASE}/{draft}/ubah")
    assert asn.post(f"{BASE}/{draft}/ajukan").status_code == 302

    # A change of the change amends the statement too, and starts from the change.
    kadis.post(f"{BASE}/{draft}/putuskan", data={"decision": items[("decision", "RECUSAL")],
                                                 "rationale": "Pegawai tidak ikut menilai."})
    follow = asn.get(f"{BASE}/{draft}/perubahan")
    assert follow.status_code == 302 and follow.headers["Location"].endswith(amend)
    assert "Draf perubahan." in text(asn.get(amend))
    second = new_id(send(asn, f"{BASE}/baru/change?dari={draft}", data=change_form(items)))
    assert declaration(app, second)["changes_id"] == statement


def test_what_is_not_filed_is_edited_and_an_old_statement_is_not_amended(app, world, asn, items, yearly):
    from portal.coi.models import Declaration

    draft = new_id(send(asn, f"{BASE}/baru/adhoc", data=form(items)))
    response = asn.get(f"{BASE}/{draft}/perubahan")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/{draft}/ubah")

    with app.app_context():
        db.session.get(Declaration, yearly).year -= 1
        db.session.commit()
    response = asn.get(f"{BASE}/{yearly}/perubahan")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/{yearly}")
    assert "report a change to your statement for this year" in text(asn.get(f"{BASE}/{yearly}"))
    assert f"{BASE}/{yearly}/perubahan" not in text(asn.get(f"{BASE}/{yearly}"))


@pytest.mark.parametrize("who, status", [("kadis", 403), ("inspektur", 403), ("admin", 403), ("secretary", 404),
                                         ("asn_disdik", 404), ("handler", 404)])
def test_only_the_declarant_reports_a_change(app, world, login_as, asn, items, yearly, who, status):
    adhoc = new_id(send(asn, f"{BASE}/baru/adhoc", data=change_form(items)))
    assert asn.get(f"{BASE}/{adhoc}/perubahan").status_code == 200
    client = login_as(getattr(world, who))
    for target in (adhoc, yearly):
        # The statement has no decider: only the Inspectorate may read it, and still not amend it.
        expected = status if target == adhoc or who in ("inspektur", "admin") else 404
        assert client.get(f"{BASE}/{target}/perubahan").status_code == expected, target
        response = client.post(f"{BASE}/{target}/perubahan", data=change_form(items))
        assert response.status_code == expected, target
        assert client.get(f"{BASE}/baru/change?dari={target}").status_code in (403, 404)
    with app.app_context():
        from portal.coi.models import Declaration, Kind

        assert not db.session.scalars(db.select(Declaration).where(Declaration.kind == Kind.CHANGE)).all()


def test_the_services_link_a_change_only_to_the_declarants_filed_declaration(app, world, items, yearly):
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Declaration, Kind

    with app.app_context():
        asn, other = (db.session.get(User, getattr(world, k)["user_id"]) for k in ("asn", "asn_disdik"))
        statement = db.session.get(Declaration, yearly)
        fields = services.DraftFields(description="Keadaan berubah sejak pernyataan tahunan disampaikan.")
        for declarant, kind, changes in ((asn.employee, Kind.CHANGE, None), (other.employee, Kind.CHANGE, statement),
                                         (asn.employee, Kind.ADHOC, statement)):
            with pytest.raises(services.CoiError):
                services.save_draft(None, declarant=declarant, kind=kind, fields=fields, changes=changes, actor=asn)
            db.session.rollback()
