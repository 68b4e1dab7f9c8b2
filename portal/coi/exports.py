"""The yearly evaluation per OPD and of the whole city (to the head of region through the Inspector)
as PDF and XLSX, with the recommendations made and their follow-up."""
from __future__ import annotations

from flask_babel import force_locale, gettext
from flask_babel import gettext as _

from portal.coi import recommendations
from portal.coi.queries import CityEvaluation, Evaluation
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
                                                      "head_office": settings.head_office(),
                                                      "recommendations": _recommendations(str(opd.id), year, on)},
                          sign_as=signing.Document.COI_EVALUATION)


def _recommendations(key: str | None, year: int, on) -> list[dict]:
    """The recommendations of one evaluation (a key), or of every evaluation of the year (None),
    with who is responsible, by when and how far they are, as primitives."""
    from portal.followup import services as followup

    recs = (followup.for_kind(recommendations.KIND, year) if key is None
            else followup.for_source(recommendations.KIND, key, year))
    return followup.as_rows(recs, on)


def _figures(ev: Evaluation) -> dict:
    return {"headcount": ev.headcount, "statements_filed": ev.statements_filed,
            "statement_share": formatting.share(ev.statement_share) if ev.statement_share is not None else "–",
            "declarations": ev.declarations, "decided": ev.decided, "decided_on_time": ev.decided_on_time,
            "open_overdue": ev.open_overdue}


def city_context(city: CityEvaluation, locale: str) -> dict:
    return {
        "lang": locale, "year": city.year,
        "opds": [{"name": opd.name, **_figures(ev)} for opd, ev in city.opds],
        "total": _figures(city.total),
        "by_type": [list(p) for p in city.total.by_type], "by_source": [list(p) for p in city.total.by_source],
        "by_decision": [list(p) for p in city.total.by_decision],
        "types_basis": _citation("coi-types"),
    }


def city_evaluation_pdf(year: int, *, on, actor) -> bytes:
    """The whole city's evaluation: one letter from the Inspectorate to the head of region, with
    every OPD's figures, the city's totals and every recommendation of the year's evaluations.
    Indonesian whatever the reader's language; numbered once per year. The caller commits."""
    from portal.coi.queries import city_evaluation
    from portal.documents import services as documents

    with force_locale("id"):
        city = city_evaluation(year, "id", on)
        government = settings.government_name()
        title = gettext("Yearly evaluation of conflict-of-interest handling %(opd)s %(year)d", opd=government,
                        year=year)
        official = documents.official(EVALUATION, opd_id=documents.inspectorate_id(), title=title, actor=actor,
                                      numbered_as=f"coi_evaluation:{recommendations.CITY}:{year}")
        return pdf.render("pdf/coi_city_evaluation.html", {
            **city_context(city, "id"), **official, "government": government,
            "head_office": settings.head_office(), "recommendations": _recommendations(None, year, on)},
            sign_as=signing.Document.COI_EVALUATION)


def city_evaluation_xlsx(city: CityEvaluation, locale: str, government: str, on) -> bytes:
    ctx = city_context(city, locale)
    header = [_("OPD"), _("Employees"), _("Yearly statements filed"), _("Yearly statement coverage"),
              _("Conflicts declared"), _("Decided"), _("Decided within the deadline"), _("Open and overdue")]
    keys = ("headcount", "statements_filed", "statement_share", "declarations", "decided", "decided_on_time",
            "open_overdue")
    rows = [[r["name"], *(r[k] for k in keys)] for r in ctx["opds"]]
    rows.append([_("Whole city"), *(ctx["total"][k] for k in keys)])
    preamble = [[_("Yearly evaluation of conflict-of-interest handling"), government, city.year], []]
    summary = []
    for title, pairs in ((_("By type"), city.total.by_type), (_("By source"), city.total.by_source),
                         (_("By decision"), city.total.by_decision)):
        summary += [[title], *([label, n] for label, n in pairs), []]
    followed = tables.Sheet(
        _("Recommendations"), [_("Recommendation"), _("Responsible"), _("Due date"), _("Status"), _("Overdue"),
                               _("What has been done")],
        ([r["text"], r["owner"], r["due_on"], r["status"], _("Yes") if r["overdue"] else "", r["note"]]
         for r in _recommendations(None, city.year, on)))
    return tables.xlsx_bytes([tables.Sheet(_("OPDs"), header, rows, preamble=preamble),
                              tables.Sheet(_("Summary"), preamble=summary), followed])


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
