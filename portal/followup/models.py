"""A recommendation of an evaluation and its follow-up."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db


class Status(LabelledEnum):
    OPEN = "open", _l("Open")
    DONE = "done", _l("Done")


class Recommendation(db.Model):
    __tablename__ = "followup_recommendation"
    __table_args__ = (sa.Index("ix_followup_recommendation_source", "source_kind", "source_key", "year"),
                      sa.Index("ix_followup_recommendation_opd_status", "opd_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(sa.String(40))  # registered by an area: "coi.evaluation"
    source_key: Mapped[str] = mapped_column(sa.String(40))  # within the kind: an OPD's id, "city"
    year: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id"))  # the OPD responsible
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"), index=True)  # optional account
    due_on: Mapped[date]
    status: Mapped[Status] = mapped_column(default=Status.OPEN)
    completion_note: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_key: Mapped[str | None] = mapped_column(sa.String(64))  # storage area "followup"
    evidence_name: Mapped[str] = mapped_column(sa.String(120), default="")
    evidence_type: Mapped[str] = mapped_column(sa.String(100), default="")
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    reminded_on: Mapped[date | None]  # the owners were told the due date is near (followup/reminders.py)
    overdue_noticed_on: Mapped[date | None]  # ... and that it has passed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))

    opd = relationship("Opd", lazy="joined")
    owner = relationship("User", foreign_keys=[owner_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def overdue_on(self, day: date) -> bool:
        return self.is_open and day > self.due_on
