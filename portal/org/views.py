"""OPDs, employees and the employee import (admin); the secretary's own staff list."""
from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.core import tables
from portal.core.roles import Role
from portal.extensions import db
from portal.org import importing, services
from portal.org.forms import ConfirmForm, EmployeeForm, ImportUploadForm, OpdForm
from portal.org.models import Employee, ImportBatch, Opd, OpdKind
from portal.web.params import int_arg, paginate
from portal.web.permissions import can_view_employee, guard, own_opd_id, role_required

bp = Blueprint("org", __name__, url_prefix="/org")
bp.before_request(guard(Role.ADMIN, Role.COI_REVIEWER, Role.SECRETARY))

PER_PAGE = 50


# --- OPDs ---------------------------------------------------------------------------------

@bp.route("/opd")
@role_required(Role.ADMIN)
def opds():
    return render_template("org/opds.html", opds=services.list_opds(), headcounts=services.opd_headcounts())


@bp.route("/opd/baru", methods=["GET", "POST"])
@bp.route("/opd/<int(max=2147483647):opd_id>/ubah", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def opd_form(opd_id: int | None = None):
    opd = db.get_or_404(Opd, opd_id) if opd_id else None
    form = OpdForm(obj=opd)
    if opd is not None and request.method == "GET":
        form.kind.data = opd.kind.value
    if form.validate_on_submit():
        try:
            services.save_opd(opd, code=form.code.data, name=form.name.data, short_name=form.short_name.data,
                              kind=OpdKind(form.kind.data), active=form.active.data, actor=current_user)
        except services.OrgError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The OPD has been saved."), "success")
            return redirect(url_for("org.opds"))
    return render_template("org/opd_form.html", form=form, opd=opd)


# --- employees ----------------------------------------------------------------------------

def _employee_list(template: str, *, opd_filter: bool):
    q = request.args.get("q", "", type=str)[:100]
    opd_id = int_arg("opd") if opd_filter else None
    sort = request.args.get("sort", "name", type=str)
    stmt = services.employees_query(current_user, q=q, opd_id=opd_id or None, sort=sort)
    page = paginate(stmt, PER_PAGE)
    return render_template(template, page=page, q=q, opd_id=opd_id, sort=sort,
                           opds=services.list_opds() if opd_filter else [])


@bp.route("/pegawai")
@role_required(Role.ADMIN, Role.COI_REVIEWER)
def employees():
    return _employee_list("org/employees.html", opd_filter=True)


@bp.route("/staf")
@role_required(Role.SECRETARY)
def staff():
    if own_opd_id(current_user) is None:
        abort(403)
    opd = db.session.get(Opd, own_opd_id(current_user))
    q = request.args.get("q", "", type=str)[:100]
    sort = request.args.get("sort", "name", type=str)
    page = paginate(services.employees_query(current_user, q=q, sort=sort), PER_PAGE)
    return render_template("org/staff.html", page=page, q=q, sort=sort, opd=opd)


@bp.route("/pegawai/<int(max=2147483647):employee_id>")
def employee(employee_id: int):
    employee = db.get_or_404(Employee, employee_id)
    if not can_view_employee(current_user, employee):
        abort(404)
    return render_template("org/employee.html", employee=employee)


def _employee_form_choices(form: EmployeeForm) -> None:
    form.opd_id.choices = [SelectChoice(0, _("Choose an OPD"))] + [
        SelectChoice(o.id, f"{o.name} ({o.code})") for o in services.list_opds()]


@bp.route("/pegawai/baru", methods=["GET", "POST"])
@bp.route("/pegawai/<int(max=2147483647):employee_id>/ubah", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def employee_form(employee_id: int | None = None):
    employee = db.get_or_404(Employee, employee_id) if employee_id else None
    form = EmployeeForm(obj=employee)
    _employee_form_choices(form)
    if employee is not None and request.method == "GET":
        form.superior_nip.data = employee.superior.nip if employee.superior else ""
    if form.validate_on_submit():
        superior = None
        if form.superior_nip.data:
            superior = services.get_employee_by_nip(form.superior_nip.data)
            if superior is None:
                form.superior_nip.errors.append(_("No employee has this NIP."))
        opd = db.session.get(Opd, form.opd_id.data)
        if opd is None:
            form.opd_id.errors.append(_("Choose an OPD."))
        if not form.superior_nip.errors and not form.opd_id.errors:
            try:
                saved = services.save_employee(
                    employee, nip=form.nip.data, name=form.name.data, position=form.position.data, opd=opd,
                    email=form.email.data, superior=superior, is_opd_head=form.is_opd_head.data,
                    active=form.active.data, rank=form.rank.data or "", actor=current_user)
            except services.OrgError as exc:
                getattr(form, exc.field).errors.append(exc.message)
            else:
                db.session.commit()
                flash(_("The employee has been saved."), "success")
                return redirect(url_for("org.employee", employee_id=saved.id))
    return render_template("org/employee_form.html", form=form, employee=employee)


# --- import -------------------------------------------------------------------------------

@bp.route("/impor", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = importing.read_table(upload.filename, upload.read(importing.MAX_FILE_BYTES + 1))
        except importing.ImportFileError as exc:
            form.file.errors.append(exc.message)
        else:
            batch = ImportBatch(token=secrets.token_urlsafe(32), filename=(upload.filename or "")[:255],
                                rows=rows, created_by_id=current_user.id)
            db.session.add(batch)
            db.session.commit()
            return redirect(url_for("org.import_preview", token=batch.token))
    return render_template("org/import_upload.html", form=form)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(name: str, fmt: str, title: str, header, rows) -> Response:
    if fmt == "csv":
        body, mimetype = tables.csv_bytes(header, rows), "text/csv"
    else:
        body, mimetype = tables.xlsx_bytes([tables.Sheet(title, header, rows)]), XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


@bp.route("/impor/templat.<any(csv, xlsx):fmt>")
@role_required(Role.ADMIN)
def import_template(fmt: str):
    """The header row the import reads, and nothing else: no example row that could be imported."""
    return _table("templat-impor-pegawai", fmt, _("Employees"), importing.TEMPLATE_COLUMNS, [])


@bp.route("/impor/kode-opd.<any(csv, xlsx):fmt>")
@role_required(Role.ADMIN)
def import_opd_codes(fmt: str):
    return _table("kode-opd", fmt, _("OPD codes"), ["kode_opd", _("Name"), _("Kind")], importing.opd_code_rows())


def _batch(token: str) -> ImportBatch:
    batch = db.first_or_404(db.select(ImportBatch).where(ImportBatch.token == token[:64]))
    if batch.created_by_id != current_user.id:
        abort(404)
    return batch


@bp.route("/impor/<token>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_preview(token: str):
    batch = _batch(token)
    form = ConfirmForm()
    if batch.applied_at is None and form.validate_on_submit():
        try:
            preview = importing.apply_rows(batch.rows, actor=current_user)
        except importing.ImportFileError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            from portal.core.clock import utcnow

            batch.applied_at = utcnow()
            db.session.commit()
            flash(_("Import finished: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.",
                    new=preview.count("new"), updated=preview.count("update"),
                    unchanged=preview.count("unchanged")), "success")
            return redirect(url_for("org.employees"))
    preview = importing.check_rows(batch.rows)
    return render_template("org/import_preview.html", batch=batch, preview=preview, form=form)


@bp.route("/impor/<token>/masalah.<any(csv, xlsx):fmt>")
@role_required(Role.ADMIN)
def import_problems(token: str, fmt: str):
    """The rows with problems, as the file had them and with the reasons, to correct and upload again."""
    preview = importing.check_rows(_batch(token).rows)
    header = [_("Line"), *importing.FIELD_COLUMN.values(), _("Problems")]
    return _table("impor-baris-bermasalah", fmt, _("Rows with problems"), header, importing.problem_rows(preview))
