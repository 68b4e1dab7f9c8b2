"""The UPG's pages: every sent report with its deadlines (the UPG's workflow comes next), and the
administrator's settings of the internal period."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.roles import Role
from portal.core.workdays import today, workdays_between
from portal.extensions import db
from portal.gratification import queries, services
from portal.gratification.forms import GratificationSettingsForm
from portal.web.permissions import guard, role_required

bp = Blueprint("gratification_upg", __name__, url_prefix="/gratifikasi/upg")
bp.before_request(guard())


def _statutory_left(report) -> int | None:
    """Working days left before the statutory limit to the KPK (negative: past it)."""
    if report.statutory_due_on is None:
        return None
    on = today()
    if on <= report.statutory_due_on:
        return workdays_between(on, report.statutory_due_on)
    return -workdays_between(report.statutory_due_on, on)


@bp.route("/")
@role_required(Role.UPG)
def index():
    return render_template("gratification/upg_index.html", reports=queries.sent(), left=_statutory_left)


@bp.route("/pengaturan", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings_page():
    cfg = services.config()
    form = GratificationSettingsForm(data={"upg_days": services.upg_days(),
                                           "reminder_days": cfg["gratification.reminder_days"]})
    if form.validate_on_submit():
        services.save_settings(upg_days_value=form.upg_days.data, reminder_days=form.reminder_days.data,
                               actor=current_user)
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("gratification_upg.settings_page"))
    return render_template("gratification/settings.html", form=form, statutory_days=services.STATUTORY_DAYS), \
        400 if form.errors else 200
