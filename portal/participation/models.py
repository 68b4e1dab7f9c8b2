from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db_types import utcnow
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
