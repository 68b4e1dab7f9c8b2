"""The OPD and employee admin screens, the secretary's staff list, and who may reach them."""
from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa

from portal.core.audit import AuditEvent
from portal.auth.models import User
from portal.extensions import db
from portal.org.models import Employee, Opd, OpdKind
from portal.core.roles import Role

NEW_NIP = "19660801 198803 1 001"


def field_tag(page: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', page)
    assert match, f"no field {field_id}"
    return html.unescape(match.group(0))


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def invalid_fields(page: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r'<div id="([\w-]+)-error"', page)}


def value_of(page: str, field_id: str) -> str | None:
    match = re.search(r'\bvalue="([^"]*)"', field_tag(page, field_id))
    return match.group(1) if match else None


def selected_option(page: str, field_id: str) -> list[str]:
    select = page.split(f'id="{field_id}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option\b[^>]*\bselected\b[^>]*\bvalue="([^"]*)"', select) + \
        re.findall(r'<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected\b', select)


@pytest.fixture
def admin(login_as, world):
    client = login_as(world.admin)
    client.get("/?lang=en")
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audit_count(app, action: str) -> int:
    return count(app, AuditEvent, AuditEvent.action == action)


def employee_by_nip(app, nip: str) -> dict | None:
    with app.app_context():
        e = db.session.scalar(sa.select(Employee).where(Employee.nip == nip.replace(" ", "")))
        if e is None:
            return None
        return {"id": e.id, "name": e.name, "position": e.position, "opd_id": e.opd_id, "email": e.email,
                "superior_id": e.superior_id, "active": e.active, "head": e.is_opd_head,
                "user_id": e.user.id if e.user else None, "user_active": e.user.active if e.user else None}


def employee_form(world, **overrides) -> dict:
    data = {"nip": NEW_NIP, "name": "Andi Saputra, S.E.", "position": "Analis Kebijakan",
            "opd_id": str(world.dinkes), "superior_nip": world.kadis["nip"], "email": "andi@padang.go.id",
            "active": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- OPDs ----------------------------------------------------------------------------------

def test_create_and_edit_an_opd(app, admin):
    page = admin.get("/org/opd/baru")
    assert page.status_code == 200
    response = admin.post("/org/opd/baru", data={"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah",
                                                 "short_name": "Bappeda", "kind": "badan", "active": "y"})
    assert response.status_code == 302
    assert urlparse(response.headers["Location"]).path == "/org/opd"
    with app.app_context():
        opd = db.session.scalar(sa.select(Opd).where(Opd.code == "BAPPEDA"))
        assert (opd.name, opd.short_name, opd.kind, opd.active) == (
            "Badan Perencanaan Pembangunan Daerah", "Bappeda", OpdKind.BADAN, True)
        opd_id = opd.id
    assert audit_count(app, "org.opd_created") == 4  # three from the world fixture and this one
    assert "BAPPEDA" in admin.get("/org/opd").get_data(as_text=True)

    form = admin.get(f"/org/opd/{opd_id}/ubah").get_data(as_text=True)
    assert value_of(form, "code") == "BAPPEDA"
    assert selected_option(form, "kind") == ["badan"]

    response = admin.post(f"/org/opd/{opd_id}/ubah", data={"code": "BAPPEDA", "name": "Bappeda Kota Padang",
                                                           "short_name": "Bappeda", "kind": "badan"})
    assert response.status_code == 302
    with app.app_context():
        opd = db.session.get(Opd, opd_id)
        assert opd.name == "Bappeda Kota Padang" and opd.active is False
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "org.opd_updated")).one()
        assert event.object_id == str(opd_id)
        assert event.data["before"]["name"] == "Badan Perencanaan Pembangunan Daerah"
        assert event.data["after"]["active"] is False


def test_saving_an_opd_unchanged_writes_no_audit_event(app, admin, world):
    data = {"code": "DINKES", "name": "Dinas Kesehatan", "short_name": "DINKES", "kind": "dinas", "active": "y"}
    assert admin.post(f"/org/opd/{world.dinkes}/ubah", data=data).status_code == 302
    assert audit_count(app, "org.opd_updated") == 0


@pytest.mark.parametrize("code", ["DINKES", "dinkes", " DinKes"])
def test_duplicate_opd_code_is_rejected_next_to_the_field(app, admin, code):
    before = count(app, Opd)
    response = admin.post("/org/opd/baru", data={"code": code, "name": "Dinas Kesehatan Kedua",
                                                 "short_name": "Dinkes 2", "kind": "hospital", "active": "y"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is-invalid" in field_tag(page, "code")
    assert field_error(page, "code")
    assert invalid_fields(page) == {"code"}
    assert value_of(page, "code") == code
    assert value_of(page, "name") == "Dinas Kesehatan Kedua"
    assert value_of(page, "short_name") == "Dinkes 2"
    assert selected_option(page, "kind") == ["hospital"]
    assert count(app, Opd) == before


def test_renaming_an_opd_to_another_code_is_rejected(app, admin, world):
    response = admin.post(f"/org/opd/{world.disdik}/ubah?lang=en", data={
        "code": "Dinkes", "name": "Dinas Pendidikan", "short_name": "Disdik", "kind": "dinas", "active": "y"})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "code") == "Another OPD already uses this code."
    with app.app_context():
        assert db.session.get(Opd, world.disdik).code == "DISDIKBUD"


@pytest.mark.parametrize("data, field", [
    ({"code": "X" * 10_000}, "code"),
    ({"name": "N" * 10_000}, "name"),
    ({"short_name": "S" * 10_000}, "short_name"),
    ({"code": "BAD CODE!"}, "code"),
    ({"code": ""}, "code"),
    ({"kind": "castle"}, "kind"),
])
def test_bad_opd_input_is_a_form_error(app, admin, data, field):
    before = count(app, Opd)
    form = {"code": "BARU", "name": "Dinas Baru", "short_name": "Baru", "kind": "dinas", "active": "y"}
    form.update(data)
    response = admin.post("/org/opd/baru", data=form)
    assert response.status_code == 200
    assert field in invalid_fields(response.get_data(as_text=True))
    assert count(app, Opd) == before


# --- employees: create --------------------------------------------------------------------

def test_create_an_employee_with_an_account(app, admin, world):
    response = admin.post("/org/pegawai/baru", data=employee_form(world, nip="19660801.198803.1.001"))
    assert response.status_code == 302
    e = employee_by_nip(app, NEW_NIP)
    assert e is not None
    assert urlparse(response.headers["Location"]).path == f"/org/pegawai/{e['id']}"
    assert (e["name"], e["position"], e["opd_id"], e["email"]) == (
        "Andi Saputra, S.E.", "Analis Kebijakan", world.dinkes, "andi@padang.go.id")
    assert e["superior_id"] == world.kadis["employee_id"]
    assert e["user_id"] is not None
    with app.app_context():
        user = db.session.get(User, e["user_id"])
        assert user.role_set == {Role.ASN} and user.login_name == "196608011988031001"
    assert count(app, AuditEvent, AuditEvent.action == "org.employee_created",
                 AuditEvent.object_id == str(e["id"])) == 1
    page = admin.get(f"/org/pegawai/{e['id']}").get_data(as_text=True)
    assert "19660801 198803 1 001" in page and "Andi Saputra, S.E." in page


@pytest.mark.parametrize("nip, message", [
    ("19661301 198803 1 001", "Digits 1-8 of the NIP must be a valid date of birth (YYYYMMDD)."),
    ("19660801 198813 1 001", "Digits 13-14 of the NIP must be the month of appointment (01-12)."),
    ("19660801 198803 3 001", "Digit 15 of the NIP must be 1 (male) or 2 (female)."),
    ("19660801 198803 1 000", "Digits 16-18 of the NIP are a sequence number from 001."),
    ("1966080119880310", "A NIP has exactly 18 digits."),
    ("19660801 298803 1 001", "Digits 9-12 of the NIP must be a plausible year of appointment."),
])
def test_invalid_nip_is_explained_next_to_the_field(app, admin, world, nip, message):
    before = count(app, Employee)
    data = employee_form(world, nip=nip, name="Budi <b>Santoso</b>")
    response = admin.post("/org/pegawai/baru", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "nip") == message
    assert invalid_fields(page) == {"nip"}
    assert "is-invalid" in field_tag(page, "nip")
    assert html.unescape(value_of(page, "nip")) == nip
    assert html.unescape(value_of(page, "name")) == "Budi <b>Santoso</b>"
    assert "<b>Santoso</b>" not in page  # kept, but escaped
    assert value_of(page, "superior_nip") == world.kadis["nip"]
    assert count(app, Employee) == before


def test_duplicate_nip_is_rejected(app, admin, world):
    before = count(app, Employee)
    response = admin.post("/org/pegawai/baru", data=employee_form(world, nip=world.asn["nip"]))
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "nip") == "Another employee already has this NIP."
    assert count(app, Employee) == before


def test_unknown_superior_nip_is_rejected(app, admin, world):
    before = count(app, Employee)
    response = admin.post("/org/pegawai/baru", data=employee_form(world, superior_nip="19500101 197501 1 999"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert invalid_fields(page) == {"superior_nip"}
    assert field_error(page, "superior_nip") == "No employee has this NIP."
    assert value_of(page, "superior_nip") == "19500101 197501 1 999"
    assert count(app, Employee) == before
    assert employee_by_nip(app, NEW_NIP) is None


@pytest.mark.parametrize("overrides, field", [
    ({"name": "N" * 10_000}, "name"),
    ({"position": "P" * 10_000}, "position"),
    ({"nip": "1" * 10_000}, "nip"),
    ({"email": "a" * 10_000 + "@padang.go.id"}, "email"),
    ({"superior_nip": "9" * 10_000}, "superior_nip"),
    ({"email": "bukan email"}, "email"),
    ({"opd_id": "999999"}, "opd_id"),
    ({"opd_id": "abc"}, "opd_id"),
    ({"name": ""}, "name"),
    ({"nip": ""}, "nip"),
])
def test_bad_employee_input_is_a_form_error(app, admin, world, overrides, field):
    before = count(app, Employee)
    response = admin.post("/org/pegawai/baru", data=employee_form(world, **overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field in invalid_fields(page)
    assert "is-invalid" in field_tag(page, field)
    assert count(app, Employee) == before


def test_fullwidth_twin_of_an_existing_nip_is_rejected(app, admin, world):
    twin = "".join(chr(ord(c) + 0xFEE0) for c in world.asn["nip"][:4]) + world.asn["nip"][4:]
    before = count(app, Employee)
    response = admin.post("/org/pegawai/baru", data=employee_form(world, nip=twin))
    assert response.status_code == 200
    assert "nip" in invalid_fields(response.get_data(as_text=True))
    assert count(app, Employee) == before


# --- employees: edit ------------------------------------------------------------------------

def test_edit_an_employee_writes_an_audit_event(app, admin, world):
    employee_id = world.asn["employee_id"]
    form = admin.get(f"/org/pegawai/{employee_id}/ubah").get_data(as_text=True)
    assert value_of(form, "nip") == world.asn["nip"]
    assert value_of(form, "superior_nip") == world.kadis["nip"]
    response = admin.post(f"/org/pegawai/{employee_id}/ubah", data=employee_form(
        world, nip=world.asn["nip"], name="Siti Aminah, S.Kep.", position="Perawat Ahli Madya",
        opd_id=str(world.disdik), superior_nip=world.secretary_disdik["nip"], email="", active=None))
    assert response.status_code == 302
    e = employee_by_nip(app, world.asn["nip"])
    assert (e["name"], e["position"], e["opd_id"], e["email"]) == (
        "Siti Aminah, S.Kep.", "Perawat Ahli Madya", world.disdik, None)
    assert e["superior_id"] == world.secretary_disdik["employee_id"]
    assert e["active"] is False and e["user_active"] is False
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "org.employee_updated")).one()
        assert event.object_id == str(employee_id)
        assert event.actor_id == world.admin["user_id"]
        assert event.data["before"]["opd"] == "DINKES" and event.data["after"]["opd"] == "DISDIKBUD"
        assert event.data["after"]["name"] == "Siti Aminah, S.Kep."


def test_superior_cycle_is_rejected(app, admin, world, make_employee):
    a = make_employee(world.dinkes, name="Pegawai A")
    b = make_employee(world.dinkes, name="Pegawai B", superior_id=a["employee_id"])
    c = make_employee(world.dinkes, name="Pegawai C", superior_id=b["employee_id"])
    events = audit_count(app, "org.employee_updated")
    for superior in (b, c, a):  # A->B->A, A->C->B->A, and A as their own superior
        response = admin.post(f"/org/pegawai/{a['employee_id']}/ubah", data=employee_form(
            world, nip=a["nip"], name="Pegawai A", superior_nip=superior["nip"]))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert invalid_fields(page) == {"superior_nip"}
        assert field_error(page, "superior_nip") == (
            "An employee cannot be their own superior, directly or through others.")
        assert employee_by_nip(app, a["nip"])["superior_id"] is None
    assert audit_count(app, "org.employee_updated") == events


# --- lists and search -----------------------------------------------------------------------

def test_employee_search_by_name_and_nip_prefix(app, admin, world, make_employee):
    make_employee(world.dinkes, name="Rahmat Hidayat", nip="19650505 199001 1 001")
    make_employee(world.disdik, name="Rahmawati Yusuf", nip="19650506 199001 2 002")
    make_employee(world.disdik, name="Zulkifli", nip="19700101 199501 1 003")

    def names(q, **args):
        response = admin.get("/org/pegawai", query_string={"q": q, **args})
        assert response.status_code == 200
        return set(re.findall(r'<a href="/org/pegawai/\d+">([^<]+)</a>', response.get_data(as_text=True)))

    assert names("rahma") == {"Rahmat Hidayat", "Rahmawati Yusuf"}
    assert names("RAHMAT") == {"Rahmat Hidayat"}
    assert names("196505") == {"Rahmat Hidayat", "Rahmawati Yusuf"}
    assert names("19650505") == {"Rahmat Hidayat"}
    assert names("19650506 1990") == {"Rahmawati Yusuf"}
    assert names("1990") == set()  # a prefix, not anywhere in the NIP
    assert names("tidak ada siapa-siapa") == set()
    assert names("rahma", opd=world.disdik) == {"Rahmawati Yusuf"}
    assert "Zulkifli" in names("")
    assert admin.get("/org/pegawai", query_string={"q": "x" * 10_000, "sort": "password_hash"}).status_code == 200


def test_secretary_sees_only_their_own_opd(app, world, login_as):
    with app.app_context():
        dinkes = set(db.session.scalars(sa.select(Employee.name).where(Employee.opd_id == world.dinkes)))
        others = set(db.session.scalars(sa.select(Employee.name).where(Employee.opd_id != world.dinkes)))
    client = login_as(world.secretary)
    response = client.get("/org/staf")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = set(re.findall(r'<a href="/org/pegawai/\d+">([^<]+)</a>', page))
    assert shown == dinkes and len(dinkes) == 3
    assert not shown & others
    # The OPD comes from the account, never from the URL.
    assert set(re.findall(r'<a href="/org/pegawai/\d+">([^<]+)</a>',
                          client.get(f"/org/staf?opd={world.disdik}").get_data(as_text=True))) == dinkes

    assert client.get(f"/org/pegawai/{world.asn['employee_id']}").status_code == 200
    assert client.get(f"/org/pegawai/{world.asn_disdik['employee_id']}").status_code == 404
    assert client.get(f"/org/pegawai/{world.inspektur['employee_id']}").status_code == 404
    assert client.get("/org/pegawai").status_code == 403
    assert client.get("/org/pegawai/baru").status_code == 403
    assert client.get(f"/org/pegawai/{world.asn['employee_id']}/ubah").status_code == 403


def test_asn_gets_403_everywhere_in_org(world, login_as):
    client = login_as(world.asn)
    own = world.asn["employee_id"]
    for url in ("/org/opd", "/org/opd/baru", f"/org/opd/{world.dinkes}/ubah", "/org/pegawai", "/org/pegawai/baru",
                f"/org/pegawai/{own}", f"/org/pegawai/{own}/ubah", "/org/staf", "/org/impor", "/org/impor/abc"):
        assert client.get(url).status_code == 403, url
    assert client.post("/org/opd/baru", data={"code": "X", "name": "X", "short_name": "X",
                                              "kind": "dinas"}).status_code == 403


def test_asn_cannot_create_anything(app, world, login_as):
    before = count(app, Opd), count(app, Employee)
    client = login_as(world.asn)
    assert client.post("/org/opd/baru", data={"code": "X", "name": "X", "short_name": "X",
                                              "kind": "dinas"}).status_code == 403
    assert client.post("/org/pegawai/baru", data=employee_form(world)).status_code == 403
    assert (count(app, Opd), count(app, Employee)) == before


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get("/org/pegawai")
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert urlparse(response.headers["Location"]).path == "/login"
