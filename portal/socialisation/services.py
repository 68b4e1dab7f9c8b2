"""Socialisation sessions: who may organise, the participant list, marking, closing, minutes, photos.

Functions raise SessionError with a translated message and leave the commit to the caller.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from portal.core import audit, signals
from portal.core.clock import utcnow
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.extensions import db
from portal.home.models import Regulation
from portal.learning.models import Module
from portal.org.models import Employee, Opd
from portal.org.nip import normalize as normalise_nip
from portal.socialisation import checkin
from portal.socialisation.models import (
    ATTENDED,
    AttendanceStatus,
    Method,
    Participant,
    SocialisationSession,
    Source,
    invited_opd,
)
from portal.web.permissions import has_role, own_opd_id


class SessionError(PortalError):
    pass


@dataclass
class SessionFields:
    title: str
    starts_at: datetime  # aware; the form builds them from a day and WIB times (to_utc)
    ends_at: datetime
    late_after: datetime
    venue: str
    description: str = ""
    capacity: int | None = None
    speakers: str = ""
    regulation_ids: tuple[int, ...] = ()
    module_ids: tuple[int, ...] = ()
    opd_ids: tuple[int, ...] = ()
    invite_nips: str = ""


# --- who may do what ------------------------------------------------------------------------

def is_city_organiser(user) -> bool:
    return has_role(user, Role.ADMIN, Role.COI_REVIEWER)


def may_organise(user) -> bool:
    return is_city_organiser(user) or (has_role(user, Role.SECRETARY) and own_opd_id(user) is not None)


def can_manage(user, session: SocialisationSession) -> bool:
    if is_city_organiser(user):
        return True
    return (has_role(user, Role.SECRETARY) and session.owner_opd_id is not None
            and session.owner_opd_id == own_opd_id(user))


def secretary_opd(user, session: SocialisationSession) -> int | None:
    """The OPD a secretary looks after in this session: their own, when it is invited."""
    if not has_role(user, Role.SECRETARY):
        return None
    opd_id = own_opd_id(user)
    if opd_id is None:
        return None
    if session.owner_opd_id == opd_id or any(o.id == opd_id for o in session.invited_opds):
        return opd_id
    return None


def own_participation(user, session: SocialisationSession) -> Participant | None:
    employee = getattr(user, "employee", None)
    if employee is None:
        return None
    return db.session.scalar(sa.select(Participant).where(
        Participant.session_id == session.id, Participant.employee_id == employee.id))


def can_view(user, session: SocialisationSession) -> bool:
    return (can_manage(user, session) or secretary_opd(user, session) is not None
            or own_participation(user, session) is not None)


def can_see_records(user, session: SocialisationSession) -> bool:
    """Photos and documents: the organisers, and the secretaries of invited OPDs."""
    return can_manage(user, session) or secretary_opd(user, session) is not None


def can_remove(user, session: SocialisationSession, participant: Participant) -> bool:
    """Organisers take anyone off the list; a secretary only the people they nominated from their OPD."""
    if can_manage(user, session):
        return True
    return participant.source == Source.NOMINATED and secretary_opd(user, session) == participant.opd_id


# --- time ------------------------------------------------------------------------------------

def phase(session: SocialisationSession, now: datetime | None = None) -> str:
    """upcoming | running | ended | closed | cancelled: what the pages show and allow."""
    now = now or utcnow()
    if session.cancelled_at:
        return "cancelled"
    if session.closed_at:
        return "closed"
    if now < session.starts_at:
        return "upcoming"
    return "running" if now <= session.ends_at else "ended"


# --- creating and editing --------------------------------------------------------------------

def _nips(text: str) -> list[str]:
    out = []
    for raw in text.replace(",", "\n").replace(";", "\n").splitlines():
        if raw.strip():
            out.append(normalise_nip(raw))
    return out


def _employees_by_nip(nips: list[str]) -> tuple[list[Employee], list[str]]:
    if not nips:
        return [], []
    found = {e.nip: e for e in db.session.scalars(sa.select(Employee).where(Employee.nip.in_(nips),
                                                                             Employee.active.is_(True)))}
    return [found[n] for n in dict.fromkeys(nips) if n in found], [n for n in nips if n not in found]


def save_session(session: SocialisationSession | None, fields: SessionFields, *, actor) -> SocialisationSession:
    starts_at, ends_at, late_after = fields.starts_at, fields.ends_at, fields.late_after
    if ends_at <= starts_at:
        raise SessionError(_l("The end must be after the start."), "end")
    if not starts_at <= late_after <= ends_at:
        raise SessionError(_l("The late cut-off must lie between the start and the end."), "late_after")
    if fields.capacity is not None and fields.capacity < 1:
        raise SessionError(_l("The capacity must be at least 1, or left empty."), "capacity")

    own = None if is_city_organiser(actor) else own_opd_id(actor)
    if own is None and not is_city_organiser(actor):
        raise SessionError(_l("Only the Inspectorate, administrators and OPD secretaries organise sessions."))
    creating = session is None
    if creating:
        session = SocialisationSession(created_by_id=actor.id, owner_opd_id=own)
        db.session.add(session)
    elif session.closed_at is not None:
        raise SessionError(_l("The attendance list of this session is closed; it can no longer be changed."))
    session.title, session.description = fields.title.strip(), fields.description.strip()
    session.starts_at, session.ends_at, session.late_after = starts_at, ends_at, late_after
    session.venue, session.capacity, session.speakers = fields.venue.strip(), fields.capacity, fields.speakers.strip()
    session.regulations = list(db.session.scalars(
        sa.select(Regulation).where(Regulation.id.in_(fields.regulation_ids))))
    session.modules = list(db.session.scalars(sa.select(Module).where(Module.id.in_(fields.module_ids))))
    if session.owner_opd_id is not None:
        session.invited_opds = [db.session.get(Opd, session.owner_opd_id)]
    else:
        session.invited_opds = list(db.session.scalars(sa.select(Opd).where(Opd.id.in_(fields.opd_ids))))
    db.session.flush()
    if fields.invite_nips.strip():
        add_participants(session, fields.invite_nips, actor=actor, source=Source.INVITED)
    audit.record("session.created" if creating else "session.updated", session, actor=actor,
                 data={"title": session.title, "starts_at": session.starts_at})
    return session


def cancel(session: SocialisationSession, *, actor) -> None:
    if session.closed_at is not None:
        raise SessionError(_l("The attendance list of this session is closed; it can no longer be cancelled."))
    session.cancelled_at = utcnow()
    audit.record("session.cancelled", session, actor=actor)


# --- the participant list --------------------------------------------------------------------

def listed_count(session: SocialisationSession) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Participant).where(
        Participant.session_id == session.id, Participant.source.in_((Source.INVITED, Source.NOMINATED)))) or 0


def add_participants(session: SocialisationSession, nips_text: str, *, actor, source: Source,
                     only_opd_id: int | None = None) -> list[Participant]:
    """Invite (organiser) or nominate (secretary, `only_opd_id` = their OPD) people by NIP.

    All or nothing: an unknown NIP, someone from another OPD or a full session adds nobody,
    and the message names every NIP that needs fixing."""
    if session.closed_at is not None or session.cancelled_at is not None:
        raise SessionError(_l("This session no longer takes participants."), "nips")
    try:
        nips = _nips(nips_text)
    except ValueError:
        raise SessionError(_l("Write one NIP per line (18 digits, spaces allowed)."), "nips") from None
    if not nips:
        raise SessionError(_l("Write at least one NIP."), "nips")
    employees, unknown = _employees_by_nip(nips)
    if unknown:
        raise SessionError(_l("No active employee has these NIPs: %(nips)s", nips=", ".join(unknown)), "nips")
    # A session of one OPD takes that OPD's staff only, whoever adds them.
    only_opd_id = session.owner_opd_id if session.owner_opd_id is not None else only_opd_id
    if only_opd_id is not None:
        foreign = [e.nip for e in employees if e.opd_id != only_opd_id]
        if foreign:
            raise SessionError(_l("These employees are not in your OPD: %(nips)s", nips=", ".join(foreign)), "nips")
    existing = set(db.session.scalars(sa.select(Participant.employee_id).where(
        Participant.session_id == session.id, Participant.employee_id.in_([e.id for e in employees]))))
    new = [e for e in employees if e.id not in existing]
    if session.capacity is not None and listed_count(session) + len(new) > session.capacity:
        raise SessionError(_l("The session has %(free)d free places left; %(asked)d were asked for.",
                              free=max(0, session.capacity - listed_count(session)), asked=len(new)), "nips")
    added = []
    for employee in new:
        participant = Participant(session=session, employee=employee, opd_id=employee.opd_id, source=source)
        db.session.add(participant)
        added.append(participant)
    db.session.flush()
    if added:
        audit.record("session.participants_added", session, actor=actor,
                     data={"source": source.value, "employee_ids": [p.employee_id for p in added]})
    return added


def remove_participant(session: SocialisationSession, participant: Participant, *, actor) -> None:
    if participant.status != AttendanceStatus.EXPECTED or session.closed_at is not None:
        raise SessionError(_l("Only people whose attendance is not marked yet can be taken off the list."))
    db.session.delete(participant)
    audit.record("session.participant_removed", session, actor=actor, data={"employee_id": participant.employee_id})


def _final(participant: Participant) -> None:
    if participant.session.closed_at is not None and participant.status in ATTENDED:
        signals.attendance_final.send(participant)


def mark(session: SocialisationSession, participant: Participant, status: AttendanceStatus, *, actor,
         now: datetime | None = None) -> None:
    if session.cancelled_at is not None:
        raise SessionError(_l("This session was cancelled."))
    now = now or utcnow()
    if status in ATTENDED and now < checkin.opens_at(session):
        raise SessionError(_l("Nobody can be marked present before the session starts."))
    before = participant.status
    participant.status = status
    participant.marked_by_id = actor.id
    if status in ATTENDED:
        if participant.checked_in_at is None:
            participant.checked_in_at = min(now, session.ends_at)
            participant.method = Method.MANUAL
    else:
        participant.checked_in_at, participant.method = None, None
    db.session.flush()
    audit.record("session.attendance_marked", session, actor=actor,
                 data={"employee_id": participant.employee_id, "from": before.value, "to": status.value})
    _final(participant)


def walk_in(session: SocialisationSession, nip: str, *, actor, now: datetime | None = None) -> Participant:
    """Register someone who came without being on the list, as present or late by the clock."""
    if session.cancelled_at is not None:
        raise SessionError(_l("This session was cancelled."), "nip")
    now = now or utcnow()
    if now < checkin.opens_at(session):
        raise SessionError(_l("Nobody can be marked present before the session starts."), "nip")
    try:
        employees, unknown = _employees_by_nip([normalise_nip(nip)])
    except ValueError:
        raise SessionError(_l("Write the NIP with its 18 digits."), "nip") from None
    if unknown:
        raise SessionError(_l("No active employee has this NIP."), "nip")
    employee = employees[0]
    if session.owner_opd_id is not None and employee.opd_id != session.owner_opd_id:
        raise SessionError(_l("These employees are not in your OPD: %(nips)s", nips=employee.nip), "nip")
    participant = db.session.scalar(sa.select(Participant).where(
        Participant.session_id == session.id, Participant.employee_id == employee.id))
    if participant is not None and participant.status in ATTENDED:
        raise SessionError(_l("%(name)s is already marked %(status)s.", name=employee.name,
                              status=participant.status.label), "nip")
    if participant is None:
        participant = Participant(session=session, employee=employee, opd_id=employee.opd_id, source=Source.WALK_IN)
        db.session.add(participant)
    participant.status = checkin.status_at(session, min(now, session.ends_at))
    participant.method, participant.checked_in_at = Method.WALK_IN, min(now, session.ends_at)
    participant.marked_by_id = actor.id
    db.session.flush()
    audit.record("session.walk_in", session, actor=actor, data={"employee_id": employee.id})
    _final(participant)
    return participant


def close(session: SocialisationSession, *, actor, now: datetime | None = None) -> int:
    """Close the attendance list: the unmarked become absent and the attended get their
    certificates. Returns how many attended."""
    now = now or utcnow()
    if session.cancelled_at is not None:
        raise SessionError(_l("This session was cancelled."))
    if now < session.starts_at:
        raise SessionError(_l("The attendance list can be closed once the session has started."))
    closed = db.session.execute(sa.update(SocialisationSession).where(
        SocialisationSession.id == session.id, SocialisationSession.closed_at.is_(None)).values(closed_at=now)).rowcount
    if not closed:
        raise SessionError(_l("The attendance list is already closed."))
    db.session.execute(sa.update(Participant).where(Participant.session_id == session.id,
                                                    Participant.status == AttendanceStatus.EXPECTED)
                       .values(status=AttendanceStatus.ABSENT))
    db.session.refresh(session)
    attended = list(db.session.scalars(sa.select(Participant).where(
        Participant.session_id == session.id, Participant.status.in_(ATTENDED))))
    for participant in attended:
        _final(participant)
    audit.record("session.closed", session, actor=actor, data={"attended": len(attended)})
    return len(attended)


def close_preview(session: SocialisationSession) -> dict:
    """What closing would do, for the confirmation page: who gets a certificate, who becomes absent."""
    counts = dict(db.session.execute(sa.select(Participant.status, sa.func.count()).where(
        Participant.session_id == session.id).group_by(Participant.status)).all())
    return {"attended": sum(counts.get(s, 0) for s in ATTENDED),
            "unmarked": counts.get(AttendanceStatus.EXPECTED, 0)}


# --- reading -----------------------------------------------------------------------------------

def participants(session: SocialisationSession, opd_id: int | None = None) -> list[Participant]:
    stmt = (sa.select(Participant).join(Participant.employee).join(Participant.opd)
            .options(contains_eager(Participant.opd))
            .where(Participant.session_id == session.id).order_by(Opd.name, Employee.name))
    if opd_id is not None:
        stmt = stmt.where(Participant.opd_id == opd_id)
    return list(db.session.scalars(stmt))


def attended_count(session: SocialisationSession) -> int:
    """For the QR screen, polled every few seconds: one COUNT, not the whole list."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Participant).where(
        Participant.session_id == session.id, Participant.status.in_(ATTENDED))) or 0


def counts(rows: list[Participant]) -> dict[AttendanceStatus, int]:
    out = {status: 0 for status in AttendanceStatus}
    for row in rows:
        out[row.status] += 1
    return out


def shared_devices(session: SocialisationSession) -> list[list[Participant]]:
    """Groups of people checked in from one phone: shown to the organiser to look into."""
    hashes = db.session.scalars(
        sa.select(Participant.device_hash).where(Participant.session_id == session.id,
                                                 Participant.device_hash.is_not(None))
        .group_by(Participant.device_hash).having(sa.func.count() > 1))
    return [list(db.session.scalars(sa.select(Participant).where(Participant.session_id == session.id,
                                                                  Participant.device_hash == h)
                                    .order_by(Participant.checked_in_at))) for h in hashes]


def upcoming_for(employee: Employee | None,
                 now: datetime | None = None) -> list[tuple[SocialisationSession, Participant]]:
    if employee is None:
        return []
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(SocialisationSession, Participant)
        .join(Participant, Participant.session_id == SocialisationSession.id)
        .where(Participant.employee_id == employee.id, SocialisationSession.ends_at >= now,
               SocialisationSession.cancelled_at.is_(None))
        .order_by(SocialisationSession.starts_at)).all()
    return [(s, p) for s, p in rows]


def visible_sessions(user) -> sa.Select:
    """The sessions a user's list page shows, newest first."""
    stmt = sa.select(SocialisationSession).order_by(SocialisationSession.starts_at.desc())
    if is_city_organiser(user):
        return stmt
    conditions = []
    employee = getattr(user, "employee", None)
    if employee is not None:
        conditions.append(SocialisationSession.id.in_(sa.select(Participant.session_id).where(
            Participant.employee_id == employee.id)))
    if has_role(user, Role.SECRETARY) and own_opd_id(user) is not None:
        opd = own_opd_id(user)
        conditions.append(SocialisationSession.owner_opd_id == opd)
        invited = sa.select(invited_opd.c.session_id).where(invited_opd.c.opd_id == opd)
        conditions.append(SocialisationSession.id.in_(invited))
    return stmt.where(sa.or_(*conditions)) if conditions else stmt.where(sa.false())
