"""The Inspectorate's city view of the year's Zona Integritas units: who may open it, the
readiness per area (answers, evidence uploaded or gathered by the portal, both scores), the
missing evidence, and the early-detection signals of the units' OPDs only."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.pages import english, page_text

CITY = "/zona-integritas/kota?tahun=2026"
FAKE_KEY = "test_city_fake"


@pytest.fixture
def units(app, world):
    """Dinas Kesehatan proposed for WBK in 2026, with two answers and one uploaded evidence; the
    portal gathers evidence (a fake provider) for two items, for Dinas Kesehatan only."""
    from portal.auth.models import User
    from portal.zi import evidence, lke
    from portal.zi.models import Answer, EvidenceKind, ItemEvidence, LkeItem, Target, Unit

    calls = []

    def gather(opd_id, year):
        calls.append((opd_id, year))
        return evidence.Gathered("Register", ["1 report"], present=opd_id == world.dinkes)

    evidence.register(app, evidence.Provider(FAKE_KEY, "Fake register", gather))
    with app.app_context():
        lke.load_shipped()
        version = lke.version_for(2026)
        items = {i.code: i for i in lke.items_of(version)}
        # Only the fake provider: the real ones would add what the test world happens to hold.
        db.session.execute(sa.update(LkeItem).values(evidence_keys=""))
        items["A.I.5.iv.a"].evidence_keys = FAKE_KEY
        items["A.I.5.iv.b"].evidence_keys = FAKE_KEY
        inspektur = db.session.get(User, world.inspektur["user_id"])
        unit = Unit(version=version, opd_id=world.dinkes, target=Target.WBK)
        db.session.add(unit)
        db.session.flush()
        db.session.add_all([
            Answer(unit_id=unit.id, item_id=items["A.I.5.i.a"].id, self_value="a"),
            Answer(unit_id=unit.id, item_id=items["A.I.5.i.b"].id, self_value="b", assessor_value="a",
                   assessor_by_id=inspektur.id),
            ItemEvidence(unit_id=unit.id, item_id=items["A.I.5.iii.a"].id, kind=EvidenceKind.NOTE,
                         title="Kebijakan pengaduan", note="SK Kepala Dinas"),
        ])
        db.session.commit()
        return {"unit_id": unit.id, "calls": calls}


def _area_row(page: str, name: str) -> str:
    match = re.search(rf"{re.escape(name)}</th>(.*?)</tr>", page, re.S)
    assert match, name
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_city_view_is_the_inspectorate_and_admin_only(app, world, units, login_as):
    for account in (world.inspektur, world.admin):
        assert login_as(account).get(CITY).status_code == 200
    for account in (world.secretary, world.asn):
        assert login_as(account).get(CITY).status_code == 403
    assert app.test_client().get(CITY).status_code == 302


def test_readiness_per_area_and_missing_evidence(app, world, units, login_as):
    page = page_text(english(login_as(world.inspektur)).get(CITY))
    assert "Dinas Kesehatan" in page and "WBK" in page and "Self-assessment in progress" in page
    # 22 items in Penguatan Pengawasan: 2 answered; evidence: 1 uploaded + 2 gathered by the portal;
    # own score 0.75 (a of A-C, 1.5/2) + 0.5 (b of A-D, 2/3 of 0.75); the Inspectorate's 0.75.
    assert _area_row(page, "5. Penguatan Pengawasan") == "2/22 3/22 1.25 / 15.00 0.75 / 15.00"
    # Areas without items yet are named once instead of a row of zeros each.
    assert "1. Manajemen Perubahan</th>" not in page
    assert "Areas whose items are not entered yet: Manajemen Perubahan, Penataan Tatalaksana" in page
    assert "Answered by the unit: 2 of 25 items; with evidence: 3 of 25." in page
    assert "22 items without evidence" in page
    assert "A.I.5.iii.b" in page and "B.II" in page
    for has_evidence in ("A.I.5.iii.a", "A.I.5.iv.a", "A.I.5.iv.b"):
        assert has_evidence not in page
    assert "Final score: own answers not met; Inspectorate not met" in page
    # The provider is asked once for the unit's OPD, not once per item naming it.
    assert units["calls"] == [(world.dinkes, 2026)]
    # The OPD's name opens the unit's page.
    assert f'href="/zona-integritas/unit/{units["unit_id"]}"' in page


def test_the_gathered_evidence_counts_for_its_own_opd_only(app, world, units, login_as):
    from portal.zi import lke
    from portal.zi.models import Target, Unit

    with app.app_context():
        db.session.add(Unit(version=lke.version_for(2026), opd_id=world.disdik, target=Target.WBBM))
        db.session.commit()
    page = page_text(english(login_as(world.inspektur)).get(CITY))
    disdik = page[page.index("Dinas Pendidikan dan Kebudayaan"):]
    assert "Answered by the unit: 0 of 25 items; with evidence: 0 of 25." in disdik
    assert "25 items without evidence" in disdik and "WBBM" in disdik
    assert sorted(units["calls"]) == sorted([(world.dinkes, 2026), (world.disdik, 2026)])


def test_signals_of_the_units_opds_only(app, world, units, login_as):
    from portal.core.clock import today, utcnow
    from portal.participation import early_detection

    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        found = early_detection.compute(2026, today(), utcnow())[0]
        dinkes = [s.why for s in found if s.opd_id == world.dinkes]
        others = [s.why for s in found if s.opd_id == world.disdik]
    assert dinkes and others  # nobody in the test world has filed the yearly statement
    page = page_text(english(login_as(world.inspektur)).get(CITY))
    for why in dinkes:
        assert why in page
    # Dinas Pendidikan has no unit: its signals (the same wording) are not shown a second time.
    assert page.count(dinkes[0]) == 1
    assert "No signal fired." not in page


def test_year_without_lke_or_units(app, world, login_as):
    client = english(login_as(world.inspektur))
    assert "There is no LKE for 2031." in page_text(client.get("/zona-integritas/kota?tahun=2031"))
    from portal.zi import lke

    with app.app_context():
        lke.load_shipped()
        db.session.commit()
    assert "No unit has been proposed for 2026." in page_text(client.get(CITY))


def test_queries_do_not_grow_with_the_units(app, world, units, login_as, make_opd):
    from portal.zi import lke
    from portal.zi.models import Answer, Target, Unit

    client = login_as(world.inspektur)
    client.get(CITY)  # the first view of the year counts the participation figures once

    def count() -> int:
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(1)  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(CITY).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    one = count()
    with app.app_context():
        version = lke.version_for(2026)
        items = lke.items_of(version)
        for opd_id in (world.disdik, make_opd("DISHUB", "Dinas Perhubungan")):
            unit = Unit(version=version, opd_id=opd_id, target=Target.WBK)
            db.session.add(unit)
            db.session.flush()
            db.session.add_all([Answer(unit_id=unit.id, item_id=i.id, self_value="yes" if i.answer_type.value ==
                                       "yes_no" else "") for i in items[:5]])
        db.session.commit()
    assert count() == one
