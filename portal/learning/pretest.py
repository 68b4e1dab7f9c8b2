"""The pre-test: a module's short test before its first lesson, so the portal can show learning.

- Drawn from the quiz's own bank with attempts.draw() and attempts.issue(), answered and
  graded with the same functions, so a pre-test and a quiz score mean the same thing.
- Kept in its own tables (learning_pretest, learning_pretest_answer), never as an Attempt:
  it counts for no pass, no daily limit, no completion, no item analysis, no certificate.
- Due only while the learner has neither read a lesson nor started the quiz: a score taken
  after reading would not be a "before". Learners who started before the module's pre-test
  was switched on are therefore never asked.
- One per person and module (a unique key; a double click on "start" resumes the same one),
  untimed (nothing rides on it), submitted once by the same conditional UPDATE as attempts.
- Its answers are never shown: the bank is the quiz's, and a review would give the quiz away.
"""
from __future__ import annotations

import random
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from portal.core.clock import utcnow
from portal.core.rows import insert_unless_present
from portal.extensions import db
from portal.learning import attempts, grading
from portal.learning.models import Attempt, Lesson, LessonRead, Module, Pretest, PretestAnswer, Question
from portal.learning.services import LearningError

SAVED, GRADED, ALREADY_SUBMITTED = attempts.SAVED, attempts.GRADED, attempts.ALREADY_SUBMITTED


def get(employee_id: int, module: Module) -> Pretest | None:
    return db.session.scalar(sa.select(Pretest).where(Pretest.employee_id == employee_id,
                                                      Pretest.module_id == module.id))


def _has_started(employee_id: int, module: Module) -> bool:
    read = sa.select(LessonRead.id).join(Lesson, Lesson.id == LessonRead.lesson_id).where(
        LessonRead.employee_id == employee_id, Lesson.module_id == module.id)
    tried = sa.select(Attempt.id).where(Attempt.employee_id == employee_id, Attempt.module_id == module.id)
    return bool(db.session.scalar(sa.select(sa.or_(sa.exists(read), sa.exists(tried)))))


def _bank_is_empty(module: Module) -> bool:
    return not db.session.scalar(sa.select(sa.exists(
        sa.select(Question.id).where(Question.module_id == module.id, Question.active.is_(True)))))


def is_due(employee_id: int | None, module: Module) -> bool:
    """True while this learner must take the module's pre-test before its lessons and quiz."""
    if employee_id is None or not module.pretest_size or not module.active:
        return False
    taken = get(employee_id, module)
    if taken is not None:
        return taken.is_open  # started and not yet submitted: still the first step
    return not _has_started(employee_id, module) and not _bank_is_empty(module)


def start(employee_id: int, module: Module, *, now: datetime | None = None,
          rng: random.Random | None = None) -> Pretest:
    """The learner's pre-test of the module: resumed if it exists, drawn if it is due."""
    now = now or utcnow()
    existing = get(employee_id, module)
    if existing is not None:
        return existing
    if not is_due(employee_id, module):
        raise LearningError(_l("This module has no pre-test for you: you can go straight to the lessons."))
    rng = rng or random.SystemRandom()
    drawn = attempts.draw(module, module.pretest_size, rng)
    pretest_id = insert_unless_present(
        Pretest, {"module_id": module.id, "employee_id": employee_id, "started_at": now,
                  "question_count": len(drawn)}, ["employee_id", "module_id"])
    if pretest_id is None:  # a concurrent request drew it a moment ago
        drawn_meanwhile = get(employee_id, module)
        assert drawn_meanwhile is not None
        return drawn_meanwhile
    for position, question in enumerate(drawn, start=1):
        db.session.add(PretestAnswer(pretest_id=pretest_id, position=position, **attempts.issue(question, rng)))
    db.session.flush()
    return db.session.get_one(Pretest, pretest_id)


def _claim(pretest: Pretest, now: datetime, *, submit: bool) -> bool:
    """As attempts._claim: the conditional UPDATE makes a second submit (or a late save) a no-op."""
    values = {"submitted_at": now} if submit else {"last_saved_at": now}
    result = cast(sa.CursorResult, db.session.execute(  # an UPDATE: a cursor result, with its rowcount
        sa.update(Pretest).where(Pretest.id == pretest.id, Pretest.submitted_at.is_(None)).values(**values)
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        db.session.refresh(pretest)
        return False
    for name, value in values.items():
        set_committed_value(pretest, name, value)
    return True


def save_answers(pretest: Pretest, answers: dict[int, list[int]], *, now: datetime | None = None) -> str:
    now = now or utcnow()
    if pretest.submitted_at is not None:
        return ALREADY_SUBMITTED
    checked = attempts.checked_answers(pretest, answers)
    if not _claim(pretest, now, submit=False):
        return ALREADY_SUBMITTED
    attempts.apply_answers(pretest, checked, now)
    db.session.flush()
    return SAVED


def submit(pretest: Pretest, answers: dict[int, list[int]] | None, *, now: datetime | None = None) -> str:
    """Save the final answers and score them; counted once however often it is called."""
    now = now or utcnow()
    if pretest.submitted_at is not None:
        return ALREADY_SUBMITTED
    checked = attempts.checked_answers(pretest, answers) if answers is not None else None
    if not _claim(pretest, now, submit=True):
        return ALREADY_SUBMITTED
    if checked is not None:
        attempts.apply_answers(pretest, checked, now)
    correct, total = attempts.grade_questions(pretest)
    pretest.correct_count, pretest.question_count = correct, total
    pretest.score_percent = grading.score_percent(correct, total)
    db.session.flush()
    return GRADED


def submitted_for(employee_id: int) -> dict[int, Pretest]:
    """The person's submitted pre-tests by module id (their own result pages)."""
    return {p.module_id: p for p in db.session.scalars(
        sa.select(Pretest).where(Pretest.employee_id == employee_id, Pretest.submitted_at.is_not(None)))}
