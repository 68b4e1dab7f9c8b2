"""Results for secretaries (their OPD) and the Inspectorate (the whole city).

OPD scoping comes from the viewer through permissions.scope_to_opd, inside every query; a
filter on another OPD can only narrow what the viewer may see, never widen it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.learning.models import Attempt, Completion, Lesson, LessonRead, Module
from portal.org import nip as nip_rules
from portal.org.models import Employee
from portal.web.permissions import scope_to_opd

STATUSES = ("complete", "in_progress", "not_started")


@dataclass
class Cell:
    status: str = "not_started"
    lessons_read: int = 0
    attempts: int = 0
    failed: int = 0
    best_score: int | None = None
    completed_at: datetime | None = None


@dataclass
class ModuleSummary:
    module: Module
    total: int
    complete: int
    started: int

    @property
    def in_progress(self) -> int:
        return self.started - self.complete

    @property
    def not_started(self) -> int:
        return self.total - self.started

    @property
    def complete_percent(self) -> int:
        return (100 * self.complete) // self.total if self.total else 0


def _started(module_id: int):
    """Employee ids that read a lesson of the module or started its quiz."""
    reads = (sa.select(LessonRead.employee_id).join(Lesson, Lesson.id == LessonRead.lesson_id)
             .where(Lesson.module_id == module_id))
    attempts = sa.select(Attempt.employee_id).where(Attempt.module_id == module_id)
    return sa.union(reads, attempts)


def _completed(module_id: int):
    return sa.select(Completion.employee_id).where(Completion.module_id == module_id)


def _scoped_employees(user, opd_id: int | None):
    stmt = sa.select(Employee.id).where(Employee.active.is_(True))
    stmt = scope_to_opd(stmt, user, Employee.opd_id)
    if opd_id:
        stmt = stmt.where(Employee.opd_id == opd_id)
    return stmt


def scoped_employee_ids(user, opd_id: int | None = None):
    """A select of the active employees' ids the viewer may see (for the learning-gain figures)."""
    return _scoped_employees(user, opd_id)


def employees_query(user, *, q: str = "", opd_id: int | None = None, module: Module | None = None,
                    status: str | None = None):
    """Active employees the viewer may see, filtered by name/NIP and by progress in one module."""
    stmt = sa.select(Employee).where(Employee.id.in_(_scoped_employees(user, opd_id)))
    q = (q or "").strip()[:100]
    if q:
        digits = nip_rules.normalize(q)
        cond = sa.func.lower(Employee.name).like(f"%{q.lower()}%")
        if re.fullmatch(r"[0-9]{1,18}", digits):
            cond = sa.or_(cond, Employee.nip.like(f"{digits}%"))
        stmt = stmt.where(cond)
    if module is not None and status in STATUSES:
        started, completed = _started(module.id), _completed(module.id)
        if status == "complete":
            stmt = stmt.where(Employee.id.in_(completed))
        elif status == "in_progress":
            stmt = stmt.where(Employee.id.in_(started), Employee.id.not_in(completed))
        else:
            stmt = stmt.where(Employee.id.not_in(started))
    return stmt.order_by(Employee.name, Employee.id)


def summaries(user, modules: list[Module], opd_id: int | None = None) -> list[ModuleSummary]:
    scoped = _scoped_employees(user, opd_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(scoped.subquery()))
    result = []
    for module in modules:
        complete = db.session.scalar(sa.select(sa.func.count()).select_from(
            _completed(module.id).where(Completion.employee_id.in_(scoped)).subquery()))
        started_ids = _started(module.id).subquery()
        started = db.session.scalar(sa.select(sa.func.count()).select_from(started_ids)
                                    .where(started_ids.c.employee_id.in_(scoped)))
        result.append(ModuleSummary(module, total, complete, started))
    return result


def cells_for(employee_ids: list[int], modules: list[Module]) -> dict[tuple[int, int], Cell]:
    """Progress per (employee, module) for one page of employees, in three queries."""
    cells = {(e, m.id): Cell() for e in employee_ids for m in modules}
    if not employee_ids or not modules:
        return cells
    module_ids = [m.id for m in modules]
    reads = db.session.execute(
        sa.select(LessonRead.employee_id, Lesson.module_id, sa.func.count())
        .join(Lesson, Lesson.id == LessonRead.lesson_id)
        .where(LessonRead.employee_id.in_(employee_ids), Lesson.module_id.in_(module_ids))
        .group_by(LessonRead.employee_id, Lesson.module_id))
    for employee_id, module_id, n in reads:
        cells[(employee_id, module_id)].lessons_read = n
    attempts = db.session.execute(
        sa.select(Attempt.employee_id, Attempt.module_id, sa.func.count(),
                  sa.func.count().filter(Attempt.passed.is_(False)), sa.func.max(Attempt.score_percent))
        .where(Attempt.employee_id.in_(employee_ids), Attempt.module_id.in_(module_ids))
        .group_by(Attempt.employee_id, Attempt.module_id))
    for employee_id, module_id, n, failed, best in attempts:
        cell = cells[(employee_id, module_id)]
        cell.attempts, cell.failed, cell.best_score = n, failed, best
    done = db.session.execute(
        sa.select(Completion.employee_id, Completion.module_id, Completion.completed_at)
        .where(Completion.employee_id.in_(employee_ids), Completion.module_id.in_(module_ids)))
    for employee_id, module_id, completed_at in done:
        cells[(employee_id, module_id)].completed_at = completed_at
    for cell in cells.values():
        cell.status = ("complete" if cell.completed_at else
                       "in_progress" if cell.lessons_read or cell.attempts else "not_started")
    return cells
