"""The verification page's second, independent line: does the uploaded PDF carry an intact
electronic signature by someone the portal trusts, none, or a broken one (an edited file)? The
comparison by SHA-256 keeps recognising the issued, signed file."""
from __future__ import annotations

import hashlib
import html
import io
from datetime import timedelta

import pytest

from portal.extensions import db
from tests.helpers.accounts import PASSWORD

EXACT = "The PDF you gave is exactly the file issued under this code."
NOT_IT = "The PDF you gave is NOT the file issued under this code"
SIGNED = "Electronic signature: valid."
UNTRUSTED = "Electronic signature: not trusted."
BROKEN = "Electronic signature: BROKEN."
NONE = "Electronic signature: none."
NOT_SIGNING = "This portal does not sign its documents electronically"
UNREADABLE = "Electronic signature: not checked."


@pytest.fixture
def app(app_factory, signing_pki):
    return app_factory(**signing_pki.signer())


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def issued_certificate(app, world) -> tuple[dict, bytes]:
    """asn.dinkes attends a session whose list is closed; the holder downloads the certificate
    from `app` (the test may run several on one database, configured differently)."""
    from portal.auth.models import User
    from portal.certificates.models import Certificate, CertificateKind
    from portal.core.clock import utcnow
    from portal.org.models import Employee
    from portal.socialisation import checkin
    from portal.socialisation import services as sessions
    from portal.socialisation.models import Method

    with app.app_context():
        inspektur = db.session.get(User, world.inspektur["user_id"])
        asn = db.session.get(Employee, world.asn["employee_id"])
        start = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
        session = sessions.save_session(None, sessions.SessionFields(
            title="Sosialisasi WBS", starts_at=start, ends_at=start + timedelta(hours=2),
            late_after=start + timedelta(minutes=15), venue="Aula", opd_ids=(world.dinkes,), invite_nips=asn.nip),
            actor=inspektur)
        checkin.check_in(session, asn, method=Method.QR, at=utcnow(), device_hash="device-a")
        sessions.close(session, actor=inspektur)
        db.session.commit()
        cert = db.session.scalars(db.select(Certificate).where(Certificate.kind == CertificateKind.ATTENDANCE)).one()
        row = {"id": cert.id, "code": cert.code}
    holder = app.test_client()
    assert holder.post("/login", data={"login": world.asn["login"], "password": PASSWORD}).status_code == 302
    response = holder.get(f"/sertifikat/{row['id']}/pdf")
    assert response.status_code == 200
    return row, response.data


def check(client, code: str, data: bytes) -> str:
    response = client.post(f"/verifikasi/{code}", data={"pdf": (io.BytesIO(data), "sertifikat.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    return text(response)


@pytest.fixture
def public(app):
    client = app.test_client()
    client.get("/?lang=en")
    return client


def pyhanko_status(data: bytes, ca):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    (embedded,) = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    return validate_pdf_signature(embedded, ValidationContext(trust_roots=[ca], allow_fetching=False))


def test_the_issued_signed_certificate_passes_both_checks(app, world, public):
    from portal.certificates.models import Certificate

    cert, issued = issued_certificate(app, world)
    with app.app_context():
        assert db.session.get(Certificate, cert["id"]).pdf_sha256 == hashlib.sha256(issued).hexdigest()
    page = check(public, cert["code"], issued)
    assert EXACT in page and SIGNED in page and "Signed by Dr. Andi Saputra, S.E." in page
    assert BROKEN not in page and NONE not in page and NOT_IT not in page


def test_an_edited_pdf_is_caught_by_both_checks(app, world, public, signing_pki):
    from pypdf import PdfReader, PdfWriter

    cert, issued = issued_certificate(app, world)
    # One byte of the signed range (the header's binary comment), far from /Contents.
    assert issued[9:10] == b"%" and not (issued.index(b"/Contents") < 12)
    edited = issued[:11] + bytes([issued[11] ^ 0x01]) + issued[12:]
    assert pyhanko_status(edited, signing_pki.ca).intact is False
    # A page appended with pypdf, the whole file written again...
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued)))
    writer.add_blank_page()
    rewritten = io.BytesIO()
    writer.write(rewritten)
    assert pyhanko_status(rewritten.getvalue(), signing_pki.ca).intact is False
    # ... or added as an incremental update after the signature (the signed bytes stay intact).
    writer = PdfWriter(io.BytesIO(issued), incremental=True)
    writer.add_blank_page(842, 595)
    appended = io.BytesIO()
    writer.write(appended)
    assert pyhanko_status(appended.getvalue(), signing_pki.ca).bottom_line is False

    for changed in (edited, rewritten.getvalue(), appended.getvalue()):
        page = check(public, cert["code"], changed)
        assert NOT_IT in page and BROKEN in page, page[-3000:]
        assert SIGNED not in page and EXACT not in page
    assert EXACT in check(public, cert["code"], issued)  # the issued file is still recognised


def test_a_signature_the_portal_does_not_trust(app_factory, world, signing_pki, tmp_path):
    """Signed with a certificate whose CA is not among the configured roots (or with no roots):
    intact, and said plainly not to be trusted."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA Lain")])
    other = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
             .serial_number(1).not_valid_before(signing_pki.now - timedelta(days=1))
             .not_valid_after(signing_pki.now + timedelta(days=30))
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
    (tmp_path / "other.pem").write_bytes(other.public_bytes(serialization.Encoding.PEM))
    app = app_factory(**dict(signing_pki.signer(), SIGNING_TRUST_ROOTS=str(tmp_path / "other.pem")))
    cert, issued = issued_certificate(app, world)
    public = app.test_client()
    public.get("/?lang=en")
    page = check(public, cert["code"], issued)
    assert EXACT in page and UNTRUSTED in page and "signed by Dr. Andi Saputra, S.E." in page and SIGNED not in page

    no_roots = app_factory(**dict(signing_pki.signer(file="again.p12"), SIGNING_TRUST_ROOTS=""))
    public = no_roots.test_client()
    public.get("/?lang=en")
    assert UNTRUSTED in check(public, cert["code"], issued)

    (tmp_path / "junk.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    junk_roots = app_factory(**dict(signing_pki.signer(file="third.p12"), SIGNING_TRUST_ROOTS=str(tmp_path / "junk.pem")))
    public = junk_roots.test_client()
    public.get("/?lang=en")
    assert UNTRUSTED in check(public, cert["code"], issued)
    admin = junk_roots.test_client()
    admin.get("/?lang=en")
    assert admin.post("/login", data={"login": "admin", "password": PASSWORD}).status_code == 302
    assert "cannot be read as PEM or DER certificates" in text(admin.get("/admin/tanda-tangan-elektronik"))


def test_without_signing_the_page_says_so_plainly(app_factory, world, signing_pki):
    unsigned_app = app_factory()
    cert, issued = issued_certificate(unsigned_app, world)
    assert b"/ByteRange" not in issued
    public = unsigned_app.test_client()
    public.get("/?lang=en")
    page = check(public, cert["code"], issued)
    assert EXACT in page and NONE in page and NOT_SIGNING in page and SIGNED not in page

    # Signing configured later: the certificate issued before stays genuine by its hash, and
    # unsigned, without the page claiming the portal never signs.
    signed_app = app_factory(**signing_pki.signer())
    public = signed_app.test_client()
    public.get("/?lang=en")
    page = check(public, cert["code"], issued)
    assert EXACT in page and NONE in page and NOT_SIGNING not in page


def test_a_file_that_is_no_pdf(app, world, public):
    cert, _issued = issued_certificate(app, world)
    for junk in (b"not a pdf at all", b"%PDF-1.7\n1 0 obj <</Type /Catalog", b"%PDF-1.7\n" + b"\x00" * 500):
        page = check(public, cert["code"], junk)
        assert NOT_IT in page and UNREADABLE in page, junk


def test_checking_an_upload_calls_no_address_named_in_it(app_factory, world, signing_pki):
    """The signer's certificate names a CRL, an OCSP responder and its issuer at a local address:
    checking the upload must not call any of them (no requests to the server's network)."""
    import http.server
    import threading

    heard = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            heard.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app = app_factory(**signing_pki.signer(fetch_url=f"http://127.0.0.1:{server.server_address[1]}/ca"))
        cert, issued = issued_certificate(app, world)
        public = app.test_client()
        public.get("/?lang=en")
        page = check(public, cert["code"], issued)
        assert EXACT in page and (SIGNED in page or UNTRUSTED in page)
    finally:
        server.shutdown()
        server.server_close()
    assert heard == []
