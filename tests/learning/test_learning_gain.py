"""Learning gain (Hake's g) from pre-tests and first quiz attempts: figures, masking, statement count."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core.clock import utcnow
from portal.extensions import db
from portal.learning.models import Attempt, Pretest

# (pre, first post, later retry) per person of Dinas Kesehatan; the retry must not count.
DINKES = [(40, 80, 100), (60, 90, None), (50, 50, 90), (100, 100, None), (20, 70, 100)]
DISDIK = [(30, 60, None), (50, 80, None), (70, 70, None), (10, 40, None)]  # four pairs: masked


def _add(employee_id: int, module_id: int, pre: int, post: int | None, retry: int | None) -> None:
    start = utcnow() - timedelta(days=10)
    db.session.add(Pretest(employee_id=employee_id, module_id=module_id, started_at=start,
                           submitted_at=start + timedelta(minutes=5), question_count=10, correct_count=pre // 10,
                           score_percent=pre))
    for day, score in ((1, post), (2, retry)):
        if score is not None:
            at = start + timedelta(days=day)
            db.session.add(Attempt(employee_id=employee_id, module_id=module_id, started_at=at,
                                   submitted_at=at + timedelta(minutes=5), pass_mark_percent=80, question_count=10,
                                   correct_count=score // 10, score_percent=score, passed=score >= 80))


@pytest.fixture
def dataset(app, world, make_employee, small_module):
    module_id = small_module()
    people = {"dinkes": [world.asn["employee_id"]] + [make_employee(world.dinkes)["employee_id"] for _ in range(4)],
              "disdik": [world.asn_disdik["employee_id"]] + [make_employee(world.disdik)["employee_id"]
                                                            for _ in range(3)]}
    with app.app_context():
        for opd, rows in (("dinkes", DINKES), ("disdik", DISDIK)):
            for employee_id, (pre, post, retry) in zip(people[opd], rows, strict=True):
                _add(employee_id, module_id, pre, post, retry)
        # An attempt started before the pre-test was submitted is no "after".
        early = db.session.scalar(sa.select(Pretest).where(Pretest.employee_id == people["dinkes"][1]))
        db.session.add(Attempt(employee_id=people["dinkes"][1], module_id=module_id, started_at=early.started_at,
                               submitted_at=early.started_at + timedelta(minutes=1), pass_mark_percent=80,
                               question_count=10, correct_count=0, score_percent=0, passed=False))
        db.session.commit()
    return module_id, people


def test_person_gain_is_undefined_at_a_perfect_pretest():
    from portal.learning.gain import person_gain

    assert person_gain(40, 80) == pytest.approx(2 / 3)
    assert person_gain(50, 40) == pytest.approx(-0.2)
    assert person_gain(100, 100) is None and person_gain(100, 90) is None


def test_class_average_gain_from_the_first_attempts(app, world, dataset):
    from portal.learning import gain

    module_id, people = dataset
    with app.app_context():
        per_module = gain.for_opd(world.dinkes)[module_id]
        assert per_module.pairs == 5 and per_module.shown and per_module.perfect_pre == 1
        assert per_module.avg_pre == pytest.approx(54) and per_module.avg_post == pytest.approx(78)
        assert per_module.g == pytest.approx((78 - 54) / (100 - 54))
        per_opd = gain.by_opd()
        assert per_opd[world.dinkes].g == pytest.approx(per_module.g)
        assert per_opd[world.disdik].pairs == 4 and not per_opd[world.disdik].shown
        city = gain.by_module()[module_id]
        assert city.pairs == 9 and city.avg_post == pytest.approx((78 * 5 + 250) / 9)
        mine = gain.for_person(people["dinkes"][0])[module_id]
        assert (mine.pre, mine.post) == (40, 80) and mine.g == pytest.approx(2 / 3)
        assert gain.for_person(people["dinkes"][3])[module_id].g is None  # pre = 100


def test_a_pretest_without_a_quiz_yet_is_no_pair(app, world, small_module):
    from portal.learning import gain

    module_id = small_module()
    with app.app_context():
        _add(world.asn["employee_id"], module_id, 30, None, None)
        db.session.commit()
        assert gain.by_module() == {}
        assert gain.for_person(world.asn["employee_id"])[module_id].post is None


def test_results_page_shows_gain_and_masks_small_groups(app, login_as, world, dataset):
    module_id, _ = dataset
    page = login_as(world.inspektur).get("/belajar/hasil/?lang=en").get_data(as_text=True)
    gain_part = page[page.index('id="gain"'):page.index('role="search"')]
    assert "Dinas Kesehatan" in gain_part and "54.0%" in gain_part and "0.52" in gain_part
    assert "Fewer than 5 pairs: not shown" in gain_part  # Dinas Pendidikan: four pairs
    assert "(1 with 100% before)" in gain_part
    # A secretary sees their OPD only; the city's nine pairs are not theirs.
    mine = login_as(world.secretary_disdik).get("/belajar/hasil/?lang=en").get_data(as_text=True)
    mine = mine[mine.index('id="gain"'):mine.index('role="search"')]
    assert "Fewer than 5 pairs: not shown" in mine and "54.0%" not in mine and "0.52" not in mine
    own = login_as(world.asn).get(f"/belajar/hasil/pegawai/{world.asn['employee_id']}?lang=en").get_data(as_text=True)
    assert "Pre-test: 40%" in own and "first quiz after it: 80%" in own and "g = 0.67" in own


def test_participation_dashboards_show_gain(app, login_as, world, dataset):
    city = login_as(world.inspektur).get("/partisipasi/?lang=en").get_data(as_text=True)
    part = city[city.index('id="gain-h"'):]
    assert "0.52" in part and "Dinas Kesehatan" in part and "Fewer than 5 pairs: not shown" in part
    own = login_as(world.secretary).get("/partisipasi/?lang=en").get_data(as_text=True)
    part = own[own.index('id="gain-h"'):]
    assert "0.52" in part and "Dinas Pendidikan" not in part


def test_statement_count_does_not_grow_with_learners(app, world, make_employee, small_module):
    from portal.learning import gain

    module_id = small_module()

    def statements() -> list[int]:
        counted = []
        with app.app_context():
            engine = db.engine
            seen = []
            listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
            sa.event.listen(engine, "before_cursor_execute", listener)
            try:
                for call in (gain.by_module, gain.by_opd, lambda: gain.for_opd(world.dinkes),
                             lambda: gain.for_person(world.asn["employee_id"])):
                    seen.clear()
                    call()
                    counted.append(len(seen))
            finally:
                sa.event.remove(engine, "before_cursor_execute", listener)
        return counted

    def add_learners(n: int) -> None:
        ids = [make_employee(world.dinkes)["employee_id"] for _ in range(n)]
        with app.app_context():
            for i, employee_id in enumerate(ids):
                _add(employee_id, module_id, 10 * (i % 10), 90, None)
            db.session.commit()

    add_learners(3)
    few = statements()
    add_learners(12)
    assert statements() == few == [1, 1, 1, 1]


def test_the_staff_export_carries_the_gain_as_the_dashboard_shows_it(app, login_as, world, dataset):
    import io

    from openpyxl import load_workbook

    from tests.helpers.pages import english

    module_id, _people = dataset
    own = english(login_as(world.secretary)).get("/partisipasi/pegawai.xlsx")
    assert own.status_code == 200
    sheet = load_workbook(io.BytesIO(own.data))["Learning gain"]
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert "Hake" in str(rows[0][0])
    module_rows = [r for r in rows if r[1] == 5]
    assert module_rows and module_rows[0][2:5] == [54, 78, round((78 - 54) / (100 - 54), 2)]
    city = english(login_as(world.inspektur)).get("/partisipasi/pegawai.xlsx")
    city_rows = list(load_workbook(io.BytesIO(city.data))["Learning gain"].iter_rows(values_only=True))
    disdik = [r for r in city_rows if r[0] == "Dinas Pendidikan dan Kebudayaan"]
    assert disdik and disdik[0][1] == 4 and "not shown" in disdik[0][2]  # four pairs: masked as on the page
