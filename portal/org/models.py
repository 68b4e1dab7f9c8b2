"""Agencies (OPD) and their employees (ASN)."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db


class OpdKind(LabelledEnum):
    SECRETARIAT = "secretariat", _l("Secretariat")
    INSPECTORATE = "inspectorate", _l("Inspectorate")
    DINAS = "dinas", _l("Agency (dinas)")
    BADAN = "badan", _l("Board (badan)")
    SATUAN = "satuan", _l("Unit (satuan)")
    HOSPITAL = "hospital", _l("Regional hospital")
    KECAMATAN = "kecamatan", _l("District (kecamatan)")
    OTHER = "other", _l("Other")


class EmploymentType(enum.Enum):
    PNS = "pns"
    PPPK = "pppk"

    @property
    def label(self) -> str:
        return self.name


class Opd(db.Model):
    __tablename__ = "org_opd"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[OpdKind] = mapped_column(default=OpdKind.DINAS)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employees: Mapped[list[Employee]] = relationship(back_populates="opd")

    def __repr__(self) -> str:
        return f"<Opd {self.code}>"


class Employee(db.Model):
    __tablename__ = "org_employee"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(sa.String(18), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    position: Mapped[str] = mapped_column(sa.String(200))
    # Pangkat/golongan, e.g. "Pembina (IV/a)": printed under the name where this person signs.
    rank: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    employment_type: Mapped[EmploymentType]
    birth_date: Mapped[date]
    gender: Mapped[str] = mapped_column(sa.String(1))  # "L" or "P", from the NIP
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id"), index=True)
    superior_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    is_opd_head: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    opd: Mapped[Opd] = relationship(back_populates="employees", lazy="joined")
    superior: Mapped[Employee | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)
    user = relationship("User", back_populates="employee", uselist=False)

    def __repr__(self) -> str:
        return f"<Employee {self.nip}>"


class ImportBatch(db.Model):
    """An uploaded employee file between its preview and its application.

    Kept in the database (not in process memory) so the preview and the apply request may
    land on different workers.
    """

    __tablename__ = "org_import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    rows: Mapped[list] = mapped_column(sa.JSON)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
