"""Zona Integritas: the LKE (Lembar Kerja Evaluasi) as data per year, the units proposed for
WBK/WBBM, their answers (the unit's own and the Inspectorate's as internal assessor), evidence
and the year's timeline.

The LKE is one agency's published template (docs/decisions.md, "The LKE as data"); every area,
sub-component and item says whether it has been checked against the regulation's Lampiran."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db


class Target(LabelledEnum):
    WBK = "wbk", _l("WBK (Wilayah Bebas dari Korupsi)")
    WBBM = "wbbm", _l("WBBM (Wilayah Birokrasi Bersih dan Melayani)")


class Section(LabelledEnum):
    ENABLER = "enabler", _l("Enablers (pengungkit)")
    RESULT = "result", _l("Results (hasil)")


class Part(LabelledEnum):
    COMPLIANCE = "compliance", _l("Compliance (pemenuhan)")
    REFORM = "reform", _l("Reform")
    RESULT = "result", _l("Results (hasil)")


class AnswerType(LabelledEnum):
    YES_NO = "yes_no", _l("Yes/No")
    ABC = "abc", _l("A/B/C")
    ABCD = "abcd", _l("A/B/C/D")
    ABCDE = "abcde", _l("A/B/C/D/E")
    PERCENT = "percent", _l("Percentage (0-100)")
    SCORE = "score", _l("Value (0-4)")


class LkeVersion(db.Model):
    """The LKE of one year: its structure, where it comes from, and the pass marks."""
    __tablename__ = "zi_lke_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.Text, default="")  # the regulation or template it follows
    # Pass marks per target ({"wbk": {...}, "wbbm": {...}}, scoring.PASS_MARK_KEYS): the template's
    # numbers until the Inspectorate checks them against the regulation.
    pass_marks: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    pass_marks_verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    areas = relationship("LkeArea", back_populates="version", order_by="LkeArea.position",
                         cascade="all, delete-orphan")


class LkeArea(db.Model):
    """An area of change (Manajemen Perubahan ... Pelayanan Publik) or a result, with its weight."""
    __tablename__ = "zi_lke_area"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_lke_version.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(20))  # "5" for an area of change, "B.I" for a result
    name: Mapped[str] = mapped_column(sa.String(200))
    section: Mapped[Section]
    weight: Mapped[float]
    position: Mapped[int] = mapped_column(default=0)
    # Every sub-component and item of the area has been entered and checked by the Inspectorate.
    complete: Mapped[bool] = mapped_column(default=False)

    version = relationship("LkeVersion", back_populates="areas")
    components = relationship("LkeComponent", back_populates="area", order_by="LkeComponent.position",
                              cascade="all, delete-orphan")


class LkeComponent(db.Model):
    """A sub-component (Pengendalian Gratifikasi, Whistle-Blowing System ...) and its weight,
    shared equally by its items."""
    __tablename__ = "zi_lke_component"
    __table_args__ = (sa.UniqueConstraint("area_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_lke_area.id", ondelete="CASCADE"), index=True)
    part: Mapped[Part]
    code: Mapped[str] = mapped_column(sa.String(30))  # "A.I.5.iv"
    name: Mapped[str] = mapped_column(sa.String(200))
    weight: Mapped[float]
    position: Mapped[int] = mapped_column(default=0)

    area = relationship("LkeArea", back_populates="components")
    items = relationship("LkeItem", back_populates="component", order_by="LkeItem.position",
                         cascade="all, delete-orphan")


class LkeItem(db.Model):
    """One question of the LKE, with its answer options and the evidence the portal can attach."""
    __tablename__ = "zi_lke_item"
    __table_args__ = (sa.UniqueConstraint("component_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_lke_component.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))  # our derived code "A.I.5.iv.a": the export's folder
    row_id: Mapped[int | None]  # the row ID in the template it was taken from (shifts between years)
    text: Mapped[str] = mapped_column(sa.Text)
    answer_type: Mapped[AnswerType]
    options: Mapped[list] = mapped_column(sa.JSON, default=list)  # the wording of a., b., c. ... in order
    guidance: Mapped[str] = mapped_column(sa.Text, default="")  # the evidence documents the LKE expects
    evidence_keys: Mapped[str] = mapped_column(sa.String(200), default="")  # zi/evidence.py providers, space-separated
    source: Mapped[str] = mapped_column(sa.Text, default="")  # where the wording comes from
    verified: Mapped[bool] = mapped_column(default=False)  # checked against the regulation's Lampiran
    position: Mapped[int] = mapped_column(default=0)

    component = relationship("LkeComponent", back_populates="items")

    @property
    def provider_keys(self) -> list[str]:
        return self.evidence_keys.split()


class UnitStatus(LabelledEnum):
    SELF_ASSESSMENT = "self_assessment", _l("Self-assessment in progress")
    SUBMITTED = "submitted", _l("Submitted for internal assessment")
    ASSESSED = "assessed", _l("Assessed by the Inspectorate")


class Unit(db.Model):
    """An OPD proposed for WBK or WBBM in one year's LKE."""
    __tablename__ = "zi_unit"
    __table_args__ = (sa.UniqueConstraint("version_id", "opd_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_lke_version.id"), index=True)
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id"), index=True)
    target: Mapped[Target]
    status: Mapped[UnitStatus] = mapped_column(default=UnitStatus.SELF_ASSESSMENT)
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    submitted_at: Mapped[datetime | None]
    assessed_at: Mapped[datetime | None]

    version = relationship("LkeVersion")
    opd = relationship("Opd", lazy="joined")


class Answer(db.Model):
    """An item's answer by the unit (self-assessment) and by the Inspectorate (internal assessor)."""
    __tablename__ = "zi_answer"
    __table_args__ = (sa.UniqueConstraint("unit_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_unit.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_lke_item.id", ondelete="CASCADE"), index=True)
    # "yes"/"no", a letter "a".."e", or a number written with a dot ("87.5")
    self_value: Mapped[str] = mapped_column(sa.String(12), default="")
    self_note: Mapped[str] = mapped_column(sa.Text, default="")
    self_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    self_at: Mapped[datetime | None]
    assessor_value: Mapped[str] = mapped_column(sa.String(12), default="")
    assessor_comment: Mapped[str] = mapped_column(sa.Text, default="")
    assessor_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    assessor_at: Mapped[datetime | None]

    item = relationship("LkeItem")


class EvidenceKind(LabelledEnum):
    FILE = "file", _l("File")
    LINK = "link", _l("Link")
    NOTE = "note", _l("Note")


class ItemEvidence(db.Model):
    """Supporting evidence (bukti dukung) the unit adds to an item besides what the portal gathers."""
    __tablename__ = "zi_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_unit.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("zi_lke_item.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind]
    title: Mapped[str] = mapped_column(sa.String(200))
    storage_key: Mapped[str | None] = mapped_column(sa.String(64))  # storage area "zi"
    filename: Mapped[str] = mapped_column(sa.String(160), default="")
    media_type: Mapped[str] = mapped_column(sa.String(100), default="")
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))


class Milestone(db.Model):
    """A date of the year's timeline (proposal through PMPZI, LKE filling, internal assessment),
    entered each year from KemenPANRB's letter: the dates change every year."""
    __tablename__ = "zi_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(300), default="")  # the letter that set it
    done_on: Mapped[date | None]
