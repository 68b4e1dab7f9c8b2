"""The UPG's yearly evaluation of gratification control as a source of recommendations: the city's
UPG adds them on the statistics page, for the city or for one OPD; the responsible OPD follows them
up; an OPD's own UPG officer and everyone else who may read the page see them read-only."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.core.roles import Role
from portal.extensions import db
from tests.helpers.pages import english, page_text

STATISTICS = "/gratifikasi/statistik"
TEXT = "Sosialisasikan kewajiban lapor gratifikasi kepada pejabat pengadaan."
OPD_TEXT = "Tunjuk petugas UPG di Dinas Kesehatan."
YEAR = date.today().year


def new_url(key, year=YEAR):
    return f"/tindak-lanjut/evaluasi/gratification.evaluation/{key}/{year}/baru"


def add(client, key, opd_id, *, text=TEXT):
    return client.post(new_url(key), data={"text": text, "opd_id": opd_id, "owner_login": "",
                                           "due_on": (date.today() + timedelta(days=30)).isoformat()})


def recommendations(app) -> list[tuple]:
    from portal.followup.models import Recommendation

    with app.app_context():
        return [(r.source_kind, r.source_key, r.year, r.opd_id, r.text) for r in db.session.scalars(
            sa.select(Recommendation).order_by(Recommendation.id))]


@pytest.fixture
def upg_user(world, make_employee):
    return make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})


@pytest.fixture
def opd_upg(world, make_employee):
    """An officer Dinas Kesehatan appointed as its own UPG: the same role, its OPD only."""
    return make_employee(world.dinkes, username="upg.dinkes", roles={Role.ASN, Role.UPG})


def test_the_city_upg_adds_for_the_city_and_the_opd_follows_it_up(app, world, login_as, upg_user):
    upg = english(login_as(upg_user))
    page = page_text(upg.get(f"{STATISTICS}?tahun={YEAR}"))
    assert f"Evaluation and follow-up {YEAR}" in page and f'href="{new_url("city")}"' in page
    assert "Yearly evaluation of gratification control" in page_text(upg.get(new_url("city")))

    response = add(upg, "city", world.disdik)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{STATISTICS}?tahun={YEAR}")
    assert recommendations(app) == [("gratification.evaluation", "city", YEAR, world.disdik, TEXT)]
    assert TEXT in page_text(upg.get(f"{STATISTICS}?tahun={YEAR}"))
    assert TEXT not in page_text(upg.get(f"{STATISTICS}?tahun={YEAR - 1}"))

    secretary = english(login_as(world.secretary_disdik))
    assert "1 recommendation of an evaluation to follow up" in page_text(secretary.get("/"))
    listed = page_text(secretary.get("/tindak-lanjut/"))
    assert TEXT in listed and "Yearly evaluation of gratification control" in listed
    assert TEXT not in page_text(login_as(world.secretary).get("/tindak-lanjut/"))  # not Dinas Kesehatan's


def test_the_city_upg_chooses_an_opd_and_adds_for_it(app, world, login_as, upg_user):
    upg = english(login_as(upg_user))
    page = page_text(upg.get(f"{STATISTICS}?tahun={YEAR}&opd={world.dinkes}"))
    assert f'href="{new_url(world.dinkes)}"' in page
    assert re.search(rf'<option value="{world.dinkes}" selected>', page)
    response = add(upg, world.dinkes, world.dinkes, text=OPD_TEXT)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{STATISTICS}?opd={world.dinkes}&tahun={YEAR}")
    assert recommendations(app) == [("gratification.evaluation", str(world.dinkes), YEAR, world.dinkes, OPD_TEXT)]
    assert OPD_TEXT in page_text(upg.get(f"{STATISTICS}?tahun={YEAR}&opd={world.dinkes}"))
    assert OPD_TEXT not in page_text(upg.get(f"{STATISTICS}?tahun={YEAR}"))  # the city's panel is another one
    assert OPD_TEXT not in page_text(upg.get(f"{STATISTICS}?tahun={YEAR}&opd={world.disdik}"))
    assert upg.get(f"{STATISTICS}?tahun={YEAR}&opd=999999").status_code == 200  # unknown OPD: the city
    assert "New recommendation" in page_text(upg.get(new_url(world.dinkes)))
    assert upg.get(new_url("999999")).status_code == 404
    assert "1 recommendation of an evaluation to follow up" in page_text(english(login_as(world.secretary)).get("/"))


def test_an_opds_own_upg_and_others_cannot_add(app, world, login_as, opd_upg):
    for account in (opd_upg, world.inspektur, world.handler, world.secretary, world.admin, world.asn):
        client = login_as(account)
        assert client.get(new_url("city")).status_code == 403
        assert add(client, "city", world.dinkes).status_code == 403
        assert add(client, world.dinkes, world.dinkes).status_code == 403
    assert recommendations(app) == []


def test_others_who_read_the_page_see_the_panel_read_only(app, world, login_as, upg_user, opd_upg):
    upg = login_as(upg_user)
    assert add(upg, "city", world.disdik).status_code == 302
    assert add(upg, world.dinkes, world.dinkes, text=OPD_TEXT).status_code == 302

    own = page_text(english(login_as(opd_upg)).get(f"{STATISTICS}?tahun={YEAR}&opd={world.disdik}"))
    assert OPD_TEXT in own and TEXT not in own  # their own OPD whatever the address says
    assert "Add a recommendation" not in own and 'name="opd"' not in own
    assert not re.search(r'href="/tindak-lanjut/\d+"', own)  # not theirs to open: no link to a 404

    secretary = page_text(english(login_as(world.secretary)).get(f"{STATISTICS}?tahun={YEAR}"))
    assert OPD_TEXT in secretary and TEXT not in secretary and "Add a recommendation" not in secretary
    assert re.search(r'href="/tindak-lanjut/\d+"', secretary)  # responsible: the row opens its page

    admin = page_text(english(login_as(world.admin)).get(f"{STATISTICS}?tahun={YEAR}&opd={world.dinkes}"))
    assert TEXT in admin and OPD_TEXT not in admin and "Add a recommendation" not in admin
    assert not re.search(r'href="/tindak-lanjut/\d+"', admin)
