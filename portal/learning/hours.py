"""Learning hours (jam pelajaran, JP): what each person earned in a calendar year, and the rows
an OPD's kepegawaian enters into the national records.

- A completion earns the JP its module certificate was issued with (the copy on the
  certificate); one whose certificate predates JP (NULL) or that has no certificate counts the
  module's current JP. A completion whose certificate was revoked earns nothing: its proof is void.
- The year is the local calendar's: completed between 1 January and 31 December in the
  government's zone (core/clock.year_bounds).
- ASN competence development asks for at least YEARLY_TARGET JP a year, as the portal applies
  the rule (its primary legal text is unverified: no article is cited). This portal's modules are
  only part of it: training, courses and other development count too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.certificates.models import Certificate, CertificateKind, CertificateStatus
from portal.core.clock import year_bounds
from portal.extensions import db
from portal.learning.models import Completion, Module
from portal.org.models import Employee, Opd

YEARLY_TARGET = 20  # JP a year (the rule as the portal applies it; see the module's docstring)


def _earned():
    return sa.func.coalesce(Certificate.learning_hours, Module.learning_hours)


def _completions(year: int, *columns) -> sa.Select:
    """Completions of `year` that earn their JP: the module, and the module certificate if any."""
    start, end = year_bounds(year)
    return (sa.select(*columns).select_from(Completion)
            .join(Module, Module.id == Completion.module_id)
            .outerjoin(Certificate, sa.and_(Certificate.kind == CertificateKind.MODULE,
                                            Certificate.employee_id == Completion.employee_id,
                                            Certificate.module_id == Completion.module_id))
            .where(Completion.completed_at >= start, Completion.completed_at < end,
                   sa.or_(Certificate.id.is_(None), Certificate.status != CertificateStatus.REVOKED)))


def total_column(year: int, employee_id_column=Employee.id):
    """The year's JP of the employee in the enclosing query (a correlated subquery: one statement
    for a whole page of the staff list)."""
    return (_completions(year, sa.func.coalesce(sa.func.sum(_earned()), 0))
            .where(Completion.employee_id == employee_id_column)
            .correlate(Employee).scalar_subquery())


def totals(employee_ids: list[int], year: int) -> dict[int, int]:
    """JP earned in `year` by each of these employees (0 for those who earned none)."""
    found = dict(db.session.execute(_completions(year, Completion.employee_id, sa.func.sum(_earned()))
                                    .where(Completion.employee_id.in_(employee_ids))
                                    .group_by(Completion.employee_id)).all()) if employee_ids else {}
    return {e: int(found.get(e) or 0) for e in employee_ids}


def total(employee_id: int, year: int) -> int:
    return totals([employee_id], year)[employee_id]


@dataclass(frozen=True)
class Record:
    """One completed module of one person: a line of the kepegawaian export."""

    nip: str
    name: str
    opd: str
    material_id: str
    completed_at: datetime
    learning_hours: int
    certificate_code: str | None  # Crockford base32, undashed; None without a certificate


def records(year: int, opd_id: int | None = None) -> list[Record]:
    """Every completion of `year` by the active employees of one OPD (None: every active OPD), by OPD,
    name and date. Revoked certificates are left out; JP 0 means the module's JP is not set."""
    stmt = (_completions(year, Employee.nip, Employee.name, Opd.name, Module.title_id, Completion.completed_at,
                         _earned(), Certificate.code)
            .join(Employee, Employee.id == Completion.employee_id).join(Opd, Opd.id == Employee.opd_id)
            .where(Employee.active.is_(True))
            .order_by(Opd.name, Employee.name, Employee.id, Completion.completed_at, Completion.id))
    if opd_id is not None:
        stmt = stmt.where(Employee.opd_id == opd_id)
    else:  # the city: the OPDs the staff list counts
        stmt = stmt.where(Opd.active.is_(True))
    return [Record(nip, name, opd, title, at, int(jp or 0), code)
            for nip, name, opd, title, at, jp, code in db.session.execute(stmt)]
