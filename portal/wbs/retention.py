"""Retention: a closed case's content is destroyed a set number of months after it closed,
unless a legal hold keeps it.

Destroying means crypto-shredding: the report's wrapped data key is deleted together with
every ciphertext sealed under it (report text, identity, messages, notes, event reasons,
evidence names and the evidence files in storage). What the statistics read stays: the
category, OPD, mode, status, referral and dates, and the events' kinds and dates.

The period is the Inspectorate's choice (an admin setting), unless the regulation sets one.
Run `flask --app portal wbs-retention` once a day.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core import audit, settings, storage, workdays
from portal.core.clock import utcnow
from portal.extensions import db
from portal.wbs import workflow
from portal.wbs.models import Evidence, FollowUp, LegalHold, Message, Note, Report, ReportEvent
from portal.wbs.services import STORAGE_AREA, WbsError

SETTING = "wbs.retention_months"
# Five years: a starting point, not a legal period (see docs/decisions.md). Long enough for a
# substantiated case's follow-up to finish; a case that must outlive it gets a legal hold.
DEFAULT_MONTHS = 60
MIN_MONTHS, MAX_MONTHS = 1, 600
# A stored file no report points to is removed only when this old, so a report being filed
# (its file written, its row not yet committed) is never touched.
ORPHAN_AGE_SECONDS = 24 * 3600


def period_months() -> int:
    return int(settings.get(SETTING, DEFAULT_MONTHS))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def destroy_on(report: Report, months: int | None = None) -> date | None:
    """When a closed case's content goes; None for an open or already shredded case."""
    if report.wrapped_key is None or not report.status.closed or report.closed_on is None:
        return None
    return add_months(report.closed_on, period_months() if months is None else months)


def is_shredded(report: Report) -> bool:
    return report.wrapped_key is None


def case_state(report: Report) -> dict:
    """What the case page says about retention: the hold in force, or when the content goes."""
    months = period_months()
    until = destroy_on(report, months)
    return {"hold": active_hold(report) if report.legal_hold else None, "months": months, "destroy_on": until,
            "run_out": until is not None and until <= workdays.today()}


# --- the daily run -----------------------------------------------------------------------------

@dataclass
class Due:
    report_id: int
    public_id: str
    closed_on: date
    destroy_on: date


@dataclass
class Plan:
    on: date
    months: int
    due: list[Due] = field(default_factory=list)
    held: int = 0   # past the period, kept by a legal hold


def plan(on: date) -> Plan:
    """The closed cases whose period has run out by `on`: what a run would destroy."""
    months = period_months()
    rows = db.session.execute(
        sa.select(Report.id, Report.public_id, Report.closed_on, Report.legal_hold)
        .where(Report.status.in_(workflow.CLOSED), Report.wrapped_key.is_not(None), Report.closed_on.is_not(None),
               Report.closed_on <= on)
        .order_by(Report.closed_on, Report.id)).all()
    result = Plan(on=on, months=months)
    for row in rows:
        until = add_months(row.closed_on, months)
        if until > on:
            continue
        if row.legal_hold:
            result.held += 1
        else:
            result.due.append(Due(row.id, row.public_id, row.closed_on, until))
    return result


@dataclass
class Shredded:
    public_ids: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)   # storage keys to remove once committed


def shred_due(due_plan: Plan) -> Shredded:
    """Shred every case of the plan that is still eligible (a hold placed meanwhile wins)."""
    done = Shredded()
    for item in due_plan.due:
        keys = shred(item.report_id, on=due_plan.on, months=due_plan.months)
        if keys is not None:
            done.public_ids.append(item.public_id)
            done.files += keys
    return done


def shred(report_id: int, *, on: date, months: int) -> list[str] | None:
    """Destroy one closed case's content; flushes, the caller commits, then calls finish().

    Returns the storage keys of its files, or None when the case was not eligible any more
    (held, reopened, or shredded by a concurrent run). The key goes first, in one conditional
    UPDATE: a legal hold committed in between makes it match nothing (PostgreSQL re-checks the
    row after the lock), so a held case is never shredded."""
    if db.engine.dialect.name == "sqlite":
        # Freed cells are zeroed, so the old wrapped key does not linger in the file's free space.
        db.session.execute(sa.text("PRAGMA secure_delete=ON"))
    won = db.session.execute(
        sa.update(Report).where(Report.id == report_id, Report.wrapped_key.is_not(None),
                                Report.legal_hold.is_(False), Report.status.in_(workflow.CLOSED))
        .values(wrapped_key=None, content=None, identity=None, shredded_on=on)
        .execution_options(synchronize_session="fetch")).rowcount
    if not won:
        return None
    report = db.session.get(Report, report_id)
    keys = list(db.session.scalars(sa.select(Evidence.storage_key).where(Evidence.report_id == report_id)))
    counts = {}
    db.session.execute(sa.delete(FollowUp).where(FollowUp.report_id == report_id))  # open follow-ups end too
    for name, model in (("messages", Message), ("notes", Note), ("evidence", Evidence)):
        counts[name] = db.session.execute(sa.delete(model).where(model.report_id == report_id)
                                          .execution_options(synchronize_session="fetch")).rowcount
    db.session.execute(sa.update(ReportEvent).where(ReportEvent.report_id == report_id).values(reason=None)
                       .execution_options(synchronize_session="fetch"))
    db.session.flush()
    # No actor: the rule did it. Dates and counts only, nothing of the content.
    audit.record("wbs.case_shredded", object_type="wbs_report", object_id=report.public_id,
                 data={"closed_on": report.closed_on, "retention_months": months, **counts})
    return keys


def finish(done: Shredded) -> int:
    """After the commit: remove the shredded cases' files, then any file no report points to
    (left by a run that stopped between its commit and this step). Returns files removed."""
    for key in done.files:
        storage.delete(STORAGE_AREA, key)
    removed = len(done.files) + sweep_orphan_files()
    if db.engine.dialect.name == "sqlite":
        # Copy the WAL into the database and empty it: the old pages go with it.
        db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return removed


def sweep_orphan_files() -> int:
    known = set(db.session.scalars(sa.select(Evidence.storage_key)))
    found = storage.orphans(STORAGE_AREA, known, ORPHAN_AGE_SECONDS)
    for key in found:
        storage.delete(STORAGE_AREA, key)
    return len(found)


# --- legal hold --------------------------------------------------------------------------------

def active_hold(report: Report) -> LegalHold | None:
    return db.session.scalar(sa.select(LegalHold).where(LegalHold.report_id == report.id,
                                                        LegalHold.lifted_at.is_(None))
                             .order_by(LegalHold.id.desc()).limit(1))


def holds(report: Report) -> list[LegalHold]:
    return list(db.session.scalars(sa.select(LegalHold).where(LegalHold.report_id == report.id)
                                   .order_by(LegalHold.id)))


def place_hold(report: Report, reason: str, *, actor) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise WbsError(_l("Give the reason."), "reason")
    # Conditional, like the shredding it races with: a case shredded meanwhile is not "held".
    won = db.session.execute(
        sa.update(Report).where(Report.id == report.id, Report.wrapped_key.is_not(None),
                                Report.legal_hold.is_(False))
        .values(legal_hold=True).execution_options(synchronize_session="fetch")).rowcount
    if not won:
        db.session.refresh(report)
        if report.wrapped_key is None:
            raise WbsError(_l("This case's content has already been destroyed."), "reason")
        raise WbsError(_l("This case is already under legal hold."), "reason")
    hold = LegalHold(report_id=report.id, placed_by_id=actor.id, reason=reason)
    db.session.add(hold)
    db.session.flush()
    audit.record("wbs.legal_hold_placed", object_type="wbs_report", object_id=report.public_id, actor=actor,
                 data={"hold": hold.id, "reason": reason})
    return hold


def lift_hold(report: Report, reason: str, *, actor) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise WbsError(_l("Give the reason."), "reason")
    hold = active_hold(report)
    if hold is None or not report.legal_hold:
        raise WbsError(_l("This case is not under legal hold."), "reason")
    hold.lifted_by_id, hold.lifted_at, hold.lift_reason = actor.id, utcnow(), reason
    report.legal_hold = False
    db.session.flush()
    audit.record("wbs.legal_hold_lifted", object_type="wbs_report", object_id=report.public_id, actor=actor,
                 data={"hold": hold.id, "reason": reason})
    return hold


# --- for the admin's settings page ---------------------------------------------------------------

def summary(on: date | None = None) -> dict:
    """Counts only (the admin never reads a case)."""
    due_plan = plan(on or workdays.today())
    count = sa.select(sa.func.count()).select_from(Report)
    return {
        "months": due_plan.months,
        "default_months": DEFAULT_MONTHS,
        "due": len(due_plan.due),
        "held": db.session.scalar(count.where(Report.legal_hold.is_(True))),
        "shredded": db.session.scalar(count.where(Report.wrapped_key.is_(None))),
    }

