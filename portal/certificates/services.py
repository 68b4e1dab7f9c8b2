"""Issuing, rendering, revoking and verifying certificates.

Certificates are issued by events (a module completed, an attendance list closed, a yearly
statement filed), never by scanning everyone; the unique (kind, employee, subject) key makes
issuing idempotent. The PDF is rendered on first download (not inside the quiz or check-in
request), stored, and its SHA-256 recorded.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import segno
import sqlalchemy as sa
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal.certificates.models import Certificate, CertificateChange, CertificateKind, CertificateStatus
from portal.coi.models import Declaration, Kind
from portal.coi.models import Status as DeclarationStatus
from portal.core import audit, codes, formatting, pdf, settings, signing, storage
from portal.core.clock import local_zone, utcnow
from portal.core.errors import PortalError
from portal.core.rows import insert_unless_present
from portal.core.workdays import today
from portal.extensions import db
from portal.home.models import Regulation
from portal.learning.models import Completion, Module
from portal.org.models import Employee
from portal.org.nip import mask
from portal.socialisation.models import ATTENDED, Participant, SocialisationSession
from portal.web import urls

AREA = "certificates"
CODE_LENGTH = 16  # 80 random bits
DEFAULTS = {
    # Module slugs required for the compliance certificate; empty means every active module.
    "cert.compliance_modules": [],
    "cert.compliance_requires_session": False,
}
CERTIFICATE = "certificates.certificate"  # declared in portal/certificates/__init__.py


class CertificateError(PortalError):
    pass


def config() -> dict:
    return settings.get_many({**DEFAULTS, "cert.signatory_title": default_signatory_title()})


def default_signatory_title() -> str:
    """The head of the configured Inspectorate: "Inspektorat Kota X" is headed by the "Inspektur Kota X"."""
    name = settings.inspectorate_name().strip()
    return "Inspektur" + name[len("Inspektorat"):] if name.startswith("Inspektorat") else ""


# --- codes --------------------------------------------------------------------------------------

def new_code() -> str:
    return codes.random_code(CODE_LENGTH)


def normalise_code(raw: str) -> str | None:
    """What people type or scan: any case, dashes or spaces, I/L for 1 and O for 0."""
    return codes.normalise(raw, CODE_LENGTH)


def filter_listing(stmt, *, kind: str | None, q: str | None):
    """The listing narrowed to a kind and to what was typed: part of a name or NIP, or a code."""
    if kind:
        stmt = stmt.where(Certificate.kind == CertificateKind(kind))
    q = (q or "").strip()
    if q:
        stmt = stmt.where(sa.or_(Certificate.holder_name.icontains(q, autoescape=True),
                                 Certificate.holder_nip.contains(q.replace(" ", ""), autoescape=True),
                                 Certificate.code == (normalise_code(q) or "")))
    return stmt


def find(code: str) -> Certificate | None:
    value = normalise_code(code)
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == value)) if value else None


# --- issuing --------------------------------------------------------------------------------------

def issue(kind: CertificateKind, employee: Employee, *, subject_key: str, subject_id: str, subject_en: str,
          regulation: str, issued_on: date, session_id: int | None = None, module_id: int | None = None,
          year: int | None = None, learning_hours: int | None = None) -> Certificate:
    """The certificate for this person and subject: made now, or the one made before."""
    new_id = insert_unless_present(Certificate, dict(
        code=new_code(), kind=kind, employee_id=employee.id, subject_key=subject_key, session_id=session_id,
        module_id=module_id, year=year, subject_id=subject_id, subject_en=subject_en, regulation=regulation,
        learning_hours=learning_hours,
        holder_name=employee.name, holder_nip=employee.nip, opd_id=employee.opd_id, opd_name=employee.opd.name,
        issued_on=issued_on, issued_at=utcnow(), status=CertificateStatus.VALID, revoked_reason="", version=1,
    ), ["kind", "employee_id", "subject_key"])
    if new_id is not None:
        db.session.add(CertificateChange(certificate_id=new_id, action="issued", version=1))
        db.session.flush()
        return db.session.get(Certificate, new_id)
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.kind == kind, Certificate.employee_id == employee.id, Certificate.subject_key == subject_key))


def _regulations(topics) -> str:
    rows = db.session.scalars(sa.select(Regulation).where(Regulation.topic.in_(topics)).order_by(Regulation.position))
    return " · ".join(r.short_name for r in rows)


def issue_for_attendance(participant: Participant) -> Certificate | None:
    if participant.status not in ATTENDED:
        return None
    session = participant.session
    return issue(CertificateKind.ATTENDANCE, participant.employee, subject_key=f"session:{session.id}",
                 subject_id=session.title, subject_en=session.title,
                 regulation=" · ".join(r.short_name for r in session.regulations),
                 issued_on=(participant.checked_in_at or session.starts_at).astimezone(local_zone()).date(),
                 session_id=session.id)


def issue_for_module(completion: Completion) -> Certificate:
    module = db.session.get(Module, completion.module_id)
    employee = db.session.get(Employee, completion.employee_id)
    return issue(CertificateKind.MODULE, employee, subject_key=f"module:{module.id}", subject_id=module.title_id,
                 subject_en=module.title_en, regulation=_regulations([module.topic]),
                 issued_on=completion.completed_at.astimezone(local_zone()).date(), module_id=module.id,
                 learning_hours=completion.module.learning_hours)  # kept: a later change of the JP prints nothing here




# --- compliance ----------------------------------------------------------------------------------

@dataclass
class Requirement:
    label: str
    met: bool


def required_modules() -> list[Module]:
    slugs = config()["cert.compliance_modules"] or []
    stmt = sa.select(Module).where(Module.active.is_(True)).order_by(Module.position)
    if slugs:
        stmt = sa.select(Module).where(Module.slug.in_(slugs)).order_by(Module.position)
    return list(db.session.scalars(stmt))


def compliance(employee: Employee, year: int, locale: str = "id") -> list[Requirement]:
    """What the compliance certificate of `year` asks of this employee, and what is met.
    Without any module to require (before the content is loaded) it is never met."""
    end = datetime(year + 1, 1, 1, tzinfo=local_zone())
    completed = set(db.session.scalars(sa.select(Completion.module_id).where(
        Completion.employee_id == employee.id, Completion.completed_at < end)))
    modules = required_modules()
    out = [Requirement(gettext("Module completed: %(title)s", title=m.title_en if locale == "en" else m.title_id),
                       m.id in completed) for m in modules]
    if not modules:
        out.append(Requirement(gettext("The e-learning modules are not available yet"), False))
    filed = db.session.scalar(sa.select(sa.func.count()).select_from(Declaration).where(
        Declaration.declarant_id == employee.id, Declaration.kind == Kind.YEARLY, Declaration.year == year,
        Declaration.status != DeclarationStatus.DRAFT))
    out.append(Requirement(gettext("Yearly conflict-of-interest statement %(year)d filed", year=year), bool(filed)))
    if config()["cert.compliance_requires_session"]:
        start = datetime(year, 1, 1, tzinfo=local_zone())
        attended = db.session.scalar(sa.select(sa.func.count()).select_from(Participant).join(
            SocialisationSession).where(Participant.employee_id == employee.id, Participant.status.in_(ATTENDED),
            SocialisationSession.starts_at >= start, SocialisationSession.starts_at < end))
        out.append(Requirement(gettext("Attended a socialisation session in %(year)d", year=year), bool(attended)))
    return out


def check_compliance(employee: Employee, year: int) -> Certificate | None:
    if not all(r.met for r in compliance(employee, year)):
        return None
    with force_locale("id"):
        subject_id = gettext("Compliance with integrity obligations, year %(year)d", year=year)
    with force_locale("en"):
        subject_en = gettext("Compliance with integrity obligations, year %(year)d", year=year)
    return issue(CertificateKind.COMPLIANCE, employee, subject_key=f"year:{year}", subject_id=subject_id,
                 subject_en=subject_en, regulation=_regulations(["wbs", "coi"]), issued_on=today(), year=year)


def codes_for_participants(session: SocialisationSession, participants: list[Participant]) -> dict[int, str]:
    by_employee = dict(db.session.execute(sa.select(Certificate.employee_id, Certificate.code).where(
        Certificate.kind == CertificateKind.ATTENDANCE, Certificate.session_id == session.id,
        Certificate.status == CertificateStatus.VALID)).all())
    return {p.id: codes.grouped(by_employee[p.employee_id]) for p in participants if p.employee_id in by_employee}


def for_participant(participant: Participant) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.kind == CertificateKind.ATTENDANCE, Certificate.session_id == participant.session_id,
        Certificate.employee_id == participant.employee_id))


# --- revocation and re-issue ------------------------------------------------------------------------

def revoke(cert: Certificate, reason: str, *, actor) -> str | None:
    """Returns the key of the stored PDF, for the caller to delete once committed."""
    if cert.status == CertificateStatus.REVOKED:
        raise CertificateError(_l("This certificate is already revoked."), "reason")
    if len(reason.strip()) < 10:
        raise CertificateError(_l("Give the reason in a sentence (at least 10 characters)."), "reason")
    cert.status, cert.revoked_at, cert.revoked_reason = CertificateStatus.REVOKED, utcnow(), reason.strip()
    # The stored PDF looks valid: the next download is made again, stamped REVOKED. The old
    # file's hash stays in the history, so the verification page still recognises it.
    old_key, cert.pdf_key, cert.pdf_sha256 = cert.pdf_key, None, None
    db.session.add(CertificateChange(certificate=cert, action="revoked", reason=reason.strip(), version=cert.version,
                                     actor_id=actor.id))
    audit.record("certificate.revoked", cert, actor=actor, data={"code": cert.code, "reason": reason.strip()})
    return old_key


def reissue(cert: Certificate, reason: str, *, actor) -> str | None:
    """Same code, fresh holder details (a corrected name, a new OPD), a new PDF; a revoked
    certificate becomes valid again. The earlier PDF's hash stays in the history."""
    if len(reason.strip()) < 10:
        raise CertificateError(_l("Give the reason in a sentence (at least 10 characters)."), "reason")
    employee = cert.employee
    cert.holder_name, cert.holder_nip = employee.name, employee.nip
    cert.opd_id, cert.opd_name = employee.opd_id, employee.opd.name
    cert.status, cert.revoked_at, cert.revoked_reason = CertificateStatus.VALID, None, ""
    cert.version += 1
    old_key, cert.pdf_key, cert.pdf_sha256 = cert.pdf_key, None, None
    db.session.add(CertificateChange(certificate=cert, action="reissued", reason=reason.strip(), version=cert.version,
                                     actor_id=actor.id))
    audit.record("certificate.reissued", cert, actor=actor, data={"code": cert.code, "version": cert.version,
                                                                  "reason": reason.strip()})
    return old_key


# --- rendering -----------------------------------------------------------------------------------

base_url = urls.base_url


def verify_url(cert: Certificate, base: str) -> str:
    return f"{base}/verifikasi/{cert.code}"


def _both(make) -> dict:
    """A label in both languages: certificates carry Indonesian and English on the page."""
    out = {}
    for locale in ("id", "en"):
        with force_locale(locale):
            out[locale] = str(make())
    return out


def labels() -> dict:
    return {
        "title": {kind.value: _both(lambda kind=kind: kind.label) for kind in CertificateKind},
        "given_to": _both(lambda: gettext("This certificate is given to")),
        "attended": _both(lambda: gettext("for attending the socialisation session")),
        "completed": _both(lambda: gettext("for completing the e-learning module")),
        "complied": _both(lambda: gettext("for completing the required e-learning modules and filing the yearly "
                                          "conflict-of-interest statement of")),
        "verify": _both(lambda: gettext("Check this certificate at")),
        "code": _both(lambda: gettext("Verification code")),
        "revoked": _both(lambda: gettext("REVOKED")),
        "version": _both(lambda: gettext("version")),
    }


def _day_in(on, locale: str) -> str:
    with force_locale(locale):
        return formatting.day(on)


def learning_hours_text(n: int) -> dict:
    """"2 jam pelajaran (JP)" and "2 learning hours (JP)", for the certificate's two languages."""
    return _both(lambda: ngettext("%(num)d learning hour (JP)", "%(num)d learning hours (JP)", n))


def context(cert: Certificate, base: str, cfg: dict) -> dict:
    """One certificate's page; `cfg` is config() and the place, read once per document."""
    url = verify_url(cert, base)
    qr = segno.make(url, error="m").svg_inline(scale=4, border=0, omitsize=True)
    return {
        "kind": cert.kind.value,
        "code": cert.formatted_code,
        "url": url,
        "qr": Markup(qr),
        "holder": cert.holder_name,
        "nip": mask(cert.holder_nip),
        "opd": cert.opd_name,
        "subject_id": cert.subject_id,
        "subject_en": cert.subject_en,
        "regulation": cert.regulation,
        "date_id": _day_in(cert.issued_on, "id"),
        "date_en": _day_in(cert.issued_on, "en"),
        "year": cert.year or cert.issued_on.year,
        "revoked": cert.status == CertificateStatus.REVOKED,
        "version": cert.version,
        # Only a JP set when the certificate was issued is printed (none before JP existed, none when 0).
        "hours": learning_hours_text(cert.learning_hours) if cert.learning_hours else None,
    }


def _document_context(certs: list[Certificate], base: str) -> dict:
    """What every page shares (read once per document): the kop, the place, who signs."""
    from portal.documents import services as documents

    cfg = config()
    return {"kop": documents.kop(documents.inspectorate_id()), "place": settings.place(),
            "signature": documents.signature_block(CERTIFICATE),
            "labels": labels(), "certificates": [context(c, base, cfg) for c in certs]}


def render(certs: list[Certificate], base: str) -> bytes:
    """One certificate's official PDF (signed when signing is configured: its stored SHA-256 is
    then that of the signed file, which is what the holder downloads and the verifier uploads)."""
    return pdf.render("pdf/certificates.html", _document_context(certs, base), sign_as=signing.Document.CERTIFICATE)


def ensure_pdf(cert: Certificate, base: str | None = None) -> bytes:
    """The stored PDF, rendered and recorded the first time it is asked for. The caller commits."""
    if cert.pdf_key:
        return storage.read(AREA, cert.pdf_key)
    data = render([cert], base or base_url())
    digest = hashlib.sha256(data).hexdigest()
    key = storage.new_key()
    storage.write(AREA, key, data)
    storage.track(db.session, AREA, key)
    won = db.session.execute(sa.update(Certificate).where(Certificate.id == cert.id, Certificate.pdf_key.is_(None),
                                                          Certificate.version == cert.version)
                             .values(pdf_key=key, pdf_sha256=digest)).rowcount
    if not won:  # rendered by a concurrent request: serve theirs
        db.session.refresh(cert)
        return storage.read(AREA, cert.pdf_key)
    db.session.add(CertificateChange(certificate_id=cert.id, action="rendered", version=cert.version,
                                     pdf_sha256=digest))
    db.session.refresh(cert)
    return data


def merged(certs: list[Certificate], base: str, progress=None, chunk: int = 50) -> bytes:
    """Many certificates as one PDF: written in chunks (the progress bar moves, and memory stays
    that of one chunk), then concatenated, and the whole signed once (a print batch: each
    certificate's own PDF is signed on its own)."""
    files = []
    for start in range(0, len(certs), chunk):
        part = certs[start:start + chunk]
        files.append(pdf.render("pdf/certificates.html", _document_context(part, base), sign_as=None))  # a part
        if progress:
            progress(start + len(part), len(certs))
    return pdf.merge(files, sign_as=signing.Document.CERTIFICATES)


# --- verification ----------------------------------------------------------------------------------

def check_file(cert: Certificate, data: bytes) -> tuple[str, CertificateChange | None]:
    """exact | earlier | different: is this file the PDF issued under this code?"""
    digest = hashlib.sha256(data).hexdigest()
    if cert.pdf_sha256 and secrets.compare_digest(digest, cert.pdf_sha256):
        return "exact", None
    earlier = next((c for c in cert.changes if c.pdf_sha256 == digest), None)
    return ("earlier", earlier) if earlier else ("different", None)


def visible_to(user) -> sa.Select:
    """The certificates a list page may show this user."""
    from portal.core.roles import Role
    from portal.web.permissions import has_role, own_opd_id

    stmt = sa.select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if has_role(user, Role.ADMIN, Role.COI_REVIEWER):
        return stmt
    if has_role(user, Role.SECRETARY) and own_opd_id(user) is not None:
        return stmt.where(Certificate.opd_id == own_opd_id(user))
    return stmt.where(sa.false())


def can_download(user, cert: Certificate) -> bool:
    from portal.core.roles import Role
    from portal.web.permissions import has_role, own_opd_id

    if getattr(user, "employee_id", None) == cert.employee_id:
        return True
    if has_role(user, Role.ADMIN, Role.COI_REVIEWER):
        return True
    return has_role(user, Role.SECRETARY) and own_opd_id(user) == cert.opd_id


def can_manage(user) -> bool:
    from portal.core.roles import Role
    from portal.web.permissions import has_role

    return has_role(user, Role.ADMIN, Role.COI_REVIEWER)
