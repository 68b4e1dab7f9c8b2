"""Certificates: one's own, an OPD's, a session's in bulk; revocation and re-issue; settings."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.certificates import bulk, services
from portal.certificates.forms import CertificateSettingsForm, FilterForm, ReasonForm
from portal.certificates.models import Certificate
from portal.core import audit, jobs, settings, storage
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.learning.models import Module
from portal.socialisation import services as sessions
from portal.socialisation.models import SocialisationSession
from portal.web.params import paginate
from portal.web.permissions import guard, has_role, role_required

bp = Blueprint("certificates", __name__, url_prefix="/sertifikat")
bp.before_request(guard())

ID = "int(max=2147483647)"


@bp.route("/")
def index():
    employee = current_user.employee
    mine = list(db.session.scalars(db.select(Certificate).where(Certificate.employee_id == employee.id)
                                   .order_by(Certificate.issued_at.desc()))) if employee else []
    year = today().year
    requirements = services.compliance(employee, year, str(get_locale())) if employee else []
    return render_template("certificates/index.html", mine=mine, year=year, requirements=requirements,
                           sees_lists=has_role(current_user, Role.SECRETARY, Role.ADMIN, Role.COI_REVIEWER))


@bp.route("/daftar")
@role_required(Role.SECRETARY, Role.ADMIN, Role.COI_REVIEWER)
def listing():
    form = FilterForm(request.args)
    stmt = services.visible_to(current_user)
    if form.validate():
        stmt = services.filter_listing(stmt, kind=form.kind.data, q=form.q.data)
    return render_template("certificates/listing.html", form=form, page=paginate(stmt, per_page=50))


def _load(cert_id: int) -> Certificate:
    cert = db.get_or_404(Certificate, cert_id)
    if not services.can_download(current_user, cert):
        abort(404)
    return cert


@bp.route(f"/<{ID}:cert_id>")
def detail(cert_id: int, form=None, status=200):
    cert = _load(cert_id)
    return render_template("certificates/detail.html", cert=cert, form=form or ReasonForm(formdata=None),
                           manage=services.can_manage(current_user)), status


@bp.route(f"/<{ID}:cert_id>/pdf")
def download(cert_id: int):
    cert = _load(cert_id)
    data = services.ensure_pdf(cert)
    db.session.commit()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=sertifikat-{cert.formatted_code}.pdf"})


def _change(cert_id: int, action, message: str):
    if not services.can_manage(current_user):
        abort(403)
    cert = _load(cert_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return detail(cert.id, form=form, status=400)
    try:
        old_key = action(cert, form.reason.data, actor=current_user)
    except services.CertificateError as exc:
        db.session.rollback()
        form.reason.errors.append(exc.message)
        return detail(cert.id, form=form, status=400)
    db.session.commit()
    if old_key:
        storage.delete(services.AREA, old_key)
    flash(message, "success")
    return redirect(url_for("certificates.detail", cert_id=cert.id))


@bp.route(f"/<{ID}:cert_id>/cabut", methods=["POST"])
def revoke(cert_id: int):
    return _change(cert_id, services.revoke, _("The certificate has been revoked."))


@bp.route(f"/<{ID}:cert_id>/terbitkan-ulang", methods=["POST"])
def reissue(cert_id: int):
    return _change(cert_id, services.reissue, _("The certificate has been re-issued under the same code."))


# --- a session's certificates in bulk ------------------------------------------------------------

@bp.route(f"/acara/<{ID}:session_id>/<any(pdf, zip):fmt>", methods=["POST"])
def session_bulk(session_id: int, fmt: str):
    session = db.get_or_404(SocialisationSession, session_id)
    if not sessions.can_view(current_user, session):
        abort(404)
    if not sessions.can_manage(current_user, session):
        abort(403)
    if not bulk.session_certificates(session.id):
        flash(_("No attendance certificates have been issued for this session yet: close the attendance list "
                "first."), "warning")
        return redirect(url_for("socialisation.detail", session_id=session.id))
    job = bulk.request_bulk(session, fmt, owner=current_user)
    audit.record("certificate.bulk_requested", session, actor=current_user, data={"format": fmt, "job": job.id})
    db.session.commit()
    return redirect(url_for("certificates.job", job_id=job.id))


def _job(job_id: int) -> jobs.Job:
    job = db.get_or_404(jobs.Job, job_id)
    if job.owner_id != current_user.id:
        abort(404)
    return job


@bp.route(f"/unduhan/<{ID}:job_id>")
def job(job_id: int):
    return render_template("certificates/job.html", job=_job(job_id), JobStatus=jobs.JobStatus)


@bp.route(f"/unduhan/<{ID}:job_id>/berkas")
def job_file(job_id: int):
    job = _job(job_id)
    if job.status != jobs.JobStatus.DONE:
        return redirect(url_for("certificates.job", job_id=job.id))
    return Response(jobs.read_result(job), mimetype=job.result_type,
                    headers={"Content-Disposition": f"attachment; filename={job.result_name}"})


# --- settings -----------------------------------------------------------------------------------

@bp.route("/pengaturan", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings_page():
    cfg = services.config()
    form = CertificateSettingsForm(data={"modules": cfg["cert.compliance_modules"],
                                         "requires_session": cfg["cert.compliance_requires_session"]})
    locale = str(get_locale())
    form.modules.choices = [SelectChoice(m.slug, m.title_en if locale == "en" else m.title_id)
                            for m in db.session.scalars(db.select(Module).order_by(Module.position))]
    if form.validate_on_submit():
        settings.save({"cert.compliance_modules": sorted(form.modules.data or []),
                       "cert.compliance_requires_session": bool(form.requires_session.data)},
                      actor=current_user, action="certificate.settings_changed")
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("certificates.settings_page"))
    return render_template("certificates/settings.html", form=form), 400 if form.errors else 200
