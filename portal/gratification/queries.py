"""What the screens list: my reports, and every sent report for the UPG."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.gratification import upg
from portal.gratification.models import GiftReport, Status


def mine(employee_id: int) -> list[GiftReport]:
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.reporter_id == employee_id)
                                   .order_by(GiftReport.created_at.desc(), GiftReport.id.desc())))


def my_drafts(employee_id: int) -> list[GiftReport]:
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.reporter_id == employee_id,
                                                           GiftReport.status == Status.DRAFT)
                                   .order_by(GiftReport.due_on.nulls_last(), GiftReport.id)))


def sent() -> list[GiftReport]:
    """Every report sent to the UPG: those it has still to forward to the KPK, then those with the
    KPK, then the closed ones; in each, the nearest statutory deadline first."""
    stage = sa.case((GiftReport.status.in_(upg.AT_THE_UPG), 0), (GiftReport.status == Status.CLOSED, 2), else_=1)
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.status != Status.DRAFT)
                                   .order_by(stage, GiftReport.statutory_due_on, GiftReport.id)))
