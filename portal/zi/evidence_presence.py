"""Which OPDs a provider holds something for, asked once for many OPDs at a time.

The city view only needs to know whether each unit's items have evidence; gathering every
provider for every OPD made its SQL statements grow by about 28 per unit (bench/zi.py). Each rule
here is the `present` of the provider's own gathering (evidence_sources.py,
evidence_activity.py), written as one statement over all the OPDs asked;
tests/zi/test_zi_evidence_presence.py holds the two equal."""
from __future__ import annotations

import sqlalchemy as sa

from portal.core.clock import utcnow, year_bounds
from portal.extensions import db
from portal.org.models import Employee


def _opds(statement) -> set[int]:
    return {opd_id for opd_id in db.session.execute(statement).scalars() if opd_id is not None}


def socialisation(opd_ids: set[int], year: int) -> set[int]:
    """A session of the year that has started and was not cancelled invited the OPD or listed its staff."""
    from portal.socialisation.models import Participant, SocialisationSession, invited_opd

    start, end = year_bounds(year)
    held = sa.select(SocialisationSession.id).where(
        SocialisationSession.starts_at >= start, SocialisationSession.starts_at < end,
        SocialisationSession.starts_at <= utcnow(), SocialisationSession.cancelled_at.is_(None))
    return _opds(sa.union(
        sa.select(invited_opd.c.opd_id).where(invited_opd.c.session_id.in_(held), invited_opd.c.opd_id.in_(opd_ids)),
        sa.select(Participant.opd_id).where(Participant.session_id.in_(held), Participant.opd_id.in_(opd_ids))))


def learning(opd_ids: set[int], year: int) -> set[int]:
    """An active member of the OPD's staff completed a counted module."""
    from portal.learning.models import Completion
    from portal.participation import queries

    modules = [m.id for m in queries.counted_modules()]
    if not modules:
        return set()
    return _opds(sa.select(Employee.opd_id).distinct().join(Completion, Completion.employee_id == Employee.id)
                 .where(Employee.active.is_(True), Employee.opd_id.in_(opd_ids), Completion.module_id.in_(modules)))


def gratification(opd_ids: set[int], year: int) -> set[int]:
    """The Inspectorate's UPG is in place (every OPD), the OPD has its own UPG officer, or it sent a
    gift report in the year."""
    from portal.gratification.models import GiftReport
    from portal.gratification.statistics import in_year
    from portal.zi.evidence_activity import upg_holders

    city_upg, own = upg_holders()
    if city_upg:
        return set(opd_ids)
    return (own & set(opd_ids)) | _opds(sa.select(GiftReport.opd_id).distinct().where(
        in_year(year), GiftReport.opd_id.in_(opd_ids)))


def wbs(opd_ids: set[int], year: int) -> set[int]:
    """The WBS's rules are in the regulation library: the same for every OPD."""
    from portal.home.services import list_regulations

    return set(opd_ids) if list_regulations("wbs") else set()


def _statements_filed(opd_ids: set[int], year: int):
    """OPDs of which an active member filed the year's statement (queries.coverage's rule)."""
    from portal.coi.models import Declaration, Kind, Status

    return (sa.select(Employee.opd_id).join(Declaration, Declaration.declarant_id == Employee.id)
            .where(Declaration.kind == Kind.YEARLY, Declaration.year == year, Declaration.status != Status.DRAFT,
                   Employee.active.is_(True), Employee.opd_id.in_(opd_ids)))


def coi_register(opd_ids: set[int], year: int) -> set[int]:
    """A yearly statement filed, or any declaration of the OPD in the year that is not a draft."""
    from portal.coi.models import Declaration, Status

    return _opds(sa.union(_statements_filed(opd_ids, year), sa.select(Declaration.opd_id).where(
        Declaration.opd_id.in_(opd_ids), Declaration.year == year, Declaration.status != Status.DRAFT)))


def coi_evaluation(opd_ids: set[int], year: int) -> set[int]:
    """A yearly statement filed, or a conflict in the OPD's register of the year (queries.register)."""
    from portal.coi.models import Declaration
    from portal.coi.queries import DECLARED

    return _opds(sa.union(_statements_filed(opd_ids, year), sa.select(Declaration.opd_id).where(
        Declaration.opd_id.in_(opd_ids), Declaration.year == year, Declaration.status.in_(DECLARED),
        Declaration.no_conflict.is_(False))))


def followup(kind: str):
    """A recommendation of that kind of evaluation of the year is the OPD's."""
    def present(opd_ids: set[int], year: int) -> set[int]:
        from portal.followup.models import Recommendation

        return _opds(sa.select(Recommendation.opd_id).distinct().where(
            Recommendation.source_kind == kind, Recommendation.year == year, Recommendation.opd_id.in_(opd_ids)))
    return present
