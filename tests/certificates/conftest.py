"""Helpers shared by the certificate tests. Certificates are made the way the portal makes
them: a session's attendance list closed, a module read and passed, a yearly statement
filed. Helpers that read the database back return plain values, usable outside the app
context."""
from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.nonce_support import with_nonce
from tests.helpers.pages import english, field_error, flashed, pdf_text, poppler  # noqa: F401 (used by the tests)
from tests.helpers.pages import page_text as text  # noqa: F401

BASE = "/sertifikat"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dashed(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# --- reading the database back ---------------------------------------------------------------------

def _row(c) -> dict:
    return {"id": c.id, "code": c.code, "kind": c.kind.value, "employee_id": c.employee_id,
            "subject_key": c.subject_key, "session_id": c.session_id, "module_id": c.module_id, "year": c.year,
            "status": c.status.value, "version": c.version, "pdf_key": c.pdf_key, "pdf_sha256": c.pdf_sha256,
            "holder_name": c.holder_name, "holder_nip": c.holder_nip, "opd_id": c.opd_id, "opd_name": c.opd_name,
            "revoked_reason": c.revoked_reason,
            "changes": [(ch.action, ch.version, ch.pdf_sha256, ch.reason) for ch in c.changes]}


def certificates(app, **where) -> list[dict]:
    """Certificates as plain dicts, filtered by column values (kind as a string)."""
    from portal.certificates.models import Certificate, CertificateKind

    if "kind" in where:
        where["kind"] = CertificateKind(where["kind"])
    with app.app_context():
        rows = db.session.scalars(sa.select(Certificate).filter_by(**where).order_by(Certificate.id))
        return [_row(c) for c in rows]


def certificate(app, cert_id: int) -> dict:
    from portal.certificates.models import Certificate

    with app.app_context():
        return _row(db.session.get(Certificate, cert_id))


def person(app, account) -> dict:
    from portal.org.models import Employee

    with app.app_context():
        e = db.session.get(Employee, account["employee_id"])
        return {"name": e.name, "nip": e.nip, "opd": e.opd.name,
                "nip_formatted": f"{e.nip[:8]} {e.nip[8:14]} {e.nip[14]} {e.nip[15:]}",
                "masked": e.nip[:4] + "*" * 11 + e.nip[15:]}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- PDFs ----------------------------------------------------------------------------------------------

def pdf_info(data: bytes) -> dict:
    """`pdfinfo` of a PDF, as {key: value}."""
    assert data.startswith(b"%PDF"), data[:40]
    poppler("pdfinfo")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, timeout=60)
    info = {}
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


# --- making certificates the portal's way ----------------------------------------------------------------

def open_session(world, accounts, *, checked_in=()) -> int:
    """A session of the Inspectorate that started 10 minutes ago, for Dinkes and Disdik, with
    `accounts` invited and `checked_in` checked in by QR (present). Inside an app context."""
    from tests.socialisation.factories import check_in, make_session

    session = make_session(world, starts_in=timedelta(minutes=-10), invite=list(accounts),
                           opds=[world.dinkes, world.disdik], minutes_long=180, title="Sosialisasi Gratifikasi 2026")
    for account in checked_in:
        check_in(session, account)
    return session.id


def close_session(app, world, session_id: int) -> None:
    from portal.auth.models import User
    from portal.socialisation import services
    from portal.socialisation.models import SocialisationSession

    with app.app_context():
        services.close(db.session.get(SocialisationSession, session_id), actor=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()


def attended_session(app, world, accounts) -> int:
    """A closed session every one of `accounts` attended: their attendance certificates exist."""
    with app.app_context():
        sid = open_session(world, accounts, checked_in=accounts)
    close_session(app, world, sid)
    return sid


def attendance_certificate(app, world, account) -> dict:
    sid = attended_session(app, world, [account])
    (cert,) = certificates(app, kind="attendance", session_id=sid, employee_id=account["employee_id"])
    return cert


def participant_id(app, session_id: int, account) -> int:
    from portal.socialisation.models import Participant

    with app.app_context():
        return db.session.scalar(sa.select(Participant.id).where(
            Participant.session_id == session_id, Participant.employee_id == account["employee_id"]))


@pytest.fixture
def module(app):
    """A small module (2 lessons, 3 of 4 questions drawn, pass mark 60 %) with the given slug."""
    from tests.learning.factories import make_small_module

    def make(slug: str = "uji", **settings) -> int:
        with app.app_context():
            module_id = make_small_module(slug=slug, **settings)
            db.session.commit()
            return module_id

    return make


def lesson_ids(app, module_id: int) -> list[int]:
    from portal.learning.models import Module

    with app.app_context():
        return [lesson.id for lesson in db.session.get(Module, module_id).lessons]


def right_answers(app, attempt_id: int) -> dict:
    from portal.learning.models import Attempt

    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return {f"q-{aq.question_id}": [str(c) for c in aq.correct_choice_ids] for aq in attempt.questions}


def complete_module(app, client, module_id: int) -> int:
    """As the learner would: read every lesson, start the quiz, answer everything right.
    Returns the attempt id."""
    for lesson_id in lesson_ids(app, module_id):
        assert client.post(f"/belajar/modul/{module_id}/materi/{lesson_id}/selesai").status_code == 302
    response = client.post(f"/belajar/modul/{module_id}/kuis")
    assert response.status_code == 302, response.data[:300]
    attempt_id = int(re.search(r"/belajar/percobaan/(\d+)$", response.headers["Location"]).group(1))
    response = client.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **right_answers(app, attempt_id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/hasil")
    return attempt_id


def file_yearly_statement(client) -> None:
    """The yearly conflict-of-interest statement, 'no conflict', saved and submitted."""
    url = "/benturan-kepentingan/baru/yearly"
    response = client.post(url, data=with_nonce(client, url, {"no_conflict": "y", "send": "Save and submit"}))
    assert response.status_code == 302, response.data[:500]


def save_settings(admin_client, *, modules=(), requires_session=False, title="Inspektur Kota Padang", name=""):
    data = {"modules": list(modules), "signatory_title": title, "signatory_name": name}
    if requires_session:
        data["requires_session"] = "y"
    response = admin_client.post(f"{BASE}/pengaturan", data=data)
    assert response.status_code == 302, text(response)[:2000]
    return response


@pytest.fixture
def client_of(world, login_as):
    """A logged-in, English-speaking client per world account, made on first use."""
    made = {}

    def get(name: str):
        if name not in made:
            made[name] = english(login_as(getattr(world, name)))
        return made[name]

    return get
