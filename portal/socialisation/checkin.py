"""QR check-in: rotating signed tokens, the short code under them, and the one-row upsert.

A token is `<session id>.<window>.<mac>`: the window is the current 20-second slot and the
MAC binds both to the server's secret, so nothing is stored to issue or check a token and
any app process can answer. The token of the previous slot is still accepted, so a scan at
the end of a slot has time to load. The short code is six digits derived the same way.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.clock import utcnow
from portal.core.errors import PortalError
from portal.core.rows import dialect_insert
from portal.extensions import db
from portal.org.models import Employee
from portal.socialisation.models import (
    ATTENDED,
    AttendanceStatus,
    Method,
    Participant,
    SocialisationSession,
    Source,
    invited_opd,
)

# A scan made while logged out survives the login that follows for this long.
PENDING_SCAN_SECONDS = 300


class CheckinError(PortalError):
    pass


@dataclass
class Outcome:
    session: SocialisationSession
    status: AttendanceStatus
    recorded: bool  # False: this person had already checked in; nothing changed


def _slot_seconds() -> int:
    return current_app.config["SESSION_QR_ROTATE_SECONDS"]


def current_window(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // _slot_seconds())


def _mac(message: str) -> bytes:
    key = hashlib.sha256(b"checkin:" + current_app.config["SECRET_KEY"].encode()).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def make_token(session_id: int, window: int) -> str:
    mac = base64.urlsafe_b64encode(_mac(f"t:{session_id}.{window}")[:16]).rstrip(b"=").decode()
    return f"{session_id}.{window}.{mac}"


def make_code(session_id: int, window: int) -> str:
    return f"{int.from_bytes(_mac(f'c:{session_id}.{window}')[:4], 'big') % 1_000_000:06d}"


def seconds_left(now: float | None = None) -> int:
    now = now if now is not None else time.time()
    slot = _slot_seconds()
    return slot - int(now % slot)


def parse_token(token: str, *, now: float | None = None, allow_expired: bool = False) -> int:
    """The session id a genuine, fresh token names. Raises CheckinError otherwise."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 9 or len(parts[1]) > 12:
        raise CheckinError(_l("This check-in code is not valid. Scan the code shown in the room again."))
    session_id, window = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(make_token(session_id, window), token):
        raise CheckinError(_l("This check-in code is not valid. Scan the code shown in the room again."))
    if not allow_expired and current_window(now) - window not in (0, 1):
        raise CheckinError(_l("This check-in code has expired: it changes every few seconds. "
                              "Scan the code shown in the room again."))
    return session_id


def session_for_code(code: str, now: datetime | None = None) -> SocialisationSession:
    """The open session whose current (or previous) short code this is."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        raise CheckinError(_l("Enter the six digits shown under the QR code."))
    now = now or utcnow()
    window = current_window(now.timestamp())
    for session in open_sessions(now):
        for w in (window, window - 1):
            if hmac.compare_digest(make_code(session.id, w), code):
                return session
    raise CheckinError(_l("No session is checking in with this code right now. Codes change every few seconds: "
                          "enter the one shown now."))


def opens_at(session: SocialisationSession) -> datetime:
    return session.starts_at - timedelta(minutes=current_app.config["SESSION_CHECKIN_OPENS_MINUTES"])


def open_sessions(now: datetime) -> list[SocialisationSession]:
    early = timedelta(minutes=current_app.config["SESSION_CHECKIN_OPENS_MINUTES"])
    return list(db.session.scalars(sa.select(SocialisationSession).where(
        SocialisationSession.starts_at <= now + early,
        SocialisationSession.ends_at >= now, SocialisationSession.closed_at.is_(None),
        SocialisationSession.cancelled_at.is_(None))))


def check_window(session: SocialisationSession, now: datetime) -> None:
    if session.cancelled_at is not None:
        raise CheckinError(_l("This session was cancelled."))
    if now < opens_at(session):
        raise CheckinError(_l("Check-in for this session has not opened yet. It opens %(minutes)d minutes "
                              "before the start.", minutes=current_app.config["SESSION_CHECKIN_OPENS_MINUTES"]))
    if now > session.ends_at or session.closed_at is not None:
        raise CheckinError(_l("This session has ended; check-in is closed. Ask the organiser if you were there."))


def may_attend(session: SocialisationSession, employee: Employee, listed: bool) -> bool:
    """On the list, or from an OPD the session is for."""
    if listed:
        return True
    if session.owner_opd_id is not None:
        return employee.opd_id == session.owner_opd_id
    return db.session.execute(sa.select(invited_opd.c.opd_id).where(
        invited_opd.c.session_id == session.id, invited_opd.c.opd_id == employee.opd_id)).first() is not None


def status_at(session: SocialisationSession, at: datetime) -> AttendanceStatus:
    return AttendanceStatus.LATE if at > session.late_after else AttendanceStatus.PRESENT


def check_in(session: SocialisationSession, employee: Employee, *, method: Method, at: datetime,
             device_hash: str | None) -> Outcome:
    """Mark `employee` present (or late) at `session`: one INSERT ... ON CONFLICT statement.

    A row already present or late is left alone, so a second scan, a double tap or two
    phones at once record exactly one check-in. The caller commits."""
    check_window(session, at)
    listed = db.session.scalar(sa.select(Participant.status).where(
        Participant.session_id == session.id, Participant.employee_id == employee.id))
    if listed in ATTENDED:
        return Outcome(session, listed, recorded=False)
    if not may_attend(session, employee, listed is not None):
        raise CheckinError(_l("You are not on the list of this session, and your OPD is not invited to it. "
                              "Ask the organiser to register you at the door."))
    status = status_at(session, at)
    values = dict(session_id=session.id, employee_id=employee.id, opd_id=employee.opd_id, source=Source.CHECK_IN,
                  status=status, method=method, checked_in_at=at, device_hash=device_hash, created_at=at)
    stmt = dialect_insert(Participant).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["session_id", "employee_id"],
        set_={"status": status, "method": method, "checked_in_at": at, "device_hash": device_hash},
        where=Participant.status.not_in(ATTENDED),
    ).returning(Participant.id)
    recorded = db.session.execute(stmt).scalar() is not None
    if not recorded:
        status = db.session.scalar(sa.select(Participant.status).where(
            Participant.session_id == session.id, Participant.employee_id == employee.id))
    return Outcome(session, status, recorded)
