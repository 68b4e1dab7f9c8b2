"""WBS reports. No column holds a reporter's address, user agent or referrer, and no row
points to a user account of the reporter. Everything the reporter wrote is encrypted with
the report's own key (see portal/crypto.py)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db
from portal.wbs.workflow import Referral, Status


class Mode(LabelledEnum):
    ANONYMOUS = "anonymous", _l("Anonymous")
    CONFIDENTIAL = "confidential", _l("Confidential")
    OPEN = "open", _l("Open")


class Category(db.Model):
    """Offence groups (the seven groups of corruption offences plus "other"): editable data."""

    __tablename__ = "wbs_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label_id: Mapped[str] = mapped_column(sa.String(160))
    label_en: Mapped[str] = mapped_column(sa.String(160))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_id


class Report(db.Model):
    __tablename__ = "wbs_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    receipt_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    mode: Mapped[Mode]
    status: Mapped[Status] = mapped_column(default=Status.RECEIVED, index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_category.id"))
    # Plain, for routing, statistics and excluding handlers of the named OPD.
    reported_opd_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_opd.id"), index=True)
    # Dates only (no time of day): a timestamp could be matched against office access logs.
    filed_on: Mapped[date] = mapped_column(index=True)
    acknowledged_on: Mapped[date | None]
    verified_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    ack_due: Mapped[date]
    verify_due: Mapped[date]
    conclude_due: Mapped[date]
    waiting_since: Mapped[date | None]
    referral: Mapped[Referral | None]
    escalate: Mapped[bool] = mapped_column(default=False)
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    legal_hold: Mapped[bool] = mapped_column(default=False)
    shredded_on: Mapped[date | None]
    # The report's data key, wrapped by a master key; NULL once crypto-shredded.
    wrapped_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)   # JSON: the 5W+1H answers
    identity: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # JSON: name, contact (not anonymous)
    last_activity_on: Mapped[date]

    category: Mapped[Category] = relationship(lazy="joined")
    reported_opd = relationship("Opd", lazy="joined")
    assigned_to = relationship("User", lazy="joined")
    events: Mapped[list[ReportEvent]] = relationship(back_populates="report", order_by="ReportEvent.id",
                                                       cascade="all, delete-orphan")
    messages: Mapped[list[Message]] = relationship(back_populates="report", order_by="Message.id",
                                                     cascade="all, delete-orphan")
    notes: Mapped[list[Note]] = relationship(back_populates="report", order_by="Note.id",
                                               cascade="all, delete-orphan")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="report", order_by="Evidence.id",
                                                      cascade="all, delete-orphan")
    exclusions: Mapped[list[Exclusion]] = relationship(back_populates="report", cascade="all, delete-orphan")


class ReportEvent(db.Model):
    """A status change, assignment or other step; the reporter sees the public ones."""

    __tablename__ = "wbs_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id", ondelete="CASCADE"), index=True)
    happened_on: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(32))  # filed | status | assigned | waiting | resumed
    from_status: Mapped[Status | None]
    to_status: Mapped[Status | None]
    public: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # encrypted, shown to the reporter if public
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))

    report: Mapped[Report] = relationship(back_populates="events")
    actor = relationship("User", lazy="joined")


class Message(db.Model):
    __tablename__ = "wbs_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id", ondelete="CASCADE"), index=True)
    from_reporter: Mapped[bool]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    sent_on: Mapped[date]
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    read_by_handler: Mapped[bool] = mapped_column(default=False)

    report: Mapped[Report] = relationship(back_populates="messages")
    author = relationship("User", lazy="joined")


class Note(db.Model):
    """Internal notes: never shown to the reporter."""

    __tablename__ = "wbs_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)

    report: Mapped[Report] = relationship(back_populates="notes")
    author = relationship("User", lazy="joined")


class Evidence(db.Model):
    __tablename__ = "wbs_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id", ondelete="CASCADE"), index=True)
    from_reporter: Mapped[bool] = mapped_column(default=True)
    added_on: Mapped[date]
    name: Mapped[bytes] = mapped_column(sa.LargeBinary)  # encrypted original file name
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # random file name on disk
    metadata_removed: Mapped[bool] = mapped_column(default=False)

    report: Mapped[Report] = relationship(back_populates="evidence")


class Exclusion(db.Model):
    """A handler kept away from a case: their OPD or their name is in it."""

    __tablename__ = "wbs_exclusion"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(16))  # opd | named

    report: Mapped[Report] = relationship(back_populates="exclusions")


class IdentityRequest(db.Model):
    """A handler's request to open a confidential reporter's identity, decided by an ADMIN."""

    __tablename__ = "wbs_identity_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending | approved | refused
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(sa.Text)

    report: Mapped[Report] = relationship(lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")


class LegalHold(db.Model):
    """A case kept past the retention period (referred to law enforcement, an appeal pending...).

    Only the newest row without `lifted_at` is in force; Report.legal_hold mirrors it so the
    retention run can skip held cases in the same UPDATE that would shred them. The reasons are
    the Inspectorate's, not the reporter's, and stay after the case's content is destroyed: they
    explain why it was kept."""

    __tablename__ = "wbs_legal_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id", ondelete="CASCADE"), index=True)
    placed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text)
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    lifted_at: Mapped[datetime | None]
    lift_reason: Mapped[str | None] = mapped_column(sa.Text)

    placed_by = relationship("User", foreign_keys=[placed_by_id], lazy="joined")
    lifted_by = relationship("User", foreign_keys=[lifted_by_id], lazy="joined")


class FollowUp(db.Model):
    """A reporter's open follow-up: the cookie holds only a random token, this row its hash.

    Ending the follow-up ("selesai") deletes the row, so a copied cookie opens nothing any more.
    Like every reporter-caused row it keeps a date, never a time of day; the signed cookie carries
    the 20-minute limit, and rows of earlier days are purged."""

    __tablename__ = "wbs_follow_up"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("wbs_report.id"), index=True)
    opened_on: Mapped[date] = mapped_column(index=True)
