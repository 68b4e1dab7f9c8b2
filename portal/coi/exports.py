"""The yearly evaluation per OPD (to the Mayor through the Inspector) as PDF and XLSX."""
from __future__ import annotations

from flask_babel import force_locale, gettext
from flask_babel import gettext as _

from portal.coi.queries import Evaluation
from portal.core import formatting, pdf, settings, signing, tables
from portal.home.services import article

EVALUATION = "coi.evaluation"  # declared in portal/coi/__init__.py


def _register_rows(ev: Evaluation, locale: str) -> list[dict]:
    return [{
        "no": d.register_no or "",
        "kind": str(d.kind.label),
        "description": d.description,
        "official": f"{d.declarant.name} ({d.declarant.position})",
        "cause": "; ".join(s.label(locale) for s in d.sources),
        "types": "; ".join(t.label(locale) for t in d.types),
        "handling": "; ".join(x for x in (d.decision.label(locale) if d.decision else "", d.decision_rationale,
                                          d.proposed_measure) if x),
        "status": str(d.status.label),
        "due_on": formatting.day(d.due_on),
        "decided_on": formatting.day(d.decided_on),
    } for d in ev.rows]


def evaluation_context(ev: Evaluation, opd_name: str, locale: str) -> dict:
    return {
        "lang": locale,
        "opd": opd_name, "year": ev.year, "headcount": ev.headcount, "statements_filed": ev.statements_filed,
        "declarations": ev.declarations, "decided": ev.decided, "decided_on_time": ev.decided_on_time,
        "open_overdue": ev.open_overdue,
        "by_type": [list(p) for p in ev.by_type], "by_source": [list(p) for p in ev.by_source],
        "by_decision": [list(p) for p in ev.by_decision],
        "rows": _register_rows(ev, locale),
        "types_basis": _citation("coi-types"),
    }


def _citation(key: str) -> str:
    item = article(key)
    return item.citation if item else ""


def evaluation_pdf(opd, year: int, *, on, actor) -> bytes:
    """The evaluation as the Inspectorate's letter to the head of region: Indonesian whatever the
    reader's language, on the Inspectorate's letterhead, numbered once per OPD and year, signed by
    the office set for it. The caller commits (the number)."""
    from portal.coi.queries import evaluation
    from portal.documents import services as documents

    with force_locale("id"):
        ev = evaluation(opd.id, year, "id", on)
        title = gettext("Yearly evaluation of conflict-of-interest handling %(opd)s %(year)d", opd=opd.name, year=year)
        official = documents.official(EVALUATION, opd_id=documents.inspectorate_id(), title=title, actor=actor,
                                      numbered_as=f"coi_evaluation:{opd.id}:{year}")
        return pdf.render("pdf/coi_evaluation.html", {**evaluation_context(ev, opd.name, "id"), **official,
                                                      "head_office": settings.head_office()},
                          sign_as=signing.Document.COI_EVALUATION)


def evaluation_xlsx(ev: Evaluation, opd_name: str, locale: str) -> bytes:
    ctx = evaluation_context(ev, opd_name, locale)
    summary = [[_("Yearly evaluation of conflict-of-interest handling"), opd_name, ev.year], []]
    for label, value in ((_("Employees"), ev.headcount), (_("Yearly statements filed"), ev.statements_filed),
                         (_("Conflicts declared"), ev.declarations), (_("Decided"), ev.decided),
                         (_("Decided within the deadline"), ev.decided_on_time),
                         (_("Open and overdue"), ev.open_overdue)):
        summary.append([label, value])
    for title, pairs in ((_("By type"), ev.by_type), (_("By source"), ev.by_source),
                         (_("By decision"), ev.by_decision)):
        summary += [[], [title], *([label, n] for label, n in pairs)]
    register = tables.Sheet(
        _("Register"), [_("No."), _("Kind"), _("Description"), _("Official concerned"), _("Cause"), _("Type"),
                        _("Handling / prevention"), _("Status"), _("Decision due"), _("Decided on")],
        ([r["no"], r["kind"], r["description"], r["official"], r["cause"], r["types"], r["handling"],
          r["status"], r["due_on"], r["decided_on"]] for r in ctx["rows"]))
    return tables.xlsx_bytes([tables.Sheet(_("Summary"), preamble=summary), register])
