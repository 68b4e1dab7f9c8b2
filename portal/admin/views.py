"""Administration: system status, accounts and roles, the audit log."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.admin import approvals, services, setup
from portal.admin.forms import (
    AccountForm,
    DecisionForm,
    GovernmentForm,
    HolidayForm,
    NewAccountForm,
    ResetForm,
    SigningForm,
)
from portal.admin.models import Approval, ApprovalKind
from portal.auth import mfa
from portal.auth.models import User
from portal.core import clock, settings, signature_check, signing
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.extensions import db
from portal.web.forms import ActionForm
from portal.web.params import int_arg, paginate
from portal.web.permissions import guard

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(guard(Role.ADMIN))


@bp.route("/")
def index():
    verify = request.args.get("periksa") == "1"
    return render_template("admin/index.html", status=services.system_status(current_app, verify_audit=verify),
                           waiting=approvals.waiting_for(current_user), setup_items=setup.items())


@bp.route("/persiapan")
def setup_checklist():
    return render_template("admin/setup.html", items=setup.items())


@bp.route("/pemerintah", methods=["GET", "POST"])
def government_settings():
    form = GovernmentForm(data={"name": settings.government_name(), "inspectorate": settings.inspectorate_name(),
                                "head_office": settings.head_office(), "timezone": settings.get(clock.SETTING, ""),
                                "place": settings.place()})
    form.timezone.choices = [SelectChoice("", _("Choose…"))] + [SelectChoice(k, v)
                                                                  for k, v in setup.ZONE_LABELS.items()]
    if form.validate_on_submit():
        settings.save({settings.GOVERNMENT: form.name.data.strip(),
                       settings.INSPECTORATE: form.inspectorate.data.strip(),
                       settings.HEAD_OFFICE: (form.head_office.data or "").strip(),
                       settings.PLACE: (form.place.data or "").strip(), clock.SETTING: form.timezone.data},
                      actor=current_user, action="admin.government_settings_changed")
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("admin.government_settings"))
    return render_template("admin/government.html", form=form), 400 if form.errors else 200


@bp.route("/akun")
def accounts():
    q = request.args.get("q", "", type=str)[:64]
    page = paginate(services.accounts_query(q), 50)
    return render_template("admin/accounts.html", page=page, q=q, new_form=NewAccountForm())


@bp.route("/akun/baru", methods=["POST"])
def account_create():
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            user, password = services.create_technical_account(
                username=form.username.data, roles={Role(r) for r in form.roles.data}, actor=current_user,
                reason=form.reason.data or "")
        except PortalError as exc:
            db.session.rollback()
            getattr(form, exc.field or "username", form.username).errors.append(exc.message)
        else:
            db.session.commit()
            return render_template("admin/temporary_password.html", account=user, password=password)
    page = paginate(services.accounts_query(), 50)
    return render_template("admin/accounts.html", page=page, q="", new_form=form), 400


@bp.route("/akun/<int(max=2147483647):user_id>", methods=["GET", "POST"])
def account(user_id: int):
    user = db.get_or_404(User, user_id)
    form = AccountForm()
    if request.method == "GET":
        form.roles.data = [r.value for r in user.role_set]
        form.active.data = user.active
    if form.validate_on_submit():
        try:
            waiting = services.update_account(user, roles={Role(r) for r in form.roles.data},
                                              active=form.active.data, actor=current_user,
                                              reason=form.reason.data or "")
        except PortalError as exc:
            db.session.rollback()
            field = getattr(form, exc.field or "roles", None) or form.roles
            field.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The account has been saved."), "success")
            if waiting:
                flash(_("The role %(roles)s waits for a second administrator's approval.",
                        roles=", ".join(str(r.label) for r in waiting)), "info")
            return redirect(url_for("admin.account", user_id=user.id))
    return _account_page(user, form=form, status=400 if form.errors else 200)


def _account_page(user: User, *, form=None, reset_form=None, status: int = 200):
    form = form or AccountForm(formdata=None, data={"roles": [r.value for r in user.role_set], "active": user.active})
    return render_template("admin/account.html", account=user, form=form,
                           reset_form=reset_form or ResetForm(formdata=None), action_form=ActionForm(),
                           privileged=approvals.needs_second_person(user, ApprovalKind.PASSWORD_RESET),
                           open_requests=approvals.open_for(user),
                           mfa_required=mfa.is_required(user, current_app.config["MFA_REQUIRED_ROLES"])), status


@bp.route("/akun/<int(max=2147483647):user_id>/kata-sandi-sementara", methods=["POST"])
def account_temporary_password(user_id: int):
    return _reset(db.get_or_404(User, user_id), ApprovalKind.PASSWORD_RESET)


def _reset(user: User, kind: ApprovalKind):
    """A temporary password or an MFA reset: done now for an ordinary account; for a privileged
    one, asked for, and done when a second administrator approves."""
    form = ResetForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.account", user_id=user.id))
    try:
        if approvals.needs_second_person(user, kind) or user.id == current_user.id:
            approvals.ask(kind, user, actor=current_user._get_current_object(), reason=form.reason.data or "")
        elif kind == ApprovalKind.PASSWORD_RESET:
            password = services.issue_temporary_password(user, actor=current_user)
            db.session.commit()
            # Shown once in this response, never flashed (the session cookie is signed, not encrypted).
            return render_template("admin/temporary_password.html", account=user, password=password)
        else:
            mfa.reset(user, actor=current_user._get_current_object())
    except PortalError as exc:
        db.session.rollback()
        form.reason.errors.append(exc.message)
        return _account_page(user, reset_form=form, status=400)
    db.session.commit()
    if approvals.needs_second_person(user, kind):
        flash(_("Asked. A second administrator must approve it; the account's owner has been told."), "info")
    else:
        flash(_("Two-step verification of this account has been reset."), "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/akun/<int(max=2147483647):user_id>/akhiri-sesi", methods=["POST"])
def account_end_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        services.end_all_sessions(user, actor=current_user)
        db.session.commit()
        flash(_("All sessions of this account have been ended."), "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/akun/<int(max=2147483647):user_id>/reset-mfa", methods=["POST"])
def account_mfa_reset(user_id: int):
    return _reset(db.get_or_404(User, user_id), ApprovalKind.MFA_RESET)


# --- four eyes ------------------------------------------------------------------------------------

@bp.route("/persetujuan")
def approval_list():
    return render_template("admin/approvals.html", waiting=approvals.waiting_for(current_user),
                           items=approvals.listing(), decision_form=DecisionForm(formdata=None),
                           action_form=ActionForm())


@bp.route("/persetujuan/<int(max=2147483647):approval_id>/putuskan", methods=["POST"])
def approval_decide(approval_id: int):
    approval = db.get_or_404(Approval, approval_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            approvals.decide(approval, approve=bool(form.approve.data), actor=current_user._get_current_object(),
                             note=form.note.data or "")
        except PortalError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("Approved.") if form.approve.data else _("Rejected."), "success")
    return redirect(url_for("admin.approval_list"))


@bp.route("/persetujuan/<int(max=2147483647):approval_id>/tarik", methods=["POST"])
def approval_withdraw(approval_id: int):
    approval = db.get_or_404(Approval, approval_id)
    if ActionForm().validate_on_submit():
        try:
            approvals.withdraw(approval, actor=current_user._get_current_object())
        except PortalError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("Withdrawn."), "success")
    return redirect(url_for("admin.approval_list"))


@bp.route("/persetujuan/<int(max=2147483647):approval_id>/kata-sandi", methods=["POST"])
def approval_password(approval_id: int):
    approval = db.get_or_404(Approval, approval_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.approval_list"))
    try:
        password = approvals.issue_password(approval, actor=current_user._get_current_object())
    except PortalError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("admin.approval_list"))
    db.session.commit()
    return render_template("admin/temporary_password.html", account=approval.target, password=password)


@bp.route("/audit")
def audit_log():
    action = request.args.get("action", "", type=str)[:64]
    page = paginate(services.audit_query(action), 100)
    return render_template("admin/audit.html", page=page, action=action)


@bp.route("/hari-libur", methods=["GET", "POST"])
def holidays():
    from datetime import date

    from portal.core import workdays

    year = int_arg("tahun", workdays.today().year, low=2019, high=2100)
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            services.add_holiday(form.day.data, form.name.data, actor=current_user)
        except services.AdminError as exc:
            form.day.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The day has been added."), "success")
            return redirect(url_for("admin.holidays", tahun=form.day.data.year))
    start, end = date(year, 1, 1), date(year, 12, 31)
    extra = db.session.scalars(db.select(workdays.ExtraHoliday).where(
        workdays.ExtraHoliday.day.between(start, end)).order_by(workdays.ExtraHoliday.day)).all()
    return render_template("admin/holidays.html", year=year, form=form, extra=extra, action_form=ActionForm(),
                           calendar=sorted(workdays.holidays_between(start, end).items()))


@bp.route("/hari-libur/<int(max=2147483647):holiday_id>/hapus", methods=["POST"])
def holiday_delete(holiday_id: int):
    from portal.core.workdays import ExtraHoliday

    holiday = db.get_or_404(ExtraHoliday, holiday_id)
    if ActionForm().validate_on_submit():
        year = holiday.day.year
        services.remove_holiday(holiday, actor=current_user)
        db.session.commit()
        flash(_("The day has been removed."), "success")
        return redirect(url_for("admin.holidays", tahun=year))
    return redirect(url_for("admin.holidays"))


@bp.route("/tanda-tangan-elektronik", methods=["GET", "POST"])
def signing_page():
    """Whether official PDFs are signed, with which certificate until when; the mark's footer."""
    footer = settings.get("signing.footer", signing.DEFAULT_FOOTER)
    form = SigningForm(data={"footer": footer})
    if form.validate_on_submit():
        settings.save({"signing.footer": " ".join((form.footer.data or "").split())}, actor=current_user,
                      action="signing.settings_changed")
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("admin.signing_page"))
    return render_template("admin/signing.html", form=form, status=signing.status(current_app.config),
                           roots=signature_check.roots_status(current_app.config)), 400 if form.errors else 200
