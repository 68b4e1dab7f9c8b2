"""What the screens list: my declarations, decisions waiting for me, the register, coverage,
and the yearly evaluation. OPD scoping comes from the user, never from request input."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.coi.models import Declaration, Kind, Route, Status
from portal.core.roles import Role
from portal.extensions import db
from portal.org.models import Employee
from portal.web.permissions import has_role

DECLARED = (Status.SUBMITTED, Status.RETURNED, Status.DECIDED, Status.ACKNOWLEDGED)


def mine(employee_id: int) -> list[Declaration]:
    return list(db.session.scalars(sa.select(Declaration).where(Declaration.declarant_id == employee_id)
                                   .options(selectinload(Declaration.changes))
                                   .order_by(Declaration.created_at.desc())))


def waiting_for(user) -> list[Declaration]:
    """Declarations this user is asked to decide (as superior or head, or as the Inspectorate)."""
    conditions = []
    if getattr(user, "employee_id", None):
        conditions.append(Declaration.decider_id == user.employee_id)
    if has_role(user, Role.COI_REVIEWER):
        conditions.append(Declaration.route == Route.INSPECTORATE)
    if not conditions:
        return []
    stmt = sa.select(Declaration).where(Declaration.status == Status.SUBMITTED, sa.or_(*conditions))
    return list(db.session.scalars(stmt.order_by(Declaration.due_on, Declaration.id)))


def oversight(*, opd_id: int = 0, status: str = "", year: int = 0):
    stmt = sa.select(Declaration).where(Declaration.status != Status.DRAFT)
    if opd_id:
        stmt = stmt.where(Declaration.opd_id == opd_id)
    if status in {s.value for s in Status}:
        stmt = stmt.where(Declaration.status == Status(status))
    if year:
        stmt = stmt.where(Declaration.year == year)
    return stmt.order_by(Declaration.submitted_on.desc().nulls_last(), Declaration.id.desc())


def _register_stmt(year: int):
    """Every declared conflict of the year (not "no conflict" statements), in register order."""
    return (sa.select(Declaration).where(Declaration.year == year, Declaration.status.in_(DECLARED),
                                         Declaration.no_conflict.is_(False))
            .options(selectinload(Declaration.types), selectinload(Declaration.sources))
            .order_by(Declaration.register_no))


def register(opd_id: int, year: int) -> list[Declaration]:
    """The register: every declared conflict of the OPD in the year (not "no conflict" statements)."""
    return list(db.session.scalars(_register_stmt(year).where(Declaration.opd_id == opd_id)))


@dataclass
class CoverageRow:
    employee: Employee
    status: Status | None
    filed_on: object = None


def _statements_stmt(year: int):
    return sa.select(Declaration).where(Declaration.kind == Kind.YEARLY, Declaration.year == year)


def coverage(opd_id: int, year: int) -> list[CoverageRow]:
    """Who has and has not filed the yearly statement. Names and dates only, never content."""
    employees = db.session.scalars(sa.select(Employee).where(Employee.opd_id == opd_id, Employee.active.is_(True))
                                   .order_by(Employee.name))
    statements = {d.declarant_id: d for d in db.session.scalars(_statements_stmt(year).where(
        Declaration.declarant_id.in_(sa.select(Employee.id).where(Employee.opd_id == opd_id))))}
    return _coverage_rows(employees, statements)


def _coverage_rows(employees, statements: dict) -> list[CoverageRow]:
    rows = []
    for e in employees:
        d = statements.get(e.id)
        filed = d is not None and d.status != Status.DRAFT
        rows.append(CoverageRow(e, d.status if filed else None, d.submitted_on if filed else None))
    return rows


@dataclass
class Evaluation:
    opd_id: int
    year: int
    headcount: int
    statements_filed: int
    declarations: int
    by_type: list = field(default_factory=list)
    by_source: list = field(default_factory=list)
    by_decision: list = field(default_factory=list)
    decided: int = 0
    decided_on_time: int = 0
    open_overdue: int = 0
    rows: list = field(default_factory=list)

    @property
    def statement_share(self) -> float | None:
        """The yearly statements' coverage: filed / employees (None without employees)."""
        return self.statements_filed / self.headcount if self.headcount else None


def evaluation(opd_id: int, year: int, locale: str, on) -> Evaluation:
    return _summarise(opd_id, year, register(opd_id, year), coverage(opd_id, year), locale, on)


def _summarise(opd_id: int, year: int, rows: list[Declaration], cover: list[CoverageRow], locale: str,
               on) -> Evaluation:
    """The evaluation's figures from the register's rows and the coverage of one OPD (or of the city)."""
    decided = [d for d in rows if d.decided_on]
    return Evaluation(
        opd_id=opd_id, year=year, headcount=len(cover),
        statements_filed=sum(1 for c in cover if c.status is not None),
        declarations=len(rows),
        by_type=Counter(t.label(locale) for d in rows for t in d.types).most_common(),
        by_source=Counter(s.label(locale) for d in rows for s in d.sources).most_common(),
        by_decision=Counter(d.decision.label(locale) for d in decided if d.decision).most_common(),
        decided=len(decided),
        decided_on_time=sum(1 for d in decided if d.due_on and d.decided_on <= d.due_on),
        open_overdue=sum(1 for d in rows if d.status == Status.SUBMITTED and d.due_on and on > d.due_on),
        rows=rows,
    )


@dataclass
class CityEvaluation:
    """Every OPD's evaluation of a year (to the head of region), and the city's, made of the same rows."""
    year: int
    opds: list  # (Opd, Evaluation), by name
    total: Evaluation


def city_evaluation(year: int, locale: str, on) -> CityEvaluation:
    """The per-OPD evaluations of the whole city in three queries (not three per OPD): the active
    OPDs, and an inactive one that still has declarations in the year."""
    from portal.org.models import Opd

    rows_by, cover_by = defaultdict(list), defaultdict(list)
    for d in db.session.scalars(_register_stmt(year)):
        rows_by[d.opd_id].append(d)
    employees = db.session.scalars(sa.select(Employee).where(Employee.active.is_(True)).order_by(Employee.name))
    statements = {d.declarant_id: d for d in db.session.scalars(_statements_stmt(year))}
    by_opd = defaultdict(list)
    for e in employees:
        by_opd[e.opd_id].append(e)
    for opd_id, people in by_opd.items():
        cover_by[opd_id] = _coverage_rows(people, statements)
    opds = db.session.scalars(sa.select(Opd).where(sa.or_(Opd.active.is_(True), Opd.id.in_(list(rows_by))))
                              .order_by(Opd.name))
    each = [(opd, _summarise(opd.id, year, rows_by[opd.id], cover_by[opd.id], locale, on)) for opd in opds]
    total = _summarise(0, year, [d for _, ev in each for d in ev.rows],
                       [c for opd, _ in each for c in cover_by[opd.id]], locale, on)
    return CityEvaluation(year=year, opds=each, total=total)
