"""The dashboards' figures per OPD, kept in summary tables and refreshed in the background.

Why: "started", best scores and completions are counted over every lesson read and quiz
attempt of the city (2.5 M rows at 100,000 employees). Counted on each view, a secretary's
dashboard took 0.4 s at 15,000 employees and 3.5 s at 100,000 (docs/performance.md). So the
worker (`flask --app portal worker`) recounts the whole city every
PARTICIPATION_REFRESH_SECONDS in one pass, replaces the rows in one transaction, and the pages
read a few hundred rows and say when they were counted. The staff list and its exports are per
person and stay live.

If no worker keeps a year fresh (a development server, a stopped worker), the first page that
finds its figures missing or three intervals old counts them itself, so figures are never
older than that, only slower to show.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.core.clock import utcnow
from portal.core.rows import ensure_row
from portal.core.workdays import today
from portal.extensions import db
from portal.gratification.figures import GiftCounts
from portal.org.models import Opd
from portal.participation import queries
from portal.participation.models import ModuleFigures, MonthFigures, OpdFigures, Snapshot

log = logging.getLogger(__name__)
PAST_YEAR_REFRESH = timedelta(days=1)  # statements and sessions of a past year rarely change
CLAIM_EXPIRES = timedelta(minutes=10)  # a refresh whose process died is taken over after this
STALE_FACTOR = 3                       # pages count for themselves past 3 intervals


@dataclass
class Figures:
    rows: list[queries.OpdRow]
    as_of: datetime | None  # None: counted just now for this page, not stored


def interval(year: int, on: date | None = None) -> timedelta:
    """How often the worker recounts a year: the current one (and later) often, past ones daily."""
    if year >= (on or today()).year:
        return timedelta(seconds=current_app.config["PARTICIPATION_REFRESH_SECONDS"])
    return PAST_YEAR_REFRESH


def _claim(year: int, now: datetime) -> bool:
    """Take the year's refresh, or learn that another process has it (one winner)."""
    ensure_row(Snapshot, {"year": year, "duration_ms": 0}, ["year"])
    won = db.session.execute(
        sa.update(Snapshot).where(Snapshot.year == year, sa.or_(Snapshot.refreshing_since.is_(None),
                                                                  Snapshot.refreshing_since < now - CLAIM_EXPIRES))
        .values(refreshing_since=now)).rowcount
    db.session.commit()
    return won == 1


def _store(year: int, rows: list[queries.OpdRow], months: list[tuple[int, str, int]]) -> None:
    db.session.execute(sa.delete(ModuleFigures).where(ModuleFigures.year == year))
    db.session.execute(sa.delete(OpdFigures).where(OpdFigures.year == year))
    db.session.execute(sa.delete(MonthFigures))
    opd_values = [{"year": year, "opd_id": r.opd_id, "headcount": r.headcount, "attempts": r.attempts,
                   "passed_attempts": r.passed_attempts, "best_score_sum": r.best_score_sum,
                   "best_score_n": r.best_score_n, "statements": r.statements, "attended": r.attended,
                   "certificates": r.certificates, "gifts_sent": r.gifts.sent, "gifts_late": r.gifts.late,
                   "gifts_refused": r.gifts.refused} for r in rows]
    module_values = [{"year": year, "opd_id": r.opd_id, "module_id": m, "complete": c.complete, "started": c.started}
                     for r in rows for m, c in r.modules.items()]
    month_values = [{"opd_id": o, "month": m, "completions": n} for o, m, n in months]
    for model, values in ((OpdFigures, opd_values), (ModuleFigures, module_values), (MonthFigures, month_values)):
        if values:
            db.session.execute(sa.insert(model), values)


def refresh(year: int, now: datetime | None = None) -> bool:
    """Recount one year for the whole city and replace its rows. Manages its own transactions
    (like a job): the claim is committed first so other processes see it. False when another
    process is already counting that year."""
    now = now or utcnow()
    if not _claim(year, now):
        return False
    started = time.monotonic()
    try:
        rows = queries.live_opd_rows(year)
        months = queries.live_completions_by_month()
        _store(year, rows, months)
        duration = int(1000 * (time.monotonic() - started))
        db.session.execute(sa.update(Snapshot).where(Snapshot.year == year).values(
            computed_at=utcnow(), refreshing_since=None, duration_ms=duration))
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.execute(sa.update(Snapshot).where(Snapshot.year == year).values(refreshing_since=None))
        db.session.commit()
        raise
    log.info("participation figures %s refreshed in %d ms", year, duration)
    return True


def refresh_due(now: datetime | None = None) -> list[int]:
    """The worker's periodic task: recount the current year and every year a page has asked
    for, each when its interval has passed. Returns the years recounted."""
    now = now or utcnow()
    on = today()
    known = dict(db.session.execute(sa.select(Snapshot.year, Snapshot.computed_at)).all())
    done = []
    for year in sorted(set(known) | {on.year}):
        computed = known.get(year)
        if (computed is None or now - computed >= interval(year, on)) and refresh(year, now):
            done.append(year)
    db.session.commit()
    return done


def _fresh(snapshot: Snapshot | None, year: int, now: datetime) -> bool:
    return (snapshot is not None and snapshot.computed_at is not None
            and now - snapshot.computed_at < STALE_FACTOR * interval(year))


def ensure(year: int) -> datetime | None:
    """The time of the year's stored figures, counting them first if missing or stale. None
    when they are missing and another process is counting them right now."""
    now = utcnow()
    snapshot = db.session.get(Snapshot, year)
    if not _fresh(snapshot, year, now):
        refresh(year, now)
        db.session.expire_all()
        snapshot = db.session.get(Snapshot, year)
    return snapshot.computed_at if snapshot is not None else None


def _stored_rows(year: int, opd_id: int | None) -> list[queries.OpdRow]:
    opds = sa.select(Opd, OpdFigures).outerjoin(OpdFigures, sa.and_(OpdFigures.opd_id == Opd.id,
                                                                     OpdFigures.year == year))
    modules = sa.select(ModuleFigures).where(ModuleFigures.year == year)
    if opd_id is None:
        opds = opds.where(Opd.active.is_(True))
    else:
        opds = opds.where(Opd.id == opd_id)
        modules = modules.where(ModuleFigures.opd_id == opd_id)
    rows = {}
    for opd, f in db.session.execute(opds.order_by(Opd.name)):
        row = queries.OpdRow(opd.id, opd.code, opd.name, opd.short_name)
        if f is not None:
            row.headcount, row.attempts, row.passed_attempts = f.headcount, f.attempts, f.passed_attempts
            row.best_score_sum, row.best_score_n = f.best_score_sum, f.best_score_n
            row.statements, row.attended, row.certificates = f.statements, f.attended, f.certificates
            row.gifts = GiftCounts(f.gifts_sent, f.gifts_late, f.gifts_refused)
        rows[opd.id] = row
    for m in db.session.scalars(modules):
        if m.opd_id in rows:
            rows[m.opd_id].modules[m.module_id] = queries.ModuleCount(m.complete, m.started)
    return list(rows.values())


def load(year: int, opd_id: int | None = None) -> Figures:
    """Rows for every active OPD (or just `opd_id`, active or not), from the stored figures."""
    as_of = ensure(year)
    if as_of is None:  # first ever view of this year while another process counts it
        rows = queries.live_opd_rows(year)
        if opd_id is not None:
            return Figures([r for r in rows if r.opd_id == opd_id], None)
        active = set(db.session.scalars(sa.select(Opd.id).where(Opd.active.is_(True))))
        return Figures([r for r in rows if r.opd_id in active], None)
    return Figures(_stored_rows(year, opd_id), as_of)


def month_series(opd_id: int | None, on: date, months: int = 12) -> list[tuple[str, int]]:
    """Cumulative completions at the end of each of the last `months` months."""
    keys = queries.last_months(on, months)
    stmt = sa.select(MonthFigures.month, sa.func.sum(MonthFigures.completions)).group_by(MonthFigures.month)
    if opd_id is not None:
        stmt = stmt.where(MonthFigures.opd_id == opd_id)
    per_month = {m: int(n) for m, n in db.session.execute(stmt)}
    running = sum(n for m, n in per_month.items() if m < keys[0])
    out = []
    for key in keys:
        running += per_month.get(key, 0)
        out.append((key, running))
    return out
