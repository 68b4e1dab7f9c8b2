"""The UPG's register (buku register) of a year: every report sent, with its dates, OPD, kind, total
value, status and what the KPK did with it; on a page of 50 and as an XLSX.

Plain columns only: nothing sealed is opened for the list. The reporter's name is shown as the
UPG's queue shows it (the register is the UPG's own); the yearly XLSX for the KPK leaves it out.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.core import formatting, tables
from portal.extensions import db
from portal.gratification.models import Decision, GiftObject, GiftReport, ReportType, Status
from portal.gratification.statistics import in_year
from portal.org.models import Employee, Opd

PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    year: int
    opd_id: int = 0  # 0: every OPD
    status: Status | None = None
    report_type: ReportType | None = None

    def where(self) -> list:
        out = [in_year(self.year)]
        if self.opd_id:
            out.append(GiftReport.opd_id == self.opd_id)
        if self.status is not None:
            out.append(GiftReport.status == self.status)
        if self.report_type is not None:
            out.append(GiftReport.report_type == self.report_type)
        return out


@dataclass(frozen=True)
class Row:
    id: int
    register_no: str
    received_on: date | None
    sent_on: date | None
    late: bool
    opd: str
    report_type: ReportType
    total: int
    status: Status
    kpk_reference: str
    kpk_sent_on: date | None
    decision: Decision | None
    decision_no: str
    reporter: str


ORDER = (GiftReport.register_no, GiftReport.id)


def ids(filters: Filters):
    """The page's statement (ids in register order), for db.paginate."""
    return sa.select(GiftReport.id).where(*filters.where()).order_by(*ORDER)


def _rows(*where) -> list[Row]:
    total = (sa.select(sa.func.coalesce(sa.func.sum(GiftObject.value), 0))
             .where(GiftObject.report_id == GiftReport.id).scalar_subquery())
    stmt = (sa.select(GiftReport.id, GiftReport.register_no, GiftReport.received_on, GiftReport.sent_on,
                      GiftReport.late, sa.func.coalesce(Opd.name, "").label("opd"), GiftReport.report_type,
                      total.label("total"), GiftReport.status, GiftReport.kpk_reference, GiftReport.kpk_sent_on,
                      GiftReport.decision, GiftReport.decision_no, Employee.name.label("reporter"))
            .join(Employee, Employee.id == GiftReport.reporter_id).outerjoin(Opd, Opd.id == GiftReport.opd_id)
            .where(*where).order_by(*ORDER))
    return [Row(**{**row._mapping, "register_no": row.register_no or "", "total": int(row.total or 0)})
            for row in db.session.execute(stmt)]


def rows_for(report_ids: list[int]) -> list[Row]:
    """The register's rows of one page (one statement)."""
    return _rows(GiftReport.id.in_(report_ids))


def rows(filters: Filters) -> list[Row]:
    return _rows(*filters.where())


def kpk_text(row: Row) -> str:
    """The KPK's part as one line: its reference and date, its decision and the decision's number."""
    parts = []
    if row.kpk_reference:
        parts.append(f"{row.kpk_reference} ({formatting.day(row.kpk_sent_on)})" if row.kpk_sent_on
                     else row.kpk_reference)
    if row.decision is not None:
        parts.append(f"{row.decision.label} {row.decision_no}".strip())
    return "; ".join(parts)


def sheet(register_rows: list[Row], *, with_reporter: bool, preamble=()) -> tables.Sheet:
    header = [_("Register no."), _("Date received"), _("Date reported"), _("Late"), _("OPD"), _("Kind"),
              _("Total value (Rp)"), _("Status"), _("KPK reference"), _("Sent to the KPK on"), _("KPK's decision"),
              _("Decision no.")]
    if with_reporter:
        header.insert(1, _("Reporter"))

    # A year's register repeats a few hundred days and a handful of labels: each is written once.
    day = functools.lru_cache(maxsize=None)(formatting.day)
    label = functools.lru_cache(maxsize=None)(lambda item: str(item.label) if item is not None else "")
    yes = _("Yes")

    def line(r: Row) -> list:
        out = [r.register_no, day(r.received_on), day(r.sent_on), yes if r.late else "", r.opd, label(r.report_type),
               r.total, label(r.status), r.kpk_reference, day(r.kpk_sent_on), label(r.decision), r.decision_no]
        if with_reporter:
            out.insert(1, r.reporter)
        return out

    return tables.Sheet(_("Register"), header, (line(r) for r in register_rows), preamble=list(preamble))


def xlsx(filters: Filters, *, government: str) -> bytes:
    preamble = [[_("Register of gratification reports"), government, filters.year], []]
    return tables.xlsx_bytes([sheet(rows(filters), with_reporter=True, preamble=preamble)])
