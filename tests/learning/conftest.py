"""Learning fixtures: a small module built through the editing services, the seed content,
and helpers that read the database back (ids and plain values only, so tests can use them
outside the app context)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.learning.factories import make_small_module


@pytest.fixture
def small_module(app):
    """Two lessons, four questions of all kinds; 3 questions drawn, pass mark 60 %, 2 attempts a day."""

    def make(**settings):
        with app.app_context():
            module_id = make_small_module(**settings)
            db.session.commit()
            return module_id

    return make


@pytest.fixture
def seed_content(app):
    from portal.learning.content import load_content
    from portal.learning.models import Module

    with app.app_context():
        load_content()
        db.session.commit()
        return dict(db.session.execute(sa.select(Module.slug, Module.id)).all())


@pytest.fixture
def read_attempt(app):
    """The attempt as plain data: questions in order with their shown and correct choice ids."""
    from portal.learning.models import Attempt

    def read(attempt_id: int) -> dict:
        with app.app_context():
            a = db.session.get(Attempt, attempt_id)
            return {
                "id": a.id, "employee_id": a.employee_id, "module_id": a.module_id,
                "submitted_at": a.submitted_at, "score": a.score_percent, "passed": a.passed,
                "correct_count": a.correct_count, "timed_out": a.timed_out, "deadline_at": a.deadline_at,
                "questions": [{"question_id": aq.question_id, "kind": aq.kind.value, "shown": list(aq.choice_order),
                               "correct": list(aq.correct_choice_ids), "selected": aq.selected_choice_ids,
                               "is_correct": aq.is_correct} for aq in a.questions],
            }

    return read


def right_answers(attempt: dict) -> dict:
    return {f"q-{q['question_id']}": [str(c) for c in q["correct"]] for q in attempt["questions"]}


def wrong_answers(attempt: dict) -> dict:
    return {f"q-{q['question_id']}": [str(next(c for c in q["shown"] if c not in q["correct"]))]
            for q in attempt["questions"]}


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
