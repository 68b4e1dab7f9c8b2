"""The evidence providers the LKE's items name (LkeItem.evidence_keys), registered once.

Each reads the other areas' own queries at the moment it is asked, so a unit, its assessor and its
export always see what the portal holds now. What a provider shows follows its area's rules for
readers outside it: WBS reports only as counts and never below WBS_MINIMUM_SHOWN, gift reports
with counts of one or two as "< 3", conflict-of-interest declarations as counts, never their
content. The activity of the OPD's staff (socialisation, learning, gratification) is in
evidence_activity.py; the evaluations, their follow-up and the WBS are here."""
from __future__ import annotations

import dataclasses
from collections import Counter

import sqlalchemy as sa
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import tables
from portal.core.clock import today
from portal.core.roles import Role
from portal.extensions import db
from portal.web import urls
from portal.zi import evidence_activity, evidence_presence
from portal.zi.evidence import Gathered, Provider, register
from portal.zi.evidence_activity import opd_name, slug

FOLLOWUP_KINDS = {
    "gratification_followup": ("gratification.evaluation", _l("Follow-up of the gratification evaluation")),
    "wbs_followup": ("wbs.evaluation", _l("Follow-up of the WBS evaluation")),
    "coi_followup": ("coi.evaluation", _l("Follow-up of the conflict-of-interest evaluation")),
}


def register_all(app: Flask) -> None:
    # url_roles: who may open the page a provider links to (the page checks again).
    for provider in (
        Provider("socialisation", _l("Socialisation sessions attended"), evidence_activity.socialisation,
                 present=evidence_presence.socialisation),
        Provider("learning", _l("E-learning coverage and learning gain"), evidence_activity.learning,
                 url_roles=(Role.SECRETARY, Role.COI_REVIEWER, Role.ADMIN), present=evidence_presence.learning),
        Provider("gratification", _l("Gift reports and the UPG"), evidence_activity.gratification,
                 url_roles=(Role.SECRETARY, Role.UPG, Role.ADMIN), present=evidence_presence.gratification),
        Provider("wbs", _l("Whistleblowing system (WBS)"), wbs, present=evidence_presence.wbs),
        Provider("coi_register", _l("Conflict-of-interest register"), coi_register, url_roles=(Role.COI_REVIEWER,),
                 present=evidence_presence.coi_register),
        Provider("coi_evaluation", _l("Yearly conflict-of-interest evaluation"), coi_evaluation,
                 url_roles=(Role.COI_REVIEWER,), present=evidence_presence.coi_evaluation),
        *(Provider(key, label, _followup_gatherer(kind), present=evidence_presence.followup(kind))
          for key, (kind, label) in FOLLOWUP_KINDS.items()),
    ):
        register(app, provider)


def _locale() -> str:
    return str(get_locale() or "id")


# --- follow-up of evaluations ---------------------------------------------------------------------

def _followup_gatherer(kind: str):
    def gather(opd_id: int, year: int) -> Gathered:
        return followup(kind, opd_id, year)
    return gather


def recommendations(kind: str, opd_id: int, year: int) -> list:
    """The recommendations of an evaluation kind of the year that the OPD is responsible for,
    whether the evaluation was of the OPD itself or of the whole city."""
    from portal.followup.models import Recommendation

    return list(db.session.scalars(sa.select(Recommendation).where(
        Recommendation.source_kind == kind, Recommendation.year == year, Recommendation.opd_id == opd_id)
        .order_by(Recommendation.due_on, Recommendation.id)))


def followup(kind: str, opd_id: int, year: int) -> Gathered:
    from portal.followup.models import Status

    recs = recommendations(kind, opd_id, year)
    label = next(str(lbl) for k, lbl in FOLLOWUP_KINDS.values() if k == kind)
    title = _("%(what)s %(year)d, %(opd)s", what=label, year=year, opd=opd_name(opd_id))
    url = urls.path("followup.index", tahun=year)
    if not recs:
        return Gathered(title, [_("No recommendation of this evaluation concerns the OPD in %(year)d.", year=year)],
                        url, present=False)
    on = today()
    done = sum(1 for r in recs if r.status == Status.DONE)
    overdue = sum(1 for r in recs if r.overdue_on(on))
    lines = [_("%(n)d recommendations: %(done)d done, %(open)d open, %(overdue)d of them overdue.",
               n=len(recs), done=done, open=len(recs) - done, overdue=overdue)]

    def csv() -> bytes:
        return tables.csv_bytes(
            [_("Recommendation"), _("Due date"), _("Status"), _("Overdue"), _("What has been done")],
            ([r.text, r.due_on.isoformat(), str(r.status.label), _("Yes") if r.overdue_on(today()) else "",
              r.completion_note] for r in recommendations(kind, opd_id, year)))
    return Gathered(title, lines, url, files=[(f"tindak-lanjut-{kind.split('.')[0]}-{slug(opd_id)}-{year}.csv", csv)])


# --- the WBS ------------------------------------------------------------------------------------

def _wbs_count(n: int) -> str:
    """A WBS count as anyone outside the WBS team may read it: never below the minimum, and 0 is not
    told apart from one or two either (that alone would say a report exists)."""
    from portal.participation.services import WBS_MINIMUM_SHOWN

    return str(n) if n >= WBS_MINIMUM_SHOWN else _("fewer than %(n)d", n=WBS_MINIMUM_SHOWN)


def wbs_counts(opd_id: int, year: int) -> dict[str, int]:
    """Reports filed in the year: in the whole city, concluded among them, and naming the OPD."""
    from datetime import date

    from portal.wbs.models import Report

    in_year = (Report.filed_on >= date(year, 1, 1), Report.filed_on < date(year + 1, 1, 1))
    filed, closed, naming = db.session.execute(sa.select(
        sa.func.count(), sa.func.count().filter(Report.closed_on.is_not(None)),
        sa.func.count().filter(Report.reported_opd_id == opd_id)).where(*in_year)).one()
    return {"filed": filed, "closed": closed, "naming": naming}


def wbs(opd_id: int, year: int) -> Gathered:
    """That the WBS is in place (the channel, its published rules) and the year's counts; the
    reports naming the OPD only as a count, and never below the minimum."""
    from portal.home.services import list_regulations

    rules = list_regulations("wbs")
    counts = wbs_counts(opd_id, year)
    title = _("Whistleblowing system (WBS) %(year)d", year=year)
    url = urls.path("wbs.index")
    shown = {key: _wbs_count(n) for key, n in counts.items()}
    lines = [_("Reporting channel: %(address)s", address=urls.absolute_url("wbs.index") or url)]
    if rules:
        lines.append(_("Published rules: %(rules)s", rules="; ".join(r.short_name for r in rules)))
    else:
        lines.append(_("No WBS regulation is in the portal's regulation library."))
    lines += [_("Reports filed in the city in %(year)d: %(filed)s, concluded: %(closed)s.", year=year, **shown),
              _("Reports naming the OPD: %(naming)s.", naming=shown["naming"])]

    def csv() -> bytes:
        return tables.csv_bytes([_("Figure"), _("Count")], [
            [_("Reports filed in the city"), shown["filed"]], [_("Concluded"), shown["closed"]],
            [_("Reports naming the OPD"), shown["naming"]]], preamble=[[title, opd_name(opd_id)]])
    return Gathered(title, lines, url, present=bool(rules), files=[(f"wbs-{slug(opd_id)}-{year}.csv", csv)])


# --- conflicts of interest ------------------------------------------------------------------------

def coi_counts(opd_id: int, year: int) -> dict:
    """The OPD's declarations of the year by kind and state, the register's conflicts by type, and
    the yearly statements filed against the staff: counts only, never what was declared."""
    from portal.coi import queries
    from portal.coi.models import Declaration, Status

    kinds = Counter(d.kind for d in db.session.scalars(sa.select(Declaration).where(
        Declaration.opd_id == opd_id, Declaration.year == year, Declaration.status != Status.DRAFT)))
    register = queries.register(opd_id, year)
    cover = queries.coverage(opd_id, year)
    return {
        "kinds": kinds, "declared": len(register),
        "by_type": Counter(t.label(_locale()) for d in register for t in d.types).most_common(),
        "decided": sum(1 for d in register if d.decided_on),
        "pending": sum(1 for d in register if d.status in (Status.SUBMITTED, Status.RETURNED)),
        "staff": len(cover), "statements": sum(1 for c in cover if c.status is not None),
    }


def coi_register(opd_id: int, year: int) -> Gathered:
    from portal.coi.models import Kind

    c = coi_counts(opd_id, year)
    title = _("Conflict-of-interest register %(year)d, %(opd)s", year=year, opd=opd_name(opd_id))
    url = urls.path("coi_oversight.register", opd=opd_id, tahun=year)
    lines = [_("Yearly statements filed: %(filed)d of %(staff)d staff.", filed=c["statements"], staff=c["staff"])]
    lines += [_("%(kind)s: %(n)d", kind=str(kind.label), n=c["kinds"].get(kind, 0)) for kind in Kind]
    lines.append(_("Conflicts declared: %(n)d (decided %(decided)d, waiting %(pending)d).",
                   n=c["declared"], decided=c["decided"], pending=c["pending"]))
    if c["by_type"]:
        lines.append(_("By type: %(types)s", types="; ".join(f"{label} ({n})" for label, n in c["by_type"])))
    present = bool(c["statements"] or sum(c["kinds"].values()))
    if not present:
        lines = [_("No conflict-of-interest declaration or yearly statement of the OPD in %(year)d.", year=year)]

    def csv() -> bytes:
        # Counts only: the register's entries (who declared what) are the Inspectorate's to read.
        rows = [[_("Staff"), c["staff"]], [_("Yearly statements filed"), c["statements"]],
                *([str(kind.label), c["kinds"].get(kind, 0)] for kind in Kind),
                [_("Conflicts declared"), c["declared"]], [_("Decided"), c["decided"]],
                [_("Waiting for a decision"), c["pending"]],
                *([_("Type: %(type)s", type=label), n] for label, n in c["by_type"])]
        return tables.csv_bytes([_("Figure"), _("Count")], rows, preamble=[[title]])
    return Gathered(title, lines, url, present=present, files=[(f"register-bk-{slug(opd_id)}-{year}.csv", csv)])


def coi_evaluation(opd_id: int, year: int) -> Gathered:
    from portal.coi import exports, queries

    locale = _locale()
    ev = queries.evaluation(opd_id, year, locale, today())
    name = opd_name(opd_id)
    title = _("Yearly conflict-of-interest evaluation %(year)d, %(opd)s", year=year, opd=name)
    url = urls.path("coi_oversight.evaluation", opd=opd_id, tahun=year)
    if not (ev.statements_filed or ev.declarations):
        return Gathered(title, [_("The evaluation of %(year)d has no data yet: no yearly statement and no "
                                  "declared conflict.", year=year)], url, present=False)
    lines = [
        _("Yearly statements filed: %(filed)d of %(staff)d staff.", filed=ev.statements_filed, staff=ev.headcount),
        _("Conflicts declared: %(n)d, decided %(decided)d (%(on_time)d within the deadline), open and overdue "
          "%(overdue)d.", n=ev.declarations, decided=ev.decided, on_time=ev.decided_on_time,
          overdue=ev.open_overdue),
    ]

    def xlsx() -> bytes:
        # The evaluation's own workbook with its figures; the register's rows (who declared what)
        # stay out, since the export of a unit reaches more readers than the Inspectorate.
        fresh = queries.evaluation(opd_id, year, locale, today())
        return exports.evaluation_xlsx(dataclasses.replace(fresh, rows=[]), name, locale)
    return Gathered(title, lines, url, files=[(f"evaluasi-bk-{slug(opd_id)}-{year}.xlsx", xlsx)])

