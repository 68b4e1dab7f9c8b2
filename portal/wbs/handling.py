"""The handlers' side: the queue, assignment, status changes, messages, notes, identity.

A handler never sees a case their own OPD or person is named in; ADMIN manages the team
and the settings but cannot open a case; every opening of a case is in the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core import audit
from portal.core.clock import utcnow
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.wbs import deadlines, workflow
from portal.wbs.models import Exclusion, IdentityRequest, Message, Mode, Note, Report, ReportEvent
from portal.wbs.sealing import Seal
from portal.wbs.services import WbsError, exclusion_reason
from portal.wbs.workflow import Referral, Status
from portal.web.permissions import has_role, own_opd_id


def can_handle(user, report: Report) -> bool:
    if not has_role(user, Role.WBS_HANDLER):
        return False
    if any(x.user_id == user.id for x in report.exclusions):
        return False
    if report.wrapped_key is None:
        # Shredded: only the statistics are left, but the OPD rule still holds live.
        return report.reported_opd_id is None or own_opd_id(user) != report.reported_opd_id
    # Checked live as well: the handler may have moved OPD, or joined the team, after filing.
    return exclusion_reason(user, report, Seal(report).open_data("content", report.content)) is None


def queue_query(user, *, status: str = "", category_id: int = 0, opd_id: int = 0, mine: bool = False,
                open_only: bool = True, q: str = ""):
    excluded = sa.select(Exclusion.report_id).where(Exclusion.user_id == user.id)
    # Shredded cases stay listed (closed, marked as such): their statistics are still the team's.
    stmt = sa.select(Report).where(Report.id.not_in(excluded))
    opd = own_opd_id(user)
    if opd is not None:
        stmt = stmt.where(sa.or_(Report.reported_opd_id.is_(None), Report.reported_opd_id != opd))
    if status in {s.value for s in Status}:
        stmt = stmt.where(Report.status == Status(status))
    elif open_only:
        stmt = stmt.where(Report.status.not_in(workflow.CLOSED))
    if category_id:
        stmt = stmt.where(Report.category_id == category_id)
    if opd_id:
        stmt = stmt.where(Report.reported_opd_id == opd_id)
    if mine:
        stmt = stmt.where(Report.assigned_to_id == user.id)
    if q:
        stmt = stmt.where(Report.public_id.icontains(q.strip()[:16], autoescape=True))
    return stmt.order_by(Report.filed_on.desc(), Report.id.desc())


@dataclass
class CaseView:
    report: Report
    content: dict
    identity: dict | None
    identity_sealed: bool
    events: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    deadline_state: str | None = None
    due: object = None


def _identity_open_for(user, report: Report) -> bool:
    if report.mode == Mode.OPEN:
        return True
    if report.mode == Mode.ANONYMOUS:
        return False
    return db.session.scalar(sa.select(sa.func.count()).select_from(IdentityRequest).where(
        IdentityRequest.report_id == report.id, IdentityRequest.requested_by_id == user.id,
        IdentityRequest.state == "approved")) > 0


def open_case(report: Report, user) -> CaseView:
    """Decrypt a case for a handler; the audit log records who opened which case, when."""
    seal = Seal(report)
    identity_open = _identity_open_for(user, report)
    view = CaseView(
        report=report,
        content=seal.open_data("content", report.content),
        identity=seal.open_data("identity", report.identity) if identity_open and report.identity else None,
        identity_sealed=report.mode == Mode.CONFIDENTIAL and not identity_open,
        events=[(e, seal.open_text("event-reason", e.reason)) for e in report.events],
        messages=[(m, seal.open_text("message", m.body)) for m in report.messages],
        notes=[(n, seal.open_text("note", n.body)) for n in report.notes],
        evidence=[(e, seal.open_text("evidence-name", e.name)) for e in report.evidence],
        deadline_state=deadlines.state(report),
        due=deadlines.current_due(report),
    )
    for message in report.messages:
        if message.from_reporter and not message.read_by_handler:
            message.read_by_handler = True
    audit.record("wbs.case_viewed", object_type="wbs_report", object_id=report.public_id, actor=user,
                 data={"identity_shown": view.identity is not None and report.mode == Mode.CONFIDENTIAL})
    return view


def assign(report: Report, assignee, *, actor) -> None:
    if assignee is not None and not can_handle(assignee, report):
        raise WbsError(_l("This handler cannot take this case (not in the WBS team, or excluded from it)."),
                       "assignee")
    report.assigned_to = assignee
    report.events.append(ReportEvent(happened_on=today(), kind="assigned", public=False, actor_id=actor.id))
    db.session.flush()
    audit.record("wbs.case_assigned", object_type="wbs_report", object_id=report.public_id, actor=actor,
                 data={"assignee": assignee.id if assignee else None})


def change_status(report: Report, target: Status, *, reason: str, actor, referral: Referral | None = None) -> None:
    if not workflow.allowed(report.status, target):
        raise WbsError(_l("A case in this state cannot move to that state."), "status")
    if not reason.strip():
        raise WbsError(_l("Give the reason; the reporter will read it."), "reason")
    if target == Status.NOT_COMPETENT and referral is None:
        raise WbsError(_l("Say where the case is referred."), "referral")
    on = today()
    seal = Seal(report)
    before = report.status
    if before == Status.RECEIVED:
        report.acknowledged_on = on
    if before == Status.VERIFICATION:
        report.verified_on = on
    report.status = target
    report.referral = referral if target == Status.NOT_COMPETENT else report.referral
    if target.closed:
        report.closed_on = on
        deadlines.resume(report, on)
    report.events.append(ReportEvent(happened_on=on, kind="status", from_status=before, to_status=target,
                                     public=True, reason=seal.text("event-reason", reason.strip()),
                                     actor_id=actor.id))
    report.last_activity_on = on
    db.session.flush()
    audit.record("wbs.status_changed", object_type="wbs_report", object_id=report.public_id, actor=actor,
                 data={"from": before.value, "to": target.value,
                       "referral": referral.value if referral else None})


def send_message(report: Report, text: str, *, actor, wait_for_reply: bool) -> None:
    if report.status.closed:
        raise WbsError(_l("This case is closed; it no longer takes messages."), "body")
    on = today()
    report.messages.append(Message(from_reporter=False, author_id=actor.id, sent_on=on,
                                   body=Seal(report).text("message", text.strip()), read_by_handler=True))
    if wait_for_reply and report.waiting_since is None:
        deadlines.pause(report, on)
        report.events.append(ReportEvent(happened_on=on, kind="waiting", public=False, actor_id=actor.id))
    report.last_activity_on = on
    db.session.flush()
    audit.record("wbs.message_sent", object_type="wbs_report", object_id=report.public_id, actor=actor,
                 data={"wait_for_reply": wait_for_reply})


def add_note(report: Report, text: str, *, actor) -> None:
    report.notes.append(Note(author_id=actor.id, body=Seal(report).text("note", text.strip())))
    db.session.flush()
    audit.record("wbs.note_added", object_type="wbs_report", object_id=report.public_id, actor=actor)


def request_identity(report: Report, reason: str, *, actor) -> IdentityRequest:
    if report.mode != Mode.CONFIDENTIAL:
        raise WbsError(_l("Only a confidential report has a sealed identity."), "reason")
    pending = db.session.scalar(sa.select(IdentityRequest).where(
        IdentityRequest.report_id == report.id, IdentityRequest.requested_by_id == actor.id,
        IdentityRequest.state.in_(("pending", "approved"))))
    if pending is not None:
        raise WbsError(_l("You already have a request for this case."), "reason")
    request = IdentityRequest(report=report, requested_by_id=actor.id, reason=reason.strip())
    db.session.add(request)
    db.session.flush()
    audit.record("wbs.identity_requested", object_type="wbs_report", object_id=report.public_id, actor=actor,
                 data={"request": request.id, "reason": request.reason})
    return request


def decide_identity_request(request: IdentityRequest, *, approve: bool, note: str, actor) -> None:
    if request.state != "pending":
        raise WbsError(_l("This request has already been decided."), "note")
    if request.report.shredded_on is not None:
        raise WbsError(_l("The content of this case has been destroyed: there is no identity left to open."), "note")
    if request.requested_by_id == actor.id:
        raise WbsError(_l("A request cannot be decided by the person who made it."), "note")
    request.state = "approved" if approve else "refused"
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_note = note.strip()
    db.session.flush()
    audit.record("wbs.identity_request_decided", object_type="wbs_report", object_id=request.report.public_id,
                 actor=actor, data={"request": request.id, "approved": approve, "note": request.decision_note})


def pending_identity_requests() -> list[IdentityRequest]:
    """Requests waiting for an admin; those of shredded cases have nothing left to open."""
    return list(db.session.scalars(
        sa.select(IdentityRequest).join(Report, Report.id == IdentityRequest.report_id)
        .where(IdentityRequest.state == "pending", Report.shredded_on.is_(None))
        .order_by(IdentityRequest.requested_at)))


def handlers() -> list:
    from portal.auth.models import User, UserRole

    return list(db.session.scalars(sa.select(User).join(UserRole).where(UserRole.role == Role.WBS_HANDLER)))
