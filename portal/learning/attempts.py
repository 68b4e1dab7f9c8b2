"""Quiz attempts: draw, save answers, submit and grade, on the server and from what it issued.

- start_attempt() draws N active questions at random and shuffles each one's choices; the
  drawing, the order and the correct ids are stored, so a reload shows the same quiz and
  grading never trusts the browser for anything but the chosen ids.
- save_answers() and submit_attempt() accept answers only for questions of this attempt and
  choices it showed; anything else refuses the whole request and changes nothing.
- A submission is counted once: `UPDATE ... WHERE submitted_at IS NULL` claims the attempt,
  and a second claim (double click, back button, replay, a concurrent request) finds no
  row and changes nothing. The same claim orders saves after a submit.
- The time limit is the server's: answers arriving after deadline + grace are not taken;
  the attempt is graded with what was saved before.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.core.clock import day_start, utcnow
from portal.core.rows import insert_unless_present
from portal.extensions import db
from portal.learning import grading
from portal.learning.models import Attempt, AttemptQuestion, Module, Question
from portal.learning.services import LearningError, complete_module_if_done

# Covers the round trip of a form sent in the last second; the browser's countdown sends at zero.
LATE_GRACE = timedelta(seconds=15)

SAVED, GRADED, ALREADY_SUBMITTED, TIMED_OUT = "saved", "graded", "already_submitted", "timed_out"


@dataclass(frozen=True)
class Outcome:
    status: str  # one of SAVED, GRADED, ALREADY_SUBMITTED, TIMED_OUT
    attempt: Attempt
    completed: bool = False


def get_open_attempt(employee_id: int, module: Module) -> Attempt | None:
    return db.session.scalar(sa.select(Attempt).where(Attempt.employee_id == employee_id,
                                                      Attempt.module_id == module.id,
                                                      Attempt.submitted_at.is_(None)))


def attempts_started_today(employee_id: int, module: Module, now: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(
        Attempt.employee_id == employee_id, Attempt.module_id == module.id,
        Attempt.started_at >= day_start(now)))


def list_attempts(employee_id: int, module: Module | None = None) -> list[Attempt]:
    stmt = sa.select(Attempt).where(Attempt.employee_id == employee_id).order_by(Attempt.started_at.desc())
    if module is not None:
        stmt = stmt.where(Attempt.module_id == module.id)
    return list(db.session.scalars(stmt))


def is_late(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + LATE_GRACE


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - (now or utcnow())).total_seconds()))


def start_attempt(employee_id: int, module: Module, *, now: datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """The open attempt (resumed), or a new one if today's limit allows."""
    now = now or utcnow()
    if not module.active:
        raise LearningError(_l("This module is not open at the moment."))
    current = get_open_attempt(employee_id, module)
    if current is not None:
        if not is_late(current, now):
            return current
        close_if_expired(current, now=now)
    limit = module.attempts_per_day
    if limit is not None and attempts_started_today(employee_id, module, now) >= limit:
        raise LearningError(_l("You have used all %(limit)d attempts for today. You can try again tomorrow.",
                               limit=limit))
    rng = rng or random.SystemRandom()
    drawn = draw(module, module.questions_per_attempt, rng)
    deadline = now + timedelta(minutes=module.time_limit_minutes) if module.time_limit_minutes else None
    attempt_id = insert_unless_present(
        Attempt, {"module_id": module.id, "employee_id": employee_id, "started_at": now, "deadline_at": deadline,
                  "pass_mark_percent": module.pass_mark_percent, "question_count": len(drawn),
                  "timed_out": False},
        ["employee_id", "module_id"], where=Attempt.submitted_at.is_(None))
    if attempt_id is None:  # a concurrent request opened one a moment ago: resume that one
        return get_open_attempt(employee_id, module)
    for position, question in enumerate(drawn, start=1):
        db.session.add(AttemptQuestion(attempt_id=attempt_id, position=position, **issue(question, rng)))
    db.session.flush()
    return db.session.get(Attempt, attempt_id)


# Shared with the pre-test (pretest.py), which draws from the same bank and grades the same way.

def draw(module: Module, size: int, rng: random.Random) -> list[Question]:
    """`size` active questions of the module's bank at random (all of them if the bank is smaller)."""
    bank = list(db.session.scalars(sa.select(Question).options(selectinload(Question.choices))
                                   .where(Question.module_id == module.id, Question.active.is_(True))
                                   .order_by(Question.id)))
    bank = [q for q in bank if len(q.choices) >= 2]
    if not bank:
        raise LearningError(_l("This quiz has no questions yet."))
    return rng.sample(bank, min(size, len(bank)))


def issue(question: Question, rng: random.Random) -> dict:
    """What a drawn question keeps: its choices shuffled, and the correct ids at the time of drawing."""
    order = [c.id for c in question.choices]
    rng.shuffle(order)
    return {"question_id": question.id, "kind": question.kind, "choice_order": order,
            "correct_choice_ids": sorted(c.id for c in question.choices if c.is_correct)}


# --- answers --------------------------------------------------------------------------------------

def checked_answers(attempt, answers: dict[int, list[int]]) -> dict[int, list[int]]:
    """Question id -> chosen ids for every question of the attempt (or pre-test); LearningError for
    anything else."""
    by_question = {aq.question_id: aq for aq in attempt.questions}
    if set(answers) - set(by_question):
        raise LearningError(_l("An answer was sent for a question that is not part of this quiz. "
                               "Nothing was saved; please answer the questions shown."))
    checked = {}
    for question_id, aq in by_question.items():
        try:
            checked[question_id] = grading.check_answer(aq.kind.value, aq.choice_order, answers.get(question_id, []))
        except grading.AnswerError:
            raise LearningError(_l("Question %(number)d received an answer that is not one of its choices. "
                                   "Nothing was saved; please choose again.", number=aq.position)) from None
    return checked


def _claim(attempt: Attempt, now: datetime, *, submit: bool) -> bool:
    """Take the attempt for this transaction; False if it was already submitted.

    On PostgreSQL the UPDATE holds the row until commit, so a concurrent save or submit
    waits here and then finds the attempt submitted; SQLite serialises writers anyway.
    """
    values = {"submitted_at": now} if submit else {"last_saved_at": now}
    result = db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None)).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(attempt)  # show what the other request did
        return False
    for name, value in values.items():
        set_committed_value(attempt, name, value)  # what the row now holds, without reading it back
    return True


def apply_answers(attempt, checked: dict[int, list[int]], now: datetime) -> None:
    for aq in attempt.questions:
        chosen = checked.get(aq.question_id, [])
        if (aq.selected_choice_ids or []) != chosen:
            aq.selected_choice_ids = chosen
            aq.answered_at = now


def save_answers(attempt: Attempt, answers: dict[int, list[int]], *, now: datetime | None = None) -> Outcome:
    """Keep the answers given so far (the whole form: a question left out is unanswered)."""
    now = now or utcnow()
    if attempt.submitted_at is not None:
        return Outcome(ALREADY_SUBMITTED, attempt)
    if is_late(attempt, now):
        return _finish_late(attempt, now)
    checked = checked_answers(attempt, answers)
    if not _claim(attempt, now, submit=False):
        return Outcome(ALREADY_SUBMITTED, attempt)
    apply_answers(attempt, checked, now)
    db.session.flush()
    return Outcome(SAVED, attempt)


def submit_attempt(attempt: Attempt, answers: dict[int, list[int]] | None, *,
                   now: datetime | None = None) -> Outcome:
    """Save the final answers and grade; counted once however often it is called."""
    now = now or utcnow()
    if attempt.submitted_at is not None:
        return Outcome(ALREADY_SUBMITTED, attempt)
    if is_late(attempt, now):
        return _finish_late(attempt, now)
    checked = checked_answers(attempt, answers) if answers is not None else None
    if not _claim(attempt, now, submit=True):
        return Outcome(ALREADY_SUBMITTED, attempt)
    if checked is not None:
        apply_answers(attempt, checked, now)
    return Outcome(GRADED, attempt, completed=_grade(attempt, now))


def close_if_expired(attempt: Attempt, *, now: datetime | None = None) -> Outcome | None:
    """Grade an attempt whose time ran out with the answers saved in time; None if not expired."""
    now = now or utcnow()
    if attempt.submitted_at is not None or not is_late(attempt, now):
        return None
    return _finish_late(attempt, now)


def _finish_late(attempt: Attempt, now: datetime) -> Outcome:
    if not _claim(attempt, now, submit=True):
        return Outcome(ALREADY_SUBMITTED, attempt)
    attempt.timed_out = True
    return Outcome(TIMED_OUT, attempt, completed=_grade(attempt, now))


def _grade(attempt: Attempt, now: datetime) -> bool:
    """Grade from the attempt's own record; True if this completed the module."""
    correct, total = grade_questions(attempt)
    attempt.correct_count = correct
    attempt.question_count = total
    attempt.score_percent = grading.score_percent(correct, total)
    attempt.passed = grading.has_passed(correct, total, attempt.pass_mark_percent)
    db.session.flush()
    return attempt.passed and complete_module_if_done(attempt.employee_id, attempt.module, now=now,
                                                       passing_attempt=attempt) is not None


def grade_questions(attempt) -> tuple[int, int]:
    """Mark each issued question right or wrong from its own record; (correct, total)."""
    correct = 0
    for aq in attempt.questions:
        aq.is_correct = grading.grade(aq.kind.value, aq.selected_choice_ids, aq.correct_choice_ids)
        correct += aq.is_correct
    return correct, len(attempt.questions)
