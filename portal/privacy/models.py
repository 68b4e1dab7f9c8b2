"""Correction requests (the right to have wrong data corrected) and the record of retention runs."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db

# UU 27/2022 asks the controller to correct data within 3 x 24 hours of the request: the
# admin's list shows each request's due time from this.
ANSWER_WITHIN = timedelta(hours=72)


class CorrectionTopic(LabelledEnum):
    PROFILE = "profile", _l("Profile (name, NIP, position, OPD, e-mail, superior)")
    ACCOUNT = "account", _l("Account (username, roles, language)")
    LEARNING = "learning", _l("E-learning records")
    DECLARATION = "declaration", _l("Conflict-of-interest declarations")
    ATTENDANCE = "attendance", _l("Session invitations and attendance")
    CERTIFICATE = "certificate", _l("Certificates")
    OTHER = "other", _l("Something else")


class CorrectionStatus(LabelledEnum):
    OPEN = "open", _l("Waiting for an administrator")
    DONE = "done", _l("Corrected")
    DECLINED = "declined", _l("Declined")


class CorrectionRequest(db.Model):
    """An employee's request to correct what the portal holds about them, and its answer."""

    __tablename__ = "privacy_correction_request"
    __table_args__ = (sa.Index("ix_privacy_correction_request_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    topic: Mapped[CorrectionTopic]
    what_is_wrong: Mapped[str] = mapped_column(sa.Text)
    should_be: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[CorrectionStatus] = mapped_column(default=CorrectionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    employee = relationship("Employee", lazy="joined")
    handled_by = relationship("User")

    @property
    def is_open(self) -> bool:
        return self.status == CorrectionStatus.OPEN

    @property
    def answer_due_at(self) -> datetime:
        return self.created_at + ANSWER_WITHIN


class RetentionRun(db.Model):
    """One application of the retention rules, with what it deleted (counts only).

    `daily_on` is the claim on a day: the worker's periodic task and the daily command both
    insert it unless present, so of several workers and the timer exactly one runs each day."""

    __tablename__ = "privacy_retention_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    daily_on: Mapped[date | None] = mapped_column(unique=True)  # None: an extra run by hand (--again)
    trigger: Mapped[str] = mapped_column(sa.String(16))  # worker | command
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
