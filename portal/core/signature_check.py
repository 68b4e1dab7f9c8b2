"""Is this PDF electronically signed, unchanged since, and by someone we trust?

Used by the public verification page on files anyone may upload, so: nothing is fetched (no
OCSP, CRL or issuer address from the file is ever called: allow_fetching=False), trust comes only
from the configured roots (SIGNING_TRUST_ROOTS, never the operating system's store), and a file
pyHanko cannot read is an answer ("unreadable"), not an error.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from portal.core import signing

log = logging.getLogger(__name__)

VALID, UNTRUSTED, BROKEN, UNSIGNED, UNREADABLE = "valid", "untrusted", "broken", "unsigned", "unreadable"
WORST_FIRST = (BROKEN, UNTRUSTED, VALID)


@dataclass(frozen=True)
class SignatureCheck:
    outcome: str
    signer: str = ""
    signed_at: datetime | None = None


@dataclass
class _Roots:
    key: tuple
    certs: list
    problem: bool


def trust_roots() -> _Roots:
    """The configured roots, read again when the file changes. An unreadable file is logged and
    trusts nothing."""
    from asn1crypto import pem, x509

    path = str(current_app.config.get("SIGNING_TRUST_ROOTS") or "")
    if not path:
        return _Roots(("",), [], False)
    key = signing.file_stamp(path)
    cached = current_app.extensions.get("portal.signing_roots")
    if cached is not None and cached.key == key:
        return cached
    roots = _Roots(key, [], False)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        blocks = [der for _type, _headers, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        roots.certs = [x509.Certificate.load(der) for der in blocks]
        for cert in roots.certs:
            cert.native  # parse now: a damaged file fails here, not at the first upload  # noqa: B018
    except (OSError, ValueError, TypeError):
        log.error("SIGNING_TRUST_ROOTS cannot be read as PEM or DER certificates: %s", path)
        roots.certs, roots.problem = [], True
    current_app.extensions["portal.signing_roots"] = roots
    return roots


def roots_status(config) -> dict:
    if not config.get("SIGNING_TRUST_ROOTS"):
        return {"configured": False}
    roots = trust_roots()
    return {"configured": True, "path": str(config["SIGNING_TRUST_ROOTS"]), "problem": roots.problem,
            "subjects": [c.subject.human_friendly for c in roots.certs]}


def _one(embedded, roots: list) -> SignatureCheck:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=roots, allow_fetching=False))
    signer = str(status.signing_cert.subject.native.get("common_name") or status.signing_cert.subject.human_friendly)
    changed_after = (status.coverage != SignatureCoverageLevel.ENTIRE_FILE
                     and status.modification_level not in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES))
    if not (status.intact and status.valid) or changed_after:
        outcome = BROKEN
    else:
        outcome = VALID if status.trusted else UNTRUSTED
    return SignatureCheck(outcome, signer, status.signer_reported_dt)


def check(data: bytes) -> SignatureCheck:
    """The worst of the file's signatures (an official PDF has one)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots = trust_roots().certs
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return SignatureCheck(UNSIGNED)
        results = [_one(embedded, roots) for embedded in signatures]
    except Exception as exc:  # a damaged or hostile file: what it is, not why, goes to the log
        log.info("an uploaded PDF could not be checked for signatures: %s", type(exc).__name__)
        return SignatureCheck(UNREADABLE)
    return min(results, key=lambda r: WORST_FIRST.index(r.outcome))
