"""Learning demo: the seed content, and progress for the demo employees.

Everything goes through the learning services with past timestamps, one attempt per day,
so the attempt limits, grading and completions are the real ones. Some employees finish
every module, some are part-way, some never started, and some failed before passing (or
have not passed yet). Two demo logins get a fixed story:
asn.dinkes is part-way through the WBS and failed the conflict-of-interest quiz once;
asn.disdik finished two modules and has a conflict-of-interest attempt to resume.
The demo switches every module's pre-test on: whoever starts a module takes it first, with
less ability than at the first quiz, so the learning-gain tables have figures; asn.dinkes
has the gratification pre-test still to take.

Answers come from an ability model (two-parameter logistic, as in item response theory):
each employee has an ability, each question a difficulty and a discrimination drawn from its
key, and a retake is answered with the ability raised by what the review taught. So the
item analysis (/belajar/hasil/analisis-soal/) finds easy and hard questions, discriminating
ones, and one planted bad question: in PLANTED_BAD_ITEM the learners who know the subject
best are drawn to one distractor (as if the key were arguable), so the key is chosen more by
low scorers and the page flags it. The question's text is the real seed's; only the demo's
answers behave this way.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.clock import utcnow
from portal.extensions import db
from portal.learning import attempts, content, editing, pretest, services
from portal.learning.models import Attempt, LessonRead, QuestionKind
from portal.org.models import Employee

DEMO_LEARNING_HOURS = 2
PLANTED_BAD_ITEM = "coi-06"  # "Affiliation can arise from which relationships?": see the docstring
LEARNING_GAIN = 0.8          # ability gained by reviewing a failed attempt
MAX_RETAKES = 5
DEMO_PRETEST_SIZE = 10       # the demo switches the pre-test on (the content files leave it off)
PRETEST_DEFICIT = 1.2        # ability missing before the lessons: pre-test scores below the first quiz's

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
        if not module.pretest_size:
            editing.set_pretest_size(module, min(DEMO_PRETEST_SIZE, editing.active_bank_size(module)))
    if db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) or \
            db.session.scalar(sa.select(sa.func.count()).select_from(LessonRead)):
        echo("Learning progress: already present")
        return
    modules = services.list_modules()
    named = dict(db.session.execute(sa.select(User.employee_id, User.username)
                                    .where(User.username.in_(STORIES), User.employee_id.is_not(None))).all())
    employee_ids = db.session.scalars(sa.select(Employee.id).where(Employee.active.is_(True)).order_by(Employee.id))
    counts: Counter = Counter()
    items = {q.id: _item_model(q) for m in modules for q in m.questions}
    for employee_id in list(employee_ids):
        story = STORIES.get(named.get(employee_id))
        engagement = rng.random()
        ability = rng.gauss(engagement - 0.2, 1.0)  # the engaged also tend to know more
        for module in modules:
            plan = story.get(module.slug, ("none", 0)) if story else _random_plan(rng, engagement, module)
            _play(rng, employee_id, module, plan, counts, learner=(ability, items))
    echo("Learning progress: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def _random_plan(rng, engagement: float, module) -> tuple[str, int]:
    if engagement < 0.15:
        return "none", 0
    roll = rng.random() * engagement
    if roll < 0.1:
        return "none", 0
    if roll < 0.22:
        return "read", rng.randint(1, max(1, len(module.lessons) - 1))
    if roll < 0.4:
        return "tries", rng.randint(1, 2)  # gives up after this many attempts if not passed
    return "tries", MAX_RETAKES


def _play(rng, employee_id: int, module, plan: tuple[str, int], counts: Counter, *, learner) -> None:
    kind, n = plan
    if kind == "none":
        return
    now = utcnow()
    day = now - timedelta(days=rng.randint(12, 75), hours=rng.randint(0, 6))
    if module.pretest_size:
        _pretest(rng, employee_id, module, day - timedelta(minutes=20), learner)
        counts["pre-tests"] += 1
    lessons = module.lessons if kind != "read" else module.lessons[:n]
    for i, lesson in enumerate(lessons):
        services.mark_lesson_read(employee_id, lesson, now=day + timedelta(minutes=8 * i))
        counts["lessons read"] += 1
    if kind == "read":
        return
    if kind == "tries":  # answers decide: attempts until passed, at most n (a day apart)
        for i in range(n):
            passed = _attempt(rng, employee_id, module, day + timedelta(days=i + 1), learner=learner, retake=i)
            counts["passed attempts" if passed else "failed attempts"] += 1
            if passed:
                break
        return
    failures = n
    for i in range(failures):
        _attempt(rng, employee_id, module, day + timedelta(days=i + 1), learner=learner, retake=i, passing=False)
        counts["failed attempts"] += 1
    if kind == "complete":
        _attempt(rng, employee_id, module, day + timedelta(days=failures + 1), learner=learner, retake=failures,
                 passing=True)
        counts["passed attempts"] += 1
    elif kind == "open":
        attempt = attempts.start_attempt(employee_id, module, now=now - timedelta(minutes=30), rng=rng)
        first = attempt.questions[:3]
        attempts.save_answers(attempt, {aq.question_id: [aq.correct_choice_ids[0]] for aq in first},
                              now=now - timedelta(minutes=25))
        counts["open attempts"] += 1


def _item_model(question) -> tuple[float, float]:
    """A question's (difficulty, discrimination), the same on every run: from its key. A compliance
    quiz is mostly easy; the planted bad item discriminates the wrong way."""
    r = random.Random(question.key)
    if question.key == PLANTED_BAD_ITEM:
        return 1.0, -1.4  # most get it right, the able ones least often
    return r.gauss(-0.5, 0.9), r.uniform(0.7, 2.0)


def _answers(rng, attempt, learner, retake: int) -> dict[int, list[int]]:
    ability, items = learner
    theta = ability + LEARNING_GAIN * retake
    answers = {}
    for aq in attempt.questions:
        difficulty, slope = items[aq.question_id]
        right = rng.random() < 1 / (1 + math.exp(-slope * (theta - difficulty)))
        if right:
            answers[aq.question_id] = list(aq.correct_choice_ids)
        elif slope < 0:  # the planted item: the knowledgeable take the arguable distractor
            answers[aq.question_id] = [_planted_trap(aq)]
        else:
            answers[aq.question_id] = _wrong(rng, aq)
    return answers


def _planted_trap(aq) -> int:
    wrong = [c.id for c in aq.question.choices if not c.is_correct]
    return wrong[-1]


def _attempt(rng, employee_id: int, module, start, *, learner, retake: int, passing: bool | None = None) -> bool:
    """One attempt answered by the ability model; `passing` (for the named stories) redraws the
    answers until the outcome is the story's, then forces it."""
    attempt = attempts.start_attempt(employee_id, module, now=start, rng=rng)
    total = len(attempt.questions)
    needed = math.ceil(module.pass_mark_percent * total / 100)
    answers = _answers(rng, attempt, learner, retake)
    if passing is not None:
        for _ in range(30):
            right = sum(answers[aq.question_id] == list(aq.correct_choice_ids) for aq in attempt.questions)
            if (right >= needed) == passing:
                break
            answers = _answers(rng, attempt, learner, retake)
        else:
            wanted = rng.randint(needed, total) if passing else rng.randint(max(0, needed - 5), needed - 1)
            correct_ids = set(aq.question_id for aq in rng.sample(attempt.questions, wanted))
            answers = {aq.question_id: (list(aq.correct_choice_ids) if aq.question_id in correct_ids
                                        else _wrong(rng, aq)) for aq in attempt.questions}
    attempts.submit_attempt(attempt, answers, now=start + timedelta(minutes=rng.randint(4, 12)))
    return bool(attempt.passed)


def _pretest(rng, employee_id: int, module, start, learner) -> None:
    """The pre-test before the first lesson, answered by the same model with less ability."""
    ability, items = learner
    taken = pretest.start(employee_id, module, now=start, rng=rng)
    answers = _answers(rng, taken, (ability - PRETEST_DEFICIT, items), retake=0)
    pretest.submit(taken, answers, now=start + timedelta(minutes=rng.randint(3, 8)))


def _wrong(rng, aq) -> list[int]:
    wrong = [c for c in aq.choice_order if c not in aq.correct_choice_ids]
    if aq.kind == QuestionKind.MULTIPLE and rng.random() < 0.5:
        return aq.correct_choice_ids[:-1] or [rng.choice(wrong)]  # one right box missing
    return [rng.choice(wrong)] if wrong else []
