from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.extensions import db


class Reminder(db.Model):
    """A reminder e-mail to an employee, or the weekly digest to a secretary: who, when, by whom."""

    __tablename__ = "participation_reminder"
    __table_args__ = (sa.Index("ix_participation_reminder_employee_sent", "employee_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # reminder | digest
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"))
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered: Mapped[bool] = mapped_column(default=True)  # False: the employee has no e-mail address

    employee = relationship("Employee")


# --- figures kept for the dashboards (portal/participation/figures.py) -------------------------

class Snapshot(db.Model):
    """When one year's figures were last computed, and who is computing them now.

    `refreshing_since` is the claim: a conditional UPDATE sets it, so of several workers and
    web processes exactly one recomputes a year at a time."""

    __tablename__ = "participation_snapshot"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    computed_at: Mapped[datetime | None]
    refreshing_since: Mapped[datetime | None]
    duration_ms: Mapped[int] = mapped_column(default=0)


class OpdFigures(db.Model):
    """One OPD's figures for a year, as queries.live_opd_rows() counted them."""

    __tablename__ = "participation_opd_figures"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id", ondelete="CASCADE"), primary_key=True,
                                        autoincrement=False)
    headcount: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    passed_attempts: Mapped[int] = mapped_column(default=0)
    best_score_sum: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    best_score_n: Mapped[int] = mapped_column(default=0)
    statements: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
    certificates: Mapped[int] = mapped_column(default=0)
    # Gratification reports sent to the UPG in the year (portal/gratification/figures.py).
    gifts_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    gifts_late: Mapped[int] = mapped_column(default=0, server_default="0")
    gifts_refused: Mapped[int] = mapped_column(default=0, server_default="0")


class ModuleFigures(db.Model):
    """Per OPD and module: how many completed it, how many started it (completed included)."""

    __tablename__ = "participation_module_figures"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id", ondelete="CASCADE"), primary_key=True,
                                        autoincrement=False)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_module.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    complete: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)


class MonthFigures(db.Model):
    """Module completions per OPD and month (WIB), for the trend line; replaced at every refresh."""

    __tablename__ = "participation_month_figures"

    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id", ondelete="CASCADE"), primary_key=True,
                                        autoincrement=False)
    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)  # YYYY-MM
    completions: Mapped[int] = mapped_column(default=0)
