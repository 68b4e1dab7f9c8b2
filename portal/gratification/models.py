"""Gratification reports (gifts received, refused or offered), reported to the UPG and through it
to the KPK (UU 31/1999 jo. 20/2001 Pasal 12B-12C; Peraturan KPK 2/2019 as amended by 1/2026)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.core.sealing import Seal, SealedText
from portal.extensions import db


class ReportType(LabelledEnum):
    RECEIPT = "receipt", _l("Receipt (penerimaan)")
    REFUSAL = "refusal", _l("Refusal (penolakan)")
    OFFER = "offer", _l("Offer (tawaran)")


class GiverRelation(LabelledEnum):
    FAMILY = "family", _l("Family")
    SUPPLIER = "supplier", _l("Provider of goods or services")
    SERVICE_USER = "service_user", _l("Service user")
    SUPERVISED = "supervised", _l("Party under audit or supervision")
    COLLEAGUE = "colleague", _l("Fellow employee")
    UNKNOWN = "unknown", _l("Unknown")
    OTHER = "other", _l("Other")


class ObjectKind(LabelledEnum):
    MONEY = "money", _l("Money")
    GOODS = "goods", _l("Goods")
    FOOD = "food", _l("Food or drink")
    VOUCHER = "voucher", _l("Voucher")
    TICKET = "ticket", _l("Ticket or facility")
    OTHER = "other", _l("Other")


class Custody(LabelledEnum):
    REPORTER = "reporter", _l("Kept by the reporter")
    UPG = "upg", _l("Deposited at the UPG")
    KPK = "kpk", _l("Deposited at the KPK")


class Status(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SENT = "sent", _l("Sent to the UPG")
    REGISTERED = "registered", _l("Registered by the UPG")
    MORE_INFORMATION = "more_information", _l("More information asked for")
    FORWARDED = "forwarded", _l("Forwarded to the KPK")
    DECIDED = "decided", _l("Decided by the KPK")
    CLOSED = "closed", _l("Closed")


class Decision(LabelledEnum):
    """The KPK's decision (surat keputusan) on a report."""
    STATE = "state", _l("State property")
    RECIPIENT = "recipient", _l("The recipient's property")
    STATE_REDEEMABLE = "state_redeemable", _l("State property that may be redeemed by paying its value")
    # The KPK decides per object (gratification.md §5); a report whose objects were decided
    # differently carries this, and each object its own decision.
    MIXED = "mixed", _l("Partly state property, partly the recipient's")


class GiftReport(db.Model):
    __tablename__ = "gratification_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    register_no: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    status: Mapped[Status] = mapped_column(default=Status.DRAFT, index=True)
    report_type: Mapped[ReportType]
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    # The reporter's OPD and position when the report was sent (people move; the report does not).
    opd_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_opd.id"))
    reporter_position: Mapped[str] = mapped_column(sa.String(200), default="")
    giver_relation: Mapped[GiverRelation | None]
    received_on: Mapped[date | None]
    refused: Mapped[bool] = mapped_column(default=False)
    # Under the report's own key (portal/core/sealing.py): what the reporter writes.
    wrapped_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    nik_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # The KPK's form asks for the recipient's full address and telephone (gratification.md §5).
    reporter_address_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    reporter_phone_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    giver_name_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    giver_institution_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    giver_address_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    giver_relation_other_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    occasion_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    place_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    chronology_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # A keyed digest of the normalised giver (givers.py): equal for reports naming the same giver,
    # so the early-detection signal can count OPDs per giver without opening any report.
    giver_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The reporter's deadline (the UPG's internal period, at most the statutory 30 working days)
    # and the statutory limit itself, both counted from received_on; set while drafting.
    due_on: Mapped[date | None] = mapped_column(index=True)
    statutory_due_on: Mapped[date | None]
    sent_on: Mapped[date | None]
    late: Mapped[bool] = mapped_column(default=False)
    reminded_on: Mapped[date | None]
    # The UPG's workflow (upg.py): registration with the receipt, the UPG's own period to forward
    # the report (a setting, paused while the reporter is asked for more), the KPK's decision.
    receipt_no: Mapped[str | None] = mapped_column(sa.String(80))
    registered_on: Mapped[date | None]
    forward_due_on: Mapped[date | None]
    waiting_since: Mapped[date | None]
    kpk_reference: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    kpk_sent_on: Mapped[date | None]
    settled_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    decision: Mapped[Decision | None]
    decision_no: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    decision_on: Mapped[date | None]
    handover_due_on: Mapped[date | None]
    handover_on: Mapped[date | None]
    handover_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # One of the report's attachments (no foreign key: the two tables would point at each other).
    handover_attachment_id: Mapped[int | None]

    reporter = relationship("Employee", lazy="joined")
    opd = relationship("Opd")
    objects: Mapped[list[GiftObject]] = relationship(back_populates="report", order_by="GiftObject.position",
                                                     cascade="all, delete-orphan")
    attachments: Mapped[list[GiftAttachment]] = relationship(back_populates="report", order_by="GiftAttachment.id",
                                                         cascade="all, delete-orphan")
    messages: Mapped[list[GiftMessage]] = relationship(back_populates="report", order_by="GiftMessage.id",
                                                       cascade="all, delete-orphan")
    history: Mapped[list[GiftHistory]] = relationship(back_populates="report", order_by="GiftHistory.id",
                                                       cascade="all, delete-orphan")

    nik = SealedText()
    reporter_address = SealedText()
    reporter_phone = SealedText()
    giver_name = SealedText()
    giver_institution = SealedText()
    giver_address = SealedText()
    giver_relation_other = SealedText()
    occasion = SealedText()
    place = SealedText()
    chronology = SealedText()

    @property
    def seal(self) -> Seal:
        """The report's key; its id is part of the context, so flush a new report (and give it
        its key: `seal.create_key()`) before sealing anything."""
        seal = self.__dict__.get("_seal")
        if seal is None:
            if self.id is None:
                raise RuntimeError("a report is sealed under its id: flush it first")
            seal = self.__dict__["_seal"] = Seal(self, seal_context(self.id))
        return seal

    @property
    def total_value(self) -> int:
        return sum(o.value or 0 for o in self.objects)


def seal_context(report_id: int) -> str:
    return f"gratification-report:{report_id}"


class GiftObject(db.Model):
    """One object of a report: the KPK decides per object."""

    __tablename__ = "gratification_object"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("gratification_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ObjectKind]
    value: Mapped[int | None] = mapped_column(sa.BigInteger)  # estimated, in whole rupiah
    custody: Mapped[Custody] = mapped_column(default=Custody.REPORTER)
    decision: Mapped[Decision | None]  # the KPK's decision on this object (upg.decide)
    description_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    report: Mapped[GiftReport] = relationship(back_populates="objects")

    # Bound to the report and the object's place in it; assign once it belongs to its report.
    description = SealedText(lambda o: f"object:{o.position}:description")

    @property
    def seal(self) -> Seal:
        return self.report.seal


class GiftAttachment(db.Model):
    __tablename__ = "gratification_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("gratification_report.id", ondelete="CASCADE"), index=True)
    filename_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[GiftReport] = relationship(back_populates="attachments")

    filename = SealedText(lambda a: f"file-name:{a.storage_key}")

    @property
    def seal(self) -> Seal:
        return self.report.seal


class GiftHistory(db.Model):
    """What happened to a report, as its reporter and the UPG read it (no content: the audit log
    keeps the rest)."""

    __tablename__ = "gratification_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("gratification_report.id", ondelete="CASCADE"), index=True)
    status: Mapped[Status]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    late: Mapped[bool] = mapped_column(default=False)
    # What was done when the status alone does not say it (upg.STEPS): "asked", "answered",
    # "settled", "handover"; empty for a plain change of status.
    step: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")

    report: Mapped[GiftReport] = relationship(back_populates="history")
    actor = relationship("User")


class GiftMessage(db.Model):
    """The UPG's request for more information and the reporter's answer, sealed with the report's key."""

    __tablename__ = "gratification_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("gratification_report.id", ondelete="CASCADE"), index=True)
    from_upg: Mapped[bool] = mapped_column(default=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gratification_attachment.id", ondelete="SET NULL"))
    body_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    report: Mapped[GiftReport] = relationship(back_populates="messages")
    actor = relationship("User")
    attachment = relationship("GiftAttachment")

    body = SealedText(lambda m: f"message:{m.id}:body")

    @property
    def seal(self) -> Seal:
        return self.report.seal
