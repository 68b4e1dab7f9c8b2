"""The administrator's side of personal data: the contacts on every notice, the retention
periods with what a run would delete now, and the employees' correction requests."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import settings
from portal.core.clock import today, utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.privacy import contacts, corrections, retention
from portal.privacy.forms import AnswerForm, ContactsForm, RetentionForm
from portal.privacy.models import CorrectionRequest, CorrectionStatus
from portal.web.params import paginate
from portal.web.permissions import guard

bp = Blueprint("privacy_manage", __name__, url_prefix="/admin/privasi")
FALLBACK_FIELD = "note"
bp.before_request(guard(Role.ADMIN))


@bp.route("", methods=["GET", "POST"])
def settings_page():
    form = ContactsForm(data=contacts.form_data())
    if form.validate_on_submit():
        contacts.save({name: getattr(form, name).data for name in contacts.NAMES}, actor=current_user)
        db.session.commit()
        flash(_("The contacts have been saved."), "success")
        return redirect(url_for("privacy_manage.settings_page"))
    missing = contacts.missing()
    for name in missing:
        getattr(form, name).description = _("Not set yet.")
    return render_template("privacy/manage/settings.html", form=form, missing=missing,
                           shown=contacts.for_notice(), open_requests=corrections.open_count(),
                           government=settings.government_name()), 400 if form.errors else 200


@bp.route("/retensi", methods=["GET", "POST"])
def retention_page():
    form = RetentionForm(data=retention.months())
    if form.validate_on_submit():
        retention.save_months({kind.code: getattr(form, kind.code).data for kind in retention.KINDS},
                              actor=current_user)
        db.session.commit()
        flash(_("The retention periods have been saved."), "success")
        return redirect(url_for("privacy_manage.retention_page"))
    # A dry run: what the next daily run would delete with the periods saved now.
    return render_template("privacy/manage/retention.html", form=form, plan=retention.plan(today()),
                           runs=retention.recent_runs(), today_done=retention.done_on(today())), \
        400 if form.errors else 200


@bp.route("/koreksi")
def corrections_list():
    page = paginate(corrections.admin_query(), 50)
    return render_template("privacy/manage/corrections.html", page=page, open_count=corrections.open_count(),
                           now=utcnow())


@bp.route("/koreksi/<int(max=2147483647):correction_id>", methods=["GET", "POST"])
def correction(correction_id: int):
    item = db.get_or_404(CorrectionRequest, correction_id)
    form = AnswerForm()
    if item.is_open and form.validate_on_submit():
        try:
            mailed = corrections.handle(item, outcome=CorrectionStatus(form.outcome.data), note=form.note.data,
                                        actor=current_user._get_current_object())
        except corrections.PrivacyError as exc:
            db.session.rollback()
            getattr(form, exc.field or FALLBACK_FIELD).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The answer has been recorded."), "success")
            if item.employee.email and not mailed:
                flash(_("The e-mail to the employee could not be sent; they will see the answer in the portal."),
                      "warning")
            return redirect(url_for("privacy_manage.corrections_list"))
    return render_template("privacy/manage/correction.html", item=item, form=form), 400 if form.errors else 200
