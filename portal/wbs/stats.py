"""WBS statistics: counts only, never content. Counts below a threshold are hidden wherever
the viewer is not a handler, so a small number cannot point at a person."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from portal.core.workdays import workdays_between
from portal.extensions import db
from portal.org.models import Opd
from portal.wbs.models import Category, Report
from portal.wbs.workflow import Status

MIN_SHOWN = 3


@dataclass
class Stats:
    total: int
    by_month: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_opd: list[tuple[str, int]]
    by_status: list[tuple[Status, int]]
    avg_days_to_ack: float | None
    avg_days_to_close: float | None


def _avg(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def compute(locale: str = "id") -> Stats:
    rows = db.session.execute(sa.select(Report.filed_on, Report.category_id, Report.reported_opd_id, Report.status,
                                        Report.acknowledged_on, Report.closed_on)).all()
    categories = {c.id: c.label(locale) for c in db.session.scalars(sa.select(Category))}
    opds = {o.id: o.short_name for o in db.session.scalars(sa.select(Opd))}
    months = Counter(r.filed_on.strftime("%Y-%m") for r in rows)
    return Stats(
        total=len(rows),
        by_month=sorted(months.items()),
        by_category=Counter(categories.get(r.category_id, "?") for r in rows).most_common(),
        by_opd=Counter(opds.get(r.reported_opd_id, "–") for r in rows).most_common(),
        by_status=[(s, n) for s, n in Counter(r.status for r in rows).most_common()],
        avg_days_to_ack=_avg([workdays_between(r.filed_on, r.acknowledged_on) for r in rows if r.acknowledged_on]),
        avg_days_to_close=_avg([workdays_between(r.filed_on, r.closed_on) for r in rows if r.closed_on]),
    )


def suppressed(pairs: list[tuple], minimum: int = MIN_SHOWN) -> list[tuple]:
    """(label, count) with counts under the minimum replaced by None ("fewer than 3")."""
    return [(label, n if n >= minimum else None) for label, n in pairs]


def count_for_opd(opd_id: int) -> int | None:
    """Reports naming an OPD, for pages outside the WBS team: None when below the minimum."""
    n = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(Report.reported_opd_id == opd_id))
    return n if n >= MIN_SHOWN else None


def csv_rows(stats: Stats) -> list[list]:
    rows = [["section", "label", "count"], ["total", "", stats.total]]
    rows += [["month", m, n] for m, n in stats.by_month]
    rows += [["category", c, n] for c, n in stats.by_category]
    rows += [["opd", o, n] for o, n in stats.by_opd]
    rows += [["status", s.value, n] for s, n in stats.by_status]
    rows += [["avg_workdays_to_acknowledge", "", "" if stats.avg_days_to_ack is None else stats.avg_days_to_ack],
             ["avg_workdays_to_close", "", "" if stats.avg_days_to_close is None else stats.avg_days_to_close]]
    return rows
