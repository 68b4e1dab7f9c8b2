"""Quiz attempts through the services: drawing, saving, grading once, limits and completion."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from portal.extensions import db
from portal.core import signals
from portal.learning import attempts, services
from portal.learning.models import Attempt, AttemptQuestion, Completion, Module

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB


@pytest.fixture
def quiz(app, world, small_module):
    """(employee id, module id) in an app context, with a fresh small module."""
    module_id = small_module()
    with app.app_context():
        yield world.asn["employee_id"], db.session.get(Module, module_id)


def answers_for(attempt, right=True):
    out = {}
    for aq in attempt.questions:
        wrong = [c for c in aq.choice_order if c not in aq.correct_choice_ids]
        out[aq.question_id] = list(aq.correct_choice_ids) if right else [wrong[0]]
    return out


def test_start_draws_n_questions_and_stores_the_shuffled_order(quiz):
    employee_id, module = quiz
    attempt = attempts.start_attempt(employee_id, module, now=NOW, rng=random.Random(3))
    assert len(attempt.questions) == module.questions_per_attempt == 3
    assert len({aq.question_id for aq in attempt.questions}) == 3
    for aq in attempt.questions:
        assert sorted(aq.choice_order) == sorted(c.id for c in aq.question.choices)
        assert aq.correct_choice_ids == sorted(c.id for c in aq.question.choices if c.is_correct)
    orders = set()
    for seed in range(12):  # the order differs between draws: the shuffle is real
        db.session.rollback()
        a = attempts.start_attempt(employee_id, module, now=NOW, rng=random.Random(seed))
        orders.add(tuple(tuple(aq.choice_order) for aq in a.questions))
    assert len(orders) > 1


def test_start_resumes_the_open_attempt(quiz):
    employee_id, module = quiz
    first = attempts.start_attempt(employee_id, module, now=NOW)
    again = attempts.start_attempt(employee_id, module, now=NOW + timedelta(minutes=5))
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1


def test_the_database_refuses_a_second_open_attempt(quiz):
    employee_id, module = quiz
    attempts.start_attempt(employee_id, module, now=NOW)
    db.session.add(Attempt(module_id=module.id, employee_id=employee_id, started_at=NOW, pass_mark_percent=60))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()


def test_submit_grades_from_the_attempt_and_counts_once(quiz):
    employee_id, module = quiz
    attempt = attempts.start_attempt(employee_id, module, now=NOW)
    outcome = attempts.submit_attempt(attempt, answers_for(attempt), now=NOW + timedelta(minutes=3))
    assert outcome.status == attempts.GRADED
    assert (attempt.correct_count, attempt.question_count, attempt.score_percent, attempt.passed) == (3, 3, 100, True)
    submitted_at = attempt.submitted_at
    again = attempts.submit_attempt(attempt, answers_for(attempt, right=False), now=NOW + timedelta(minutes=4))
    assert again.status == attempts.ALREADY_SUBMITTED
    db.session.refresh(attempt)
    assert attempt.submitted_at == submitted_at and attempt.score_percent == 100
    assert all(aq.is_correct for aq in attempt.questions)


def test_a_stale_copy_of_a_submitted_attempt_cannot_submit_again(app, quiz):
    """Two requests loaded the attempt; the first submits; the second's conditional UPDATE finds no row."""
    employee_id, module = quiz
    attempt = attempts.start_attempt(employee_id, module, now=NOW)
    db.session.commit()
    db.session.execute(sa.update(Attempt).where(Attempt.id == attempt.id).values(submitted_at=NOW))
    db.session.commit()
    set_committed_value(attempt, "submitted_at", None)  # what the second request loaded, unchanged
    outcome = attempts.submit_attempt(attempt, answers_for(attempt), now=NOW + timedelta(minutes=1))
    assert outcome.status == attempts.ALREADY_SUBMITTED
    assert attempt.score_percent is None and attempt.submitted_at == NOW


def test_answers_for_a_question_not_in_the_attempt_are_refused(quiz):
    employee_id, module = quiz
    attempt = attempts.start_attempt(employee_id, module, now=NOW, rng=random.Random(1))
    drawn = {aq.question_id for aq in attempt.questions}
    other = next(q for q in module.questions if q.id not in drawn)
    answers = answers_for(attempt) | {other.id: [other.choices[0].id]}
    with force_locale("en"), pytest.raises(services.LearningError, match="not part of this quiz"):
        attempts.save_answers(attempt, answers, now=NOW)
    with pytest.raises(services.LearningError):
        attempts.submit_attempt(attempt, answers, now=NOW)
    assert attempt.submitted_at is None


@pytest.mark.parametrize("tamper", ["foreign_choice", "two_for_single"])
def test_tampered_choices_are_refused_and_nothing_is_saved(quiz, tamper):
    employee_id, module = quiz
    attempt = attempts.start_attempt(employee_id, module, now=NOW)
    attempts.save_answers(attempt, answers_for(attempt), now=NOW)
    db.session.commit()
    single = next(aq for aq in attempt.questions if aq.kind.value in ("single", "true_false"))
    answers = answers_for(attempt, right=False)
    answers[single.question_id] = [999999] if tamper == "foreign_choice" else single.choice_order[:2]
    with force_locale("en"), pytest.raises(services.LearningError, match="not one of its choices"):
        attempts.submit_attempt(attempt, answers, now=NOW)
    db.session.rollback()
    stored = db.session.get(Attempt, attempt.id)
    assert stored.submitted_at is None
    assert [sorted(aq.selected_choice_ids) for aq in stored.questions] == [aq.correct_choice_ids for aq in stored.questions]


def test_save_keeps_answers_and_a_left_out_question_is_unanswered(quiz):
    employee_id, module = quiz
    attempt = attempts.start_attempt(employee_id, module, now=NOW)
    first = attempt.questions[0]
    assert attempts.save_answers(attempt, {first.question_id: [first.choice_order[0]]}, now=NOW).status == "saved"
    db.session.commit()
    stored = db.session.get(AttemptQuestion, first.id)
    assert stored.selected_choice_ids == [first.choice_order[0]] and stored.answered_at == NOW
    assert attempt.last_saved_at == NOW
    attempts.save_answers(attempt, {}, now=NOW + timedelta(seconds=5))
    assert db.session.get(AttemptQuestion, first.id).selected_choice_ids == []


def test_time_limit_is_the_servers(quiz):
    employee_id, module = quiz
    module.time_limit_minutes = 10
    attempt = attempts.start_attempt(employee_id, module, now=NOW)
    assert attempt.deadline_at == NOW + timedelta(minutes=10)
    attempts.save_answers(attempt, answers_for(attempt), now=NOW + timedelta(minutes=9))  # all right, in time
    late = NOW + timedelta(minutes=10) + attempts.LATE_GRACE + timedelta(seconds=1)
    outcome = attempts.submit_attempt(attempt, answers_for(attempt, right=False), now=late)
    assert outcome.status == attempts.TIMED_OUT
    assert attempt.timed_out and attempt.score_percent == 100  # the late (wrong) answers were not taken


def test_within_the_grace_period_answers_are_taken(quiz):
    employee_id, module = quiz
    module.time_limit_minutes = 10
    attempt = attempts.start_attempt(employee_id, module, now=NOW)
    in_grace = NOW + timedelta(minutes=10) + attempts.LATE_GRACE - timedelta(seconds=1)
    outcome = attempts.submit_attempt(attempt, answers_for(attempt), now=in_grace)
    assert outcome.status == attempts.GRADED and not attempt.timed_out and attempt.passed


def test_an_expired_attempt_is_closed_and_a_new_one_can_start(quiz):
    employee_id, module = quiz
    module.time_limit_minutes = 5
    attempt = attempts.start_attempt(employee_id, module, now=NOW)
    assert attempts.close_if_expired(attempt, now=NOW + timedelta(minutes=4)) is None
    later = NOW + timedelta(hours=1)
    fresh = attempts.start_attempt(employee_id, module, now=later)
    assert fresh.id != attempt.id
    db.session.refresh(attempt)
    assert attempt.timed_out and attempt.submitted_at == later and attempt.score_percent == 0


def test_attempts_per_day_follow_the_local_calendar(quiz):
    employee_id, module = quiz  # 2 a day
    for minutes in (0, 10):
        a = attempts.start_attempt(employee_id, module, now=NOW + timedelta(minutes=minutes))
        attempts.submit_attempt(a, answers_for(a, right=False), now=NOW + timedelta(minutes=minutes + 1))
    with force_locale("en"), pytest.raises(services.LearningError, match="all 2 attempts"):
        attempts.start_attempt(employee_id, module, now=NOW + timedelta(hours=13))  # 23:00 WIB, same day
    tomorrow = attempts.start_attempt(employee_id, module, now=NOW + timedelta(hours=14))  # 00:00 WIB
    assert tomorrow.id


def test_unlimited_attempts(quiz):
    employee_id, module = quiz
    module.attempts_per_day = None
    for i in range(4):
        a = attempts.start_attempt(employee_id, module, now=NOW + timedelta(minutes=i))
        attempts.submit_attempt(a, {}, now=NOW + timedelta(minutes=i, seconds=30))


def test_inactive_module_and_empty_bank_cannot_start(quiz):
    employee_id, module = quiz
    module.active = False
    with force_locale("en"), pytest.raises(services.LearningError, match="not open"):
        attempts.start_attempt(employee_id, module, now=NOW)
    module.active = True
    for q in module.questions:
        q.active = False
    with force_locale("en"), pytest.raises(services.LearningError, match="no questions"):
        attempts.start_attempt(employee_id, module, now=NOW)


def test_completion_needs_lessons_and_a_pass_and_is_recorded_once(quiz):
    employee_id, module = quiz
    calls = []
    with signals.module_completed.connected_to(calls.append):
        a = attempts.start_attempt(employee_id, module, now=NOW)
        assert attempts.submit_attempt(a, answers_for(a), now=NOW).completed is False  # lessons unread
        assert services.mark_lesson_read(employee_id, module.lessons[0], now=NOW) is None
        done = services.mark_lesson_read(employee_id, module.lessons[1], now=NOW + timedelta(minutes=1))
        assert done is not None and done.completed_at == NOW + timedelta(minutes=1) and done.score_percent == 100
        assert calls == [done]
        assert services.mark_lesson_read(employee_id, module.lessons[1], now=NOW) is None  # double click
        b = attempts.start_attempt(employee_id, module, now=NOW + timedelta(hours=1))
        assert attempts.submit_attempt(b, answers_for(b), now=NOW + timedelta(hours=1)).completed is False
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 1
        assert calls == [done]


def test_progress_counts_best_score_and_failures(quiz):
    employee_id, module = quiz
    module.attempts_per_day = None
    for right in (False, True, False):
        a = attempts.start_attempt(employee_id, module, now=NOW)
        attempts.submit_attempt(a, answers_for(a, right=right), now=NOW)
    services.mark_lesson_read(employee_id, module.lessons[0], now=NOW)
    p = services.module_progress(employee_id, module, now=NOW)
    assert (p.attempts_total, p.failed_attempts, p.best_score, p.passed) == (3, 2, 100, True)
    assert (p.lessons_read, p.first_unread_id, p.status, p.completed_at) == (1, module.lessons[1].id, "in_progress",
                                                                            None)
