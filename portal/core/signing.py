"""Electronic signatures (PAdES baseline B-B, with pyHanko) on the portal's official PDFs.

Signing is the very last step of making an official document: pdf.render(..., sign_as=...) and
pdf.merge(..., sign_as=...) call official(), and nothing touches the bytes afterwards (any change,
a merge or a page added, breaks the signature). The key is configuration, never data:
SIGNING_PKCS12 (a PKCS#12 file: the signing official's certificate and key) and
SIGNING_PASSPHRASE, from the environment or instance/config.py.

Not configured: documents are made unsigned, as before. Configured but unusable (the file is
missing, the passphrase is wrong, the certificate has expired): SigningUnavailable, and no
official PDF is made at all (fail closed; docs/decisions.md, "Electronic signatures").
"""
from __future__ import annotations

import io
import logging
import os
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.core import settings
from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.core.errors import PortalError

log = logging.getLogger(__name__)

# The visible mark's wording (the KemenPANRB format, reference naskah-dinas.md §7): Indonesian on
# every document, as the documents themselves are official in Indonesian.
MARK_TITLE = "Ditandatangani secara elektronik oleh:"
DEFAULT_FOOTER = "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik."
DEFAULTS = {"signing.footer": DEFAULT_FOOTER}
EXPIRY_WARNING = timedelta(days=30)
FIELD_NAME = "TTE"
MM = 72 / 25.4


class Document(LabelledEnum):
    """The official documents; the label is the signature's stated reason (in Indonesian)."""
    CERTIFICATE = "certificate", _l("Certificate")
    CERTIFICATES = "certificates", _l("Certificates of a socialisation session")
    SESSION_INVITATION = "session_invitation", _l("Invitation")
    SESSION_ATTENDANCE = "session_attendance", _l("Attendance list")
    SESSION_MINUTES = "session_minutes", _l("Minutes")
    COI_EVALUATION = "coi_evaluation", _l("Yearly evaluation of conflict-of-interest handling")
    PARTICIPATION_EVIDENCE = "participation_evidence", _l("Evidence of participation")
    GRATIFICATION_RECEIPT = "gratification_receipt", _l("Receipt of a gratification report")
    GRATIFICATION_YEARLY_REPORT = "gratification_yearly_report", _l("Yearly gratification control report")


@dataclass(frozen=True)
class Mark:
    """Where the visible mark goes on the last page: (x1, y1, x2, y2) in points from the
    bottom-left corner, and the size of its letters."""
    box: tuple[int, int, int, int]
    font_size: int


def _points(x1: float, y1: float, x2: float, y2: float) -> tuple[int, int, int, int]:
    """Millimetres from the page's bottom-left corner, as whole points."""
    return round(x1 * MM), round(y1 * MM), round(x2 * MM), round(y2 * MM)


# Documents (static/css/pdf.css): in the bottom margin (20 mm), left of the page number, on a
# portrait or landscape page alike.
DOCUMENT_MARK = Mark(_points(16, 3, 150, 18.5), 7)
# Certificates (static/css/certificate.css, A4 landscape): the empty space above the signatory's
# name in the signature cell (td.sign .space, above the name, rank and NIP lines the template always
# writes), where a wet signature would go.
CERTIFICATE_MARK = Mark(_points(198, 30.5, 272, 43.5), 6)
MARKS = {Document.CERTIFICATE: CERTIFICATE_MARK, Document.CERTIFICATES: CERTIFICATE_MARK}


@dataclass(frozen=True)
class SignerLabel:
    name: str
    position: str


class SigningUnavailable(PortalError):
    """Signing is configured but cannot be done now, so no official PDF is made."""
    job_error = "signing"  # portal/core/jobs: the job page says why


PROBLEMS = {
    "missing": _l("The certificate file cannot be read: it does not exist, or the portal may not open it."),
    "unreadable": _l("The certificate file cannot be opened with the configured passphrase (a wrong passphrase, "
                     "or not a PKCS#12 file)."),
    "expired": _l("The certificate has expired."),
    "not_yet_valid": _l("The certificate is not valid yet."),
    "key_usage": _l("The certificate is not meant for signing documents (it lacks the non-repudiation key "
                    "usage that signature validators require)."),
}


@dataclass
class _Loaded:
    key: tuple
    signer: Any  # pyhanko's SimpleSigner, or None
    problem: str


def file_stamp(path: str) -> tuple:
    """What tells a changed file from the one read before (a renewed certificate, new roots)."""
    try:
        stat = os.stat(path)
    except OSError:
        return (path, None, None)
    return (path, stat.st_mtime_ns, stat.st_size)


def configured(config=None) -> bool:
    config = config if config is not None else current_app.config
    return bool(config.get("SIGNING_PKCS12"))


def _load() -> _Loaded:
    """The signing key, read once per process and again when the file changes (a renewed
    certificate is picked up without a restart)."""
    from pyhanko.sign import signers

    path = str(current_app.config["SIGNING_PKCS12"])
    key = file_stamp(path)
    cached = current_app.extensions.get("portal.signing")
    if cached is not None and cached.key == key:
        return cached
    passphrase = str(current_app.config.get("SIGNING_PASSPHRASE") or "")
    loaded = _Loaded(key, None, "")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        loaded.problem = "missing"
    else:
        try:
            loaded.signer = signers.SimpleSigner.load_pkcs12_data(data, [], passphrase=passphrase.encode() or None)
        except ValueError:
            loaded.problem = "unreadable"
        else:
            usage = loaded.signer.signing_cert.key_usage_value
            if usage is not None and "non_repudiation" not in usage.native:
                loaded.problem = "key_usage"
    if loaded.problem:
        # Once per change of the file, not once per document.
        log.error("electronic signing is configured but unusable (%s): %s; official PDFs are refused",
                  loaded.problem, path)
    current_app.extensions["portal.signing"] = loaded
    return loaded


def _problem(loaded: _Loaded, now: datetime) -> str:
    if loaded.problem:
        return loaded.problem
    cert = loaded.signer.signing_cert
    if now < cert.not_valid_before:
        return "not_yet_valid"
    return "expired" if now > cert.not_valid_after else ""


def check_at_startup(app) -> None:
    """Log a configured but unusable certificate when the app starts, not at the first document."""
    if configured(app.config):
        with app.app_context():
            loaded = _load()  # logs a file it cannot use
            problem = _problem(loaded, utcnow())
            if problem and not loaded.problem:
                log.error("electronic signing is configured but unusable (%s); official PDFs are refused", problem)


def _names(name) -> dict:
    return {k: str(v) for k, v in name.native.items() if isinstance(v, str)}


def signer_label(kind: Document) -> SignerLabel:
    """Whom the visible mark names for a kind of document: the holder of the signing key, read from
    the certificate's subject (common name, title), so the mark can never name someone else.
    Signatory settings per kind, when they come, replace this function's body."""
    subject = _names(_usable().signing_cert.subject)
    return SignerLabel(subject.get("common_name", ""),
                       subject.get("title") or subject.get("organizational_unit_name") or "")


def _usable():
    if not configured():
        raise SigningUnavailable(_l("Electronic signing is not configured."))
    loaded = _load()
    problem = _problem(loaded, utcnow())
    if problem:
        log.warning("an official PDF was refused: electronic signing is unusable (%s)", problem)
        raise SigningUnavailable(PROBLEMS[problem])
    return loaded.signer


def _printable(text: str) -> str:
    """The mark is drawn in the PDF standard font Courier (WinAnsi, no embedding): letters outside
    Latin-1 are written without their accents, or as '?'."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if " " <= ch <= "~" or "\xa0" <= ch <= "\xff":
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(base or ("" if unicodedata.category(ch).startswith("C") else "?"))
    return "".join(out).strip()


def mark_text(label: SignerLabel, footer: str, mark: Mark) -> str:
    x1, _y1, x2, _y2 = mark.box
    width = max(20, int((x2 - x1 - 8) / (0.6 * mark.font_size)))  # Courier: 0.6 em a letter
    lines = [_printable(line) for line in (MARK_TITLE, label.name, label.position, *textwrap.wrap(footer, width))]
    return "\n".join(line for line in lines if line)


def sign(pdf_bytes: bytes, *, reason: str, location: str, signer_label: SignerLabel,
         mark: Mark = DOCUMENT_MARK) -> bytes:
    """The PDF with one PAdES signature (B-B: no timestamp server is configured) covering the whole
    file, its visible mark on the last page. Raises SigningUnavailable."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    signer = _usable()
    footer = str(settings.get("signing.footer", DEFAULT_FOOTER) or "").strip()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    style = TextStampStyle(
        stamp_text="%(mark)s", border_width=1,
        text_box_style=TextBoxStyle(font_size=mark.font_size, leading=mark.font_size + 1,
                                    box_layout_rule=layout.SimpleBoxLayoutRule(
                                        x_align=layout.AxisAlignment.ALIGN_MIN,
                                        y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins.uniform(0))),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(4)))
    metadata = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                            reason=_printable(reason), location=_printable(location))
    pdf_signer = signers.PdfSigner(metadata, signer=signer, stamp_style=style,
                                   new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=last_page, box=mark.box))
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, appearance_text_params={"mark": mark_text(signer_label, footer, mark)})
    return out.getvalue()


def official(pdf_bytes: bytes, kind: Document) -> bytes:
    """The last step of every official PDF: signed when signing is configured, as it is when not."""
    if not configured():
        return pdf_bytes
    with force_locale("id"):
        reason = str(kind.label)
    return sign(pdf_bytes, reason=reason, location=settings.government_name(),
                signer_label=signer_label(kind), mark=MARKS.get(kind, DOCUMENT_MARK))


def status(config) -> dict:
    """For the administrator: is signing configured, with which certificate, until when."""
    if not configured(config):
        return {"configured": False}
    loaded = _load()
    now = utcnow()
    problem = _problem(loaded, now)
    out = {"configured": True, "path": str(config["SIGNING_PKCS12"]), "usable": not problem,
           "problem": PROBLEMS[problem] if problem else ""}
    if loaded.signer is not None:
        cert = loaded.signer.signing_cert
        out.update(subject=cert.subject.human_friendly, issuer=cert.issuer.human_friendly,
                   not_before=cert.not_valid_before, not_after=cert.not_valid_after,
                   expires_soon=now <= cert.not_valid_after <= now + EXPIRY_WARNING)
    return out
