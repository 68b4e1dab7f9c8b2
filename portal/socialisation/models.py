"""Socialisation sessions: the in-person meetings, who was asked to come, who came.

One Participant row per person and session carries both the invitation (or nomination) and
the attendance, so a QR check-in is a single upsert of that row.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db


class AttendanceStatus(LabelledEnum):
    EXPECTED = "expected", _l("Not marked yet")  # invited or nominated, not marked yet
    PRESENT = "present", _l("Present")
    LATE = "late", _l("Late")
    EXCUSED = "excused", _l("Excused")
    ABSENT = "absent", _l("Absent")

    @property
    def attended(self) -> bool:
        return self in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class Method(LabelledEnum):
    QR = "qr", _l("QR code")  # scanned the rotating QR code
    CODE = "code", _l("Short code")  # typed the short code under it
    MANUAL = "manual", _l("Marked by the organiser")
    WALK_IN = "walk_in", _l("Walk-in, registered by NIP")


class Source(LabelledEnum):
    INVITED = "invited", _l("Invited")  # named by the organiser
    NOMINATED = "nominated", _l("Nominated by the OPD")  # put forward by their OPD's secretary
    CHECK_IN = "check_in", _l("Checked in without nomination")  # not on the list; came, from an invited OPD
    WALK_IN = "walk_in", _l("Walk-in")

session_regulation = sa.Table(
    "socialisation_session_regulation", db.metadata,
    sa.Column("session_id", sa.ForeignKey("socialisation_session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("regulation_id", sa.ForeignKey("home_regulation.id"), primary_key=True),
)
session_module = sa.Table(
    "socialisation_session_module", db.metadata,
    sa.Column("session_id", sa.ForeignKey("socialisation_session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("module_id", sa.ForeignKey("learning_module.id"), primary_key=True),
)
invited_opd = sa.Table(
    "socialisation_invited_opd", db.metadata,
    sa.Column("session_id", sa.ForeignKey("socialisation_session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("opd_id", sa.ForeignKey("org_opd.id"), primary_key=True),
)


class SocialisationSession(db.Model):
    __tablename__ = "socialisation_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    late_after: Mapped[datetime]
    venue: Mapped[str] = mapped_column(sa.String(200))
    capacity: Mapped[int | None]
    speakers: Mapped[str] = mapped_column(sa.Text, default="")  # one per line: name, role
    # A secretary's session is for their own OPD only; None: organised by the Inspectorate.
    owner_opd_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_opd.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    minutes_updated_at: Mapped[datetime | None]
    # Closing the attendance list is the moment attendance certificates are issued.
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    owner_opd = relationship("Opd")
    created_by = relationship("User")
    regulations = relationship("Regulation", secondary=session_regulation, order_by="Regulation.position")
    modules = relationship("Module", secondary=session_module, order_by="Module.position")
    invited_opds = relationship("Opd", secondary=invited_opd, order_by="Opd.name")
    participants: Mapped[list[Participant]] = relationship(back_populates="session", cascade="all, delete-orphan")
    photos: Mapped[list[Photo]] = relationship(back_populates="session", order_by="Photo.id",
                                                 cascade="all, delete-orphan")

    @property
    def speaker_lines(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]


class Participant(db.Model):
    __tablename__ = "socialisation_participant"
    __table_args__ = (sa.UniqueConstraint("session_id", "employee_id", name="uq_socialisation_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("socialisation_session.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"), index=True)
    opd_id: Mapped[int] = mapped_column(sa.ForeignKey("org_opd.id"), index=True)  # when listed
    source: Mapped[Source]
    status: Mapped[AttendanceStatus] = mapped_column(default=AttendanceStatus.EXPECTED)
    method: Mapped[Method | None]
    checked_in_at: Mapped[datetime | None]
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    # SHA-256 of a random cookie of the phone used to check in: one phone checking in several
    # people is shown to the organiser. Never an address or a user agent.
    device_hash: Mapped[str | None] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[SocialisationSession] = relationship(back_populates="participants")
    employee = relationship("Employee", lazy="joined")
    opd = relationship("Opd")
    marked_by = relationship("User")


class Photo(db.Model):
    __tablename__ = "socialisation_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("socialisation_session.id", ondelete="CASCADE"), index=True)
    caption: Mapped[str] = mapped_column(sa.String(300))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[SocialisationSession] = relationship(back_populates="photos")
