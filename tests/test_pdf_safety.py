"""PDF safety (security.md §2): every PDF of the portal goes through portal.core.pdf, whose context
holds primitives only and whose URL fetcher serves static/ and nothing else.

A listener on 127.0.0.1 records every connection it gets. Text a user controls is filled with
markup that, if it were ever interpreted, would read /etc/passwd, call the listener (<img>,
<link>, CSS @import, url() in a style attribute) or attach a local file. Every PDF kind is
downloaded through its view, as someone allowed to: each field's markup must come out as
text, nothing of /etc/passwd may be in the PDF, and the listener must hear nothing.
"""
from __future__ import annotations

import http.server
import io
import logging
import re
import shutil
import subprocess
import threading
import urllib.request
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from portal.extensions import db

PASSWD_TAG = '<img src="file:///etc/passwd">'
PASSWD_CONTENT = "root:x:0:0"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                   "NO_PROXY")
ROOT = Path(__file__).resolve().parents[1]


# --- the listener ------------------------------------------------------------------------------

class _Recorder(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        self.server.requests.append(f"{self.command} {self.path}")
        body = b"body { background: red; }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args):
        pass


class _Listener(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.requests: list[str] = []
        self.connections = 0
        super().__init__(("127.0.0.1", 0), _Recorder)

    def verify_request(self, request, client_address):
        self.connections += 1  # counted even when no HTTP request follows
        return True

    @property
    def port(self) -> int:
        return self.server_address[1]

    def heard(self) -> list[str]:
        return self.requests + ([f"{self.connections} connection(s)"] if self.connections else [])


@pytest.fixture
def listener(monkeypatch):
    """An HTTP server on a free port of 127.0.0.1 that records what it hears.

    Proxy variables are removed: with a proxy set, a fetch would go to the proxy and the
    listener would stay silent even if the fetcher were broken."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # It does hear a client that asks, so silence later means that nobody asked.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        assert opener.open(f"http://127.0.0.1:{server.port}/probe", timeout=5).read()
        assert server.requests == ["GET /probe"] and server.connections == 1
        server.requests.clear()
        server.connections = 0
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- the payloads ------------------------------------------------------------------------------
# Each starts with the file:///etc/passwd tag followed by a marker naming its field, so the
# PDF shows, field by field, that the markup stayed text.

def full_payload(port: int, field: str) -> str:
    """For text columns: every way markup could make WeasyPrint fetch something."""
    base = f"http://127.0.0.1:{port}/{field}"
    return (f'{PASSWD_TAG}<img src="{base}/img"><style>@import url("{base}/css");</style>'
            f'<link rel=stylesheet href="{base}/link"> <b>bold</b> & "quotes" '
            f'<span style="background: url({base}/bg)">x</span><a rel="attachment" href="file:///etc/passwd">a</a>')


def short_payload(port: int, field: str) -> str:
    """For columns of up to 160 characters (names, titles, the venue)."""
    return f'{PASSWD_TAG}<link rel=stylesheet href="http://127.0.0.1:{port}/{field}"> <b>bold</b> & "quotes"'


FULL = {"gift-chronology", "coi-type", "coi-description", "coi-activity", "coi-measure", "coi-rationale", "description", "speaker-1",
        "speaker-2", "minutes-1", "minutes-2", "followup-text", "followup-note"}


def field_marker(port: int, field: str) -> str:
    """The beginning of a field's payload, whitespace removed (a line may wrap anywhere)."""
    if field in FULL:
        start = f'{PASSWD_TAG}<img src="http://127.0.0.1:{port}/{field}/img">'
    else:
        start = f'{PASSWD_TAG}<link rel=stylesheet href="http://127.0.0.1:{port}/{field}">'
    return "".join(start.split())


# --- reading a PDF ---------------------------------------------------------------------------------

def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} (poppler-utils) is not on PATH; install poppler-utils to run the PDF safety tests")
    return path


def pdf_text(data: bytes) -> str:
    # -raw: the text in the order it was drawn, so the wrapped lines of a table cell stay together.
    out = subprocess.run([_tool("pdftotext"), "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60)
    return out.stdout.decode("utf-8")


def embedded_files(data: bytes, tmp_path) -> str:
    path = tmp_path / "embedded.pdf"
    path.write_bytes(data)
    out = subprocess.run([_tool("pdfdetach"), "-list", str(path)], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8").strip()


def assert_safe(name: str, data: bytes, fields: list[str], port: int, tmp_path) -> None:
    """The PDF shows every field's markup as text and holds nothing of /etc/passwd."""
    assert data.startswith(b"%PDF"), f"{name}: not a PDF: {data[:60]!r}"
    text = pdf_text(data)
    squeezed = "".join(text.split())
    for field in fields:
        assert field_marker(port, field) in squeezed, f"{name}: the {field} markup is not shown as text:\n{text}"
    assert '<b>bold</b>&"quotes"' in squeezed, f"{name}: the markup is not shown as typed:\n{text}"
    assert "&amp;" not in text and "&lt;" not in text and "&#34;" not in text, f"{name}: escaped twice:\n{text}"
    assert PASSWD_CONTENT not in text, f"{name}: /etc/passwd was read into the PDF"
    assert embedded_files(data, tmp_path) == "0 embedded files", f"{name}: a file was attached"


# --- the data: payloads in every field a user fills -------------------------------------------------

def _complete_module(employee_id: int, module_id: int) -> None:
    from portal.learning import attempts, services as learning
    from portal.learning.models import Module

    module = db.session.get(Module, module_id)
    attempt = attempts.start_attempt(employee_id, module)
    outcome = attempts.submit_attempt(attempt, {aq.question_id: list(aq.correct_choice_ids)
                                                for aq in attempt.questions})
    assert outcome.attempt.passed
    for lesson in module.lessons:
        learning.mark_lesson_read(employee_id, lesson)
    assert learning.get_completion(employee_id, module) is not None


@pytest.fixture
def loaded(app, world, listener):
    """asn.dinkes, named by a payload, has completed a module whose titles are payloads, filed
    the yearly statement, declared an ad-hoc conflict (decided by kadis.dinkes) and attended a
    session whose every text is a payload; its attendance list is closed, so the three kinds of
    certificate exist. Returns ids."""
    import sqlalchemy as sa

    from portal.documents import services as documents
    from portal.auth.models import User
    from portal.certificates.models import Certificate, CertificateKind
    from portal.coi import lists, services as coi
    from portal.coi.models import Activity, Kind, ListItem, ListKind, Relationship
    from portal.core.clock import utcnow
    from portal.learning.models import Module
    from portal.org.models import Employee, Opd
    from portal.socialisation import checkin, records, services as sessions
    from portal.socialisation.models import Method
    from tests.learning.factories import make_small_module

    port = listener.port
    with app.app_context():
        inspektur = db.session.get(User, world.inspektur["user_id"])
        kadis = db.session.get(User, world.kadis["user_id"])
        asn = db.session.get(Employee, world.asn["employee_id"])

        # People and places (imported or typed in by the administrator), the certificate's signatory.
        asn.name = short_payload(port, "name")
        asn.position = short_payload(port, "position")
        db.session.get(Opd, world.dinkes).name = short_payload(port, "opd")
        documents.save_signatory("certificates.certificate", "sign", organiser=False, capacity="",
                                 office=short_payload(port, "signatory-title"),
                                 name=short_payload(port, "signatory-name"), rank="", nip="", actor=None)

        # Learning content, written in the portal by the Inspectorate.
        module_id = make_small_module(slug="aman")
        module = db.session.get(Module, module_id)
        module.title_id = short_payload(port, "module-id")
        module.title_en = short_payload(port, "module-en")
        db.session.flush()
        _complete_module(asn.id, module_id)

        # Conflict of interest: the declarant's text, the decider's rationale, a list label.
        lists.load_lists()
        conflict_type = lists.items(ListKind.TYPE)[0]
        conflict_type.label_id = conflict_type.label_en = full_payload(port, "coi-type")
        fields = coi.DraftFields(description=full_payload(port, "coi-description"), activity=Activity.PROCUREMENT,
                                 activity_detail=full_payload(port, "coi-activity"),
                                 related_party=short_payload(port, "coi-party"), relationship_kind=Relationship.FAMILY,
                                 proposed_measure=full_payload(port, "coi-measure"),
                                 type_ids=(conflict_type.id,), source_ids=(lists.items(ListKind.SOURCE)[0].id,))
        declaration = coi.save_draft(None, declarant=asn, kind=Kind.ADHOC, fields=fields, actor=asn.user)
        coi.submit(declaration, actor=asn.user)
        decision = db.session.scalar(sa.select(ListItem).where(ListItem.kind == ListKind.DECISION))
        coi.decide(declaration, decision=decision, rationale=full_payload(port, "coi-rationale"), actor=kadis)
        yearly = coi.save_draft(None, declarant=asn, kind=Kind.YEARLY, fields=coi.DraftFields(no_conflict=True),
                                actor=asn.user)
        coi.submit(yearly, actor=asn.user)

        # Recommendations of the evaluations (the OPD's and the city's), one reported done.
        from datetime import date

        from portal.followup import services as followup

        for key in (str(world.dinkes), "city"):
            rec = followup.add("coi.evaluation", key, declaration.year, followup.Fields(
                text=full_payload(port, "followup-text"), opd_id=world.dinkes, owner_login="",
                due_on=date(2030, 1, 1)), actor=inspektur)
        followup.complete(rec, note=full_payload(port, "followup-note"), actor=inspektur)

        # A session: the organiser's text; asn checks in, the minutes are written, the list is closed.
        start = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
        session = sessions.save_session(None, sessions.SessionFields(
            title=short_payload(port, "title"), starts_at=start, ends_at=start + timedelta(hours=3),
            late_after=start + timedelta(minutes=15), venue=short_payload(port, "venue"),
            description=full_payload(port, "description"),
            speakers=f"{full_payload(port, 'speaker-1')}\n{full_payload(port, 'speaker-2')}",
            module_ids=(module_id,), opd_ids=(world.dinkes,), invite_nips=asn.nip), actor=inspektur)
        records.save_minutes(session, f"{full_payload(port, 'minutes-1')}\n\n{full_payload(port, 'minutes-2')}",
                              actor=inspektur)
        checkin.check_in(session, asn, method=Method.QR, at=utcnow(), device_hash="device-a")
        sessions.close(session, actor=inspektur)

        # A gratification report by asn, registered by the UPG (the inspektur's account, given the role).
        from portal.auth.models import UserRole
        from portal.core.roles import Role
        from portal.gratification import services as gifts, upg
        from portal.gratification.models import GiverRelation, ObjectKind

        inspektur.roles.append(UserRole(role=Role.UPG))
        gift = gifts.save_draft(None, reporter=asn, actor=asn.user, fields=gifts.ReportFields(
            giver_name=short_payload(port, "gift-giver"), giver_relation=GiverRelation.SUPPLIER,
            reporter_address="Jl. Sudirman 1, Padang", reporter_phone="0812 1111 2222",
            received_on=start.date() - timedelta(days=1), place=short_payload(port, "gift-place"),
            chronology=full_payload(port, "gift-chronology"),
            objects=[gifts.ObjectFields(kind=ObjectKind.GOODS, description=short_payload(port, "gift-object"),
                                        value=250000)]))
        gifts.submit(gift, actor=asn.user)
        db.session.flush()
        upg.register(gift, actor=inspektur)
        db.session.commit()

        certificates = {c.kind.value: c.id for c in db.session.scalars(
            sa.select(Certificate).where(Certificate.employee_id == asn.id))}
        assert set(certificates) == {k.value for k in CertificateKind}, certificates
        return {"session_id": session.id, "certificates": certificates, "year": start.year, "gift_id": gift.id}


# --- every PDF kind, downloaded through its view ---------------------------------------------------

INVITATION = ["title", "description", "venue", "speaker-1", "speaker-2", "module-id", "opd"]
ATTENDANCE = ["title", "venue", "name", "position", "opd"]
MINUTES = ["title", "venue", "speaker-1", "speaker-2", "minutes-1", "minutes-2"]
CERTIFICATE = ["name", "opd", "signatory-name", "signatory-title"]

# kind: (the top-level template, {file in the download: the fields it shows}).
KINDS = {
    "coi_evaluation": ("pdf/coi_evaluation.html", {
        "": ["opd", "coi-type", "coi-description", "name", "position", "coi-rationale", "coi-measure",
             "followup-text"]}),
    "coi_city_evaluation": ("pdf/coi_city_evaluation.html", {"": ["opd", "coi-type", "followup-text",
                                                                   "followup-note"]}),
    "session_invitation": ("pdf/session_invitation.html", {"": INVITATION}),
    "session_attendance": ("pdf/session_attendance.html", {"": ATTENDANCE}),
    "session_minutes": ("pdf/session_minutes.html", {"": MINUTES}),
    "certificate_attendance": ("pdf/certificates.html", {"": CERTIFICATE + ["title"]}),
    "certificate_module": ("pdf/certificates.html", {"": CERTIFICATE + ["module-id", "module-en"]}),
    "certificate_compliance": ("pdf/certificates.html", {"": CERTIFICATE}),
    "certificates_merged": ("pdf/certificates.html", {"": CERTIFICATE + ["title"]}),
    "certificates_zip": ("pdf/certificates.html", {"*": CERTIFICATE + ["title"]}),  # one PDF per certificate
    "evidence_zip": ("pdf/session_attendance.html", {
        "01-undangan.pdf": INVITATION, "02-daftar-hadir.pdf": ATTENDANCE, "03-notula.pdf": MINUTES}),
    "participation_evidence": ("pdf/participation_evidence.html", {"kota": ["module-id", "opd"],
                                                                    "opd": ["module-id", "opd"]}),
    "gratification_receipt": ("pdf/gratification_receipt.html", {"": ["name", "position", "opd", "gift-object"]}),
    "gratification_kpk_form": ("pdf/gratification_kpk_form.html", {"": [
        "name", "position", "opd", "gift-giver", "gift-place", "gift-object", "gift-chronology"]}),
    "gratification_yearly_report": ("pdf/gratification_yearly_report.html", {"": ["opd"]}),
    # The employee's copy of their data (a ZIP with this PDF and a JSON file), in Indonesian.
    "privacy_my_data": ("pdf/privacy_my_data.html", {"data-saya.pdf": [
        "name", "position", "opd", "module-id", "coi-description", "coi-activity", "coi-party", "coi-measure",
        "coi-rationale", "coi-type", "title"]}),
}


def _ok(response, mimetype: str) -> bytes:
    assert response.status_code == 200, (response.status_code, response.location, response.data[:300])
    assert response.mimetype == mimetype
    return response.data


def _pdfs_in_zip(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist() if name.endswith(".pdf")}


def _bulk(app, client, session_id: int, fmt: str, caplog) -> bytes:
    """Ask for a session's certificates, let the worker run (as `flask worker` does: an app
    context, no request), and download the result as the one who asked."""
    from portal.core import jobs

    response = client.post(f"/sertifikat/acara/{session_id}/{fmt}")
    assert response.status_code == 302 and "/sertifikat/unduhan/" in response.location, response.location
    job_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    # In this process, so that the render and its log are seen here (the worker forks a child).
    app.config["JOB_ISOLATION"] = False
    with caplog.at_level(logging.ERROR, logger="portal.core.jobs"), app.app_context():
        assert jobs.run_pending() == 1
        job = db.session.get(jobs.Job, job_id)
        errors = re.findall(r"^[\w.]+(?:Error|Exception): .*$", caplog.text, re.M)
        assert job.status == jobs.JobStatus.DONE, f"the {fmt} job failed in the worker: {errors[-1:]}\n{caplog.text}"
    return _ok(client.get(f"/sertifikat/unduhan/{job_id}/berkas"),
               "application/pdf" if fmt == "pdf" else "application/zip")


def download(kind: str, app, world, login_as, ids, caplog) -> dict[str, bytes]:
    sid = ids["session_id"]
    if kind.startswith("certificate_"):  # the holder downloads their own
        cert_id = ids["certificates"][kind.removeprefix("certificate_")]
        return {"": _ok(login_as(world.asn).get(f"/sertifikat/{cert_id}/pdf"), "application/pdf")}
    reviewer = login_as(world.inspektur)  # the session's organiser, and the conflict-of-interest reviewer
    if kind == "coi_evaluation":
        url = f"/benturan-kepentingan/pengawasan/evaluasi.pdf?opd={world.dinkes}&tahun={ids['year']}"
        return {"": _ok(reviewer.get(url), "application/pdf")}
    if kind == "coi_city_evaluation":
        return {"": _ok(reviewer.get(f"/benturan-kepentingan/pengawasan/evaluasi/kota.pdf?tahun={ids['year']}"),
                        "application/pdf")}
    if kind.startswith("session_"):
        name = {"session_invitation": "undangan", "session_attendance": "daftar-hadir", "session_minutes": "notula"}
        return {"": _ok(reviewer.get(f"/sosialisasi/{sid}/{name[kind]}.pdf"), "application/pdf")}
    if kind == "certificates_merged":
        return {"": _bulk(app, reviewer, sid, "pdf", caplog)}
    if kind == "certificates_zip":
        return _pdfs_in_zip(_bulk(app, reviewer, sid, "zip", caplog))
    if kind == "evidence_zip":
        return _pdfs_in_zip(_ok(reviewer.get(f"/sosialisasi/{sid}/bukti-dukung?opd={world.dinkes}"),
                                "application/zip"))
    if kind == "participation_evidence":
        if "participation.evidence" not in app.view_functions:
            pytest.skip("no participation summary PDF in this version")
        return {"kota": _ok(reviewer.get(f"/partisipasi/bukti-dukung.pdf?tahun={ids['year']}"), "application/pdf"),
                "opd": _ok(reviewer.get(f"/partisipasi/bukti-dukung.pdf?opd={world.dinkes}&tahun={ids['year']}"),
                           "application/pdf")}
    if kind == "gratification_receipt":  # the reporter downloads it
        return {"": _ok(login_as(world.asn).get(f"/gratifikasi/{ids['gift_id']}/tanda-terima.pdf"),
                        "application/pdf")}
    if kind == "gratification_kpk_form":  # the UPG's working paper for GOL
        return {"": _ok(reviewer.get(f"/gratifikasi/upg/{ids['gift_id']}/formulir-kpk.pdf"), "application/pdf")}
    if kind == "gratification_yearly_report":  # the UPG's letter to the head of region
        return {"": _ok(reviewer.get(f"/gratifikasi/upg/laporan-tahunan.pdf?tahun={ids['year']}"), "application/pdf")}
    if kind == "privacy_my_data":
        return _pdfs_in_zip(_ok(login_as(world.asn).post("/akun/data-saya/unduh"), "application/zip"))
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", list(KINDS))
def test_user_text_in_a_pdf_is_shown_as_text_and_fetches_nothing(kind, app, world, login_as, loaded, listener,
                                                                  tmp_path, caplog):
    from flask import template_rendered

    template, expected = KINDS[kind]
    rendered = []
    with template_rendered.connected_to(lambda sender, template, context, **kw: rendered.append(template.name), app):
        pdfs = download(kind, app, world, login_as, loaded, caplog)
    assert template in rendered, rendered  # the PDF was made now, through the template named above
    if "*" in expected:
        assert pdfs, kind
        expected = dict.fromkeys(pdfs, expected["*"])
    assert sorted(pdfs) == sorted(expected)
    for name, data in pdfs.items():
        assert_safe(f"{kind} {name}".strip(), data, expected[name], listener.port, tmp_path)
    assert listener.heard() == []


def test_every_pdf_template_is_covered_and_rendered_by_portal_pdf_only():
    """A new PDF (a template of its own under templates/pdf/) needs a case above; WeasyPrint
    is called from portal/core/pdf.py only; no PDF template switches escaping off."""
    pdf_templates = ROOT / "templates" / "pdf"
    documents = {f"pdf/{p.name}" for p in pdf_templates.glob("*.html")
                 if p.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype")}
    assert documents and documents <= {template for template, _ in KINDS.values()}, documents
    for path in pdf_templates.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", source), path
    callers = [p.relative_to(ROOT).as_posix() for p in (ROOT / "portal").rglob("*.py")
               if re.search(r"^\s*(from|import)\s+weasyprint\b", p.read_text(encoding="utf-8"), re.M)]
    assert callers == ["portal/core/pdf.py"]


# --- the fetcher on its own ------------------------------------------------------------------------

REFUSED = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "file://localhost/etc/passwd",
    "{static}/../portal/config.py",
    "{static}/%2e%2e/portal/config.py",
    "{static}/css/../../portal/core/pdf.py",
    "{static}/css",  # a folder, not a file
    "{static}/css/no-such-file.css",
    "http://127.0.0.1:{port}/",
    "http://127.0.0.1:{port}/img.png",
    "https://127.0.0.1:{port}/",
    "ftp://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://[::1]:{port}/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_fetcher_refuses_other_files_and_any_network_address(url, listener):
    from portal.core.pdf import STATIC_ROOT, RefusedURL, StaticOnlyFetcher

    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url.format(static=STATIC_ROOT.as_uri(), port=listener.port))
    assert listener.heard() == []


def test_fetcher_serves_static_files_and_data_uris(listener):
    from portal.core.pdf import STATIC_ROOT, StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    response = fetcher.fetch(f"{STATIC_ROOT.as_uri()}/css/pdf.css")
    try:
        assert response.read() == (ROOT / "static" / "css" / "pdf.css").read_bytes()
    finally:
        response.close()
    response = fetcher.fetch("data:text/plain;base64,aGFsbw==")
    try:
        assert response.read() == b"halo"
    finally:
        response.close()
    assert listener.heard() == []


def test_a_rendering_uses_the_static_only_fetcher(app, listener, tmp_path):
    """Markup that got into a page unescaped would still be held back by the fetcher."""
    from portal.core import pdf

    port = listener.port
    html = (f'<link rel="stylesheet" href="css/pdf.css"><style>@import url("http://127.0.0.1:{port}/css");</style>'
            f'<img src="file:///etc/passwd"><img src="http://127.0.0.1:{port}/img">'
            f'<p style="background: url(http://127.0.0.1:{port}/bg)">Halo</p>'
            f'<a rel="attachment" href="file:///etc/passwd">a</a>')
    with app.app_context():
        data = pdf.html_to_pdf(html)
    text = pdf_text(data)
    assert data.startswith(b"%PDF") and "Halo" in text and PASSWD_CONTENT not in text
    assert embedded_files(data, tmp_path) == "0 embedded files"
    assert listener.heard() == []


# --- the context holds primitives only -------------------------------------------------------------

@pytest.mark.parametrize("where", ["top", "list", "dict"])
def test_render_refuses_an_orm_object_in_its_context(where, app, world):
    from portal.core import pdf
    from portal.org.models import Employee

    with app.app_context():
        employee = db.session.get(Employee, world.asn["employee_id"])
        context = {"top": {"title": employee},
                   "list": {"title": "Undangan", "rows": [{"name": "x"}, {"name": employee}]},
                   "dict": {"title": "Undangan", "labels": {"en": {"who": employee}}}}[where]
        with pytest.raises(TypeError, match="Employee.*primitives only"):
            pdf.render("pdf/session_invitation.html", context)
        with pytest.raises(TypeError, match="Employee.*primitives only"):
            pdf.render_pages("pdf/session_invitation.html", context)
