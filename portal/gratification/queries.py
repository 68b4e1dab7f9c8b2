"""What the screens list: my reports, the ones I may link to a declaration, every sent report for
the UPG, and the conflict-of-interest declarations linked to a report."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.coi import services as coi
from portal.coi.models import Declaration
from portal.coi.models import Status as DeclarationStatus
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


def mine_waiting(employee_id: int) -> list[GiftReport]:
    """The reporter's sent reports that wait for them: the UPG's question to answer, or state
    property to hand over (the handover not yet recorded)."""
    return list(db.session.scalars(sa.select(GiftReport).where(
        GiftReport.reporter_id == employee_id,
        sa.or_(GiftReport.status == Status.MORE_INFORMATION,
               sa.and_(GiftReport.status == Status.DECIDED, GiftReport.handover_due_on.is_not(None),
                       GiftReport.handover_on.is_(None))))
        .order_by(GiftReport.id)))


def linkable(employee_id: int) -> list[GiftReport]:
    """The reports a declaration by this employee may link to (services.can_link): their own, sent
    to the UPG; the latest gift first."""
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.reporter_id == employee_id,
                                                           GiftReport.status != Status.DRAFT)
                                   .order_by(GiftReport.received_on.desc().nulls_last(), GiftReport.id.desc())))


def open_cases(opd_id: int | None = None) -> list[GiftReport]:
    """The UPG's queue: every sent report not yet closed (or one OPD's, for its own officer), those
    it has still to forward to the KPK first, then those with the KPK; in each, the nearest statutory
    deadline first. Closed ones are in the register (register.py), which pages: the queue stays as
    short as the work in hand."""
    scoped = (GiftReport.opd_id == opd_id,) if opd_id is not None else ()
    stage = sa.case((GiftReport.status.in_(upg.AT_THE_UPG), 0), else_=1)
    return list(db.session.scalars(sa.select(GiftReport).where(GiftReport.status.not_in((Status.DRAFT, Status.CLOSED)),
                                                               *scoped)
                                   .order_by(stage, GiftReport.statutory_due_on, GiftReport.id)))


@dataclass(frozen=True)
class LinkedDeclaration:
    declaration: Declaration
    readable: bool  # the user may open it (coi's own rule): a link; otherwise its number and status only


def linked_declarations(report: GiftReport, user) -> list[LinkedDeclaration]:
    """The declarations whose declarant (the reporter: coi.services) linked this report, as `user`,
    who may see the report, sees them. A draft is listed only to whoever may read it."""
    found = db.session.scalars(sa.select(Declaration).where(Declaration.gift_report_id == report.id)
                               .order_by(Declaration.created_at, Declaration.id))
    listed = [LinkedDeclaration(d, coi.can_view(user, d)) for d in found]
    return [item for item in listed if item.readable or item.declaration.status != DeclarationStatus.DRAFT]
