"""The UPG's yearly report: a letter to the head of region (Laporan Pengendalian Gratifikasi Tahun
YYYY) with the year's figures per OPD and per month, and an XLSX of the same with the register
for the KPK's reporting on the UPG's work.

The letter is Indonesian whatever the reader's language, on the Inspectorate's kop, numbered once
per year and signed as its document kind says, as the CoI city evaluation is (coi/exports.py).
The figures are the UPG's own and exact (no "< 3"): the letter and the file leave the UPG only to
the head of region and the KPK, who receive every report anyway.
"""
from __future__ import annotations

from babel.dates import get_month_names
from flask_babel import force_locale, get_locale, gettext
from flask_babel import gettext as _

from portal.core import formatting, pdf, settings, signing, tables
from portal.gratification import register, statistics
from portal.gratification.statistics import COUNTS, Figures, YearFigures

YEARLY_REPORT = "gratification.yearly_report"  # declared in portal/gratification/__init__.py


def rupiah(value: int | None) -> str:
    return "–" if value is None else f"Rp{formatting.number(value)}"


def _cells(f: Figures) -> dict:
    return {**{name: formatting.number(getattr(f, name)) for name in COUNTS}, "value": rupiah(f.value)}


def month_names() -> list[str]:
    names = get_month_names("wide", locale=str(get_locale() or "id"))
    return [names[m] for m in range(1, 13)]


def context(fig: YearFigures) -> dict:
    """The figures as primitives (numbers written in the current language)."""
    return {
        "year": fig.year,
        "total": _cells(fig.total),
        "opds": [{"name": r.name, **_cells(r.total), "months": [formatting.number(m.sent) for m in r.months]}
                 for r in fig.opds],
        "months": [{"name": name, **_cells(m)} for name, m in zip(month_names(), fig.months, strict=True)],
        "reporting_opds": sum(1 for r in fig.opds if r.total.sent),
    }


def yearly_pdf(year: int, *, actor) -> bytes:
    """The letter; the caller commits (its number, the first time it is made)."""
    from portal.documents import services as documents

    with force_locale("id"):
        government = settings.government_name()
        title = gettext("Gratification control report, %(year)d", year=year)
        official = documents.official(YEARLY_REPORT, opd_id=documents.inspectorate_id(), title=title, actor=actor,
                                      numbered_as=f"gratification_yearly_report:{year}")
        return pdf.render("pdf/gratification_yearly_report.html", {
            **context(statistics.year_figures(year)), **official, "title": title, "government": government,
            "head_office": settings.head_office()}, sign_as=signing.Document.GRATIFICATION_YEARLY_REPORT)


def _figure_rows(pairs) -> list[list]:
    return [[label, *(getattr(f, name) for name in COUNTS), f.value] for label, f in pairs]


def yearly_xlsx(year: int) -> bytes:
    """Summary, per OPD, per month and the register (without reporters' names), in the reader's
    language; numbers as numbers."""
    fig = statistics.year_figures(year)
    government = settings.government_name()
    heading = [_("Gratification control report, %(year)d", year=year), government]
    labels = [_("Reports sent"), _("Receipts"), _("Refusals"), _("Offers"), _("Sent late"),
              _("Forwarded to the KPK"), _("Decided: state property"), _("Decided: the recipient's property")]
    summary = [heading, [], *([label, getattr(fig.total, name)] for label, name in zip(labels, COUNTS, strict=True)),
               [_("Total value (Rp)"), fig.total.value],
               [_("OPDs that reported"), sum(1 for r in fig.opds if r.total.sent)]]
    header = [*labels, _("Total value (Rp)")]
    per_opd = tables.Sheet(_("Per OPD"), [_("OPD"), *header],
                           _figure_rows([*((r.name, r.total) for r in fig.opds), (_("Whole city"), fig.total)]),
                           preamble=[heading, []])
    per_month = tables.Sheet(_("Per month"), [_("Month"), *header],
                             _figure_rows([*zip(month_names(), fig.months, strict=True), (_("Year"), fig.total)]),
                             preamble=[heading, []])
    matrix = tables.Sheet(_("OPD and month"), [_("OPD"), *month_names(), _("Year")],
                          ([r.name, *(m.sent for m in r.months), r.total.sent] for r in fig.opds),
                          preamble=[heading, [_("Reports sent")]])
    listed = register.sheet(register.rows(register.Filters(year=year)), with_reporter=False, preamble=[heading, []])
    return tables.xlsx_bytes([tables.Sheet(_("Summary"), preamble=summary), per_opd, per_month, matrix, listed])
