"""Which OPDs the portal holds evidence for, asked once for many OPDs (zi/evidence_presence.py):
each provider's answer is the same as gathering it OPD by OPD, as the portal's data grows; and
the city view's SQL statements stay the same with the real providers whether 1 or 3 units are
proposed (gathering per OPD added about 28 per unit, bench/zi.py)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.extensions import db

CITY = "/zona-integritas/kota?tahun={year}"


def _year(app) -> int:
    from portal.core.clock import today

    with app.app_context():
        return today().year


def _both(app, opd_ids: set[int], year: int) -> dict[str, tuple[set[int], set[int]]]:
    """key -> (the OPDs its `present` names, the OPDs whose gathering says present)."""
    from portal.zi import evidence

    with app.app_context():
        out = {}
        for key, provider in evidence.providers().items():
            assert provider.present is not None, key  # every shipped provider answers for many OPDs at once
            out[key] = (provider.present(set(opd_ids), year),
                        {o for o in opd_ids if provider.gather(o, year).present})
        db.session.rollback()
        return out


def _assert_same(app, opd_ids: set[int], year: int) -> dict[str, set[int]]:
    found = _both(app, opd_ids, year)
    for key, (batched, one_by_one) in found.items():
        assert batched == one_by_one, key
    return {key: batched for key, (batched, _one) in found.items()}


def test_presence_for_many_opds_is_the_gathering_per_opd(app, world, items, make_employee):
    from portal.core.clock import today
    from portal.core.roles import Role
    from portal.followup.models import Recommendation
    from portal.home.services import load_regulations
    from tests.helpers.gifts import gift_report
    from tests.participation.support import complete, file_statement, make_module
    from tests.socialisation.factories import make_session

    year = _year(app)
    opds = {world.inspektorat, world.dinkes, world.disdik}
    assert not any(_assert_same(app, opds, year).values())  # an empty portal: nothing anywhere

    with app.app_context():
        make_session(world, starts_in=timedelta(minutes=-10), invite=[world.asn])  # Dinas Kesehatan invited
        make_session(world, starts_in=timedelta(days=400), opds=[world.disdik])  # next year: not counted
        complete(world.asn["employee_id"], make_module("zi-presence", "Modul Integritas"))
        gift_report(world.asn_disdik["user_id"])
        file_statement(world.secretary_disdik["employee_id"])
        db.session.add(Recommendation(source_kind="wbs.evaluation", source_key="city", year=year, text="Perbaiki.",
                                      opd_id=world.disdik, due_on=today()))
        db.session.commit()
    found = _assert_same(app, opds, year)
    assert found["socialisation"] == {world.dinkes} and found["learning"] == {world.dinkes}
    assert found["gratification"] == {world.disdik}  # no UPG yet: only the OPD that sent a report
    assert found["coi_register"] == found["coi_evaluation"] == {world.disdik}
    assert found["wbs_followup"] == {world.disdik} and not found["coi_followup"] and not found["wbs"]
    # Last year holds none of it, but for e-learning: a completion counts whatever its year.
    last_year = _assert_same(app, opds, year - 1)
    assert last_year.pop("learning") == {world.dinkes} and not any(last_year.values())

    make_employee(world.dinkes, username="upg.dinkes", roles={Role.ASN, Role.UPG})
    assert _assert_same(app, opds, year)["gratification"] == {world.dinkes, world.disdik}
    make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})
    with app.app_context():
        load_regulations()
        db.session.commit()
    found = _assert_same(app, opds, year)
    assert found["gratification"] == found["wbs"] == opds
    # Only the OPDs asked for are answered.
    assert _assert_same(app, {world.dinkes}, year)["gratification"] == {world.dinkes}


def test_city_view_statements_do_not_grow_with_the_units_with_the_real_providers(app, world, login_as, make_opd,
                                                                                  make_employee, items):
    from portal.core.roles import Role
    from portal.zi import lke
    from portal.zi.models import Answer, Target, Unit
    from tests.participation.support import file_statement

    year = _year(app)
    dishub = make_opd("DISHUB", "Dinas Perhubungan")
    make_employee(dishub, username="asn.dishub", roles={Role.ASN})
    with app.app_context():
        lke.load_shipped()
        version = lke.version_for(year) or lke.copy_to_year(lke.latest_version(), year)
        assert any(i.provider_keys for i in lke.items_of(version))  # the shipped providers, not a fake
        file_statement(world.asn["employee_id"])
        db.session.add(Unit(version=version, opd_id=world.dinkes, target=Target.WBK))
        db.session.commit()

    client = login_as(world.inspektur)
    client.get(CITY.format(year=year))  # the first view of the year counts the participation figures once

    def count() -> int:
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(1)  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(CITY.format(year=year))
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        return len(seen)

    one = count()
    with app.app_context():
        version = lke.version_for(year)
        first = lke.items_of(version)[:5]
        for opd_id in (world.disdik, dishub):
            unit = Unit(version=version, opd_id=opd_id, target=Target.WBK)
            db.session.add(unit)
            db.session.flush()
            db.session.add_all([Answer(unit_id=unit.id, item_id=i.id, self_value="") for i in first])
        db.session.commit()
    assert count() == one
