"""Who sees which OPD: a secretary always gets their own OPD whatever `?opd=` says; the
Inspectorate and the administrator may choose one or see the city; everyone else is refused.
Checked on every page and export, and on the reminder endpoints."""
from __future__ import annotations

import pytest

from portal.extensions import db
from tests.participation.support import (BASE, cards, complete, csv_rows, main, make_module, nip_formatted, opd_name,
                                         opd_table, pdf_text, person, reminders, staff_names, text, xlsx_sheet)

ENDPOINTS = ["/", "/pegawai", "/pegawai.csv", "/pegawai.xlsx", "/bukti-dukung.pdf"]


@pytest.fixture
def people(app, world):
    """Name and NIP of everyone, by OPD; asn.dinkes and asn.disdik completed the one module."""
    with app.app_context():
        module_id = make_module("uji", "Modul Integritas")
        complete(world.asn["employee_id"], module_id)
        complete(world.asn_disdik["employee_id"], module_id)
    out = {"dinkes": [], "disdik": [], "inspektorat": []}
    for key, accounts in {"dinkes": ("kadis", "secretary", "asn"), "disdik": ("secretary_disdik", "asn_disdik"),
                          "inspektorat": ("inspektur", "handler")}.items():
        out[key] = [person(app, getattr(world, a)) for a in accounts]
    return out


def _names(people, *keys):
    return {p["name"] for k in keys for p in people[k]}


def _check_shows(responses, people, shown: tuple, hidden: tuple, title: str, sheet_title: str | None = None):
    """Every page and export shows the people of `shown` OPDs and none of `hidden`."""
    dash, staff, csv_resp, xlsx_resp, pdf_resp = responses
    for r in responses:
        assert r.status_code == 200, (r.request.path, r.data[:300])
    page = text(dash)
    assert f"Participation: {title}" in page
    assert cards(page)["Employees"] == str(sum(len(people[k]) for k in shown))

    page = main(staff)
    assert set(staff_names(page)) == _names(people, *shown)
    for k in hidden:
        for p in people[k]:
            assert p["name"] not in page and nip_formatted(p["nip"]) not in page

    rows = csv_rows(csv_resp)
    assert {r["Name"] for r in rows} == _names(people, *shown)
    assert {r["NIP"] for r in rows} == {p["nip"] for k in shown for p in people[k]}
    raw = csv_resp.data.decode("utf-8-sig")
    for k in hidden:
        for p in people[k]:
            assert p["name"] not in raw and p["nip"] not in raw

    sheet = xlsx_sheet(xlsx_resp)
    assert sheet[0][0].startswith(sheet_title or title)
    assert sheet[1][:2] == ["Name", "NIP"]
    assert {r[0] for r in sheet[2:]} == _names(people, *shown)
    assert {r[1] for r in sheet[2:]} == {p["nip"] for k in shown for p in people[k]}

    body = pdf_text(pdf_resp.data)
    assert title in body
    return body


def _get_all(client, query=""):
    return [client.get(f"{BASE}{path}{query}") for path in ENDPOINTS]


def test_secretary_always_sees_own_opd(app, world, people, client_of):
    secretary = client_of("secretary")
    dinkes, disdik = opd_name(app, world.dinkes), opd_name(app, world.disdik)
    for query in ("", f"?opd={world.disdik}", f"?opd={world.inspektorat}", "?opd=0", "?opd=abc"):
        body = _check_shows(_get_all(secretary, query), people, ("dinkes",), ("disdik", "inspektorat"), dinkes)
        assert disdik not in body
        assert "Unit yang dihitung: 3 pegawai OPD." in body
    # The other secretary likewise only ever gets Disdik.
    other = client_of("secretary_disdik")
    _check_shows(_get_all(other, f"?opd={world.dinkes}"), people, ("disdik",), ("dinkes", "inspektorat"), disdik)


@pytest.mark.parametrize("account", ["inspektur", "admin"])
def test_city_roles_choose_an_opd_or_see_the_city(app, world, people, client_of, account):
    client = client_of(account)
    disdik = opd_name(app, world.disdik)
    body = _check_shows(_get_all(client, f"?opd={world.disdik}"), people, ("disdik",), ("dinkes", "inspektorat"),
                        disdik)
    assert "Dinas Kesehatan" not in body

    city = app.config["GOVERNMENT_NAME"]
    responses = _get_all(client)
    body = _check_shows(responses, people, ("dinkes", "disdik", "inspektorat"), (), city, "Pemerintah Kota Padang")
    assert "Unit yang dihitung: 3 OPD dengan 7 pegawai." in body
    ranking = opd_table(text(responses[0]))
    assert set(ranking) == {"Dinas Kesehatan", disdik, "Inspektorat"}
    assert ranking["Dinas Kesehatan"]["headcount"] == 3 and ranking[disdik]["headcount"] == 2
    # The city's staff list names each person's OPD.
    assert {r["OPD"] for r in csv_rows(responses[2])} == {"Dinas Kesehatan", disdik, "Inspektorat"}


@pytest.mark.parametrize("account", ["asn", "handler", "kadis"])
def test_other_roles_are_refused_everywhere(world, people, client_of, account):
    client = client_of(account)
    for path in ENDPOINTS:
        for query in ("", f"?opd={world.dinkes}"):
            assert client.get(f"{BASE}{path}{query}").status_code == 403, path
    for path in ("/deteksi-dini", "/pengaturan"):
        assert client.get(f"{BASE}{path}").status_code == 403
    for path in ("/pengingat", "/pengingat/kirim"):
        assert client.post(f"{BASE}{path}", data={"ids": [str(world.asn["employee_id"])]}).status_code == 403


def test_anonymous_is_sent_to_login(app, world):
    client = app.test_client()
    for path in ENDPOINTS:
        response = client.get(f"{BASE}{path}")
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_secretary_cannot_open_city_pages(world, client_of):
    secretary = client_of("secretary")
    assert secretary.get(f"{BASE}/deteksi-dini").status_code == 403
    assert secretary.get(f"{BASE}/pengaturan").status_code == 403
    assert client_of("inspektur").get(f"{BASE}/pengaturan").status_code == 403
    assert client_of("inspektur").get(f"{BASE}/deteksi-dini").status_code == 200
    assert client_of("admin").get(f"{BASE}/pengaturan").status_code == 200


@pytest.mark.parametrize("account", ["inspektur", "admin"])
def test_reminders_are_for_secretaries_only(app, world, people, client_of, account):
    client = client_of(account)
    data = {"ids": [str(world.asn["employee_id"])]}
    assert client.post(f"{BASE}/pengingat", data=data).status_code == 403
    assert client.post(f"{BASE}/pengingat/kirim", data=data).status_code == 403
    assert client.post(f"{BASE}/pengingat/kirim", data={"everyone": "1"}).status_code == 403
    assert reminders(app) == []


def test_secretary_cannot_remind_another_opd(app, world, people, client_of, mail_folder):
    secretary = client_of("secretary")
    disdik_ids = [str(p["id"]) for p in people["disdik"] + people["inspektorat"]]
    response = secretary.post(f"{BASE}/pengingat?opd={world.disdik}", data={"ids": disdik_ids})
    assert response.status_code == 200
    page = text(response)
    assert "It will be e-mailed to 0 people." in page
    for p in people["disdik"] + people["inspektorat"]:
        assert p["name"] not in page
    assert 'name="ids"' not in page  # nothing to carry over to the send form

    response = secretary.post(f"{BASE}/pengingat/kirim?opd={world.disdik}", data={"ids": disdik_ids})
    assert response.status_code in (302, 400)
    assert reminders(app) == []
    assert not mail_folder.exists() or not list(mail_folder.iterdir())

    # Mixed with a colleague of Dinkes, only the colleague is reminded.
    own = str(world.asn["employee_id"])
    page = text(secretary.post(f"{BASE}/pengingat", data={"ids": disdik_ids + [own]}))
    assert people["dinkes"][2]["name"] in page
    assert all(p["name"] not in page for p in people["disdik"])
    assert secretary.post(f"{BASE}/pengingat/kirim", data={"ids": disdik_ids + [own]}).status_code == 302
    assert [r["employee_id"] for r in reminders(app)] == [world.asn["employee_id"]]


def test_everyone_not_finished_is_own_opd_only(app, world, people, client_of):
    secretary = client_of("secretary")
    page = text(secretary.post(f"{BASE}/pengingat?opd={world.disdik}", data={"everyone": "1"}))
    for p in people["dinkes"]:
        assert p["name"] in page  # nobody of Dinkes has finished (no statements)
    for p in people["disdik"] + people["inspektorat"]:
        assert p["name"] not in page
    assert secretary.post(f"{BASE}/pengingat/kirim?opd={world.disdik}", data={"everyone": "1"}).status_code == 302
    with app.app_context():
        from portal.org.models import Employee

        opds = {db.session.get(Employee, r["employee_id"]).opd_id for r in reminders(app)}
    assert opds == {world.dinkes} and len(reminders(app)) == 3


def test_secretary_without_an_employee_record_is_refused(app, world):
    """A SECRETARY account not linked to an employee has no OPD: refused, never the city."""
    from portal.auth import services as auth_services
    from portal.core.roles import Role
    from tests.helpers.accounts import PASSWORD, login

    with app.app_context():
        auth_services.create_user(username="sekretaris.lepas", password=PASSWORD, roles={Role.SECRETARY})
        db.session.commit()
    client = app.test_client()
    login(client, "sekretaris.lepas")
    for path in ENDPOINTS:
        assert client.get(f"{BASE}{path}?opd={world.disdik}").status_code == 403, path
    assert client.post(f"{BASE}/pengingat", data={"everyone": "1"}).status_code == 403
    assert client.post(f"{BASE}/pengingat/kirim", data={"everyone": "1"}).status_code == 403
