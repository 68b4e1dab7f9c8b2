"""Electronic signatures (PAdES) on every official PDF, as the people who make them download them:
with a certificate configured each document validates with pyHanko against the test CA (intact,
valid, trusted, the whole file covered) and shows its mark on the last page; without one nothing
changes; with one that cannot be used no official PDF is made at all (fail closed)."""
from __future__ import annotations

import io
import logging
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.accounts import PASSWORD

MARK = "Ditandatangani secara elektronik oleh:"
FOOTER = "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik."
REFUSED = "This official document cannot be made right now"


@pytest.fixture
def signing_config(request, signing_pki) -> dict:
    """The app's signing settings: a good certificate, none ("none"), or one that cannot be used."""
    case = getattr(request, "param", "good")
    if case == "none":
        return {}
    if case == "missing":
        return dict(signing_pki.signer(), SIGNING_PKCS12=str(signing_pki.folder / "no-such-file.p12"))
    if case == "wrong_passphrase":
        return dict(signing_pki.signer(), SIGNING_PASSPHRASE="bukan-ini")
    options = {"good": {}, "expired": {"valid_from_days": -400, "valid_days": 30},
               "not_yet_valid": {"valid_from_days": 10}, "key_usage": {"non_repudiation": False}}[case]
    return signing_pki.signer(**options)


@pytest.fixture
def app(app_factory, signing_config):
    return app_factory(**signing_config)


def english(client):
    client.get("/?lang=en")
    return client


def page(response) -> str:
    import html

    return html.unescape(response.get_data(as_text=True))


# --- the documents, made the portal's way -----------------------------------------------------------

def make_documents(app, world) -> dict:
    """asn.dinkes completes a module, files the yearly statement and attends a session (with
    minutes) whose list is closed: a certificate of every kind exists. Returns ids."""
    from portal.auth.models import User
    from portal.certificates.models import Certificate
    from portal.coi import services as coi
    from portal.coi.models import Kind
    from portal.core.clock import local, utcnow
    from portal.learning import attempts, editing
    from portal.learning import services as learning
    from portal.learning.editing import ChoiceInput
    from portal.learning.models import QuestionKind
    from portal.org.models import Employee
    from portal.socialisation import checkin, records
    from portal.socialisation import services as sessions
    from portal.socialisation.models import Method

    with app.app_context():
        inspektur = db.session.get(User, world.inspektur["user_id"])
        asn = db.session.get(Employee, world.asn["employee_id"])
        module = editing.save_module(None, slug="tte", topic="wbs", title_id="Modul Gratifikasi",
                                     title_en="Gratification module", summary_id="Ringkasan", summary_en="Summary",
                                     questions_per_attempt=1, pass_mark_percent=60, attempts_per_day=None,
                                     time_limit_minutes=None)
        lesson = editing.save_lesson(None, module=module, title_id="Materi", title_en="Lesson", body_id="Isi",
                                     body_en="Text", sources="- Sumber")
        editing.save_question(None, module=module, kind=QuestionKind.SINGLE, prompt_id="Soal", prompt_en="Question",
                              explanation_id="-", explanation_en="-", source="-",
                              choices=[ChoiceInput("Ya", "Yes", True), ChoiceInput("Tidak", "No", False)])
        attempt = attempts.start_attempt(asn.id, module)
        attempts.submit_attempt(attempt, {aq.question_id: list(aq.correct_choice_ids) for aq in attempt.questions})
        learning.mark_lesson_read(asn.id, lesson)
        yearly = coi.save_draft(None, declarant=asn, kind=Kind.YEARLY, fields=coi.DraftFields(no_conflict=True),
                                actor=asn.user)
        coi.submit(yearly, actor=asn.user)
        start = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
        session = sessions.save_session(None, sessions.SessionFields(
            title="Sosialisasi Gratifikasi 2026", starts_at=start, ends_at=start + timedelta(hours=3),
            late_after=start + timedelta(minutes=15), venue="Aula Inspektorat", module_ids=(module.id,),
            opd_ids=(world.dinkes,), invite_nips=asn.nip), actor=inspektur)
        records.save_minutes(session, "Pembukaan.\n\nPaparan narasumber.", actor=inspektur)
        checkin.check_in(session, asn, method=Method.QR, at=utcnow(), device_hash="device-a")
        sessions.close(session, actor=inspektur)
        db.session.commit()
        certificates = {c.kind.value: c.id for c in db.session.scalars(
            sa.select(Certificate).where(Certificate.employee_id == asn.id))}
        assert sorted(certificates) == ["attendance", "compliance", "module"], certificates
        return {"session_id": session.id, "certificates": certificates, "year": local(start).year,
                "session_day": local(start).date()}


def _ok(response, mimetype="application/pdf") -> bytes:
    assert response.status_code == 200, (response.status_code, response.data[:300])
    assert response.mimetype == mimetype
    return response.data


def run_jobs(app) -> None:
    from portal.core import jobs

    with app.app_context():
        assert jobs.run_pending() == 1


def bulk_merged(app, client, session_id: int) -> bytes:
    response = client.post(f"/sertifikat/acara/{session_id}/pdf")
    assert response.status_code == 302, response.data[:300]
    run_jobs(app)
    return _ok(client.get(f"{response.location}/berkas"))


def download_all(app, world, login_as, ids) -> dict[str, bytes]:
    """Every official PDF the portal makes, downloaded through its view by someone allowed to."""
    sid, year, holder, reviewer = ids["session_id"], ids["year"], login_as(world.asn), login_as(world.inspektur)
    pdfs = {f"certificate_{kind}": _ok(holder.get(f"/sertifikat/{cert_id}/pdf"))
            for kind, cert_id in ids["certificates"].items()}
    for kind, name in (("invitation", "undangan"), ("attendance", "daftar-hadir"), ("minutes", "notula")):
        pdfs[f"session_{kind}"] = _ok(reviewer.get(f"/sosialisasi/{sid}/{name}.pdf"))
    pack = _ok(reviewer.get(f"/sosialisasi/{sid}/bukti-dukung?opd={world.dinkes}"), "application/zip")
    with zipfile.ZipFile(io.BytesIO(pack)) as zf:
        pdfs.update({f"evidence_pack/{n}": zf.read(n) for n in zf.namelist() if n.endswith(".pdf")})
    pdfs["coi_evaluation"] = _ok(reviewer.get(
        f"/benturan-kepentingan/pengawasan/evaluasi.pdf?opd={world.dinkes}&tahun={year}"))
    pdfs["participation_city"] = _ok(reviewer.get(f"/partisipasi/bukti-dukung.pdf?tahun={year}"))
    pdfs["participation_opd"] = _ok(reviewer.get(f"/partisipasi/bukti-dukung.pdf?opd={world.dinkes}&tahun={year}"))
    pdfs["certificates_merged"] = bulk_merged(app, reviewer, sid)
    return pdfs


ALL_KINDS = ["certificate_attendance", "certificate_module", "certificate_compliance", "session_invitation",
             "session_attendance", "session_minutes", "evidence_pack/01-undangan.pdf",
             "evidence_pack/02-daftar-hadir.pdf", "evidence_pack/03-notula.pdf", "coi_evaluation",
             "participation_city", "participation_opd", "certificates_merged"]


# --- reading a signed PDF ---------------------------------------------------------------------------

def validate(data: bytes, ca):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(signatures) == 1, len(signatures)
    return signatures[0], validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[ca],
                                                                                  allow_fetching=False))


def mark_on_last_page(data: bytes) -> str:
    """The text drawn in the signature widget's appearance on the last page ('' when none)."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(data))
    for annot in reader.pages[-1].get("/Annots") or []:
        annot = annot.get_object()
        if annot.get("/FT") == "/Sig":
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            assert x2 - x1 > 100 and y2 - y1 > 30, "the mark is too small to read"
            stream = annot["/AP"]["/N"].get_object()
            streams = [stream, *(x.get_object() for x in stream.get("/Resources", {}).get("/XObject", {}).values())]
            return " ".join(str(operands[0]) for s in streams for operands, op in ContentStream(s, reader).operations
                            if op == b"Tj")
    return ""


# --- with a certificate ------------------------------------------------------------------------------

def test_every_official_pdf_is_signed_and_validates(app, world, login_as, signing_pki):
    from pyhanko.sign.validation import SignatureCoverageLevel

    pdfs = download_all(app, world, login_as, make_documents(app, world))
    assert sorted(pdfs) == sorted(ALL_KINDS)
    for kind, data in pdfs.items():
        embedded, status = validate(data, signing_pki.ca)
        assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True), kind
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE, kind
        assert status.signing_cert.subject.native["common_name"] == "Dr. Andi Saputra, S.E.", kind
        assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached", kind  # PAdES
        mark = mark_on_last_page(data)
        assert MARK in mark and "Dr. Andi Saputra, S.E." in mark and "Inspektur" in mark, (kind, mark)
        assert "Dokumen ini telah ditandatangani secara elektronik" in mark and "BSrE" not in mark, (kind, mark)
    reasons = {kind: validate(data, signing_pki.ca)[0].sig_object["/Reason"] for kind, data in pdfs.items()}
    assert reasons["certificate_module"] == "Sertifikat" and reasons["session_invitation"] == "Undangan"


def test_the_merged_pdf_is_signed_once_as_a_whole(app, world, login_as, signing_pki):
    """The parts are merged first and the whole signed last: one signature over all pages, the
    mark on the last one only."""
    from pypdf import PdfReader

    ids = make_documents(app, world)
    merged = bulk_merged(app, login_as(world.inspektur), ids["session_id"])
    assert merged.count(b"/ByteRange") == 1
    _embedded, status = validate(merged, signing_pki.ca)
    assert status.bottom_line
    widgets = [sum(1 for a in page.get("/Annots") or [] if a.get_object().get("/FT") == "/Sig")
               for page in PdfReader(io.BytesIO(merged)).pages]
    assert widgets == [0] * (len(widgets) - 1) + [1]
    assert MARK in mark_on_last_page(merged)


def test_the_stored_certificate_is_the_signed_file(app, world, login_as, signing_pki):
    """The SHA-256 the verification page compares with is that of the signed bytes."""
    import hashlib

    from portal.certificates.models import Certificate

    ids = make_documents(app, world)
    data = _ok(login_as(world.asn).get(f"/sertifikat/{ids['certificates']['module']}/pdf"))
    with app.app_context():
        cert = db.session.get(Certificate, ids["certificates"]["module"])
        assert cert.pdf_sha256 == hashlib.sha256(data).hexdigest()
    again = _ok(login_as(world.asn).get(f"/sertifikat/{ids['certificates']['module']}/pdf"))
    assert again == data  # stored once, served as stored: never signed a second time
    assert validate(again, signing_pki.ca)[1].bottom_line


def test_the_footer_is_an_admin_setting(app, world, login_as, signing_pki):
    from portal.core.audit import AuditEvent
    from portal.core.settings import Setting

    admin = english(login_as(world.admin))
    page_ = page(admin.get("/admin/tanda-tangan-elektronik"))
    assert FOOTER in page_ and "Dr. Andi Saputra" in page_ and "CA Uji Portal Integritas" in page_
    response = admin.post("/admin/tanda-tangan-elektronik", data={"footer": "x" * 301})
    assert response.status_code == 400 and "x" * 301 in page(response)
    footer = FOOTER[:-1] + " yang diterbitkan oleh BSrE."
    assert admin.post("/admin/tanda-tangan-elektronik", data={"footer": footer}).status_code == 302
    with app.app_context():
        assert db.session.get(Setting, "signing.footer").value == footer
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "signing.settings_changed"))
    ids = make_documents(app, world)
    mark = mark_on_last_page(_ok(login_as(world.inspektur).get(f"/sosialisasi/{ids['session_id']}/undangan.pdf")))
    assert "BSrE." in mark and MARK in mark


def test_the_admin_sees_the_certificate_and_its_expiry(app_factory, world, login_as, signing_pki):
    admin = english(login_as(world.admin))
    status = page(admin.get("/admin/"))
    assert "On: every official PDF is signed" in status and "expires within 30 days" not in status
    text = page(admin.get("/admin/tanda-tangan-elektronik"))
    for expected in ("Subject", "Issuer", "Valid from", "Valid until", "Common Name: Dr. Andi Saputra, S.E.",
                     "CA Uji Portal Integritas"):
        assert expected in text, expected
    assert "rahasia-uji-123" not in text and "expires within 30 days" not in text

    soon = app_factory(**signing_pki.signer(valid_days=20, file="soon.p12"))
    admin = english(_login(soon, "admin"))
    assert "expires within 30 days" in page(admin.get("/admin/tanda-tangan-elektronik"))
    assert "On, but the certificate expires within 30 days" in page(admin.get("/admin/"))


def _login(app, name: str):
    client = app.test_client()
    assert client.post("/login", data={"login": name, "password": PASSWORD}).status_code == 302
    return client


# --- without a certificate, and with one that cannot be used -------------------------------------------

@pytest.mark.parametrize("signing_config", ["none"], indirect=True)
def test_without_a_certificate_nothing_changes(app, world, login_as):
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdfs = download_all(app, world, login_as, make_documents(app, world))
    assert sorted(pdfs) == sorted(ALL_KINDS)
    for kind, data in pdfs.items():
        assert b"/ByteRange" not in data and PdfFileReader(io.BytesIO(data)).embedded_signatures == [], kind
        assert mark_on_last_page(data) == "", kind
    admin = english(login_as(world.admin))
    assert "Off: official PDFs are not signed electronically." in page(admin.get("/admin/"))
    text = page(admin.get("/admin/tanda-tangan-elektronik"))
    for expected in ("Off: official PDFs are not signed electronically.", "evidence by their fingerprint only",
                     "A printed copy cannot be checked cryptographically", "BSrE under BSSN", "Diskominfo",
                     "PKCS#12", "PORTAL_SIGNING_PKCS12", "never in the database"):
        assert expected in text, expected


BROKEN = {
    "missing": "does not exist",
    "wrong_passphrase": "cannot be opened with the configured passphrase",
    "expired": "The certificate has expired.",
    "not_yet_valid": "The certificate is not valid yet.",
    "key_usage": "lacks the non-repudiation key usage",
}


@pytest.mark.parametrize("signing_config", list(BROKEN), indirect=True)
def test_a_certificate_that_cannot_be_used_refuses_official_pdfs(app, world, login_as, signing_config, caplog,
                                                                    request):
    """Fail closed: no official PDF is made unsigned; the person is told plainly (503), the log
    and the administrator's page say why, and a background job fails with the reason."""
    from portal.certificates.models import Certificate
    from portal.core import jobs

    case = request.node.callspec.params["signing_config"]
    assert any("electronic signing is configured but unusable" in r.getMessage()
               for r in caplog.get_records("setup")), "not logged when the app started"
    ids = make_documents(app, world)
    holder = english(login_as(world.asn))
    response = holder.get(f"/sertifikat/{ids['certificates']['module']}/pdf")
    assert response.status_code == 503 and REFUSED in page(response) and "Nothing was issued unsigned" in page(response)
    with app.app_context():
        cert = db.session.get(Certificate, ids["certificates"]["module"])
        assert cert.pdf_key is None and cert.pdf_sha256 is None  # nothing stored, no hash recorded
    reviewer = english(login_as(world.inspektur))
    for url in (f"/sosialisasi/{ids['session_id']}/undangan.pdf",
                f"/sosialisasi/{ids['session_id']}/bukti-dukung?opd={world.dinkes}",
                f"/benturan-kepentingan/pengawasan/evaluasi.pdf?opd={world.dinkes}&tahun={ids['year']}",
                f"/partisipasi/bukti-dukung.pdf?tahun={ids['year']}"):
        response = reviewer.get(url)
        assert response.status_code == 503 and REFUSED in page(response), url

    job_url = reviewer.post(f"/sertifikat/acara/{ids['session_id']}/pdf").location
    with caplog.at_level(logging.ERROR):
        run_jobs(app)
    with app.app_context():
        job = db.session.scalars(sa.select(jobs.Job)).one()
        assert job.status == jobs.JobStatus.FAILED and job.error == "signing" and job.result_key is None
    assert "signing certificate cannot be used now, so nothing was made unsigned" in page(reviewer.get(job_url))

    text = page(english(login_as(world.admin)).get("/admin/tanda-tangan-elektronik"))
    assert "Configured but unusable" in text and BROKEN[case] in text
    assert signing_config["SIGNING_PASSPHRASE"] not in text


def test_every_pdf_the_portal_renders_says_whether_it_is_signed():
    """Each call of pdf.render or pdf.merge in portal/ names `sign_as`: a document kind, or None
    for a part that is signed later as a whole. A new PDF cannot be left unsigned by omission."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "portal"
    calls = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in
                    ("render", "merge") and isinstance(node.func.value, ast.Name) and node.func.value.id == "pdf"):
                calls.append((path.relative_to(root).as_posix(), node.lineno,
                              any(k.arg == "sign_as" for k in node.keywords)))
    assert len(calls) >= 8, calls
    assert [c for c in calls if not c[2]] == []


def test_the_mark_keeps_latin_letters_and_folds_the_rest():
    """Courier without embedding draws Latin-1 only: other letters lose their accents, never the line."""
    from portal.core import signing

    text = signing.mark_text(signing.SignerLabel("Dr. Señora Éfendi, S.H.", "Kepala Dinas Nguyễn"), FOOTER,
                             signing.DOCUMENT_MARK)
    lines = text.split("\n")
    assert lines[:3] == [MARK, "Dr. Señora Éfendi, S.H.", "Kepala Dinas Nguyen"]
    assert " ".join(lines[3:]) == FOOTER
    assert signing.mark_text(signing.SignerLabel("A", ""), "", signing.CERTIFICATE_MARK) == f"{MARK}\nA"


def test_settings_from_the_environment_are_read_as_typed(monkeypatch):
    """PORTAL_* values are parsed as JSON by Flask; a passphrase of digits must stay text."""
    from portal.config import apply_environment

    monkeypatch.setenv("PORTAL_SIGNING_PASSPHRASE", "000123")
    monkeypatch.setenv("PORTAL_SIGNING_PKCS12", "/etc/portal-integritas/tte.p12")
    monkeypatch.setenv("PORTAL_SIGNING_TRUST_ROOTS", "null")
    config = {"SIGNING_PASSPHRASE": 123, "SIGNING_TRUST_ROOTS": None}
    apply_environment(config)
    assert config["SIGNING_PASSPHRASE"] == "000123" and config["SIGNING_TRUST_ROOTS"] == "null"
    assert config["SIGNING_PKCS12"] == "/etc/portal-integritas/tte.p12"
