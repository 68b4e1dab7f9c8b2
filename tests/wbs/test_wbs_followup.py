"""The WBS team's yearly evaluation of the system as a source of recommendations: the team adds
them on the statistics page (?tahun=), the responsible OPD follows them up, nobody else adds any,
and nothing of a report reaches a recommendation or the responsible OPD."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.pages import english, page_text

STATISTICS = "/wbs/kelola/statistik"
TEXT = "Tambahkan poster kanal WBS di setiap kantor pelayanan."
YEAR = date.today().year


def new_url(year=YEAR, key="city"):
    return f"/tindak-lanjut/evaluasi/wbs.evaluation/{key}/{year}/baru"


def add(client, opd_id, *, text=TEXT, year=YEAR):
    return client.post(new_url(year), data={"text": text, "opd_id": opd_id, "owner_login": "",
                                            "due_on": (date.today() + timedelta(days=30)).isoformat()})


def recommendations(app) -> list[tuple]:
    from portal.followup.models import Recommendation

    with app.app_context():
        return [(r.source_kind, r.source_key, r.year, r.opd_id, r.text) for r in db.session.scalars(
            sa.select(Recommendation).order_by(Recommendation.id))]


@pytest.fixture
def handler(world, login_as):
    return english(login_as(world.handler))


def test_the_team_adds_a_recommendation_the_opd_follows_it_up(app, world, handler, login_as):
    page = page_text(handler.get(STATISTICS))
    assert f"Evaluation and follow-up {YEAR}" in page and "No recommendations yet." in page
    assert f'href="{new_url()}"' in page

    form = page_text(handler.get(new_url()))
    assert "Yearly evaluation of the Whistleblowing System" in form
    # The Inspectorate's own OPD is proposed; the text starts empty (nothing of a report is copied in).
    assert re.search(rf'<option selected value="{world.inspektorat}"|<option value="{world.inspektorat}" selected',
                     form)
    assert re.search(r'<textarea[^>]*name="text"[^>]*>\s*</textarea>', form)

    response = add(handler, world.dinkes)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{STATISTICS}?tahun={YEAR}")
    assert recommendations(app) == [("wbs.evaluation", "city", YEAR, world.dinkes, TEXT)]
    assert TEXT in page_text(handler.get(f"{STATISTICS}?tahun={YEAR}"))
    assert TEXT not in page_text(handler.get(f"{STATISTICS}?tahun={YEAR - 1}"))  # the year's evaluation only
    assert handler.get(f"{STATISTICS}?tahun=zz").status_code == 200  # a bad year is the current one, never a 500

    secretary = english(login_as(world.secretary))
    assert "1 recommendation of an evaluation to follow up" in page_text(secretary.get("/"))
    listed = page_text(secretary.get("/tindak-lanjut/"))
    assert TEXT in listed and "Yearly evaluation of the Whistleblowing System" in listed
    rec_id = int(re.search(r'href="/tindak-lanjut/(\d+)"', listed).group(1))
    detail = page_text(secretary.get(f"/tindak-lanjut/{rec_id}"))
    assert TEXT in detail and STATISTICS not in detail  # the OPD never gets a way into the WBS pages
    assert secretary.get(STATISTICS).status_code == 403
    # Another OPD's secretary sees nothing of it.
    other = english(login_as(world.secretary_disdik))
    assert TEXT not in page_text(other.get("/tindak-lanjut/"))
    assert other.get(f"/tindak-lanjut/{rec_id}").status_code == 404


def test_only_the_wbs_team_adds_recommendations(app, world, login_as):
    for account in (world.inspektur, world.secretary, world.admin, world.asn):
        client = login_as(account)
        assert client.get(new_url()).status_code == 403
        assert add(client, world.dinkes).status_code == 403
    assert recommendations(app) == []


def test_the_wbs_evaluation_has_only_the_city_key(app, world, handler):
    assert handler.get(new_url(key=str(world.dinkes))).status_code == 404
    assert handler.post(new_url(key="kota"), data={"text": TEXT, "opd_id": world.dinkes,
                                                   "due_on": date.today().isoformat()}).status_code == 404
    assert recommendations(app) == []


def test_without_an_inspectorate_no_opd_is_proposed(app, world, handler):
    from portal.org.models import Opd, OpdKind

    with app.app_context():  # the same OPD, no longer marked as the Inspectorate: still offered, not chosen
        db.session.get(Opd, world.inspektorat).kind = OpdKind.DINAS
        db.session.commit()
    select = re.search(r'<select[^>]*name="opd_id".*?</select>', page_text(handler.get(new_url())), re.S).group(0)
    assert f'value="{world.inspektorat}"' in select and "selected" not in select
