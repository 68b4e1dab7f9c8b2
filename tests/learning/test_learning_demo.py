"""The demo data: the seed content and a believable spread of progress, loaded once."""
from __future__ import annotations

import random

import sqlalchemy as sa

from portal.auth.models import User
from portal.extensions import db
from portal.learning import services
from portal.learning.models import Attempt, Completion, LessonRead, Module
from portal.org.models import Employee


def _statuses(app) -> dict:
    with app.app_context():
        modules = services.list_modules()
        statuses = {"complete": 0, "in_progress": 0, "not_started": 0}
        for employee_id in db.session.scalars(sa.select(Employee.id)):
            for p in services.progress_for(employee_id, modules).values():
                statuses[p.status] += 1
        return statuses


def test_demo_has_progress_of_every_kind_and_is_idempotent(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Learning content: 3 modules" in result.output
    statuses = _statuses(app)
    assert all(n >= 100 for n in statuses.values()), statuses  # many complete, part-way and not started
    with app.app_context():
        failed = db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(Attempt.passed.is_(False)))
        learners = db.session.scalar(sa.select(sa.func.count(sa.distinct(LessonRead.employee_id))))
        assert failed >= 50 and learners >= 200
        people = {u.username: u.employee_id for u in db.session.scalars(
            sa.select(User).where(User.username.in_(["asn.dinkes", "asn.disdik"])))}
        wbs = db.session.scalar(sa.select(Module).where(Module.slug == "wbs"))
        assert set(db.session.scalars(sa.select(Module.learning_hours))) == {2}  # JP shows in `make run`
        dinkes = services.module_progress(people["asn.dinkes"], wbs)
        assert dinkes.status == "in_progress" and dinkes.lessons_read == 2  # something to resume
        coi = db.session.scalar(sa.select(Module).where(Module.slug == "benturan-kepentingan"))
        assert services.module_progress(people["asn.disdik"], coi).open_attempt_id is not None
        before = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Attempt, LessonRead,
                                                                                          Completion)]
        from portal.demo import learning

        learning.load(random.Random(1), lambda *_: None)
        after = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Attempt, LessonRead,
                                                                                         Completion)]
        assert before == after
        # The item analysis has enough first attempts to show every question, and flags the planted item.
        from portal.learning import analysis

        figures = analysis.compute(coi.id, "first")
        keys = {q.id: q.key for q in coi.questions}
        assert figures.attempts >= 150 and all(i.shown for i in figures.items)
        planted = next(i for i in figures.items if keys[i.question_id] == learning.PLANTED_BAD_ITEM)
        assert "negative" in planted.flags and planted.discrimination < -0.1
        assert figures.kr20 is not None and figures.kr20 > 0.5
