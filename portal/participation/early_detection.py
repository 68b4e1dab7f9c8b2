"""Early detection ("sistem deteksi dini"): per OPD, signals that point at risk before it
becomes a case. Each says why it fired and where to look; thresholds are admin settings.
WBS reports are counts only, and never shown below WBS_MINIMUM_SHOWN.

Gratification: late reports are counted like the WBS's (never below gratification's MIN_SHOWN);
gifts from one giver reported from several OPDs are found by the giver's keyed digest
(gratification/givers.py) and say how many OPDs, never who gave or which reports, except to the
UPG, which may open those reports anyway."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext, ngettext

from portal.coi.models import Activity, Declaration, Kind
from portal.coi.models import Status as DeclarationStatus
from portal.core.clock import year_bounds
from portal.extensions import db
from portal.gratification import figures as gift_figures
from portal.participation import figures, queries
from portal.participation.services import WBS_MINIMUM_SHOWN, config
from portal.socialisation.models import ATTENDED, Participant, SocialisationSession, invited_opd
from portal.wbs.models import Report

GIFT_KINDS = ("gifts_late", "gift_giver")  # what the UPG, which sees no other signal, is shown


@dataclass
class Signal:
    opd_id: int
    opd_name: str
    kind: str
    why: str
    link: str | None


def _overdue_decisions(on: date) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Declaration.opd_id, sa.func.count()).where(
            Declaration.status == DeclarationStatus.SUBMITTED, Declaration.due_on < on)
        .group_by(Declaration.opd_id)).all())


def _procurement(year: int) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Declaration.opd_id, sa.func.count()).where(
            Declaration.kind.in_((Kind.ADHOC, Kind.CHANGE)), Declaration.year == year,
            Declaration.activity == Activity.PROCUREMENT, Declaration.status != DeclarationStatus.DRAFT)
        .group_by(Declaration.opd_id)).all())


def _wbs_reports(year: int) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Report.reported_opd_id, sa.func.count()).where(
            Report.reported_opd_id.is_not(None), Report.filed_on >= date(year, 1, 1),
            Report.filed_on < date(year + 1, 1, 1))
        .group_by(Report.reported_opd_id)).all())


def _sessions_skipped(year: int, now) -> dict[int, int]:
    """Sessions that ended this year, to which the OPD was invited, and nobody from it came."""
    start, end = year_bounds(year)
    came = (sa.select(Participant.session_id, Participant.opd_id).where(Participant.status.in_(ATTENDED))
            .distinct().subquery())
    stmt = (sa.select(invited_opd.c.opd_id, sa.func.count())
            .join(SocialisationSession, SocialisationSession.id == invited_opd.c.session_id)
            .outerjoin(came, sa.and_(came.c.session_id == invited_opd.c.session_id,
                                     came.c.opd_id == invited_opd.c.opd_id))
            .where(SocialisationSession.starts_at >= start, SocialisationSession.starts_at < end,
                   SocialisationSession.ends_at < now,
                   SocialisationSession.cancelled_at.is_(None), came.c.session_id.is_(None))
            .group_by(invited_opd.c.opd_id))
    return dict(db.session.execute(stmt).all())


def _gift_signals(rows: list[queries.OpdRow], year: int, cfg: dict, upg: bool) -> dict[int, list[Signal]]:
    """Per OPD: late gratification reports (from the stored figures), and each giver whose gifts
    were reported from several OPDs, one signal per OPD involved. Only the UPG (`upg`) is told
    which reports and gets a link to its list."""
    out: dict[int, list[Signal]] = {}
    names = {r.opd_id: r.name for r in rows}
    link = url_for("gratification_upg.index") if upg else None
    late_threshold = max(gift_figures.MIN_SHOWN, cfg["signals.gift_reports_late"])
    for r in rows:
        if r.gifts.late >= late_threshold:
            out.setdefault(r.opd_id, []).append(Signal(r.opd_id, r.name, "gifts_late", gettext(
                "%(n)d gratification reports were sent to the UPG after their deadline this year.",
                n=r.gifts.late), link or url_for("participation.dashboard", opd=r.opd_id, tahun=year)))
    for giver in gift_figures.shared_givers(year, cfg["signals.gift_giver_opds"]):
        why = gettext("Gifts from one giver were reported in %(n)d OPDs this year.", n=len(giver.opd_ids))
        if upg:
            why += " " + ngettext("Report: %(numbers)s.", "Reports: %(numbers)s.", len(giver.register_nos),
                                  numbers=", ".join(giver.register_nos))
        for opd_id in sorted(giver.opd_ids):
            if opd_id in names:
                out.setdefault(opd_id, []).append(Signal(opd_id, names[opd_id], "gift_giver", why, link))
    return out


def compute(year: int, on: date, now, *, upg: bool = False) -> tuple[list[Signal], float]:
    """Every signal of the year; `upg`: the viewer is the UPG (gift signals name their reports)."""
    cfg = config()
    modules = [m.id for m in queries.counted_modules()]
    rows = [r for r in figures.load(year).rows if r.headcount]
    total = queries.city_total(rows)
    city = 100 * total.coverage(modules)
    overdue, procurement = _overdue_decisions(on), _procurement(year)
    wbs, skipped = _wbs_reports(year), _sessions_skipped(year, now)
    gifts = _gift_signals(rows, year, cfg, upg)
    out: list[Signal] = []
    for r in rows:
        dashboard = url_for("participation.dashboard", opd=r.opd_id)
        coverage = 100 * r.coverage(modules)
        if city - coverage >= cfg["signals.coverage_gap_points"]:
            out.append(Signal(r.opd_id, r.name, "coverage", gettext(
                "E-learning coverage %(opd)d%% is %(gap)d points below the city's %(city)d%%.",
                opd=round(coverage), gap=round(city - coverage), city=round(city)), dashboard))
        missing = 100 - r.percent(r.statements)
        if missing >= cfg["signals.statements_missing_percent"]:
            out.append(Signal(r.opd_id, r.name, "statements", gettext(
                "%(percent)d%% of the staff have not filed the yearly conflict-of-interest statement %(year)d.",
                percent=missing, year=year), url_for("participation.staff", opd=r.opd_id, filter="no_statement")))
        if overdue.get(r.opd_id, 0) >= max(1, cfg["signals.overdue_decisions"]):
            out.append(Signal(r.opd_id, r.name, "overdue", gettext(
                "%(n)d conflict-of-interest decisions are past their deadline.", n=overdue[r.opd_id]),
                url_for("coi_oversight.index", opd=r.opd_id)))
        if procurement.get(r.opd_id, 0) >= max(1, cfg["signals.procurement_declarations"]):
            out.append(Signal(r.opd_id, r.name, "procurement", gettext(
                "%(n)d conflict-of-interest declarations about procurement this year.", n=procurement[r.opd_id]),
                url_for("coi_oversight.register", opd=r.opd_id, tahun=year)))
        if wbs.get(r.opd_id, 0) >= max(WBS_MINIMUM_SHOWN, cfg["signals.wbs_reports"]):
            out.append(Signal(r.opd_id, r.name, "wbs", gettext(
                "%(n)d WBS reports this year name this OPD (counts only; the contents stay with the WBS team).",
                n=wbs[r.opd_id]), None))
        if skipped.get(r.opd_id, 0) >= max(1, cfg["signals.sessions_skipped"]):
            out.append(Signal(r.opd_id, r.name, "sessions", gettext(
                "Nobody from this OPD attended %(n)d socialisation sessions it was invited to this year.",
                n=skipped[r.opd_id]), url_for("socialisation.index")))
        out += gifts.get(r.opd_id, [])
    return out, city
