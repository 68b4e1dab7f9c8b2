"""The reporter's pages: my reports, the report form, a report with its status and history."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.gratification import attachments, queries, services, upg, workflow
from portal.gratification.forms import OBJECT_ROWS, REPORT_SCOPE, AnswerForm, HandoverForm, ReportForm
from portal.gratification.models import Custody, GiftReport, GiverRelation, ObjectKind, ReportType, Status
from portal.home import services as regulations
from portal.web import downloads, nonces
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
        reporter_address=form.reporter_address.data or "", reporter_phone=form.reporter_phone.data or "",
        giver_name=form.giver_name.data or "", giver_institution=form.giver_institution.data or "",
        giver_address=form.giver_address.data or "", giver_relation=_enum(GiverRelation, form.giver_relation.data),
        giver_relation_other=form.giver_relation_other.data or "", occasion=form.occasion.data or "",
        received_on=form.received_on.data, place=form.place.data or "", chronology=form.chronology.data or "",
        refused=bool(form.refused.data), objects=rows)


def _fill(form: ReportForm, report: GiftReport) -> None:
    """The form as the draft was saved (GET only: a POST keeps what was typed)."""
    form.report_type.data = report.report_type.value
    for name in ("nik", "reporter_address", "reporter_phone", "giver_name", "giver_institution", "giver_address",
                 "giver_relation_other", "occasion", "place", "chronology"):
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
    elif report is None and request.method == "GET":
        form.reporter_address.data, form.reporter_phone.data = services.last_contact(_me())
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


def _detail(report: GiftReport, status: int = 200, **forms):
    is_reporter = services.is_reporter(current_user, report)
    return render_template("gratification/detail.html", r=report, action_form=ActionForm(),
                           is_reporter=is_reporter, days_left=services.days_left(report),
                           overdue=services.overdue(report), editable=report.status in workflow.EDITABLE,
                           answer_form=forms.get("answer_form") or AnswerForm(formdata=None),
                           handover_form=forms.get("handover_form") or HandoverForm(formdata=None),
                           needs_handover=upg.needs_handover(report),
                           handover_overdue=upg.handover_overdue(report), steps=upg.STEPS,
                           declarations=queries.linked_declarations(report, current_user),
                           offer_declaration=is_reporter and report.status != Status.DRAFT), status


@bp.route("/<int(max=2147483647):report_id>")
def detail(report_id: int):
    return _detail(_load(report_id))


def _upload(item) -> tuple[str, bytes] | None:
    if item is None or not getattr(item, "filename", ""):
        return None
    return item.filename, item.read()


def _refused(report: GiftReport, form, exc, name: str):
    db.session.rollback()
    db.session.refresh(report)
    field = getattr(form, exc.field, None) if exc.field and exc.field != "status" else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "danger")
    return _detail(report, 400, **{name: form})


@bp.route("/<int(max=2147483647):report_id>/jawab", methods=["POST"])
def answer(report_id: int):
    """The reporter answers the UPG's request for more information."""
    report = _own(report_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash(_("The form had expired. Please try again."), "warning")
            return redirect(url_for("gratification.detail", report_id=report.id))
        return _detail(report, 400, answer_form=form)
    try:
        upg.answer(report, form.message.data or "", _upload(form.file.data), actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "answer_form")
    db.session.commit()
    flash(_("Your answer has been sent to the UPG."), "success")
    return redirect(url_for("gratification.detail", report_id=report.id))


@bp.route("/<int(max=2147483647):report_id>/serah-terima", methods=["POST"])
def handover(report_id: int):
    """The reporter's proof of handing over the object, or of transferring its value."""
    report = _own(report_id)
    form = HandoverForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash(_("The form had expired. Please try again."), "warning")
            return redirect(url_for("gratification.detail", report_id=report.id))
        return _detail(report, 400, handover_form=form)
    try:
        upg.record_handover(report, on=form.handover_on.data, note=form.handover_note.data or "",
                            upload=_upload(form.handover_file.data), actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "handover_form")
    db.session.commit()
    flash(_("The handover has been recorded."), "success")
    return redirect(url_for("gratification.detail", report_id=report.id))


@bp.route("/<int(max=2147483647):report_id>/tanda-terima.pdf")
def receipt(report_id: int):
    """The UPG's receipt (tanda terima), once the report is registered."""
    report = _load(report_id)
    if report.receipt_no is None:
        flash(_("The receipt is made when the UPG registers the report."), "info")
        return redirect(url_for("gratification.detail", report_id=report.id))
    data = upg.receipt_pdf(report)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="tanda-terima-{report.id}.pdf"'})


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
    return downloads.attachment_among(_load(report_id).attachments, attachment_id, attachments.read)
