"""A session's attendance certificates in bulk, as the organiser gets them: a job queued, a
page with a progress bar that refreshes itself, then one merged PDF or a ZIP of the single
PDFs. The worker is `jobs.run_pending()` here."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from portal.core import jobs
from portal.extensions import db
from tests.certificates.conftest import (BASE, certificates, close_session, count, dashed, flashed, open_session,
                                         pdf_info, pdf_text, person, sha256, text)


@pytest.fixture
def closed_session(app, world):
    """A closed session attended by three people (one absent): three certificates."""
    with app.app_context():
        sid = open_session(world, [world.asn, world.secretary, world.kadis, world.asn_disdik],
                           checked_in=[world.asn, world.secretary, world.asn_disdik])
    close_session(app, world, sid)
    assert len(certificates(app, session_id=sid)) == 3
    return sid


def request_job(client, session_id: int, fmt: str) -> int:
    response = client.post(f"{BASE}/acara/{session_id}/{fmt}")
    assert response.status_code == 302, text(response)[:1000]
    return int(re.fullmatch(rf"{BASE}/unduhan/(\d+)", response.headers["Location"]).group(1))


def run_worker(app) -> int:
    """As `flask --app portal worker` runs jobs: in an app context, without a request."""
    with app.app_context():
        return jobs.run_pending()


def job_row(app, job_id: int) -> dict:
    with app.app_context():
        job = db.session.get(jobs.Job, job_id)
        return {"status": job.status.value, "done": job.done, "total": job.total, "owner_id": job.owner_id,
                "result_name": job.result_name, "result_type": job.result_type, "error": job.error}


def test_the_worker_renders_certificates_without_a_request(app, world, closed_session):
    """The worker has an app context and no request; certificate PDFs must render there."""
    from portal.certificates import bulk, services

    with app.app_context():
        certs = bulk.session_certificates(closed_session)
        assert services.render(certs[:1], "https://integritas.padang.go.id").startswith(b"%PDF")
        data = services.ensure_pdf(certs[0], "https://integritas.padang.go.id")
        db.session.commit()
    assert "https://integritas.padang.go.id/verifikasi/" in pdf_text(data).replace(" ", "")


def test_merged_pdf_of_a_session(app, world, client_of, closed_session):
    inspektur = client_of("inspektur")
    job_id = request_job(inspektur, closed_session, "pdf")
    assert job_row(app, job_id)["status"] == "queued" and job_row(app, job_id)["total"] == 3

    waiting = inspektur.get(f"{BASE}/unduhan/{job_id}")
    page = text(waiting)
    assert waiting.status_code == 200
    assert "<progress" in page and '<meta http-equiv="refresh"' in page
    assert "Waiting to start" in page and "Sosialisasi Gratifikasi 2026" in page
    assert f"{BASE}/unduhan/{job_id}/berkas" not in page
    # The file is not there yet: back to the waiting page.
    early = inspektur.get(f"{BASE}/unduhan/{job_id}/berkas")
    assert early.status_code == 302 and early.headers["Location"].endswith(f"{BASE}/unduhan/{job_id}")

    assert run_worker(app) == 1
    row = job_row(app, job_id)
    assert (row["status"], row["done"], row["total"]) == ("done", 3, 3)
    page = text(inspektur.get(f"{BASE}/unduhan/{job_id}"))
    assert f'href="{BASE}/unduhan/{job_id}/berkas"' in page and "Ready" in page
    assert '<meta http-equiv="refresh"' not in page and 'value="100"' in page

    response = inspektur.get(f"{BASE}/unduhan/{job_id}/berkas")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"sertifikat-kehadiran-{closed_session}.pdf" in response.headers["Content-Disposition"]
    assert pdf_info(response.data)["Pages"] == "3"
    content = pdf_text(response.data)
    for cert in certificates(app, session_id=closed_session):
        assert dashed(cert["code"]) in content and cert["holder_name"] in content
    assert person(app, world.kadis)["name"] not in content  # absent

    # Only the one who asked sees the job and its file.
    admin = client_of("admin")
    assert admin.get(f"{BASE}/unduhan/{job_id}").status_code == 404
    assert admin.get(f"{BASE}/unduhan/{job_id}/berkas").status_code == 404


def test_zip_of_the_single_pdfs(app, world, client_of, closed_session):
    inspektur = client_of("inspektur")
    job_id = request_job(inspektur, closed_session, "zip")
    assert run_worker(app) == 1
    assert job_row(app, job_id)["status"] == "done"
    response = inspektur.get(f"{BASE}/unduhan/{job_id}/berkas")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"sertifikat-kehadiran-{closed_session}.zip" in response.headers["Content-Disposition"]

    certs = certificates(app, session_id=closed_session)
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        assert zf.testzip() is None
        files = {name: zf.read(name) for name in zf.namelist()}
    assert sorted(files) == sorted(f"{dashed(c['code'])}.pdf" for c in certs)
    for cert in certs:
        data = files[f"{dashed(cert['code'])}.pdf"]
        assert data.startswith(b"%PDF") and pdf_info(data)["Pages"] == "1"
        assert cert["pdf_sha256"] == sha256(data)
        assert cert["holder_name"] in pdf_text(data)
    # The holder's own download is that same stored file.
    asn_cert = next(c for c in certs if c["employee_id"] == world.asn["employee_id"])
    assert client_of("asn").get(f"{BASE}/{asn_cert['id']}/pdf").data == files[f"{dashed(asn_cert['code'])}.pdf"]


def test_zip_keeps_a_pdf_downloaded_before(app, world, client_of, closed_session):
    """A certificate downloaded before the ZIP is made goes into it unchanged (same hash)."""
    asn_cert = certificates(app, session_id=closed_session, employee_id=world.asn["employee_id"])[0]
    before = client_of("asn").get(f"{BASE}/{asn_cert['id']}/pdf").data
    inspektur = client_of("inspektur")
    job_id = request_job(inspektur, closed_session, "zip")
    run_worker(app)
    assert job_row(app, job_id)["status"] == "done"
    with zipfile.ZipFile(io.BytesIO(inspektur.get(f"{BASE}/unduhan/{job_id}/berkas").data)) as zf:
        assert zf.read(f"{dashed(asn_cert['code'])}.pdf") == before


def test_revoked_certificates_are_left_out(app, world, client_of, closed_session):
    inspektur = client_of("inspektur")
    revoked = certificates(app, session_id=closed_session, employee_id=world.secretary["employee_id"])[0]
    assert inspektur.post(f"{BASE}/{revoked['id']}/cabut",
                          data={"reason": "Salah pindai oleh rekan kerja."}).status_code == 302
    job_id = request_job(inspektur, closed_session, "zip")
    run_worker(app)
    assert job_row(app, job_id)["status"] == "done"
    with zipfile.ZipFile(io.BytesIO(inspektur.get(f"{BASE}/unduhan/{job_id}/berkas").data)) as zf:
        assert len(zf.namelist()) == 2 and f"{dashed(revoked['code'])}.pdf" not in zf.namelist()


def test_a_session_without_certificates_gets_no_job(app, world, client_of):
    with app.app_context():
        open_sid = open_session(world, [world.asn], checked_in=[world.asn])  # list not closed yet
        empty_sid = open_session(world, [world.secretary])
    close_session(app, world, empty_sid)  # closed, nobody came
    inspektur = client_of("inspektur")
    for sid in (open_sid, empty_sid):
        for fmt in ("pdf", "zip"):
            response = inspektur.post(f"{BASE}/acara/{sid}/{fmt}")
            assert response.status_code == 302 and response.headers["Location"].endswith(f"/sosialisasi/{sid}")
            assert "close the attendance list first" in flashed(inspektur)
    assert count(app, jobs.Job) == 0


def test_only_those_who_manage_the_session_ask_for_it(app, world, client_of, closed_session):
    assert client_of("asn").post(f"{BASE}/acara/{closed_session}/pdf").status_code == 403  # a participant
    assert client_of("secretary").post(f"{BASE}/acara/{closed_session}/pdf").status_code == 403  # invited OPD
    assert client_of("handler").post(f"{BASE}/acara/{closed_session}/zip").status_code == 404  # not involved
    assert client_of("inspektur").post(f"{BASE}/acara/{closed_session}/docx").status_code == 404
    assert client_of("inspektur").post(f"{BASE}/acara/999999/pdf").status_code == 404
    assert count(app, jobs.Job) == 0
    assert request_job(client_of("admin"), closed_session, "pdf")  # the city organisers may


def test_a_failing_job_is_marked_failed(app, world, client_of, closed_session, monkeypatch):
    def broken(job, progress):
        progress(1, 3)
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setitem(jobs.HANDLERS, "certificates.session_pdf", broken)
    inspektur = client_of("inspektur")
    job_id = request_job(inspektur, closed_session, "pdf")
    assert run_worker(app) == 1
    row = job_row(app, job_id)
    assert row["status"] == "failed" and row["result_name"] is None
    assert "WeasyPrint" not in row["error"]
    page = text(inspektur.get(f"{BASE}/unduhan/{job_id}"))
    assert "Failed" in page and "The file could not be made." in page
    assert '<meta http-equiv="refresh"' not in page and f"{BASE}/unduhan/{job_id}/berkas" not in page
    response = inspektur.get(f"{BASE}/unduhan/{job_id}/berkas")
    assert response.status_code == 302
    # The queue goes on: the next job runs, and the failed one stays failed.
    monkeypatch.setitem(jobs.HANDLERS, "certificates.session_pdf",
                        lambda job, progress: jobs.Result(b"%PDF-1.7 stand-in", "x.pdf", "application/pdf"))
    second = request_job(inspektur, closed_session, "pdf")
    assert run_worker(app) == 1 and job_row(app, second)["status"] == "done"
    assert inspektur.get(f"{BASE}/unduhan/{second}/berkas").data == b"%PDF-1.7 stand-in"
    assert job_row(app, job_id)["status"] == "failed"


def test_a_bulk_request_is_audited(app, world, client_of, closed_session):
    from portal.core.audit import AuditEvent

    job_id = request_job(client_of("inspektur"), closed_session, "zip")
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "certificate.bulk_requested")).one()
        assert event.data == {"format": "zip", "job": job_id} and event.actor_id == world.inspektur["user_id"]
