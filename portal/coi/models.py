"""Conflict-of-interest declarations (Perwako 27/2019) and the lists they use."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.core.sealing import Seal, SealedText
from portal.extensions import db
from portal.gratification.models import GiftReport


class ListKind(LabelledEnum):
    TYPE = "type", _l("Types of conflict of interest")
    SOURCE = "source", _l("Sources of conflict of interest")
    DECISION = "decision", _l("Decision options")


class ListItem(db.Model):
    """An entry of an admin-editable list. Entries are retired (valid_until), never deleted,
    so old declarations keep the wording they were made with."""

    __tablename__ = "coi_list_item"
    __table_args__ = (sa.UniqueConstraint("kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ListKind]
    code: Mapped[str] = mapped_column(sa.String(40))
    label_id: Mapped[str] = mapped_column(sa.Text)
    label_en: Mapped[str] = mapped_column(sa.Text)
    reference: Mapped[str] = mapped_column(sa.Text, default="")
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)
    # "Lainnya": choosing it asks the declarant to describe the situation in their own words.
    is_other: Mapped[bool] = mapped_column(default=False)

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_id

    def valid_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))


class Kind(LabelledEnum):
    YEARLY = "yearly", _l("Yearly statement")
    ADHOC = "adhoc", _l("Ad-hoc declaration")
    CHANGE = "change", _l("Change of circumstances")


class Activity(LabelledEnum):
    PROCUREMENT = "procurement", _l("Procurement of goods or services")
    RECRUITMENT = "recruitment", _l("Recruitment or promotion of staff")
    LICENSING = "licensing", _l("Licensing or permits")
    SUPERVISION = "supervision", _l("Supervision or audit")
    ASSESSMENT = "assessment", _l("Assessment or evaluation")
    OTHER = "other", _l("Another decision or activity")


class Relationship(LabelledEnum):
    FAMILY = "family", _l("Family (blood or marriage)")
    AFFILIATION = "affiliation", _l("Affiliation (friendship, former colleague, organisation)")
    BUSINESS = "business", _l("Business or financial interest")
    OTHER_POSITION = "other_position", _l("Another position I hold")
    GIFT_GIVER = "gift_giver", _l("Giver of a gift")
    OTHER = "other", _l("Other relationship")


class Status(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    FILED = "filed", _l("Filed")              # a yearly statement without any conflict: nothing to decide
    SUBMITTED = "submitted", _l("Waiting for a decision")      # waiting for the decider
    RETURNED = "returned", _l("Returned for more information")        # more information asked for
    DECIDED = "decided", _l("Decided")
    ACKNOWLEDGED = "acknowledged", _l("Decision acknowledged")


class Route(LabelledEnum):
    SUPERIOR = "superior", _l("Direct superior")
    HEAD = "head", _l("Head of the OPD")
    INSPECTORATE = "inspectorate", _l("Inspectorate")

declaration_type = sa.Table(
    "coi_declaration_type", db.metadata,
    sa.Column("declaration_id", sa.ForeignKey("coi_declaration.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("item_id", sa.ForeignKey("coi_list_item.id"), primary_key=True),
)
declaration_source = sa.Table(
    "coi_declaration_source", db.metadata,
    sa.Column("declaration_id", sa.ForeignKey("coi_declaration.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("item_id", sa.ForeignKey("coi_list_item.id"), primary_key=True),
)


class Declaration(db.Model):
    __tablename__ = "coi_declaration"
    __table_args__ = (
        sa.Index("ix_coi_declaration_opd_year", "opd_id", "year"),
        # One yearly statement per person and year (drafts included: it is edited, not duplicated).
        sa.Index("uq_coi_yearly_statement", "declarant_id", "year", unique=True,
                 sqlite_where=sa.text("kind = 'yearly'"), postgresql_where=sa.text("kind = 'yearly'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_no: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[Kind]
    year: Mapped[int]
    status: Mapped[Status] = mapped_column(default=Status.DRAFT, index=True)
    declarant_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id"))  # the declarant's OPD when filed
    no_conflict: Mapped[bool] = mapped_column(default=False)
    activity: Mapped[Activity | None]
    related_employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_employee.id"))
    relationship_kind: Mapped[Relationship | None]
    gift_involved: Mapped[bool] = mapped_column(default=False)
    # The declarant's own gift report sent to the UPG, when the gift was reported through the portal
    # (a number typed in gift_report_ref is kept for reports made elsewhere, e.g. the KPK's GOL).
    # Deleting the report (retention) leaves the declaration without the link.
    gift_report_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("gratification_report.id", ondelete="SET NULL"), index=True)
    # The declaration's own data key, wrapped by a master key (portal/core/sealing.py). What
    # people write is sealed with it; what queries, the register and the counts filter on
    # (kind, status, dates, register number, lists, ids) stays plain.
    wrapped_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    description_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    activity_detail_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    related_party_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    gift_report_ref_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    proposed_measure_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    decision_rationale_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # A change of circumstances: the declaration it amends (kept unchanged, as filed).
    changes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coi_declaration.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_on: Mapped[date | None]
    route: Mapped[Route | None]
    decider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    due_on: Mapped[date | None]
    reminded_on: Mapped[date | None]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coi_list_item.id"))
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    acknowledged_on: Mapped[date | None]

    declarant = relationship("Employee", foreign_keys=[declarant_id], lazy="joined")
    related_employee = relationship("Employee", foreign_keys=[related_employee_id])
    decider = relationship("Employee", foreign_keys=[decider_id])
    opd = relationship("Opd", lazy="joined")
    decision: Mapped[ListItem | None] = relationship(foreign_keys=[decision_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    gift_report: Mapped[GiftReport | None] = relationship(foreign_keys=[gift_report_id])
    types: Mapped[list[ListItem]] = relationship(secondary=declaration_type, order_by=ListItem.position)
    sources: Mapped[list[ListItem]] = relationship(secondary=declaration_source, order_by=ListItem.position)
    changes: Mapped[Declaration | None] = relationship(remote_side=[id], back_populates="amendments")
    amendments: Mapped[list[Declaration]] = relationship(back_populates="changes", order_by="Declaration.id")
    comments: Mapped[list[Comment]] = relationship(back_populates="declaration", order_by="Comment.id",
                                                     cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="declaration", order_by="Attachment.id",
                                                           cascade="all, delete-orphan")

    description = SealedText()
    activity_detail = SealedText()
    related_party = SealedText()
    gift_report_ref = SealedText()
    proposed_measure = SealedText()
    decision_rationale = SealedText()

    @property
    def seal(self) -> Seal:
        """The declaration's key; the id is part of its context, so a new declaration is
        flushed (and given its key: `seal.create_key()`) before anything is sealed."""
        seal = self.__dict__.get("_seal")
        if seal is None:
            if self.id is None:
                raise RuntimeError("a declaration is sealed under its id: flush it first")
            seal = self.__dict__["_seal"] = Seal(self, seal_context(self.id))
        return seal


def seal_context(declaration_id: int) -> str:
    return f"coi-declaration:{declaration_id}"


class Comment(db.Model):
    """The Inspectorate's or the decider's words on a declaration: comments, returns, take-overs."""

    __tablename__ = "coi_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("coi_declaration.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # comment | returned | taken_over | resubmitted
    body_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # under the declaration's key
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="comments")
    author = relationship("User", lazy="joined")

    # Assign it once the comment belongs to its declaration (whose key seals it).
    body = SealedText("comment")

    @property
    def seal(self) -> Seal:
        return self.declaration.seal


class Attachment(db.Model):
    __tablename__ = "coi_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("coi_declaration.id", ondelete="CASCADE"), index=True)
    filename_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # under the declaration's key
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the file is sealed too
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="attachments")

    # Bound to its file, so two attachments' names cannot be swapped; assign it once the
    # attachment belongs to its declaration and has its storage key.
    filename = SealedText(lambda a: f"file-name:{a.storage_key}")

    @property
    def seal(self) -> Seal:
        return self.declaration.seal
