"""All attendance certificates of a session as one merged PDF or a ZIP of the single PDFs,
made by the worker (portal/jobs.py) while the organiser watches a progress bar."""
from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa

from portal.certificates import services
from portal.certificates.models import Certificate, CertificateKind, CertificateStatus
from portal.core import jobs
from portal.extensions import db
from portal.org.models import Employee

MERGED, ZIPPED = "certificates.session_pdf", "certificates.session_zip"


def session_certificates(session_id: int) -> list[Certificate]:
    return list(db.session.scalars(
        sa.select(Certificate).join(Employee, Employee.id == Certificate.employee_id)
        .where(Certificate.kind == CertificateKind.ATTENDANCE, Certificate.session_id == session_id,
               Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.opd_name, Certificate.holder_name)))


def request_bulk(session, fmt: str, *, owner) -> jobs.Job:
    count = len(session_certificates(session.id))
    return jobs.enqueue(MERGED if fmt == "pdf" else ZIPPED,
                        {"session_id": session.id, "base": services.base_url()}, owner=owner,
                        title=session.title, total=count)


@jobs.handler(MERGED)
def _merged(job, progress) -> jobs.Result:
    certs = session_certificates(job.params["session_id"])
    progress(0, len(certs))
    data = services.merged(certs, job.params["base"], progress) if certs else services.render([], job.params["base"])
    return jobs.Result(data, f"sertifikat-kehadiran-{job.params['session_id']}.pdf", "application/pdf")


@jobs.handler(ZIPPED)
def _zipped(job, progress) -> jobs.Result:
    certs = session_certificates(job.params["session_id"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:  # PDFs are compressed already
        for n, cert in enumerate(certs, 1):
            data = services.ensure_pdf(cert, job.params["base"])
            db.session.commit()  # each stored PDF and its hash are kept even if a later one fails
            zf.writestr(f"{cert.formatted_code}.pdf", data)
            progress(n, len(certs))
    return jobs.Result(out.getvalue(), f"sertifikat-kehadiran-{job.params['session_id']}.zip", "application/zip")
