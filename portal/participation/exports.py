"""The staff list as CSV or XLSX, and the evidence summary (bukti dukung) as PDF."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from portal.core import codes, formatting, pdf, signing, tables
from portal.core.clock import local
from portal.extensions import db
from portal.learning import gain, hours
from portal.participation import queries, services

EVIDENCE = "participation.evidence"  # declared in portal/participation/__init__.py


def _header(year: int) -> list[str]:
    return [_("Name"), _("NIP"), _("Position"), _("OPD"), _("Modules completed"), _("Modules in total"),
            _("Failed quiz attempts"), _("Yearly statement filed"), _("Sessions attended"), _("Certificates"),
            _("Learning hours (JP) in %(year)d", year=year), _("Status")]


def _status(row: queries.StaffRow) -> str:
    return {"complete": _("Complete"), "in_progress": _("In progress"), "not_started": _("Not started")}[row.status]


def _values(row: queries.StaffRow) -> list:
    e = row.employee
    return [e.name, e.nip, e.position, e.opd.name, row.completed, row.module_total, row.failed,
            _("yes") if row.filed else _("no"), row.sessions, row.certificates, row.learning_hours, _status(row)]


# A filtered list downloads under its own name, so it is never mistaken for the whole staff.
FILTER_SLUGS = {"not_started": "belum-mulai", "overdue": "lewat-target", "failed": "gagal-kuis",
                "no_statement": "tanpa-pernyataan", "complete": "selesai"}


def staff_file_name(unit_code: str, year: int, form, fmt: str) -> str:
    parts = ["partisipasi", unit_code.lower(), str(year)]
    if form.filter.data in FILTER_SLUGS:
        parts.append(FILTER_SLUGS[form.filter.data])
    if (form.q.data or "").strip():
        parts.append("pencarian")
    return "-".join(parts) + f".{fmt}"


def staff_title(unit_name: str, year: int, form) -> str:
    """The XLSX's first line: the unit and year, and the filter and search when there are any."""
    parts = [unit_name, str(year)]
    if form.filter.data in FILTER_SLUGS:
        parts.append(str(dict((c.value, c.label) for c in form.filter.choices)[form.filter.data]))
    if (form.q.data or "").strip():
        parts.append(_("search: %(q)s", q=form.q.data.strip()))
    return " · ".join(parts)


def staff_csv(rows: list[queries.StaffRow], year: int) -> bytes:
    return tables.csv_bytes(_header(year), (_values(row) for row in rows))


def staff_xlsx(rows: list[queries.StaffRow], title: str, year: int, gifts: Sequence[queries.OpdRow] = (),
               learning_gain: gain.Dashboard | None = None) -> bytes:
    # The NIP stays text: 18 digits are not a number.
    sheets = [tables.Sheet(_("Staff"), _header(year), (_values(row) for row in rows), preamble=[[title]])]
    if gifts:
        sheets.append(gift_sheet(gifts, year))
    if learning_gain is not None:
        sheets.append(gain_sheet(learning_gain))
    return tables.xlsx_bytes(sheets)


def _gain_row(name: str, g: gain.Gain | None, min_pairs: int) -> list:
    if g is None:
        return [name, 0, "", "", ""]
    if not g.shown:
        return [name, g.pairs, _("Fewer than %(n)s pairs: not shown", n=min_pairs), "", ""]
    return [name, g.pairs, round(g.avg_pre, 1), round(g.avg_post, 1), "" if g.g is None else round(g.g, 2)]


def gain_sheet(learning_gain: gain.Dashboard) -> tables.Sheet:
    """The learning gain as the dashboard shows it: per module, then (for the city) per OPD; groups
    under the minimum number of pairs are not shown, as on the page."""
    locale = str(get_locale() or "id")
    n = learning_gain.min_pairs
    rows = [_gain_row(m.title(locale), learning_gain.by_module.get(m.id), n) for m in learning_gain.modules]
    if learning_gain.by_opd:
        rows.append([])
        rows.append([_("OPD"), _("Pairs"), _("Average pre-test"), _("Average first quiz"), "<g>"])
        rows += [_gain_row(learning_gain.opd_names.get(opd_id, ""), g, n)
                 for opd_id, g in sorted(learning_gain.by_opd.items(), key=lambda item: -item[1].pairs)]
    return tables.Sheet(_("Learning gain"), [_("Module"), _("Pairs"), _("Average pre-test"), _("Average first quiz"),
                                              "<g>"], rows,
                        preamble=[[_("A pair is one person's pre-test and their first quiz attempt after it; the "
                                     "averages are scores in percent, and <g> is the normalised gain (Hake 1998) "
                                     "computed from them.")]])


def gift_sheet(rows: Sequence[queries.OpdRow], year: int) -> tables.Sheet:
    """The OPDs' gratification reports, as the dashboard shows them: counts only, one or two as "< 3".
    Per OPD, never per person: who reported a gift is the UPG's to know (so not in the staff sheet,
    nor in the CSV, which is the staff list alone)."""
    def count(row: queries.OpdRow, name: str):
        shown = row.gifts.shown(name)
        return int(shown) if shown.isdigit() else shown

    return tables.Sheet(_("Gift reports"), [_("OPD"), _("Gift reports sent to the UPG"), _("Sent late"), _("Refused")],
                        ([r.name, count(r, "sent"), count(r, "late"), count(r, "refused")] for r in rows),
                        preamble=[[_("Gratification reports sent to the UPG in %(year)d, by the reporter's OPD; "
                                     "one or two are shown as \"< 3\".", year=year)]])


# --- learning hours (JP) for kepegawaian -------------------------------------------------------------

def _hours_header() -> list[str]:
    # The fields a competence-development record asks for: type of development, provider, material,
    # time, JP earned and the proof of completion; with who, so kepegawaian can enter each row.
    return [_("NIP"), _("Name"), _("OPD"), _("Type of development"), _("Provider"), _("Material"),
            _("Date completed"), _("Learning hours (JP)"), _("Certificate code (proof)"), _("Verification address")]


def _hours_values(records: list[hours.Record], provider: str, base: str):
    for r in records:
        code = codes.grouped(r.certificate_code) if r.certificate_code else ""
        yield [r.nip, r.name, r.opd, _("E-learning"), provider, r.material_id, local(r.completed_at).date().isoformat(),
               r.learning_hours or "", code, f"{base}/verifikasi/{r.certificate_code}" if r.certificate_code else ""]


def learning_hours_csv(records: list[hours.Record], *, provider: str, base: str) -> bytes:
    return tables.csv_bytes(_hours_header(), _hours_values(records, provider, base))


def learning_hours_xlsx(records: list[hours.Record], *, provider: str, base: str, title: str) -> bytes:
    return tables.xlsx_bytes([tables.Sheet(_("Learning hours (JP)"), _hours_header(),
                                           _hours_values(records, provider, base), preamble=[[title]])])


def evidence_pdf(*, opd, title: str, year: int, rows: list[queries.OpdRow], total: queries.OpdRow, modules,
                 per_unit: bool, as_of=None, maker=None) -> bytes:
    """For one OPD (`per_unit` False: its employees are the units) or the city (the OPDs are).
    Official evidence, so Indonesian, on the OPD's letterhead (the Inspectorate's for the city),
    signed by whoever made it (`maker`, an employee) and acknowledged by the OPD's head."""
    with force_locale("id"):
        return pdf.render("pdf/participation_evidence.html", {
            **_evidence(title, year, rows, total, modules, per_unit, as_of),
            **_official_evidence(opd, maker)}, sign_as=signing.Document.PARTICIPATION_EVIDENCE)


def _official_evidence(opd, maker) -> dict:
    from portal.documents import services as documents
    from portal.org.models import Employee

    official = documents.official(EVIDENCE, opd_id=opd.id if opd else documents.inspectorate_id(), organiser=maker)
    head = db.session.scalar(sa.select(Employee).where(Employee.opd_id == opd.id, Employee.is_opd_head.is_(True),
                                                       Employee.active.is_(True))) if opd else None
    if head is not None and official["acknowledgement"] is None:
        official["acknowledgement"] = {"capacity": "", "office": head.position, "name": head.name,
                                       "rank": head.rank or "", "nip": head.nip}
    return official


def _evidence(title, year, rows, total, modules, per_unit, as_of) -> dict:
    locale = "id"
    module_rows = []
    for m in modules:
        count = total.module(m.id)
        if per_unit:
            covered_units = sum(1 for r in rows if r.headcount and r.module(m.id).complete)
            percent = 100 * covered_units / len(rows) if rows else 0
        else:
            percent = 100 * count.complete / total.headcount if total.headcount else 0
        module_rows.append({"title": m.title_en if locale == "en" else m.title_id, "complete": count.complete,
                            "percent": round(percent), "wording": services.wording(percent)})
    statements_percent = 100 * total.statements / total.headcount if total.headcount else 0
    return {
        "lang": locale, "title": title, "year": year,
        "as_of": formatting.moment(as_of) if as_of is not None else "",
        "headcount": total.headcount, "units": len(rows),
        "per_unit": per_unit, "modules": module_rows,
        "statements": total.statements, "statements_percent": round(statements_percent),
        "statements_wording": services.wording(statements_percent),
        "attended": total.attended, "certificates": total.certificates,
        "opds": [{"name": r.name, "headcount": r.headcount,
                  "coverage": round(100 * r.coverage([m.id for m in modules])), "statements": r.statements,
                  "attended": r.attended} for r in rows] if per_unit else [],
    }
