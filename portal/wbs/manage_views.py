"""The WBS team's pages (/wbs/kelola): the queue, cases, statistics; and the ADMIN's
settings, team and identity-request pages. ADMIN never opens a case."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.core import audit, settings, tables
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.followup import services as followup
from portal.home.services import article
from portal.org.services import list_opds
from portal.wbs import deadlines, handling, recommendations, retention, stats, workflow
from portal.wbs.forms import (
    AssignForm,
    IdentityDecisionForm,
    IdentityRequestForm,
    LiftHoldForm,
    MessageForm,
    NoteForm,
    PlaceHoldForm,
    RetentionForm,
    SettingsForm,
    StatusForm,
)
from portal.wbs.models import Category, Evidence, IdentityRequest, Report
from portal.wbs.services import WbsError, open_evidence
from portal.wbs.workflow import Referral, Status
from portal.web import downloads
from portal.web.params import int_arg, paginate
from portal.web.permissions import guard, role_required

bp = Blueprint("wbs_manage", __name__, url_prefix="/wbs/kelola")
bp.before_request(guard(Role.WBS_HANDLER, Role.ADMIN))
handler_only = role_required(Role.WBS_HANDLER)
admin_only = role_required(Role.ADMIN)


@bp.route("/")
@handler_only
def queue():
    args = request.args
    filters = {"status": args.get("status", "", type=str)[:32], "category_id": int_arg("category"),
               "opd_id": int_arg("opd"), "mine": args.get("mine") == "1",
               "open_only": args.get("all") != "1", "q": args.get("q", "", type=str)[:16]}
    page = paginate(handling.queue_query(current_user, **filters), 30)
    soon = deadlines.config()["wbs.due_soon_days"]
    flags = {r.id: deadlines.state(r, due_soon_days=soon) for r in page.items}
    return render_template("wbs_manage/queue.html", page=page, flags=flags, filters=filters, statuses=list(Status),
                           categories=db.session.scalars(db.select(Category).order_by(Category.position)).all(),
                           opds=list_opds(), due=deadlines.current_due, locale=str(get_locale()))


def _case(public_id: str) -> Report:
    report = db.first_or_404(db.select(Report).where(Report.public_id == public_id[:16]))
    if not handling.can_handle(current_user, report):
        audit.record("wbs.case_access_refused", object_type="wbs_report", object_id=report.public_id,
                     actor=current_user)
        db.session.commit()
        abort(403)
    return report


def _case_forms(report: Report, **bound) -> dict:
    status_form = bound.get("status_form") or StatusForm(formdata=None)
    status_form.status.choices = [SelectChoice(s.value, s.label) for s in workflow.next_statuses(report.status)]
    assign_form = bound.get("assign_form") or AssignForm(formdata=None, assignee=report.assigned_to_id or 0)
    assign_form.assignee.choices = [SelectChoice(0, _("Nobody"))] + [
        SelectChoice(u.id, u.display_name) for u in handling.handlers() if handling.can_handle(u, report)]
    return {"status_form": status_form, "assign_form": assign_form,
            "message_form": bound.get("message_form") or MessageForm(formdata=None),
            "note_form": bound.get("note_form") or NoteForm(formdata=None),
            "identity_form": bound.get("identity_form") or IdentityRequestForm(formdata=None),
            "hold_form": bound.get("hold_form") or PlaceHoldForm(formdata=None),
            "lift_form": bound.get("lift_form") or LiftHoldForm(formdata=None)}


def _render_case(report: Report, status=200, **bound):
    view = handling.open_case(report, current_user)
    db.session.commit()
    return render_template("wbs_manage/case.html", view=view, locale=str(get_locale()),
                           retention=retention.case_state(report), **_case_forms(report, **bound)), status


def _render_shredded(report: Report):
    # Nothing to decrypt; the opening is still on record, like any other.
    audit.record("wbs.case_viewed", object_type="wbs_report", object_id=report.public_id, actor=current_user,
                 data={"identity_shown": False, "shredded": True})
    db.session.commit()
    return render_template("wbs_manage/case_shredded.html", report=report, holds=retention.holds(report),
                           locale=str(get_locale()))


@bp.route("/kasus/<public_id>")
@handler_only
def case(public_id: str):
    report = _case(public_id)
    return _render_shredded(report) if retention.is_shredded(report) else _render_case(report)


def _act(public_id: str, form_name: str, form, action):
    """Run one handler action: validate, call the service, commit once, or re-render with errors."""
    report = _case(public_id)
    if retention.is_shredded(report):
        flash(_("The content of this case has been destroyed; it can no longer be changed."), "warning")
        return redirect(url_for("wbs_manage.case", public_id=report.public_id))
    if form_name == "status_form":
        form.status.choices = [SelectChoice(s.value, s.label) for s in workflow.next_statuses(report.status)]
    if form.validate_on_submit():
        try:
            action(report, form)
        except WbsError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.submit).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("wbs_manage.case", public_id=report.public_id))
    return _render_case(report, 400, **{form_name: form})


@bp.route("/kasus/<public_id>/status", methods=["POST"])
@handler_only
def change_status(public_id: str):
    def action(report, form):
        referral = Referral(form.referral.data) if form.referral.data else None
        handling.change_status(report, Status(form.status.data), reason=form.reason.data, actor=current_user,
                               referral=referral)
    return _act(public_id, "status_form", StatusForm(), action)


@bp.route("/kasus/<public_id>/pesan", methods=["POST"])
@handler_only
def send_message(public_id: str):
    return _act(public_id, "message_form", MessageForm(), lambda report, form: handling.send_message(
        report, form.body.data, actor=current_user, wait_for_reply=form.wait_for_reply.data))


@bp.route("/kasus/<public_id>/catatan", methods=["POST"])
@handler_only
def add_note(public_id: str):
    return _act(public_id, "note_form", NoteForm(),
                lambda report, form: handling.add_note(report, form.body.data, actor=current_user))


@bp.route("/kasus/<public_id>/tugaskan", methods=["POST"])
@handler_only
def assign(public_id: str):
    from portal.auth.models import User

    def action(report, form):
        assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
        if form.assignee.data and assignee is None:
            raise WbsError(_("This handler cannot take this case (not in the WBS team, or excluded from it)."),
                           "assignee")
        handling.assign(report, assignee, actor=current_user)
    return _act(public_id, "assign_form", AssignForm(), action)


@bp.route("/kasus/<public_id>/identitas", methods=["POST"])
@handler_only
def request_identity(public_id: str):
    return _act(public_id, "identity_form", IdentityRequestForm(),
                lambda report, form: handling.request_identity(report, form.reason.data, actor=current_user))


@bp.route("/kasus/<public_id>/tahan", methods=["POST"])
@handler_only
def place_hold(public_id: str):
    return _act(public_id, "hold_form", PlaceHoldForm(),
                lambda report, form: retention.place_hold(report, form.reason.data, actor=current_user))


@bp.route("/kasus/<public_id>/lepas-tahan", methods=["POST"])
@handler_only
def lift_hold(public_id: str):
    return _act(public_id, "lift_form", LiftHoldForm(),
                lambda report, form: retention.lift_hold(report, form.reason.data, actor=current_user))


@bp.route("/kasus/<public_id>/bukti/<evidence_id>")
@handler_only
def evidence(public_id: str, evidence_id: str):
    report = _case(public_id)
    if retention.is_shredded(report):
        abort(404)
    item = db.first_or_404(db.select(Evidence).where(Evidence.public_id == evidence_id[:32],
                                                     Evidence.report_id == report.id))
    name, data = open_evidence(report, item)
    audit.record("wbs.evidence_downloaded", object_type="wbs_report", object_id=report.public_id,
                 actor=current_user, data={"evidence": item.public_id})
    db.session.commit()
    return downloads.uploaded_file(data, media_type=item.media_type,
                                   filename=name.replace("\r", " ").replace("\n", " ") or "bukti")


@bp.route("/statistik")
@handler_only
def statistics():
    computed = stats.compute(str(get_locale()))
    # The year is the evaluation's, for its recommendations; the counts above it are of all time.
    year = int_arg("tahun", today().year, low=2019, high=today().year + 1)
    return render_template("wbs_manage/statistics.html", stats=computed, year=year,
                           status_rows=[(status.label, n) for status, n in computed.by_status],
                           followup_panel=followup.panel(recommendations.KIND, recommendations.CITY, year,
                                                         current_user))


@bp.route("/statistik.csv")
@handler_only
def statistics_csv():
    rows = stats.csv_rows(stats.compute(str(get_locale())))
    return Response(tables.csv_bytes(rows[0], rows[1:]), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=statistik-wbs.csv"})


@bp.route("/pengaturan", methods=["GET", "POST"])
@admin_only
def settings_page():
    current = deadlines.config()
    form = SettingsForm(data={k.split(".", 1)[1]: v for k, v in current.items()})
    if form.validate_on_submit():
        settings.save({key: getattr(form, key.split(".", 1)[1]).data for key in deadlines.DEFAULTS},
                      actor=current_user, action="wbs.settings_changed")
        db.session.commit()
        flash(_("The WBS settings have been saved."), "success")
        return redirect(url_for("wbs_manage.settings_page"))
    return _render_settings(form=form)


def _render_settings(*, form=None, retention_form=None):
    form = form or SettingsForm(formdata=None, data={k.split(".", 1)[1]: v for k, v in deadlines.config().items()})
    retention_form = retention_form or RetentionForm(formdata=None, retention_months=retention.period_months())
    return render_template("wbs_manage/settings.html", form=form, retention_form=retention_form,
                           retention=retention.summary(), handlers=handling.handlers(),
                           requests=handling.pending_identity_requests(), deadlines_article=article("wbs-deadlines"))


@bp.route("/pengaturan/retensi", methods=["POST"])
@admin_only
def retention_settings():
    form = RetentionForm()
    if form.validate_on_submit():
        settings.save({retention.SETTING: form.retention_months.data}, actor=current_user,
                      action="wbs.settings_changed")
        db.session.commit()
        flash(_("The retention period has been saved."), "success")
        return redirect(url_for("wbs_manage.settings_page"))
    return _render_settings(retention_form=form)


@bp.route("/permintaan-identitas/<int(max=2147483647):request_id>", methods=["GET", "POST"])
@admin_only
def identity_request(request_id: int):
    item = db.get_or_404(IdentityRequest, request_id)
    form = IdentityDecisionForm()
    if form.validate_on_submit():
        try:
            handling.decide_identity_request(item, approve=form.decision.data == "approve", note=form.note.data,
                                             actor=current_user)
        except WbsError as exc:
            form.note.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The decision has been recorded."), "success")
            return redirect(url_for("wbs_manage.settings_page"))
    return render_template("wbs_manage/identity_request.html", item=item, form=form)
