"""The employee's own data: what the portal holds (a ZIP with a PDF and a JSON file) and
correction requests. For employees only: the technical admin account has no employee record."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.privacy import corrections, export, package
from portal.privacy.forms import CorrectionForm, DownloadForm
from portal.privacy.models import CorrectionTopic
from portal.web import ratelimit
from portal.web.permissions import guard

bp = Blueprint("privacy_rights", __name__, url_prefix="/akun/data-saya")
FALLBACK_FIELD = "what_is_wrong"
bp.before_request(guard())


def _employee():
    if current_user.employee is None:
        abort(403)  # a technical account: nothing of an employee to show
    return current_user.employee


def _page(employee, *, form=None, status=200):
    return render_template("privacy/my_data.html", employee=employee, summary=export.summary(employee),
                           requests=corrections.of_employee(employee), form=form or DownloadForm()), status


@bp.route("")
def my_data():
    return _page(_employee())


@bp.route("/unduh", methods=["POST"])
def download():
    employee = _employee()
    form = DownloadForm()
    if not form.validate_on_submit():
        return redirect(url_for("privacy_rights.my_data"))
    if not ratelimit.hit(current_app.config["MY_DATA_DOWNLOAD_LIMIT"], "my-data",
                         ratelimit.hashed(str(current_user.id))):
        flash(_("You have downloaded your data several times in a short while. Please try again later."), "warning")
        return _page(employee, status=429)
    name, data = package.download(current_user._get_current_object())
    db.session.commit()
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)


@bp.route("/koreksi", methods=["GET", "POST"])
def correction():
    employee = _employee()
    form = CorrectionForm()
    if request.method == "GET" and request.args.get("tentang") in {t.value for t in CorrectionTopic}:
        form.topic.data = request.args["tentang"]
    if form.validate_on_submit():
        try:
            corrections.request_correction(employee, topic=CorrectionTopic(form.topic.data),
                                           what_is_wrong=form.what_is_wrong.data, should_be=form.should_be.data,
                                           actor=current_user._get_current_object())
        except corrections.PrivacyError as exc:
            getattr(form, exc.field or FALLBACK_FIELD).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Your request has been sent. An administrator answers it; you will see the answer here."),
                  "success")
            return redirect(url_for("privacy_rights.my_data"))
    return render_template("privacy/correction_form.html", form=form), 400 if form.errors else 200
