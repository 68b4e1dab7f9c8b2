"""Learning gain: pre-test against quiz, per person, per module and per OPD (Hake's g).

A pair is one person's submitted pre-test of a module and their FIRST submitted quiz attempt
after it (docs/decisions.md: a later or best attempt would measure retries of a drawn bank,
not learning). Per person g = (post - pre) / (100 - pre), undefined when pre = 100.
A group's class-average gain is Hake's (1998) <g> = (avg post - avg pre) / (100 - avg pre),
from the averages of the pairs, so the people who scored 100 on the pre-test still count in
the averages; how many there were is reported beside it.

Every function is one SQL statement (GROUP BY over the pairs), whatever the number of
learners, modules or OPDs. Groups with fewer than MIN_PAIRS pairs are returned but marked
not shown: with three people, an average is one person's score.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.learning.models import Attempt, Pretest
from portal.org.models import Employee

MIN_PAIRS = 5


def person_gain(pre: float, post: float) -> float | None:
    """(post - pre) / (100 - pre); None when the pre-test was already perfect (no room to gain)."""
    if pre >= 100:
        return None
    return (post - pre) / (100 - pre)


@dataclass(frozen=True)
class Gain:
    key: int | None  # the module's or the OPD's id
    pairs: int
    avg_pre: float
    avg_post: float
    perfect_pre: int  # pairs whose pre-test score was 100 (no individual g)

    @property
    def shown(self) -> bool:
        return self.pairs >= MIN_PAIRS

    @property
    def g(self) -> float | None:
        """Hake's class-average normalised gain."""
        return person_gain(self.avg_pre, self.avg_post)


@dataclass(frozen=True)
class Pair:
    module_id: int
    pre: int
    post: int | None  # None: no quiz submitted yet after the pre-test

    @property
    def g(self) -> float | None:
        return None if self.post is None else person_gain(self.pre, self.post)


def _first_posts():
    """Each person's first submitted attempt per module after their submitted pre-test."""
    ranked = (
        sa.select(Attempt.employee_id, Attempt.module_id, Attempt.score_percent.label("post"),
                  sa.func.row_number().over(partition_by=(Attempt.employee_id, Attempt.module_id),
                                            order_by=(Attempt.submitted_at, Attempt.id)).label("n"))
        .join(Pretest, sa.and_(Pretest.employee_id == Attempt.employee_id, Pretest.module_id == Attempt.module_id))
        .where(Attempt.submitted_at.is_not(None), Pretest.submitted_at.is_not(None),
               Attempt.started_at >= Pretest.submitted_at)
        .subquery())
    return sa.select(ranked.c.employee_id, ranked.c.module_id, ranked.c.post).where(ranked.c.n == 1).subquery()


def _pairs(employees=None, module_ids: list[int] | None = None):
    """(employee, OPD, module, pre, post) for every complete pair; `employees` a select of employee ids."""
    post = _first_posts()
    stmt = (sa.select(Pretest.employee_id, Employee.opd_id, Pretest.module_id,
                      Pretest.score_percent.label("pre"), post.c.post)
            .join(post, sa.and_(post.c.employee_id == Pretest.employee_id, post.c.module_id == Pretest.module_id))
            .join(Employee, Employee.id == Pretest.employee_id)
            .where(Pretest.submitted_at.is_not(None)))
    if employees is not None:
        stmt = stmt.where(Pretest.employee_id.in_(employees))
    if module_ids is not None:
        stmt = stmt.where(Pretest.module_id.in_(module_ids))
    return stmt.subquery()


def _grouped(column_name: str, employees=None, module_ids: list[int] | None = None) -> dict[int, Gain]:
    pairs = _pairs(employees, module_ids)
    key = pairs.c[column_name]
    rows = db.session.execute(
        sa.select(key, sa.func.count(), sa.func.avg(pairs.c.pre), sa.func.avg(pairs.c.post),
                  sa.func.count().filter(pairs.c.pre >= 100))
        .group_by(key))
    return {k: Gain(k, n, float(pre), float(post), perfect) for k, n, pre, post, perfect in rows}


def by_module(employees=None, module_ids: list[int] | None = None) -> dict[int, Gain]:
    """Per module, over the given employees (a select of ids; None: everyone)."""
    return _grouped("module_id", employees, module_ids)


def by_opd(employees=None, module_ids: list[int] | None = None) -> dict[int, Gain]:
    """Per OPD, over the given modules (None: all of them) and employees."""
    return _grouped("opd_id", employees, module_ids)


def for_opd(opd_id: int, module_ids: list[int] | None = None) -> dict[int, Gain]:
    """One OPD's gain per module (the secretary's dashboard)."""
    return by_module(sa.select(Employee.id).where(Employee.opd_id == opd_id), module_ids)


def for_person(employee_id: int) -> dict[int, Pair]:
    """One person's submitted pre-tests with their first quiz score after each, by module id."""
    post = _first_posts()
    rows = db.session.execute(
        sa.select(Pretest.module_id, Pretest.score_percent, post.c.post)
        .outerjoin(post, sa.and_(post.c.employee_id == Pretest.employee_id, post.c.module_id == Pretest.module_id))
        .where(Pretest.employee_id == employee_id, Pretest.submitted_at.is_not(None)))
    return {m: Pair(m, pre, p) for m, pre, p in rows}


@dataclass(frozen=True)
class Dashboard:
    """What the participation dashboard shows: per module (the OPD's, or the city's) and, for
    the city, per OPD over all modules. Two statements."""
    modules: list  # the Module rows, in order
    by_module: dict[int, Gain]
    by_opd: dict[int, Gain]
    opd_names: dict[int, str]
    min_pairs: int = MIN_PAIRS


def dashboard(opd_id: int | None, modules: list) -> Dashboard:
    from portal.org.models import Opd

    module_ids = [m.id for m in modules]
    if opd_id is not None:
        return Dashboard(modules, for_opd(opd_id, module_ids), {}, {})
    per_opd = by_opd(None, module_ids)
    names = dict(db.session.execute(sa.select(Opd.id, Opd.name).where(Opd.id.in_(list(per_opd)))).all()) \
        if per_opd else {}
    return Dashboard(modules, by_module(None, module_ids), per_opd, names)
