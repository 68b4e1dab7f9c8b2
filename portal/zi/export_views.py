"""A unit's exports: the LKE as XLSX (at once) and the supporting evidence as a ZIP by item code
(asked for here, made by the background worker: export_jobs.py; its pages are the owner's).

Whoever may see the unit may export it (its OPD's secretary, the Inspectorate, administrators);
anyone else gets 404, as for the unit's page. Each export, and each request for the ZIP, is an
audit event."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import audit, jobs
from portal.extensions import db
from portal.web.permissions import guard
from portal.zi import export_jobs, exports, permissions
from portal.zi.models import Unit

bp = Blueprint("zi_export", __name__, url_prefix="/zona-integritas")
bp.before_request(guard())
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not permissions.can_see(current_user, unit):
        abort(404)
    return unit


def _download(body: bytes, mimetype: str, name: str):
    # Built in memory or read from the job's stored result, handed out in chunks with its length
    # (send_file quotes the file name in the header).
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/unit/<int:unit_id>/lke.xlsx")
def lke_xlsx(unit_id: int):
    unit = _unit(unit_id)
    body = exports.lke_xlsx(unit)
    audit.record("zi.unit_exported", unit, actor=current_user, data={"format": "xlsx", "year": unit.version.year})
    db.session.commit()
    return _download(body, XLSX, exports.file_stem(unit, "lke") + ".xlsx")


@bp.route("/unit/<int:unit_id>/bukti-dukung", methods=["POST"])
def evidence_zip(unit_id: int):
    """The ZIP is made by the worker (export_jobs.py); its page shows the progress, then the file."""
    unit = _unit(unit_id)
    job, new = export_jobs.request_zip(unit, owner=current_user)
    audit.record("zi.unit_exported", unit, actor=current_user,
                 data={"format": "zip", "year": unit.version.year, "job": job.id, "reused": not new})
    db.session.commit()
    if not new:
        flash(_("This unit's evidence ZIP is already being prepared for you: here is its progress."), "info")
    return redirect(url_for("zi_export.job", job_id=job.id))


def _job(job_id: int) -> jobs.Job:
    # Only the one who asked, and only this kind of job (a certificate job has its own pages).
    job = db.session.get(jobs.Job, job_id)
    if job is None or job.kind != export_jobs.KIND or job.owner_id != current_user.id:
        abort(404)
    return job


@bp.route("/unduhan/<int:job_id>")
def job(job_id: int):
    job = _job(job_id)
    return render_template("zi/job.html", job=job, unit_id=job.params.get("unit_id"), JobStatus=jobs.JobStatus)


@bp.route("/unduhan/<int:job_id>/berkas")
def job_file(job_id: int):
    job = _job(job_id)
    if job.status != jobs.JobStatus.DONE:
        return redirect(url_for("zi_export.job", job_id=job.id))
    return _download(jobs.read_result(job), job.result_type or export_jobs.MEDIA_TYPE, job.result_name or "bukti.zip")
