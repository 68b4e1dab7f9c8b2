"""The reporter's pages: my reports, the report form, a report with its status and history."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.gratification import attachments, queries, services, workflow
from portal.gratification.forms import OBJECT_ROWS, REPORT_SCOPE, ReportForm
from portal.gratification.models import Custody, GiftReport, GiverRelation, ObjectKind, ReportType
from portal.home import services as regulations
from portal.web import nonces
from portal.web.forms import ActionForm
from portal.web.permissions import guard

bp = Blueprint("gratification", __name__, url_prefix="/gratifikasi")
bp.before_request(guard())


def _me():
    if current_user.employee is None:
        abort(403)  # technical accounts receive no gifts
    return current_user.employee


def _load(report_id: int) -> GiftReport:
    report = db.get_or_404(GiftReport, report_id)
    if not services.can_view(current_user, report):
        abort(404)
    return report


def _own(report_id: int) -> GiftReport:
    report = _load(report_id)
    if not services.is_reporter(current_user, report):
        abort(404)
    return report


@bp.route("/")
def index():
    me = current_user.employee
    return render_template("gratification/index.html", mine=queries.mine(me.id) if me else [],
                           days_left=services.days_left, overdue=services.overdue, upg_days=services.upg_days(),
                           statutory_days=services.STATUTORY_DAYS,
                           regulations=regulations.list_regulations("gratification"))


def _enum(enum, value):
    return enum(value) if value else None


def _fields(form: ReportForm) -> services.ReportFields:
    rows = [services.ObjectFields(kind=_enum(ObjectKind, row.kind.data), description=row.description.data or "",
                                  value=getattr(row.value, "number", None), custody=_enum(Custody, row.custody.data))
            for row in (entry.form for entry in form.objects)]
    return services.ReportFields(
        report_type=ReportType(form.report_type.data), nik=(form.nik.data or "").replace(" ", ""),
        giver_name=form.giver_name.data or "", giver_institution=form.giver_institution.data or "",
        giver_address=form.giver_address.data or "", giver_relation=_enum(GiverRelation, form.giver_relation.data),
        giver_relation_other=form.giver_relation_other.data or "", occasion=form.occasion.data or "",
        received_on=form.received_on.data, place=form.place.data or "", chronology=form.chronology.data or "",
        refused=bool(form.refused.data), objects=rows)


def _fill(form: ReportForm, report: GiftReport) -> None:
    """The form as the draft was saved (GET only: a POST keeps what was typed)."""
    form.report_type.data = report.report_type.value
    for name in ("nik", "giver_name", "giver_institution", "giver_address", "giver_relation_other", "occasion",
                 "place", "chronology"):
        getattr(form, name).data = getattr(report, name)
    form.giver_relation.data = report.giver_relation.value if report.giver_relation else ""
    form.received_on.data = report.received_on
    form.refused.data = report.refused
    for row, item in zip((entry.form for entry in form.objects), report.objects, strict=False):
        row.kind.data = item.kind.value
        row.description.data = item.description
        row.value.data = "" if item.value is None else str(item.value)
        row.custody.data = item.custody.value


def _uploads(form: ReportForm) -> list[tuple[str, bytes]]:
    return [(f.filename, f.read()) for f in (form.attachments.data or []) if f and f.filename]


def _edit(report: GiftReport | None):
    form = ReportForm()
    if report is not None and request.method == "GET":
        _fill(form, report)
    form.nonce.bind(f"{current_user.id}:{report.id if report else 'new'}")
    problem = ""  # a service's refusal that belongs to no single field (the objects as a whole)
    if form.validate_on_submit():
        try:
            claim = nonces.claim(form.nonce.data, REPORT_SCOPE, form.nonce.subject)
            if not claim.fresh:
                return _sent_before(claim)
            saved = services.save(report, reporter=_me(), fields=_fields(form), uploads=_uploads(form),
                                  send=bool(form.send.data), actor=current_user)
            nonces.record(claim, ref=str(saved.id))
        except nonces.NonceError as exc:
            db.session.rollback()
            form.nonce.refuse(exc.message)
        except (services.GratificationError, attachments.AttachmentError) as exc:
            db.session.rollback()
            if exc.field in (None, "objects"):
                problem = exc.message
            else:
                field = getattr(form, exc.field)
                field.errors = [*field.errors, exc.message]
        else:
            db.session.commit()
            if form.send.data:
                flash(_("Sent to the UPG, after the deadline: it is recorded as late.") if saved.late
                      else _("Sent to the UPG."), "warning" if saved.late else "success")
            else:
                flash(_("Draft saved."), "success")
            return redirect(url_for("gratification.detail", report_id=saved.id))
    received = form.received_on.data if isinstance(form.received_on.data, date) else None
    due = services.deadlines(received) if received else None
    failed = bool(problem) or any(f.errors for f in form if f.type != "FieldList") or any(
        f.errors for entry in form.objects for f in entry.form)
    return render_template("gratification/form.html", form=form, report=report, rows=OBJECT_ROWS, due=due,
                           problem=problem, upg_days=services.upg_days(),
                           statutory_days=services.STATUTORY_DAYS), 400 if failed else 200


def _sent_before(claim: nonces.Claim):
    flash(_("This form had already been sent, so sending it again changed nothing. "
            "This is the report as it was recorded."), "info")
    ref = claim.result_ref or ""
    report = db.session.get(GiftReport, int(ref)) if ref.isdigit() else None
    if report is None or not services.can_view(current_user, report):
        return redirect(url_for("gratification.index"))
    return redirect(url_for("gratification.detail", report_id=report.id))


@bp.route("/lapor", methods=["GET", "POST"])
def new():
    _me()
    return _edit(None)


@bp.route("/<int(max=2147483647):report_id>/ubah", methods=["GET", "POST"])
def edit(report_id: int):
    report = _own(report_id)
    if report.status not in workflow.EDITABLE:
        flash(_("A sent report can no longer be changed."), "warning")
        return redirect(url_for("gratification.detail", report_id=report.id))
    return _edit(report)


@bp.route("/<int(max=2147483647):report_id>")
def detail(report_id: int):
    report = _load(report_id)
    return render_template("gratification/detail.html", r=report, action_form=ActionForm(),
                           is_reporter=services.is_reporter(current_user, report),
                           days_left=services.days_left(report), overdue=services.overdue(report),
                           editable=report.status in workflow.EDITABLE)


@bp.route("/<int(max=2147483647):report_id>/kirim", methods=["POST"])
def submit(report_id: int):
    report = _own(report_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "warning")
        return redirect(url_for("gratification.detail", report_id=report.id))
    try:
        services.submit(report, actor=current_user)
    except services.GratificationError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("gratification.edit" if report.status in workflow.EDITABLE
                                else "gratification.detail", report_id=report.id))
    db.session.commit()
    flash(_("Sent to the UPG, after the deadline: it is recorded as late.") if report.late
          else _("Sent to the UPG."), "warning" if report.late else "success")
    return redirect(url_for("gratification.detail", report_id=report.id))


@bp.route("/<int(max=2147483647):report_id>/lampiran/<int(max=2147483647):attachment_id>")
def attachment(report_id: int, attachment_id: int):
    report = _load(report_id)
    item = next((a for a in report.attachments if a.id == attachment_id), None)
    if item is None:
        abort(404)
    response = send_file(io.BytesIO(attachments.read(item)), mimetype=item.media_type,
                         as_attachment=True, download_name=item.filename)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
