"""What the gratification area tells the participation dashboards and early detection: counts per
OPD, each in one grouped statement, never a report's content or its reporter.

Who reported a gift is the UPG's to know (Peraturan KPK 2/2019), so a count of one or two is shown
as "< 3" wherever anyone but the UPG reads it, as WBS counts are (portal/wbs/stats.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.gratification.models import GiftReport, Status

MIN_SHOWN = 3  # counts of 1 and 2 are shown as "< 3"


def masked(n: int, minimum: int = MIN_SHOWN) -> str:
    """A count as anyone but the UPG may read it: "< 3" for one or two, else the number."""
    return f"< {minimum}" if 0 < n < minimum else str(n)


@dataclass
class GiftCounts:
    """An OPD's gratification reports sent to the UPG in a year (by the day sent)."""

    sent: int = 0
    late: int = 0  # sent after the reporter's deadline
    refused: int = 0  # the gift was refused or given back (refusals included)

    def __add__(self, other: GiftCounts) -> GiftCounts:
        return GiftCounts(self.sent + other.sent, self.late + other.late, self.refused + other.refused)

    def shown(self, name: str) -> str:
        return masked(getattr(self, name))


def _sent_in(year: int) -> tuple:
    return (GiftReport.status != Status.DRAFT, GiftReport.sent_on >= date(year, 1, 1),
            GiftReport.sent_on < date(year + 1, 1, 1))


def counts_by_opd(year: int) -> dict[int, GiftCounts]:
    """opd_id -> the year's counts (the OPD the reporter was in when sending), one statement."""
    stmt = (sa.select(GiftReport.opd_id, sa.func.count(), sa.func.count().filter(GiftReport.late.is_(True)),
                      sa.func.count().filter(GiftReport.refused.is_(True)))
            .where(GiftReport.opd_id.is_not(None), *_sent_in(year)).group_by(GiftReport.opd_id))
    return {opd_id: GiftCounts(sent, late, refused) for opd_id, sent, late, refused in db.session.execute(stmt)
            if opd_id is not None}


@dataclass
class SharedGiver:
    """One giver (by digest) whose gifts were reported from several OPDs in the year. The digest
    and the register numbers are for the UPG only."""

    opd_ids: set[int] = field(default_factory=set)
    register_nos: list[str] = field(default_factory=list)


def shared_givers(year: int, min_opds: int) -> list[SharedGiver]:
    """Givers reported from at least `min_opds` OPDs in the year, one statement however many reports."""
    shared = (sa.select(GiftReport.giver_digest)
              .where(GiftReport.giver_digest.is_not(None), GiftReport.opd_id.is_not(None), *_sent_in(year))
              .group_by(GiftReport.giver_digest)
              .having(sa.func.count(sa.distinct(GiftReport.opd_id)) >= max(2, min_opds)))
    rows = db.session.execute(
        sa.select(GiftReport.giver_digest, GiftReport.opd_id, GiftReport.register_no)
        .where(GiftReport.giver_digest.in_(shared), GiftReport.opd_id.is_not(None), *_sent_in(year))
        .order_by(GiftReport.giver_digest, GiftReport.register_no))
    found: dict[str, SharedGiver] = defaultdict(SharedGiver)
    for digest, opd_id, register_no in rows:
        if digest is None or opd_id is None:  # excluded by the query; says so to the type checker
            continue
        found[digest].opd_ids.add(opd_id)
        if register_no:
            found[digest].register_nos.append(register_no)
    return list(found.values())
