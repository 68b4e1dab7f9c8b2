"""The UPG's register of a year (page and XLSX), the statistics per OPD and month, and the yearly
report to the head of region (PDF) with its XLSX for the KPK.

Who sees what: the register and the yearly report are the UPG's (403 to anyone else, as the UPG's
queue). The statistics are also the administrators' (the whole city) and each OPD secretary's
(their own OPD, taken from their account, never from the URL); outside the UPG counts under 3 are
hidden and nothing links to a report.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from portal.core import audit, settings
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.followup import services as followup
from portal.gratification import recommendations, register, services, statistics, yearly_report
from portal.gratification.models import ReportType, Status
from portal.org.models import Opd
from portal.org.services import list_opds
from portal.web.params import int_arg, paginate
from portal.web.permissions import guard, has_role, own_opd_id, role_required

bp = Blueprint("gratification_oversight", __name__, url_prefix="/gratifikasi")
bp.before_request(guard())
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUSES = [s for s in Status if s != Status.DRAFT]


def _year() -> int:
    return int_arg("tahun", today().year, low=2019, high=today().year + 1)


def _choice(name: str, allowed):
    value = request.args.get(name, "", type=str)[:32]
    return next((item for item in allowed if item.value == value), None)


def _filters() -> register.Filters:
    # An OPD's own UPG officer reads its OPD's register only, whatever the address asks for.
    scope = services.upg_opd(current_user)
    return register.Filters(year=_year(), opd_id=scope or int_arg("opd"), status=_choice("status", STATUSES),
                            report_type=_choice("jenis", list(ReportType)))


@bp.route("/upg/register")
@role_required(Role.UPG)
def register_page():
    filters = _filters()
    page = paginate(register.ids(filters), register.PER_PAGE)
    scope = services.upg_opd(current_user)
    opds = [o for o in list_opds() if o.id == scope] if scope else list_opds()
    return render_template("gratification/register.html", page=page, rows=register.rows_for(list(page.items)),
                           filters=filters, opds=opds, statuses=STATUSES, kinds=list(ReportType),
                           kpk_text=register.kpk_text)


@bp.route("/upg/register.xlsx")
@role_required(Role.UPG)
def register_xlsx():
    filters = _filters()
    body = register.xlsx(filters, government=settings.government_name())
    audit.record("gratification.register_exported", object_type="gratification_register", object_id=filters.year,
                 actor=current_user, data={"opd_id": filters.opd_id or None,
                                           "status": filters.status.value if filters.status else None,
                                           "type": filters.report_type.value if filters.report_type else None})
    db.session.commit()
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=register-gratifikasi-{filters.year}.xlsx"})


@bp.route("/statistik")
@role_required(Role.UPG, Role.ADMIN, Role.SECRETARY)
def statistics_page():
    year = _year()
    opd_id = services.upg_opd(current_user) if has_role(current_user, Role.UPG) else None
    if not has_role(current_user, Role.UPG, Role.ADMIN):  # a secretary: their own OPD
        opd_id = own_opd_id(current_user)
        if opd_id is None:
            abort(403)
    # The city's UPG may look at one OPD, as on its register: that OPD's evaluation and recommendations.
    city_upg = followup.can_manage(current_user, recommendations.KIND)
    chosen = _chosen_opd() if city_upg else None
    opd_id = chosen or opd_id
    figures = statistics.year_figures(year, opd_id=opd_id)
    upg = has_role(current_user, Role.UPG)
    key = str(opd_id) if opd_id is not None else recommendations.CITY
    return render_template("gratification/statistics.html", year=year, fig=figures if upg else figures.hidden(),
                           upg=upg, scoped=opd_id is not None, months=yearly_report.month_names(),
                           n=statistics.shown, money=yearly_report.rupiah,
                           opds=list_opds() if city_upg else [], chosen=chosen,
                           followup_panel=followup.panel(recommendations.KIND, key, year, current_user))


def _chosen_opd() -> int | None:
    """An OPD that exists, from the address; otherwise the whole city."""
    chosen = int_arg("opd")
    return chosen if chosen and db.session.get(Opd, chosen) is not None else None


@bp.route("/upg/laporan-tahunan.<any(pdf, xlsx):fmt>")
@role_required(Role.UPG)
def yearly_report_file(fmt: str):
    if services.upg_opd(current_user) is not None:
        abort(403)  # the city's report to the head of region is the Inspectorate's UPG's
    year = _year()
    audit.record("gratification.yearly_report_exported", object_type="gratification_yearly_report", object_id=year,
                 actor=current_user, data={"format": fmt})
    if fmt == "pdf":
        body, mimetype = yearly_report.yearly_pdf(year, actor=current_user), "application/pdf"
    else:
        body, mimetype = yearly_report.yearly_xlsx(year), XLSX
    db.session.commit()  # the export's audit event, and the letter's number the first time it is made
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=laporan-gratifikasi-{year}.{fmt}"})
