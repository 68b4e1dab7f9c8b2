"""The UPG's pages: every sent report with its deadlines, the case page of one report with its
workflow (upg.py), and the administrator's settings of the internal periods.

The case pages answer 404 to everyone but the UPG, as a report answers 404 to everyone but its
reporter and the UPG (no existence leak)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.roles import Role
from portal.extensions import db
from portal.gratification import queries, services, upg
from portal.gratification.forms import (
    AskForm,
    DecisionForm,
    ForwardForm,
    GratificationSettingsForm,
    HandoverForm,
    SettleForm,
)
from portal.gratification.models import Decision, GiftReport
from portal.org.models import Opd
from portal.web import downloads
from portal.web.forms import ActionForm
from portal.web.permissions import guard, has_role, role_required

bp = Blueprint("gratification_upg", __name__, url_prefix="/gratifikasi/upg")
bp.before_request(guard())


@bp.route("/")
@role_required(Role.UPG)
def index():
    scope = services.upg_opd(current_user)
    return render_template("gratification/upg_index.html", reports=queries.open_cases(scope), left=upg.statutory_left,
                           scope=db.session.get(Opd, scope) if scope else None)


@bp.route("/pengaturan", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings_page():
    cfg = services.config()
    form = GratificationSettingsForm(data={"upg_days": services.upg_days(),
                                           "reminder_days": cfg["gratification.reminder_days"],
                                           "forward_days": upg.forward_days(), "may_settle": upg.may_settle()})
    if form.validate_on_submit():
        services.save_settings(upg_days_value=form.upg_days.data, reminder_days=form.reminder_days.data,
                               actor=current_user)
        upg.save_settings(forward_days_value=form.forward_days.data or upg.forward_days(),
                          may_settle_value=form.may_settle.data, actor=current_user)
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("gratification_upg.settings_page"))
    return render_template("gratification/settings.html", form=form, statutory_days=services.STATUTORY_DAYS), \
        400 if form.errors else 200


# --- one report ---------------------------------------------------------------------------------

def _case(report_id: int) -> GiftReport:
    if not has_role(current_user, Role.UPG):
        abort(404)
    report = db.get_or_404(GiftReport, report_id)
    if not services.handles(current_user, report):
        abort(404)  # a draft, or another OPD's report for an OPD's own officer
    return report


def _page(report: GiftReport, status: int = 200, **forms):
    """The case page; a form that failed comes back as it was typed."""
    defaults = {"ask_form": AskForm(formdata=None), "forward_form": ForwardForm(formdata=None),
                "settle_form": SettleForm(formdata=None), "decision_form": _decision_form(report, posted=False),
                "handover_form": HandoverForm(formdata=None), "action_form": ActionForm(formdata=None)}
    defaults.update(forms)
    return render_template("gratification/upg_case.html", r=report, statutory_left=upg.statutory_left(report),
                           forward_left=upg.forward_left(report), may_settle=upg.may_settle(),
                           needs_handover=upg.needs_handover(report), steps=upg.STEPS,
                           handover_overdue=upg.handover_overdue(report),
                           declarations=queries.linked_declarations(report, current_user), **defaults), status


def _decision_form(report: GiftReport, *, posted: bool) -> DecisionForm:
    """One choice per object when the report has several: the KPK decides per object."""
    form = DecisionForm() if posted else DecisionForm(formdata=None)
    if len(report.objects) > 1:
        while len(form.object_decisions) < len(report.objects):
            form.object_decisions.append_entry()
        for entry, item in zip(form.object_decisions, report.objects, strict=False):
            entry.label.text = _("The KPK's decision on object %(n)d: %(what)s", n=item.position + 1,
                                 what=item.description)
    return form


def _refused(report: GiftReport, form, exc, name: str):
    db.session.rollback()
    db.session.refresh(report)
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors") and exc.field not in ("status",):
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "danger")
    return _page(report, 400, **{name: form})


def _expired(report: GiftReport):
    flash(_("The form had expired. Please try again."), "warning")
    return redirect(url_for("gratification_upg.case", report_id=report.id))


def _done(report: GiftReport, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("gratification_upg.case", report_id=report.id))


@bp.route("/<int(max=2147483647):report_id>")
def case(report_id: int):
    return _page(_case(report_id))


@bp.route("/<int(max=2147483647):report_id>/registrasi", methods=["POST"])
def register(report_id: int):
    report = _case(report_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _expired(report)
    try:
        upg.register(report, actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "action_form")
    return _done(report, _("Registered. The receipt %(no)s is ready for the reporter.", no=report.receipt_no))


@bp.route("/<int(max=2147483647):report_id>/minta-keterangan", methods=["POST"])
def ask(report_id: int):
    report = _case(report_id)
    form = AskForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _expired(report)
        return _page(report, 400, ask_form=form)
    try:
        upg.ask(report, form.message.data or "", actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "ask_form")
    return _done(report, _("The reporter has been asked. The UPG's period is paused until they answer."))


@bp.route("/<int(max=2147483647):report_id>/teruskan", methods=["POST"])
def forward(report_id: int):
    report = _case(report_id)
    form = ForwardForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _expired(report)
        return _page(report, 400, forward_form=form)
    try:
        upg.forward(report, kpk_reference=form.kpk_reference.data or "", sent_on=form.kpk_sent_on.data,
                    actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "forward_form")
    return _done(report, _("The forwarding to the KPK has been recorded."))


@bp.route("/<int(max=2147483647):report_id>/selesaikan", methods=["POST"])
def settle(report_id: int):
    report = _case(report_id)
    form = SettleForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _expired(report)
        return _page(report, 400, settle_form=form)
    try:
        upg.settle(report, form.note.data or "", actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "settle_form")
    return _done(report, _("The report has been settled at the UPG and closed."))


def _decision(value: str | None) -> Decision | None:
    return Decision(value) if value else None


@bp.route("/<int(max=2147483647):report_id>/keputusan", methods=["POST"])
def decide(report_id: int):
    report = _case(report_id)
    form = _decision_form(report, posted=True)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _expired(report)
        return _page(report, 400, decision_form=form)
    several = len(report.objects) > 1
    for entry in form.object_decisions if several else ():
        if not entry.data:
            entry.errors = [_("Choose the KPK's decision on this object.")]
    if several and any(entry.errors for entry in form.object_decisions):
        return _page(report, 400, decision_form=form)
    try:
        upg.decide(report, decision=None if several else _decision(form.decision.data),
                   object_decisions=[_decision(e.data) for e in form.object_decisions] if several else None,
                   decision_no=form.decision_no.data or "", decision_on=form.decision_on.data, actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "decision_form")
    return _done(report, _("The KPK's decision has been recorded."))


@bp.route("/<int(max=2147483647):report_id>/serah-terima", methods=["POST"])
def handover(report_id: int):
    report = _case(report_id)
    form = HandoverForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _expired(report)
        return _page(report, 400, handover_form=form)
    upload = _upload(form.handover_file.data)
    try:
        upg.record_handover(report, on=form.handover_on.data, note=form.handover_note.data or "", upload=upload,
                            actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "handover_form")
    return _done(report, _("The handover has been recorded."))


@bp.route("/<int(max=2147483647):report_id>/tutup", methods=["POST"])
def close(report_id: int):
    report = _case(report_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _expired(report)
    try:
        upg.close(report, actor=current_user)
    except services.GratificationError as exc:
        return _refused(report, form, exc, "action_form")
    return _done(report, _("The report has been closed."))


@bp.route("/<int(max=2147483647):report_id>/formulir-kpk.pdf")
def kpk_pdf(report_id: int):
    report = _case(report_id)
    data = upg.kpk_pdf(report)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="formulir-kpk-{report.id}.pdf"'})


@bp.route("/<int(max=2147483647):report_id>/formulir-kpk.txt")
def kpk_text(report_id: int):
    report = _case(report_id)
    return Response(upg.kpk_text(report), mimetype="text/plain", headers={
        "Content-Disposition": f'inline; filename="formulir-kpk-{report.id}.txt"',
        "Content-Security-Policy": downloads.SANDBOX})


def _upload(item) -> tuple[str, bytes] | None:
    if item is None or not getattr(item, "filename", ""):
        return None
    return item.filename, item.read()
