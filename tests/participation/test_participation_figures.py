"""The dashboards read figures the worker keeps (portal/participation/figures.py): fresh ones
are read, not recounted; the worker recounts them when due; a page recounts figures three
intervals old itself; one process at a time recounts a year; the recount costs a fixed number
of statements."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.participation.support import BASE, cards, complete, make_module, main
from tests.participation.test_participation_query_count import counting

HOUR = 3600


@pytest.fixture
def app(app_factory, mail_folder):
    return app_factory(MAIL_FOLDER=str(mail_folder), PARTICIPATION_REFRESH_SECONDS=HOUR)


def _coverage(client) -> str:
    return cards(main(client.get(f"{BASE}/")))["E-learning coverage"]


def _age(year: int, by: timedelta) -> None:
    from portal.participation.models import Snapshot

    snapshot = db.session.get(Snapshot, year)
    snapshot.computed_at -= by
    db.session.commit()


def test_fresh_figures_are_read_and_the_worker_recounts_when_due(app, world, client_of):
    from portal.core import jobs
    from portal.participation import figures
    from portal.core.workdays import today

    secretary = client_of("secretary")
    with app.app_context():
        module = make_module("modul-f", "Modul F")
    page = main(secretary.get(f"{BASE}/"))
    assert cards(page)["E-learning coverage"] == "0%"
    assert "Figures as of" in page and "recounted every 60 minutes" in page

    with app.app_context():
        complete(world.secretary["employee_id"], module)  # 1 of the OPD's 3 people
    assert _coverage(secretary) == "0%"  # figures of a minute ago, as the page says

    with app.app_context():
        assert figures.refresh_due() == []  # nothing due yet
        _age(today().year, timedelta(seconds=HOUR))
        assert figures.refresh_due in jobs.PERIODIC
        jobs.run_periodic()  # what the worker does every PERIODIC_SECONDS
    assert _coverage(secretary) == "33%"


def test_a_page_recounts_figures_three_intervals_old(app, world, client_of):
    from portal.core.workdays import today

    secretary = client_of("secretary")
    with app.app_context():
        module = make_module("modul-g", "Modul G")
    assert _coverage(secretary) == "0%"
    with app.app_context():
        complete(world.secretary["employee_id"], module)
        _age(today().year, timedelta(seconds=2 * HOUR))
    assert _coverage(secretary) == "0%"  # two intervals: the worker may still come
    with app.app_context():
        _age(today().year, timedelta(seconds=HOUR + 1))
    assert _coverage(secretary) == "33%"  # past three: the page did not wait for it


def test_one_process_recounts_a_year_and_a_dead_claim_is_taken_over(app, world):
    from portal.core.clock import utcnow
    from portal.participation import figures
    from portal.participation.models import Snapshot

    with app.app_context():
        now = utcnow()
        assert figures._claim(2026, now) is True
        assert figures._claim(2026, now) is False  # another process is counting
        assert figures.refresh(2026, now) is False
        assert db.session.get(Snapshot, 2026).computed_at is None
        later = now + figures.CLAIM_EXPIRES + timedelta(seconds=1)
        assert figures.refresh(2026, later) is True  # the first process died; taken over
        snapshot = db.session.get(Snapshot, 2026)
        assert snapshot.computed_at is not None and snapshot.refreshing_since is None


def test_a_failed_recount_releases_its_claim_and_keeps_the_old_figures(app, world, monkeypatch):
    from portal.participation import figures, queries
    from portal.participation.models import OpdFigures, Snapshot

    with app.app_context():
        assert figures.refresh(2026) is True
        before = db.session.scalar(sa.select(sa.func.count()).select_from(OpdFigures))
        assert before >= 3

        def broken(year):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(queries, "live_opd_rows", broken)
        with pytest.raises(RuntimeError):
            figures.refresh(2026)
        assert db.session.get(Snapshot, 2026).refreshing_since is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OpdFigures)) == before


def test_the_recount_costs_the_same_statements_for_more_employees(app, world):
    from portal.participation import figures
    from tests.participation.support import add_progress, add_staff

    with app.app_context():
        modules = [make_module("modul-h", "Modul H"), make_module("modul-i", "Modul I")]
        add_progress(add_staff(world.dinkes, 5), modules)
        figures.refresh(2026)
    with counting(app) as small, app.app_context():
        figures.refresh(2026)
    with app.app_context():
        add_progress(add_staff(world.dinkes, 30) + add_staff(world.disdik, 30), modules)
    with counting(app) as large, app.app_context():
        figures.refresh(2026)
    assert len(large) == len(small) < 25


def test_the_month_series_counts_completions_cumulatively(app, world):
    from portal.participation import figures
    from portal.core.workdays import today

    with app.app_context():
        module = make_module("modul-j", "Modul J")
        complete(world.secretary["employee_id"], module)
        complete(world.asn_disdik["employee_id"], module)
        figures.refresh(today().year)
        city = figures.month_series(None, today())
        dinkes = figures.month_series(world.dinkes, today())
    assert len(city) == 12 and city[-1] == (today().strftime("%Y-%m"), 2)
    assert dinkes[-1][1] == 1 and all(n <= 1 for _, n in dinkes)


def test_the_refresh_command_recounts_now(app, world):
    from portal.participation import figures
    from portal.participation.models import Snapshot

    result = app.test_cli_runner().invoke(args=["refresh-participation", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "Figures for 2025 recounted in" in result.output
    with app.app_context():
        assert db.session.get(Snapshot, 2025).computed_at is not None
        assert figures._claim(2025, figures.utcnow()) is True  # held now, as by a running worker
    result = app.test_cli_runner().invoke(args=["refresh-participation", "--year", "2025"])
    assert result.exit_code == 1 and "Another process is recounting 2025" in result.output
