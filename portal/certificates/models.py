"""Certificates: attendance, module and compliance. One per person and subject; the code
stays for life (a re-issue keeps it), and every issued PDF's SHA-256 is kept."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db


class CertificateKind(LabelledEnum):
    ATTENDANCE = "attendance", _l("Attendance certificate")
    MODULE = "module", _l("Module certificate")
    COMPLIANCE = "compliance", _l("Compliance certificate")


class CertificateStatus(LabelledEnum):
    VALID = "valid", _l("In force")
    REVOKED = "revoked", _l("Revoked")


class Certificate(db.Model):
    __tablename__ = "cert_certificate"
    __table_args__ = (sa.UniqueConstraint("kind", "employee_id", "subject_key", name="uq_cert_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)  # Crockford base32, no dashes
    kind: Mapped[CertificateKind]
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    subject_key: Mapped[str] = mapped_column(sa.String(64))  # session:12 | module:3 | year:2026
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("socialisation_session.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(sa.ForeignKey("learning_module.id"))
    year: Mapped[int | None]
    # What the certificate says, as it was when issued (a later rename changes nothing printed).
    subject_id: Mapped[str] = mapped_column(sa.Text)
    subject_en: Mapped[str] = mapped_column(sa.Text)
    regulation: Mapped[str] = mapped_column(sa.Text, default="")
    # A module certificate's learning hours (JP) when issued; None on those issued before JP existed.
    learning_hours: Mapped[int | None]
    holder_name: Mapped[str] = mapped_column(sa.String(160))
    holder_nip: Mapped[str] = mapped_column(sa.String(18))
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id"), index=True)
    opd_name: Mapped[str] = mapped_column(sa.String(200))
    issued_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[CertificateStatus] = mapped_column(default=CertificateStatus.VALID)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    pdf_key: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)

    employee = relationship("Employee")
    changes: Mapped[list[CertificateChange]] = relationship(back_populates="certificate",
                                                              order_by="CertificateChange.id")

    @property
    def formatted_code(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))


class CertificateChange(db.Model):
    """The certificate's history: issued, each PDF version (with its hash), revoked, re-issued."""

    __tablename__ = "cert_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("cert_certificate.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(16))  # issued | rendered | revoked | reissued
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))

    certificate: Mapped[Certificate] = relationship(back_populates="changes")
    actor = relationship("User")
