"""Official documents (naskah dinas): letterheads, signatories, numbering schemes and the numbers
issued. All of it is data the admin sets; none of it is in code or templates."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.extensions import db


class Letterhead(db.Model):
    """The kop naskah dinas of an issuing unit: the government itself (opd_id None, for documents
    signed by the head of region) or an OPD (the Inspectorate for most of the portal's documents)."""

    __tablename__ = "documents_letterhead"

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_opd.id"), unique=True)
    # Printed in capitals, e.g. "PEMERINTAH KOTA PADANG" and "INSPEKTORAT".
    government_line: Mapped[str] = mapped_column(sa.String(200))
    unit_line: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(100), default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    website: Mapped[str] = mapped_column(sa.String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    opd = relationship("Opd")


class Signatory(db.Model):
    """Who signs (or acknowledges, "Mengetahui") one kind of document. With `organiser` the
    signer is whoever organised the thing the document is about (an attendance list's organiser);
    otherwise the person typed here, by office."""

    __tablename__ = "documents_signatory"
    __table_args__ = (sa.UniqueConstraint("kind", "role", name="uq_documents_signatory_kind_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(48))
    role: Mapped[str] = mapped_column(sa.String(16))  # sign | acknowledge
    organiser: Mapped[bool] = mapped_column(default=False)
    # A line above the office for delegation or a stand-in: "Plt.", "a.n. Wali Kota" ...
    capacity: Mapped[str] = mapped_column(sa.String(200), default="")
    office: Mapped[str] = mapped_column(sa.String(200), default="")  # jabatan, e.g. "Inspektur Kota ..."
    name: Mapped[str] = mapped_column(sa.String(200), default="")  # with academic titles
    rank: Mapped[str] = mapped_column(sa.String(120), default="")  # pangkat/golongan
    nip: Mapped[str] = mapped_column(sa.String(18), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NumberScheme(db.Model):
    """How one kind of document is numbered: kode klasifikasi / nomor urut / kode unit / tahun."""

    __tablename__ = "documents_number_scheme"

    kind: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    classification: Mapped[str] = mapped_column(sa.String(40), default="")  # e.g. "700.1"
    unit_code: Mapped[str] = mapped_column(sa.String(40), default="")  # e.g. "INSP"
    pattern: Mapped[str] = mapped_column(sa.String(120), default="{klasifikasi}/{nomor}/{unit}/{tahun}")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NumberCounter(db.Model):
    """The last sequence number given per kind and year; one conditional UPSERT moves it, so two
    documents numbered at the same moment never share a number and a rolled-back one leaves no gap."""

    __tablename__ = "documents_number_counter"

    kind: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class IssuedNumber(db.Model):
    """A number given to a document, once per subject (the same invitation keeps its number)."""

    __tablename__ = "documents_issued_number"
    __table_args__ = (sa.UniqueConstraint("kind", "subject", name="uq_documents_issued_number_subject"),
                      sa.UniqueConstraint("kind", "year", "sequence", name="uq_documents_issued_number_sequence"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(48), index=True)
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(160), index=True)
    subject: Mapped[str] = mapped_column(sa.String(120))  # e.g. "socialisation_session:12"
    title: Mapped[str] = mapped_column(sa.String(300), default="")  # the hal (subject line)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))

    issued_by = relationship("User")
