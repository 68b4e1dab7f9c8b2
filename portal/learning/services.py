"""E-learning rules: modules and lessons, reading, progress and completion.

Quiz attempts live in attempts.py, reports for secretaries in results.py and content
editing in editing.py; all of them raise LearningError and leave the commit to the caller.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from portal.core import signals
from portal.core.clock import day_start, utcnow
from portal.core.errors import PortalError
from portal.core.rows import insert_unless_present
from portal.extensions import db
from portal.learning.models import Attempt, Completion, Lesson, LessonRead, Module


class LearningError(PortalError):
    pass


# --- modules and lessons ----------------------------------------------------------------------

def list_modules(*, active_only: bool = True) -> list[Module]:
    stmt = sa.select(Module).order_by(Module.position, Module.id)
    if active_only:
        stmt = stmt.where(Module.active.is_(True))
    return list(db.session.scalars(stmt))


def get_lesson_in(module: Module, lesson_id: int) -> Lesson | None:
    lesson = db.session.get(Lesson, lesson_id)
    return lesson if lesson is not None and lesson.module_id == module.id else None


def neighbours(lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    lessons = lesson.module.lessons
    i = lessons.index(lesson)
    return (lessons[i - 1] if i > 0 else None), (lessons[i + 1] if i + 1 < len(lessons) else None)


# --- time ----------------------------------------------------------------------------------------

# --- progress ------------------------------------------------------------------------------------

@dataclass
class ModuleProgress:
    module: Module
    lesson_ids: list[int]
    read_ids: set[int] = field(default_factory=set)
    attempts_total: int = 0
    attempts_today: int = 0
    failed_attempts: int = 0
    best_score: int | None = None
    passed: bool = False
    open_attempt_id: int | None = None
    completed_at: datetime | None = None

    @property
    def lessons_total(self) -> int:
        return len(self.lesson_ids)

    @property
    def lessons_read(self) -> int:
        return len(self.read_ids & set(self.lesson_ids))

    @property
    def all_read(self) -> bool:
        return self.lessons_read == self.lessons_total

    @property
    def first_unread_id(self) -> int | None:
        return next((i for i in self.lesson_ids if i not in self.read_ids), None)

    @property
    def status(self) -> str:
        if self.completed_at is not None:
            return "complete"
        if self.read_ids or self.attempts_total:
            return "in_progress"
        return "not_started"

    @property
    def attempts_left_today(self) -> int | None:
        limit = self.module.attempts_per_day
        return None if limit is None else max(0, limit - self.attempts_today)


def progress_for(employee_id: int, modules: list[Module], now: datetime | None = None) -> dict[int, ModuleProgress]:
    """Every module's progress for one employee, in five queries whatever the number of modules."""
    now = now or utcnow()
    ids = [m.id for m in modules]
    result = {m.id: ModuleProgress(module=m, lesson_ids=[]) for m in modules}
    if not ids:
        return result
    # Lesson ids only: loading `module.lessons` would cost a query per module and every text.
    for module_id, lesson_id in db.session.execute(
            sa.select(Lesson.module_id, Lesson.id).where(Lesson.module_id.in_(ids))
            .order_by(Lesson.module_id, Lesson.position, Lesson.id)):
        result[module_id].lesson_ids.append(lesson_id)
    reads = db.session.execute(
        sa.select(Lesson.module_id, LessonRead.lesson_id).join(Lesson, Lesson.id == LessonRead.lesson_id)
        .where(LessonRead.employee_id == employee_id, Lesson.module_id.in_(ids)))
    for module_id, lesson_id in reads:
        result[module_id].read_ids.add(lesson_id)
    today = day_start(now)
    stats = db.session.execute(
        sa.select(Attempt.module_id, sa.func.count(),
                  sa.func.count().filter(Attempt.started_at >= today),
                  sa.func.count().filter(Attempt.passed.is_(False)),
                  sa.func.max(Attempt.score_percent),
                  sa.func.count().filter(Attempt.passed.is_(True)),
                  sa.func.max(sa.case((Attempt.submitted_at.is_(None), Attempt.id))))
        .where(Attempt.employee_id == employee_id, Attempt.module_id.in_(ids)).group_by(Attempt.module_id))
    for module_id, total, today_count, failed, best, passes, open_id in stats:
        p = result[module_id]
        p.attempts_total, p.attempts_today, p.failed_attempts = total, today_count, failed
        p.best_score, p.passed, p.open_attempt_id = best, passes > 0, open_id
    done = db.session.execute(sa.select(Completion.module_id, Completion.completed_at)
                              .where(Completion.employee_id == employee_id, Completion.module_id.in_(ids)))
    for module_id, completed_at in done:
        result[module_id].completed_at = completed_at
    return result


def module_progress(employee_id: int, module: Module, now: datetime | None = None) -> ModuleProgress:
    return progress_for(employee_id, [module], now)[module.id]


# --- reading and completion ----------------------------------------------------------------------

def mark_lesson_read(employee_id: int, lesson: Lesson, *, now: datetime | None = None) -> Completion | None:
    """Record that the lesson was read (once, however often it is sent).

    Returns the module's Completion when this was the last thing missing, else None.
    """
    now = now or utcnow()
    new = insert_unless_present(LessonRead, {"employee_id": employee_id, "lesson_id": lesson.id, "read_at": now},
                                ["employee_id", "lesson_id"]) is not None
    return complete_module_if_done(employee_id, lesson.module, now=now) if new else None


def _best_passing_attempt(employee_id: int, module: Module) -> Attempt | None:
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.employee_id == employee_id, Attempt.module_id == module.id,
                                 Attempt.passed.is_(True))
        .order_by(Attempt.score_percent.desc(), Attempt.submitted_at).limit(1))


def _all_lessons_read(employee_id: int, module: Module) -> bool:
    total, read = db.session.execute(
        sa.select(sa.func.count(Lesson.id), sa.func.count(LessonRead.id))
        .outerjoin(LessonRead, sa.and_(LessonRead.lesson_id == Lesson.id, LessonRead.employee_id == employee_id))
        .where(Lesson.module_id == module.id)).one()
    return total == read


def complete_module_if_done(employee_id: int, module: Module, *, now: datetime | None = None,
                            passing_attempt: Attempt | None = None) -> Completion | None:
    """Record the completion once every lesson is read and a quiz attempt passed.

    Returns the new Completion (after sending signals.module_completed), or None when the
    module is not done yet or was completed before. The unique key makes a race harmless.
    `passing_attempt` is the attempt just graded as passed: had an earlier one passed with
    every lesson read, the module would be complete already, so it is the best one.
    """
    attempt = passing_attempt or _best_passing_attempt(employee_id, module)
    if attempt is None or not _all_lessons_read(employee_id, module):
        return None
    new_id = insert_unless_present(
        Completion, {"employee_id": employee_id, "module_id": module.id, "attempt_id": attempt.id,
                     "score_percent": attempt.score_percent, "completed_at": now or utcnow()},
        ["employee_id", "module_id"])
    if new_id is None:
        return None
    completion = db.session.get(Completion, new_id)
    signals.module_completed.send(completion)
    return completion


def get_completion(employee_id: int, module: Module) -> Completion | None:
    return db.session.scalar(sa.select(Completion).where(Completion.employee_id == employee_id,
                                                         Completion.module_id == module.id))
