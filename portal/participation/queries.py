"""Participation numbers per OPD and per employee, in a fixed number of queries.

Every figure is a GROUP BY over the whole table (or a page of employees), so a dashboard
costs the same number of queries for 400 or 100,000 employees (tests/participation assert
the count). The dashboard, the exports and the evidence PDF all read these functions, so
they count the same things.

Definitions (shown on the pages):
- headcount: active employees of the OPD;
- a module is *complete* for an employee with a Completion row, *in progress* with a lesson
  read or a quiz attempt and no completion, *not started* otherwise;
- coverage of an OPD: the mean over the counted modules of complete / headcount;
- statement filed: the yearly conflict-of-interest statement of the year, in any state but draft;
- attended: present or late at a session that started in the year;
- certificates: valid certificates whose holder was in the OPD when issued;
- learning hours (JP): earned by completions in the year (learning/hours.py);
- gift reports: gratification reports sent to the UPG in the year from the OPD, late ones and
  refusals among them (gratification/figures.py), shown as "< 3" when one or two.

The statement and attendance rules are written once below (statement_filed, session_attended) and
every count, the staff list and what a reminder says is missing (missing.py) use them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination

from portal.certificates.models import Certificate, CertificateStatus
from portal.coi.models import Declaration, Kind
from portal.coi.models import Status as DeclarationStatus
from portal.core.clock import year_bounds, zone_name
from portal.extensions import db
from portal.gratification import figures as gift_figures
from portal.gratification.figures import GiftCounts
from portal.learning import hours
from portal.learning.models import Attempt, Completion, Lesson, LessonRead, Module
from portal.org import nip as nip_rules
from portal.org.models import Employee, Opd
from portal.socialisation.models import ATTENDED, Participant, SocialisationSession


@dataclass
class ModuleCount:
    complete: int = 0
    started: int = 0  # complete included


@dataclass
class OpdRow:
    opd_id: int
    code: str
    name: str
    short_name: str
    headcount: int = 0
    modules: dict[int, ModuleCount] = field(default_factory=dict)
    attempts: int = 0
    passed_attempts: int = 0
    best_score_sum: int = 0
    best_score_n: int = 0
    statements: int = 0
    attended: int = 0
    certificates: int = 0
    gifts: GiftCounts = field(default_factory=GiftCounts)  # gratification reports sent to the UPG

    def module(self, module_id: int) -> ModuleCount:
        return self.modules.get(module_id, ModuleCount())

    def coverage(self, module_ids: list[int]) -> float:
        if not self.headcount or not module_ids:
            return 0.0
        done = sum(min(self.module(m).complete, self.headcount) for m in module_ids)
        return done / (self.headcount * len(module_ids))

    @property
    def pass_rate(self) -> float | None:
        return self.passed_attempts / self.attempts if self.attempts else None

    @property
    def average_best(self) -> float | None:
        return self.best_score_sum / self.best_score_n if self.best_score_n else None

    def percent(self, n: int) -> int:
        return round(100 * n / self.headcount) if self.headcount else 0




def statement_filed(year: int) -> tuple:
    """Conditions on Declaration: the yearly statement of `year`, in any state but draft."""
    return (Declaration.kind == Kind.YEARLY, Declaration.year == year, Declaration.status != DeclarationStatus.DRAFT)


def session_attended(year: int) -> tuple:
    """Conditions on Participant joined to its session: present or late at a session that
    started in `year`."""
    start, end = year_bounds(year)
    return (Participant.status.in_(ATTENDED), SocialisationSession.starts_at >= start,
            SocialisationSession.starts_at < end)


def counted_modules() -> list[Module]:
    return list(db.session.scalars(sa.select(Module).where(Module.active.is_(True)).order_by(Module.position)))


def _started_pairs():
    """(employee_id, module_id) of everyone who read a lesson or started a quiz."""
    reads = sa.select(LessonRead.employee_id, Lesson.module_id).join(Lesson, Lesson.id == LessonRead.lesson_id)
    attempts = sa.select(Attempt.employee_id, Attempt.module_id)
    return sa.union(reads, attempts).subquery()


def live_opd_rows(year: int) -> list[OpdRow]:
    """Every OPD's figures counted from the tables, in nine grouped queries over the whole
    city. This reads every lesson read and attempt, so only figures.refresh() calls it; the
    pages read what it stored."""
    rows = {o.id: OpdRow(o.id, o.code, o.name, o.short_name)
            for o in db.session.scalars(sa.select(Opd).order_by(Opd.name))}

    def grouped(stmt):
        # Rows of an OPD created since the OPD list was read are left for the next refresh.
        return [(rows[o], *rest) for o, *rest in db.session.execute(stmt.where(Employee.active.is_(True)))
                if o in rows]

    for r, n in grouped(sa.select(Employee.opd_id, sa.func.count()).group_by(Employee.opd_id)):
        r.headcount = n
    for r, m, n in grouped(sa.select(Employee.opd_id, Completion.module_id, sa.func.count())
                           .join(Employee, Employee.id == Completion.employee_id)
                           .group_by(Employee.opd_id, Completion.module_id)):
        r.modules.setdefault(m, ModuleCount()).complete = n
    started = _started_pairs()
    for r, m, n in grouped(sa.select(Employee.opd_id, started.c.module_id, sa.func.count())
                           .join(Employee, Employee.id == started.c.employee_id)
                           .group_by(Employee.opd_id, started.c.module_id)):
        r.modules.setdefault(m, ModuleCount()).started = n
    for r, total, passed in grouped(
            sa.select(Employee.opd_id, sa.func.count(), sa.func.count().filter(Attempt.passed.is_(True)))
            .join(Employee, Employee.id == Attempt.employee_id).where(Attempt.submitted_at.is_not(None))
            .group_by(Employee.opd_id)):
        r.attempts, r.passed_attempts = total, passed
    best = (sa.select(Attempt.employee_id, Attempt.module_id, sa.func.max(Attempt.score_percent).label("best"))
            .where(Attempt.submitted_at.is_not(None)).group_by(Attempt.employee_id, Attempt.module_id)).subquery()
    for r, total, n in grouped(sa.select(Employee.opd_id, sa.func.sum(best.c.best), sa.func.count())
                               .join(Employee, Employee.id == best.c.employee_id).group_by(Employee.opd_id)):
        r.best_score_sum, r.best_score_n = int(total or 0), n
    for r, n in grouped(sa.select(Employee.opd_id, sa.func.count(sa.distinct(Declaration.declarant_id)))
                        .join(Employee, Employee.id == Declaration.declarant_id)
                        .where(*statement_filed(year)).group_by(Employee.opd_id)):
        r.statements = n
    for r, n in grouped(sa.select(Employee.opd_id, sa.func.count(sa.distinct(Participant.employee_id)))
                        .join(Employee, Employee.id == Participant.employee_id)
                        .join(SocialisationSession, SocialisationSession.id == Participant.session_id)
                        .where(*session_attended(year)).group_by(Employee.opd_id)):
        r.attended = n
    certificates = (sa.select(Certificate.opd_id, sa.func.count()).where(Certificate.status == CertificateStatus.VALID)
                    .group_by(Certificate.opd_id))
    for o, n in db.session.execute(certificates):
        if o in rows:
            rows[o].certificates = n
    for o, counts in gift_figures.counts_by_opd(year).items():
        if o in rows:
            rows[o].gifts = counts
    return list(rows.values())


def city_total(rows: list[OpdRow]) -> OpdRow:
    total = OpdRow(0, "", "", "")
    for r in rows:
        total.headcount += r.headcount
        for m, c in r.modules.items():
            t = total.modules.setdefault(m, ModuleCount())
            t.complete += c.complete
            t.started += c.started
        for name in ("attempts", "passed_attempts", "best_score_sum", "best_score_n", "statements", "attended",
                     "certificates"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.gifts += r.gifts
    return total


# --- the staff list ------------------------------------------------------------------------------

FILTERS = ("not_started", "overdue", "failed", "no_statement", "complete")
SORTS = ("name", "progress", "-progress")


@dataclass
class StaffRow:
    employee: Employee
    completed: int
    started: bool
    failed: int
    filed: bool
    sessions: int
    certificates: int
    module_total: int
    learning_hours: int = 0  # JP earned in the year (learning/hours.py)

    @property
    def finished(self) -> bool:
        return self.completed >= self.module_total and self.filed

    @property
    def status(self) -> str:
        if self.finished:
            return "complete"
        return "in_progress" if self.started or self.filed or self.completed else "not_started"


def _columns(year: int, module_ids: list[int]):
    e = Employee
    completed = (sa.select(sa.func.count()).select_from(Completion)
                 .where(Completion.employee_id == e.id, Completion.module_id.in_(module_ids))
                 .correlate(e).scalar_subquery())
    read = sa.exists().where(LessonRead.employee_id == e.id).correlate(e)
    attempted = sa.exists().where(Attempt.employee_id == e.id).correlate(e)
    failed = (sa.select(sa.func.count()).select_from(Attempt)
              .where(Attempt.employee_id == e.id, Attempt.passed.is_(False)).correlate(e).scalar_subquery())
    filed = sa.exists().where(Declaration.declarant_id == e.id, *statement_filed(year)).correlate(e)
    sessions = (sa.select(sa.func.count()).select_from(Participant)
                .join(SocialisationSession, SocialisationSession.id == Participant.session_id)
                .where(Participant.employee_id == e.id, *session_attended(year))
                .correlate(e).scalar_subquery())
    certificates = (sa.select(sa.func.count()).select_from(Certificate)
                    .where(Certificate.employee_id == e.id, Certificate.status == CertificateStatus.VALID)
                    .correlate(e).scalar_subquery())
    return completed, sa.or_(read, attempted), failed, filed, sessions, certificates, hours.total_column(year)


def _staff_select(columns, opd_id: int | None, year: int, module_ids: list[int], *, q: str, filter_: str,
                  sort: str, target_passed: bool):
    completed, started, failed, filed, *_ = _columns(year, module_ids)
    stmt = sa.select(*columns).where(Employee.active.is_(True))
    if opd_id is not None:
        stmt = stmt.where(Employee.opd_id == opd_id)
    else:  # the city: the OPDs the dashboard counts
        stmt = stmt.where(Employee.opd_id.in_(sa.select(Opd.id).where(Opd.active.is_(True))))
    q = (q or "").strip()[:100]
    if q:
        cond = Employee.name.icontains(q, autoescape=True)
        digits = nip_rules.normalize(q)
        if digits.isdigit():
            cond = sa.or_(cond, Employee.nip.like(digits + "%"))
        stmt = stmt.where(cond)
    total = len(module_ids)
    if filter_ == "not_started":
        stmt = stmt.where(sa.not_(started), completed == 0, sa.not_(filed))
    elif filter_ == "failed":
        stmt = stmt.where(failed > 0, completed < total)
    elif filter_ == "no_statement":
        stmt = stmt.where(sa.not_(filed))
    elif filter_ == "complete":
        stmt = stmt.where(completed >= total, filed)
    elif filter_ == "overdue":
        # Not finished, and the year's target date (an admin setting) has passed.
        stmt = stmt.where(sa.or_(completed < total, sa.not_(filed))) if target_passed else stmt.where(sa.false())
    order = {"progress": (completed, Employee.name), "-progress": (completed.desc(), Employee.name)}.get(
        sort, (Employee.name,))
    return stmt.order_by(*order, Employee.id)


def _with_columns(year: int, module_ids: list[int]):
    completed, started, failed, filed, sessions, certificates, learning_hours = _columns(year, module_ids)
    return (Employee, completed.label("completed"), started.label("started"), failed.label("failed"),
            filed.label("filed"), sessions.label("sessions"), certificates.label("certificates"),
            learning_hours.label("learning_hours"))


def staff_query(opd_id: int | None, year: int, module_ids: list[int], *, q: str = "", filter_: str = "",
                sort: str = "name", target_passed: bool = False):
    """Employees of one OPD (None: the whole city) with their status columns, filtered and
    sorted: every row, for the exports and "everyone not finished"."""
    return _staff_select(_with_columns(year, module_ids), opd_id, year, module_ids, q=q, filter_=filter_,
                         sort=sort, target_passed=target_passed)


class StaffPage(SelectPagination):
    """One page of the staff list. The page's ids are chosen first and the status columns
    computed for those 50 people only: computed in the same statement as the ORDER BY and
    LIMIT, PostgreSQL would evaluate them (or hash a whole year of statements) for the
    entire OPD before cutting the page."""

    def _query_items(self) -> list:
        ids = list(db.session.scalars(self._query_args["select"].limit(self.per_page).offset(self._query_offset)))
        if not ids:
            return []
        rows = {row[0].id: row for row in db.session.execute(
            sa.select(*self._query_args["columns"]).where(Employee.id.in_(ids)))}
        return [rows[i] for i in ids]


def staff_page(opd_id: int | None, year: int, module_ids: list[int], *, page: int, per_page: int, q: str = "",
               filter_: str = "", sort: str = "name", target_passed: bool = False) -> StaffPage:
    ids = _staff_select((Employee.id,), opd_id, year, module_ids, q=q, filter_=filter_, sort=sort,
                        target_passed=target_passed)
    return StaffPage(select=ids, columns=_with_columns(year, module_ids), session=db.session(), page=page,
                     per_page=per_page, max_per_page=per_page, error_out=False)


def staff_rows(result, module_total: int) -> list[StaffRow]:
    return [StaffRow(e, completed or 0, bool(started), failed or 0, bool(filed), sessions or 0, certificates or 0,
                     module_total, int(learning_hours or 0))
            for e, completed, started, failed, filed, sessions, certificates, learning_hours in result]


# --- trends ------------------------------------------------------------------------------------------

def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone(zone_name(), column), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+7 hours")


def live_completions_by_month() -> list[tuple[int, str, int]]:
    """(opd_id, YYYY-MM in WIB, module completions) of active employees, for figures.refresh()."""
    month = _month(Completion.completed_at)
    stmt = (sa.select(Employee.opd_id, month, sa.func.count()).join(Employee, Employee.id == Completion.employee_id)
            .where(Employee.active.is_(True)).group_by(Employee.opd_id, month))
    return [(o, m, n) for o, m, n in db.session.execute(stmt)]


def last_months(today: date, months: int = 12) -> list[str]:
    """YYYY-MM of the last `months` months, oldest first, ending with today's."""
    keys = []
    y, m = today.year, today.month
    for _ in range(months):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return keys[::-1]
