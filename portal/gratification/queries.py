"""What the screens list: my reports, and every sent report for the UPG."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.gratification.models import GiftReport, Status


def mine(employee_id: int) -> list[GiftReport]:
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.reporter_id == employee_id)
                                   .order_by(GiftReport.created_at.desc(), GiftReport.id.desc())))


def my_drafts(employee_id: int) -> list[GiftReport]:
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.reporter_id == employee_id,
                                                           GiftReport.status == Status.DRAFT)
                                   .order_by(GiftReport.due_on.nulls_last(), GiftReport.id)))


def sent(opd_id: int | None = None) -> list[GiftReport]:
    """Every report sent to the UPG (or one OPD's, for its own officer), the nearest statutory
    deadline first."""
    scoped = (GiftReport.opd_id == opd_id,) if opd_id is not None else ()
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.status != Status.DRAFT, *scoped)
                                   .order_by(GiftReport.statutory_due_on, GiftReport.id)))
