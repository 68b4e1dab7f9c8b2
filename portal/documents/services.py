"""Official documents (Tata Naskah Dinas): the government's profile, letterheads, signatories and
numbers, as primitives for the PDF templates (templates/pdf/_kop.html, _signature.html).

Every document the areas declare (core/contributions.DocumentKind) takes its kop, its signature
block ("Mengetahui" too, where the kind asks for one) and, when numbered, its nomor from here.
Official documents are Indonesian whatever the reader's interface language, so the place and
date line is always written in Indonesian.
"""
from __future__ import annotations

import base64

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.core import audit, contributions, settings, storage, uploads
from portal.core.clock import local, today
from portal.core.errors import PortalError
from portal.core.formatting import day
from portal.core.rows import dialect_insert
from portal.documents.models import IssuedNumber, Letterhead, NumberCounter, NumberScheme, Signatory
from portal.extensions import db

AREA = "documents"
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_TYPES = {"image/png", "image/jpeg", "image/webp"}
PLACEHOLDER_LOGO = "img/arms-placeholder.svg"
ROLES = ("sign", "acknowledge")
DEFAULT_PATTERN = "{klasifikasi}/{nomor}/{unit}/{tahun}"


class DocumentError(PortalError):
    pass


# --- the government ---------------------------------------------------------------------------------

def set_logo(data: bytes, filename: str, *, actor) -> str | None:
    """The coat of arms (lambang daerah), judged by its content: PNG, JPEG or WebP. Returns the
    storage key of the one it replaces, for the caller to delete once this is committed (the
    storage sweep leaves this area alone: its file is named by a setting, not a column)."""
    try:
        clean = uploads.clean_upload(data, filename, LOGO_MAX_BYTES, area="logo")
    except uploads.UploadError as exc:
        raise DocumentError(exc.message, "logo") from None
    if clean.media_type not in LOGO_TYPES:
        raise DocumentError(_l("The coat of arms must be a PNG, JPEG or WebP picture."), "logo")
    key = storage.new_key()
    storage.write(AREA, key, clean.data)
    storage.track(db.session, AREA, key)
    old = settings.get("gov.logo", None)
    settings.put("gov.logo", {"key": key, "type": clean.media_type}, actor=actor)
    audit.record("documents.logo_changed", object_type="settings", actor=actor, data={"type": clean.media_type})
    return old["key"] if old else None


def logo_source() -> str:
    """What a PDF's <img src> takes: the stored coat of arms as a data: URI, or the neutral placeholder."""
    logo = settings.get("gov.logo", None)
    if logo:
        try:
            data = storage.read(AREA, logo["key"])
        except (storage.StorageError, OSError):
            return PLACEHOLDER_LOGO
        return f"data:{logo['type']};base64,{base64.b64encode(data).decode()}"
    return PLACEHOLDER_LOGO


def has_logo() -> bool:
    return bool(settings.get("gov.logo", None))


# --- letterheads ------------------------------------------------------------------------------------

def inspectorate_id() -> int | None:
    """The Inspectorate's OPD: the issuing unit of most of the portal's documents."""
    from portal.org.models import Opd, OpdKind

    return db.session.scalar(sa.select(Opd.id).where(Opd.kind == OpdKind.INSPECTORATE, Opd.active.is_(True))
                             .order_by(Opd.id))


def letterhead(opd_id: int | None) -> Letterhead | None:
    return db.session.scalar(sa.select(Letterhead).where(
        Letterhead.opd_id.is_(None) if opd_id is None else Letterhead.opd_id == opd_id))


def kop(opd_id: int | None) -> dict:
    """The kop naskah dinas of an issuing unit as primitives; the government's own when the unit
    has none, and the government's name alone when nothing is set yet."""
    own = letterhead(opd_id)
    row = own or (letterhead(None) if opd_id is not None else None)
    if row is None:
        return {"logo": logo_source(), "government": settings.government_name().upper(), "unit": "", "address": "",
                "contacts": ""}
    unit, address, phone, email = row.unit_line, row.address, row.phone, row.email
    if own is None and opd_id is not None:
        # A unit without its own kop still names itself under the government's; the government's
        # address and telephone are not the unit's, so they stay off until the unit has its own.
        from portal.org.models import Opd

        opd = db.session.get(Opd, opd_id)
        unit, address, phone, email = (opd.name if opd else ""), "", "", ""
    contacts = []
    if phone:
        contacts.append(f"Telepon {phone}")
    if row.website:
        contacts.append(f"Laman {row.website}")
    if email:
        contacts.append(f"Pos-el {email}")
    return {"logo": logo_source(), "government": row.government_line.upper(), "unit": unit.upper(),
            "address": address, "contacts": " · ".join(contacts)}


def save_letterhead(row: Letterhead | None, *, opd_id: int | None, government_line: str, unit_line: str,
                    address: str, phone: str, email: str, website: str, actor) -> Letterhead:
    if not government_line.strip():
        raise DocumentError(_l("Write the government's line, e.g. the name of the city government."),
                            "government_line")
    if website and not website.startswith(("http://", "https://")) and "." not in website:
        raise DocumentError(_l("Write the website's address, e.g. inspektorat.example.go.id."), "website")
    if row is None:
        if letterhead(opd_id) is not None:
            raise DocumentError(_l("This unit already has a letterhead; edit it instead."), "opd")
        row = Letterhead(opd_id=opd_id)
        db.session.add(row)
    row.government_line, row.unit_line = government_line.strip(), unit_line.strip()
    row.address, row.phone, row.email, row.website = address.strip(), phone.strip(), email.strip(), website.strip()
    db.session.flush()
    audit.record("documents.letterhead_saved", row, actor=actor, data={"opd_id": opd_id})
    return row


def letterheads() -> list[Letterhead]:
    return list(db.session.scalars(sa.select(Letterhead).order_by(Letterhead.opd_id.is_not(None), Letterhead.id)))


# --- signatories ------------------------------------------------------------------------------------

def kinds() -> dict:
    return contributions.of().document_kinds


def signatory(kind: str, role: str = "sign") -> Signatory | None:
    return db.session.scalar(sa.select(Signatory).where(Signatory.kind == kind, Signatory.role == role))


def signature_block(kind: str, role: str = "sign", *, organiser=None) -> dict | None:
    """The block under a document: capacity, office, name, rank and NIP (Permendagri 1/2023
    Pasal 44: officials below the head of region sign with name, NIP and pangkat/golongan).
    `organiser` (an Employee) signs when the kind says so and no one else is set."""
    row = signatory(kind, role)
    declared = kinds().get(kind)
    if (row is None or row.organiser) and organiser is not None and (
            row is not None or (declared is not None and declared.organiser_signs and role == "sign")):
        return {"capacity": row.capacity if row else "", "office": organiser.position,
                "name": organiser.name, "rank": getattr(organiser, "rank", "") or "", "nip": organiser.nip}
    if row is None or not (row.office or row.name):
        return None
    return {"capacity": row.capacity, "office": row.office, "name": row.name, "rank": row.rank, "nip": row.nip}


def save_signatory(kind: str, role: str, *, organiser: bool, capacity: str, office: str, name: str, rank: str,
                   nip: str, actor) -> Signatory:
    from portal.org.nip import normalize

    if kind not in kinds() or role not in ROLES:
        raise DocumentError(_l("Unknown document kind."), "kind")
    nip = normalize(nip or "")
    if nip and (len(nip) != 18 or not nip.isdigit()):
        raise DocumentError(_l("A NIP has 18 digits."), "nip")
    if not organiser and not (office.strip() and name.strip()):
        raise DocumentError(_l("Write the office and the name of who signs."), "office")
    row = signatory(kind, role) or Signatory(kind=kind, role=role)
    db.session.add(row)
    row.organiser, row.capacity, row.office = organiser, capacity.strip(), office.strip()
    row.name, row.rank, row.nip = name.strip(), rank.strip(), nip
    db.session.flush()
    audit.record("documents.signatory_saved", row, actor=actor, data={"kind": kind, "role": role})
    return row


# --- numbers ----------------------------------------------------------------------------------------

def scheme(kind: str) -> NumberScheme:
    return db.session.get(NumberScheme, kind) or NumberScheme(kind=kind, classification="", unit_code="",
                                                              pattern=DEFAULT_PATTERN)


def save_scheme(kind: str, *, classification: str, unit_code: str, pattern: str, actor) -> NumberScheme:
    if kind not in kinds() or not kinds()[kind].numbered:
        raise DocumentError(_l("Unknown document kind."), "kind")
    pattern = pattern.strip() or DEFAULT_PATTERN
    if "{nomor}" not in pattern:
        raise DocumentError(_l("The pattern must contain {nomor}, the sequence number."), "pattern")
    try:
        pattern.format(klasifikasi="", nomor=1, unit="", tahun=2026)
    except (KeyError, IndexError, ValueError):
        raise DocumentError(_l("Use only {klasifikasi}, {nomor}, {unit} and {tahun} in the pattern."),
                            "pattern") from None
    row = db.session.get(NumberScheme, kind) or NumberScheme(kind=kind)
    db.session.add(row)
    row.classification, row.unit_code, row.pattern = classification.strip(), unit_code.strip(), pattern
    db.session.flush()
    audit.record("documents.scheme_saved", object_type="documents_number_scheme", object_id=kind, actor=actor,
                 data={"classification": row.classification, "unit": row.unit_code, "pattern": pattern})
    return row


def next_sequence(kind: str, year: int) -> int:
    """The next number of a series (a kind of document, a register) in a year: no gaps, no duplicates."""
    # One statement takes the next number for everyone at once: PostgreSQL locks the counter row
    # until the caller commits; a rollback returns the number, so no gap and no duplicate.
    stmt = (dialect_insert(NumberCounter).values(kind=kind, year=year, last=1)
            .on_conflict_do_update(index_elements=["kind", "year"], set_={"last": NumberCounter.last + 1})
            .returning(NumberCounter.last))
    return db.session.execute(stmt).scalar_one()


def issue_number(kind: str, subject: str, *, title: str = "", actor=None, year: int | None = None) -> str:
    """The document's nomor: the one it already has, or the next in its kind and year."""
    existing = db.session.scalar(sa.select(IssuedNumber).where(IssuedNumber.kind == kind,
                                                               IssuedNumber.subject == subject))
    if existing is not None:
        return existing.number
    year = year or today().year
    sequence = next_sequence(kind, year)
    rule = scheme(kind)
    number = rule.pattern.format(klasifikasi=rule.classification, nomor=sequence, unit=rule.unit_code, tahun=year)
    number = "/".join(part for part in number.split("/") if part)  # an unset code leaves no "//"
    db.session.add(IssuedNumber(kind=kind, year=year, sequence=sequence, number=number, subject=subject,
                                title=title[:300], issued_by_id=getattr(actor, "id", None)))
    db.session.flush()
    return number


def number_of(kind: str, subject: str) -> str | None:
    return db.session.scalar(sa.select(IssuedNumber.number).where(IssuedNumber.kind == kind,
                                                                  IssuedNumber.subject == subject))


def register(q: str = "", kind: str = "", year: int | None = None):
    stmt = sa.select(IssuedNumber).order_by(IssuedNumber.year.desc(), IssuedNumber.sequence.desc())
    if kind:
        stmt = stmt.where(IssuedNumber.kind == kind)
    if year:
        stmt = stmt.where(IssuedNumber.year == year)
    q = (q or "").strip()[:100]
    if q:
        stmt = stmt.where(sa.or_(IssuedNumber.number.icontains(q, autoescape=True),
                                 IssuedNumber.title.icontains(q, autoescape=True)))
    return stmt


# --- the place and date line ------------------------------------------------------------------------

def place_and_date(on=None) -> str:
    """<place>, 6 Desember 2026: in Indonesian, whatever the reader's language."""
    with force_locale("id"):
        date_text = day(on or today())
    place = settings.place()
    return f"{place}, {date_text}" if place else date_text


# --- what every official document carries ----------------------------------------------------------

def official(kind: str, *, opd_id: int | None, organiser=None, numbered_as: str | None = None, title: str = "",
             actor=None, on=None) -> dict:
    """The kop, the place and date, the number (when the kind is numbered and `numbered_as` names
    the document) and the signature blocks of one official document, as primitives. Call it inside
    force_locale("id"): official documents are Indonesian."""
    declared = kinds().get(kind)
    number = None
    if declared is not None and declared.numbered and numbered_as:
        number = issue_number(kind, numbered_as, title=title, actor=actor)
        # A numbered letter is dated the day it got its number, however often it is printed again.
        if on is None:
            issued_at = db.session.scalar(sa.select(IssuedNumber.issued_at).where(
                IssuedNumber.kind == kind, IssuedNumber.subject == numbered_as))
            on = local(issued_at).date() if issued_at else None
    return {
        "kop": kop(opd_id),
        "place_date": place_and_date(on),
        "number": number,
        "signature": signature_block(kind, "sign", organiser=organiser),
        "acknowledgement": signature_block(kind, "acknowledge") if declared and declared.acknowledged else None,
    }
