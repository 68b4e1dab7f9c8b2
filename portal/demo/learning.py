"""Learning demo: the seed content, and progress for the demo employees.

Everything goes through the learning services with past timestamps, one attempt per day,
so the attempt limits, grading and completions are the real ones. Some employees finish
every module, some are part-way, some never started, and some failed before passing (or
have not passed yet). Two demo logins get a fixed story:
asn.dinkes is part-way through the WBS and failed the conflict-of-interest quiz once;
asn.disdik finished two modules and has a conflict-of-interest attempt to resume.
"""
from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.clock import utcnow
from portal.extensions import db
from portal.learning import attempts, content, editing, services
from portal.learning.models import Attempt, LessonRead, QuestionKind
from portal.org.models import Employee

DEMO_LEARNING_HOURS = 2

# Per module, in module order: what the named logins have done.
STORIES = {
    "asn.dinkes": {"wbs": ("read", 2), "benturan-kepentingan": ("failed", 1), "gratifikasi": ("none", 0)},
    "asn.disdik": {"wbs": ("complete", 1), "benturan-kepentingan": ("open", 0), "gratifikasi": ("complete", 0)},
}


def load(rng, echo) -> None:
    report = content.load_content()
    echo(f"Learning content: {report}")
    for module in services.list_modules(active_only=False):
        if not module.learning_hours:  # the default content leaves JP to the organiser: the demo says 2
            editing.set_learning_hours(module, DEMO_LEARNING_HOURS)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) or \
            db.session.scalar(sa.select(sa.func.count()).select_from(LessonRead)):
        echo("Learning progress: already present")
        return
    modules = services.list_modules()
    named = dict(db.session.execute(sa.select(User.employee_id, User.username)
                                    .where(User.username.in_(STORIES), User.employee_id.is_not(None))).all())
    employee_ids = db.session.scalars(sa.select(Employee.id).where(Employee.active.is_(True)).order_by(Employee.id))
    counts: Counter = Counter()
    for employee_id in list(employee_ids):
        story = STORIES.get(named.get(employee_id))
        engagement = rng.random()
        for module in modules:
            plan = story.get(module.slug, ("none", 0)) if story else _random_plan(rng, engagement, module)
            _play(rng, employee_id, module, plan, counts)
    echo("Learning progress: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def _random_plan(rng, engagement: float, module) -> tuple[str, int]:
    if engagement < 0.25:
        return "none", 0
    roll = rng.random() * engagement
    if roll < 0.15:
        return "none", 0
    if roll < 0.3:
        return "read", rng.randint(1, max(1, len(module.lessons) - 1))
    if roll < 0.4:
        return "failed", rng.randint(1, 2)
    return "complete", rng.choice((0, 0, 0, 1, 2))


def _play(rng, employee_id: int, module, plan: tuple[str, int], counts: Counter) -> None:
    kind, n = plan
    if kind == "none":
        return
    now = utcnow()
    day = now - timedelta(days=rng.randint(12, 75), hours=rng.randint(0, 6))
    lessons = module.lessons if kind != "read" else module.lessons[:n]
    for i, lesson in enumerate(lessons):
        services.mark_lesson_read(employee_id, lesson, now=day + timedelta(minutes=8 * i))
        counts["lessons read"] += 1
    if kind == "read":
        return
    failures = n
    for i in range(failures):
        _attempt(rng, employee_id, module, day + timedelta(days=i + 1), passing=False)
        counts["failed attempts"] += 1
    if kind == "complete":
        _attempt(rng, employee_id, module, day + timedelta(days=failures + 1), passing=True)
        counts["passed attempts"] += 1
    elif kind == "open":
        attempt = attempts.start_attempt(employee_id, module, now=now - timedelta(minutes=30), rng=rng)
        first = attempt.questions[:3]
        attempts.save_answers(attempt, {aq.question_id: [aq.correct_choice_ids[0]] for aq in first},
                              now=now - timedelta(minutes=25))
        counts["open attempts"] += 1


def _attempt(rng, employee_id: int, module, start, *, passing: bool) -> None:
    attempt = attempts.start_attempt(employee_id, module, now=start, rng=rng)
    total = len(attempt.questions)
    needed = math.ceil(module.pass_mark_percent * total / 100)
    right = rng.randint(needed, total) if passing else rng.randint(max(0, needed - 5), max(0, needed - 1))
    correct_ids = set(aq.question_id for aq in rng.sample(attempt.questions, right))
    answers = {aq.question_id: (aq.correct_choice_ids if aq.question_id in correct_ids else _wrong(rng, aq))
               for aq in attempt.questions}
    attempts.submit_attempt(attempt, answers, now=start + timedelta(minutes=rng.randint(4, 12)))


def _wrong(rng, aq) -> list[int]:
    wrong = [c for c in aq.choice_order if c not in aq.correct_choice_ids]
    if aq.kind == QuestionKind.MULTIPLE and rng.random() < 0.5:
        return aq.correct_choice_ids[:-1] or [rng.choice(wrong)]  # one right box missing
    return [rng.choice(wrong)] if wrong else []
