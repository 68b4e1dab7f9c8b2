"""Conflict-of-interest declarations (Perwako 27/2019) and the lists they use."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db_types import utcnow
from portal.extensions import db


class ListKind(enum.Enum):
    TYPE = "type"
    SOURCE = "source"
    DECISION = "decision"

    @property
    def label(self):
        return LIST_KIND_LABELS[self]


LIST_KIND_LABELS = {
    ListKind.TYPE: _l("Types of conflict of interest"),
    ListKind.SOURCE: _l("Sources of conflict of interest"),
    ListKind.DECISION: _l("Decision options"),
}


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
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)


class Kind(enum.Enum):
    YEARLY = "yearly"
    ADHOC = "adhoc"
    CHANGE = "change"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.YEARLY: _l("Yearly statement"),
    Kind.ADHOC: _l("Ad-hoc declaration"),
    Kind.CHANGE: _l("Change of circumstances"),
}


class Activity(enum.Enum):
    PROCUREMENT = "procurement"
    RECRUITMENT = "recruitment"
    LICENSING = "licensing"
    SUPERVISION = "supervision"
    ASSESSMENT = "assessment"
    OTHER = "other"

    @property
    def label(self):
        return ACTIVITY_LABELS[self]


ACTIVITY_LABELS = {
    Activity.PROCUREMENT: _l("Procurement of goods or services"),
    Activity.RECRUITMENT: _l("Recruitment or promotion of staff"),
    Activity.LICENSING: _l("Licensing or permits"),
    Activity.SUPERVISION: _l("Supervision or audit"),
    Activity.ASSESSMENT: _l("Assessment or evaluation"),
    Activity.OTHER: _l("Another decision or activity"),
}


class Relationship(enum.Enum):
    FAMILY = "family"
    AFFILIATION = "affiliation"
    BUSINESS = "business"
    OTHER_POSITION = "other_position"
    GIFT_GIVER = "gift_giver"
    OTHER = "other"

    @property
    def label(self):
        return RELATIONSHIP_LABELS[self]


RELATIONSHIP_LABELS = {
    Relationship.FAMILY: _l("Family (blood or marriage)"),
    Relationship.AFFILIATION: _l("Affiliation (friendship, former colleague, organisation)"),
    Relationship.BUSINESS: _l("Business or financial interest"),
    Relationship.OTHER_POSITION: _l("Another position I hold"),
    Relationship.GIFT_GIVER: _l("Giver of a gift"),
    Relationship.OTHER: _l("Other relationship"),
}


class Status(enum.Enum):
    DRAFT = "draft"
    FILED = "filed"              # a yearly statement without any conflict: nothing to decide
    SUBMITTED = "submitted"      # waiting for the decider
    RETURNED = "returned"        # more information asked for
    DECIDED = "decided"
    ACKNOWLEDGED = "acknowledged"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.FILED: _l("Filed"),
    Status.SUBMITTED: _l("Waiting for a decision"),
    Status.RETURNED: _l("Returned for more information"),
    Status.DECIDED: _l("Decided"),
    Status.ACKNOWLEDGED: _l("Decision acknowledged"),
}


class Route(enum.Enum):
    SUPERIOR = "superior"
    HEAD = "head"
    INSPECTORATE = "inspectorate"

    @property
    def label(self):
        return ROUTE_LABELS[self]


ROUTE_LABELS = {
    Route.SUPERIOR: _l("Direct superior"),
    Route.HEAD: _l("Head of the OPD"),
    Route.INSPECTORATE: _l("Inspectorate"),
}

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
    description: Mapped[str] = mapped_column(sa.Text, default="")
    activity: Mapped[Activity | None]
    activity_detail: Mapped[str] = mapped_column(sa.Text, default="")
    related_party: Mapped[str] = mapped_column(sa.String(200), default="")
    related_employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_employee.id"))
    relationship_kind: Mapped[Relationship | None]
    gift_involved: Mapped[bool] = mapped_column(default=False)
    gift_report_ref: Mapped[str] = mapped_column(sa.String(120), default="")
    proposed_measure: Mapped[str] = mapped_column(sa.Text, default="")
    changes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coi_declaration.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_on: Mapped[date | None]
    route: Mapped[Route | None]
    decider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    due_on: Mapped[date | None]
    reminded_on: Mapped[date | None]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coi_list_item.id"))
    decision_rationale: Mapped[str] = mapped_column(sa.Text, default="")
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    acknowledged_on: Mapped[date | None]

    declarant = relationship("Employee", foreign_keys=[declarant_id], lazy="joined")
    related_employee = relationship("Employee", foreign_keys=[related_employee_id])
    decider = relationship("Employee", foreign_keys=[decider_id])
    opd = relationship("Opd", lazy="joined")
    decision: Mapped[ListItem | None] = relationship(foreign_keys=[decision_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    types: Mapped[list[ListItem]] = relationship(secondary=declaration_type, order_by=ListItem.position)
    sources: Mapped[list[ListItem]] = relationship(secondary=declaration_source, order_by=ListItem.position)
    changes = relationship("Declaration", remote_side=[id])
    comments: Mapped[list["Comment"]] = relationship(back_populates="declaration", order_by="Comment.id",
                                                     cascade="all, delete-orphan")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="declaration", order_by="Attachment.id",
                                                           cascade="all, delete-orphan")


class Comment(db.Model):
    """The Inspectorate's or the decider's words on a declaration: comments, returns, take-overs."""

    __tablename__ = "coi_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("coi_declaration.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # comment | returned | taken_over | resubmitted
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="comments")
    author = relationship("User", lazy="joined")


class Attachment(db.Model):
    __tablename__ = "coi_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("coi_declaration.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="attachments")
