"""Every absolute address the portal writes comes from PUBLIC_BASE_URL, never from the request's
Host header, and a request for a host the portal is not is refused (Flask's TRUSTED_HOSTS)."""
from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from portal.extensions import db

BASE = "https://integritas.example.go.id"


@pytest.fixture
def app(app_factory):
    return app_factory(PUBLIC_BASE_URL=BASE + "/")


def _attendance_certificate(app, world) -> dict:
    from datetime import timedelta

    from portal.auth.models import User
    from portal.certificates import services as certificates
    from portal.core.clock import utcnow
    from portal.org.models import Employee
    from portal.socialisation import checkin, services as sessions
    from portal.socialisation.models import Method

    with app.app_context():
        inspektur = db.session.get(User, world.inspektur["user_id"])
        employee = db.session.get(Employee, world.asn["employee_id"])
        start = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
        session = sessions.save_session(None, sessions.SessionFields(
            title="Sosialisasi", starts_at=start, ends_at=start + timedelta(hours=2),
            late_after=start + timedelta(minutes=15), venue="Balai Kota", speakers="", opd_ids=(world.dinkes,),
            invite_nips=employee.nip, capacity=None), actor=inspektur)
        checkin.check_in(session, employee, method=Method.QR, at=start + timedelta(minutes=5), device_hash="d")
        sessions.close(session, actor=inspektur, now=utcnow())
        cert = certificates.for_participant(session.participants[0])
        db.session.commit()
        return {"id": cert.id, "code": cert.code, "session_id": session.id}


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_forged_host_is_refused_everywhere(client, world, caplog):
    for path in ("/", "/login", "/wbs/", "/verifikasi", "/healthz"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400 and b"evil" not in response.data
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert client.get("/", headers={"Host": "integritas.example.go.id"}).status_code == 200


def test_a_certificate_prints_and_stores_the_configured_address(app, world, login_as):
    cert = _attendance_certificate(app, world)
    holder = login_as(world.asn)
    assert holder.get(f"/sertifikat/{cert['id']}/pdf", headers={"Host": "evil.example"}).status_code == 400
    response = holder.get(f"/sertifikat/{cert['id']}/pdf")
    assert response.status_code == 200
    text = _pdf_text(response.data).replace("\n", "")
    assert "integritas.example.go.id/verifikasi/" in text and "localhost" not in text and "evil" not in text


def test_the_evidence_pack_lists_verification_addresses_from_the_configuration(app, world, login_as):
    cert = _attendance_certificate(app, world)
    pack = login_as(world.inspektur).get(f"/sosialisasi/{cert['session_id']}/bukti-dukung?opd={world.dinkes}")
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        listing = archive.read(next(n for n in archive.namelist() if n.endswith(".csv"))).decode("utf-8-sig")
    dashed = "-".join(cert["code"][i:i + 4] for i in range(0, 16, 4))
    assert f"{BASE}/verifikasi/{dashed}" in listing and "localhost" not in listing


def test_the_check_in_qr_points_at_the_configured_address(app, world, login_as):
    cert = _attendance_certificate(app, world)
    with app.app_context():
        from portal.socialisation.models import SocialisationSession

        db.session.execute(sa.update(SocialisationSession).values(closed_at=None))
        db.session.commit()
    payload = login_as(world.inspektur).get(f"/sosialisasi/{cert['session_id']}/qr.json").get_json()
    assert payload["url"].startswith(f"{BASE}/hadir/")


def test_jobs_and_commands_without_a_request_use_the_same_address(app):
    from portal.web.urls import absolute_url, base_url

    with app.app_context():
        assert base_url() == BASE
        assert absolute_url("verify.form") == f"{BASE}/verifikasi"


def test_development_defaults_to_the_local_server(monkeypatch, app_factory):
    monkeypatch.setenv("PORT", "5123")
    app = app_factory(PUBLIC_BASE_URL="")
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5123"
    assert {"127.0.0.1", "localhost"} <= set(app.config["TRUSTED_HOSTS"])
