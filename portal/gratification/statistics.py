"""The UPG's figures for a year: reports sent per OPD and per month, by kind, late, forwarded to the
KPK, decided (state property or the recipient's), and the value of what was reported. The
statistics page, the yearly report to the head of region and its XLSX all read them from here.

A report counts in the year and the month it was sent to the UPG (sent_on). Everything is counted
by the database with GROUP BY: three statements however many reports or OPDs there are.

Outside the UPG, a count of 1 or 2 is shown as "< 3", and so is the value of such a cell, so that
no single reporter can be singled out (the WBS statistics do the same, portal/wbs/stats.py).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.core import formatting
from portal.extensions import db
from portal.gratification.models import Decision, GiftObject, GiftReport, ReportType, Status
from portal.org.models import Opd

MIN_SHOWN = 3
COUNTS = ("sent", "receipt", "refusal", "offer", "late", "forwarded", "decided_state", "decided_recipient")
STATE = (Decision.STATE, Decision.STATE_REDEEMABLE)


@dataclass
class Figures:
    """One cell's figures. After hidden(), None stands for "fewer than 3" (a count) or "not shown"
    (the value of a cell with fewer than 3 reports)."""

    sent: int | None = 0
    receipt: int | None = 0
    refusal: int | None = 0
    offer: int | None = 0
    late: int | None = 0
    forwarded: int | None = 0  # entered in the KPK's system (the UPG recorded the KPK's reference)
    decided_state: int | None = 0  # the KPK decided: state property (redeemable or not)
    decided_recipient: int | None = 0  # the KPK decided: the recipient's property
    value: int | None = 0  # whole rupiah, the objects' estimated values

    def add(self, other: Figures) -> None:
        for name in (*COUNTS, "value"):
            setattr(self, name, (getattr(self, name) or 0) + (getattr(other, name) or 0))

    def hidden(self) -> Figures:
        out = Figures(**{name: _shown(getattr(self, name)) for name in COUNTS})
        out.value = self.value if out.sent is not None else None
        return out


def shown(n: int | None) -> str:
    """A count as the pages write it: "< 3" where hidden()."""
    return "< 3" if n is None else formatting.number(n)


def _shown(n: int | None) -> int | None:
    return None if n is None or 0 < n < MIN_SHOWN else n


@dataclass
class OpdRow:
    opd_id: int | None  # None: reports whose reporter had no OPD when sending
    name: str
    total: Figures = field(default_factory=Figures)
    months: list[Figures] = field(default_factory=lambda: [Figures() for _month in range(12)])


@dataclass
class YearFigures:
    year: int
    opds: list[OpdRow]
    months: list[Figures]  # January to December, over the OPDs above
    total: Figures
    exact: bool = True  # False once hidden(): counts under 3 are None

    def hidden(self) -> YearFigures:
        return YearFigures(
            year=self.year, exact=False, total=self.total.hidden(), months=[m.hidden() for m in self.months],
            opds=[dataclasses.replace(r, total=r.total.hidden(), months=[m.hidden() for m in r.months])
                  for r in self.opds])


def in_year(year: int):
    """Sent to the UPG in the year (drafts have no sent_on)."""
    return sa.and_(GiftReport.status != Status.DRAFT, GiftReport.sent_on >= date(year, 1, 1),
                   GiftReport.sent_on < date(year + 1, 1, 1))


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def year_figures(year: int, *, opd_id: int | None = None) -> YearFigures:
    """The year's figures for the whole city, or for one OPD (a secretary's)."""
    month = sa.extract("month", GiftReport.sent_on).label("month")
    where = [in_year(year)]
    if opd_id is not None:
        where.append(GiftReport.opd_id == opd_id)
    counts = db.session.execute(
        sa.select(GiftReport.opd_id, month, sa.func.count().label("sent"),
                  _count(GiftReport.report_type == ReportType.RECEIPT).label("receipt"),
                  _count(GiftReport.report_type == ReportType.REFUSAL).label("refusal"),
                  _count(GiftReport.report_type == ReportType.OFFER).label("offer"),
                  _count(GiftReport.late.is_(True)).label("late"),
                  _count(GiftReport.kpk_sent_on.is_not(None)).label("forwarded"),
                  _count(GiftReport.decision.in_(STATE)).label("decided_state"),
                  _count(GiftReport.decision == Decision.RECIPIENT).label("decided_recipient"))
        .where(*where).group_by(GiftReport.opd_id, month))
    cells: dict[tuple[int | None, int], Figures] = {}
    for line in counts:
        cells[(line.opd_id, int(line.month))] = Figures(**{name: int(getattr(line, name) or 0) for name in COUNTS})
    values = db.session.execute(
        sa.select(GiftReport.opd_id, month, sa.func.sum(GiftObject.value).label("value"))
        .join(GiftObject, GiftObject.report_id == GiftReport.id).where(*where).group_by(GiftReport.opd_id, month))
    for line in values:
        cells[(line.opd_id, int(line.month))].value = int(line.value or 0)

    opd_stmt = sa.select(Opd.id, Opd.name, Opd.active).order_by(Opd.name)
    if opd_id is not None:
        opd_stmt = opd_stmt.where(Opd.id == opd_id)
    reporting = {key[0] for key in cells}
    rows = {o.id: OpdRow(o.id, o.name) for o in db.session.execute(opd_stmt) if o.active or o.id in reporting}
    if None in reporting and opd_id is None:
        rows[None] = OpdRow(None, _("Without an OPD"))
    total, months = Figures(), [Figures() for _month in range(12)]
    for (key, m), cell in cells.items():
        row = rows.setdefault(key, OpdRow(key, "–"))
        row.months[m - 1].add(cell)
        row.total.add(cell)
        months[m - 1].add(cell)
        total.add(cell)
    return YearFigures(year=year, opds=list(rows.values()), months=months, total=total)
