"""Four eyes: no single administrator can take over a privileged account.

Granting a privileged role (core/roles.PRIVILEGED), or resetting the password or the two-step
verification of an account that holds one, is asked for by one administrator and done only when
a second one approves; neither may be the account's owner. A password reset approved this way
is issued to the administrator who asked (who is on the phone with the owner), once. The owner
is told when it is asked for and when it is done, in the portal and by e-mail when they have an
address, and the audit log names both administrators.
"""
from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.admin.models import Approval, ApprovalKind, ApprovalState
from portal.auth import mfa
from portal.auth import services as auth_services
from portal.auth.models import User
from portal.core import audit, codes, mail, notices
from portal.core.clock import utcnow
from portal.core.errors import PortalError
from portal.core.notices import N_
from portal.core.roles import PRIVILEGED, Role
from portal.extensions import db

# What the owner of the account reads: asked for, then done.
TOLD = {
    (ApprovalKind.PASSWORD_RESET, "asked"): notices.define(
        "account.password_reset_asked", N_("A new password for your account was asked for"),
        N_("Administrator %(admin)s asked for a temporary password for your account. It is issued only if a second "
           "administrator approves. If you did not ask for it, tell the Inspectorate at once.")),
    (ApprovalKind.PASSWORD_RESET, "done"): notices.define(
        "account.password_reset_done", N_("Your password was reset"),
        N_("Administrator %(admin)s issued a temporary password for your account, approved by %(approver)s. Your "
           "sessions have ended. If you did not ask for it, tell the Inspectorate at once.")),
    (ApprovalKind.MFA_RESET, "asked"): notices.define(
        "account.mfa_reset_asked", N_("A reset of your two-step verification was asked for"),
        N_("Administrator %(admin)s asked to reset the two-step verification of your account. It happens only if a "
           "second administrator approves. If you did not ask for it, tell the Inspectorate at once.")),
    (ApprovalKind.MFA_RESET, "done"): notices.define(
        "account.mfa_reset_done", N_("Your two-step verification was reset"),
        N_("Administrator %(admin)s reset the two-step verification of your account, approved by %(approver)s. Set "
           "it up again. If you did not ask for it, tell the Inspectorate at once.")),
    (ApprovalKind.ROLE_GRANT, "asked"): notices.define(
        "account.role_grant_asked", N_("A new role for your account was asked for"),
        N_("Administrator %(admin)s asked to give your account the role: %(roles)s. It is given only if a second "
           "administrator approves.")),
    (ApprovalKind.ROLE_GRANT, "done"): notices.define(
        "account.role_grant_done", N_("Your account has a new role"),
        N_("Your account now has the role: %(roles)s, given by %(admin)s and approved by %(approver)s.")),
}


class ApprovalError(PortalError):
    pass


def needs_second_person(target: User, kind: ApprovalKind, roles: Collection[Role] = frozenset()) -> bool:
    if kind == ApprovalKind.ROLE_GRANT:
        return bool(set(roles) & PRIVILEGED)
    return bool(target.role_set & PRIVILEGED)


def ask(kind: ApprovalKind, target: User, *, actor: User, reason: str,
        roles: Collection[Role] = frozenset()) -> Approval:
    """Record the request (or return the one already waiting) and tell the owner."""
    if target.id == actor.id:
        raise ApprovalError(_l("An administrator cannot do this to their own account; another administrator can."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ApprovalError(_l("Say why, in at least 10 characters: the second administrator decides on it."),
                            "reason")
    waiting = db.session.scalar(sa.select(Approval).where(
        Approval.kind == kind, Approval.target_id == target.id, Approval.state == ApprovalState.PENDING,
        Approval.requested_at > utcnow() - Approval.VALID_FOR))
    if waiting is not None:
        return waiting
    approval = Approval(kind=kind, target_id=target.id, requested_by_id=actor.id, reason=reason,
                        roles=sorted(r.value for r in roles))
    db.session.add(approval)
    db.session.flush()
    audit.record("admin.approval_asked", approval, actor=actor,
                 data={"kind": kind.value, "target": target.id, "roles": approval.roles})
    _tell(approval, "asked")
    return approval


def decide(approval: Approval, *, approve: bool, actor: User, note: str = "") -> None:
    """The second administrator's decision; an approved MFA reset or role grant happens now."""
    if approval.effective_state != ApprovalState.PENDING:
        raise ApprovalError(_l("This request has already been decided, withdrawn or has expired."))
    if actor.id in (approval.requested_by_id, approval.target_id):
        raise ApprovalError(_l("A second administrator must decide: not the one who asked, nor the account's owner."))
    approval.decided_by_id, approval.decided_at, approval.decision_note = actor.id, utcnow(), note.strip()
    approval.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    db.session.flush()
    audit.record("admin.approval_decided", approval, actor=actor,
                 data={"kind": approval.kind.value, "target": approval.target_id, "approved": approve,
                       "requested_by": approval.requested_by_id})
    if not approve:
        return
    target, asked_by = approval.target, approval.requested_by
    if approval.kind == ApprovalKind.ROLE_GRANT and (target.must_change_password or not target.password_hash):
        # The administrator who made the account knows its first password: power goes only to an
        # account whose owner has since chosen their own.
        raise ApprovalError(_l("The account's owner must first log in and choose their own password; approve "
                               "after that."))
    if approval.kind == ApprovalKind.MFA_RESET:
        mfa.reset(target, actor=asked_by, approved_by=actor)
        _done(approval)
    elif approval.kind == ApprovalKind.ROLE_GRANT:
        auth_services.set_roles(target, target.role_set | {Role(r) for r in approval.roles}, actor=asked_by,
                                approved_by=actor)
        if Role.WBS_HANDLER.value in approval.roles:
            from portal.wbs.services import refresh_exclusions_for

            refresh_exclusions_for(target)
        _done(approval)


def issue_password(approval: Approval, *, actor: User) -> str:
    """The approved temporary password, to the administrator who asked for it, once."""
    if approval.kind != ApprovalKind.PASSWORD_RESET or approval.effective_state != ApprovalState.APPROVED:
        raise ApprovalError(_l("There is no approved temporary password waiting for this request."))
    if actor.id != approval.requested_by_id:
        raise ApprovalError(_l("Only the administrator who asked for it can issue it."))
    password = codes.grouped(codes.random_code(16, codes.READABLE))
    auth_services.set_password(approval.target, password, actor=actor, temporary=True,
                               approved_by=approval.decided_by)
    _done(approval)
    return password


def withdraw(approval: Approval, *, actor: User) -> None:
    if approval.requested_by_id != actor.id or approval.effective_state not in (ApprovalState.PENDING,
                                                                                 ApprovalState.APPROVED):
        raise ApprovalError(_l("Only a request of yours that is still open can be withdrawn."))
    approval.state = ApprovalState.WITHDRAWN
    db.session.flush()
    audit.record("admin.approval_withdrawn", approval, actor=actor, data={"kind": approval.kind.value})


def waiting_for(actor: User) -> list[Approval]:
    """Requests this administrator may decide: asked by someone else, about someone else."""
    return list(db.session.scalars(sa.select(Approval).where(
        Approval.state == ApprovalState.PENDING, Approval.requested_at > utcnow() - Approval.VALID_FOR,
        Approval.requested_by_id != actor.id, Approval.target_id != actor.id).order_by(Approval.requested_at)))


def listing(limit: int = 100) -> list[Approval]:
    return list(db.session.scalars(sa.select(Approval).order_by(Approval.id.desc()).limit(limit)))


def open_for(target: User) -> list[Approval]:
    return [a for a in db.session.scalars(sa.select(Approval).where(
        Approval.target_id == target.id, Approval.state.in_((ApprovalState.PENDING, ApprovalState.APPROVED))))
        if a.effective_state != ApprovalState.EXPIRED]


def _done(approval: Approval) -> None:
    approval.state, approval.done_at = ApprovalState.DONE, utcnow()
    db.session.flush()
    _tell(approval, "done")


def _tell(approval: Approval, moment: str) -> None:
    target = approval.target
    with force_locale(target.locale or "id"):  # role names in the owner's language, kept as written
        roles = ", ".join(str(Role(r).label) for r in approval.roles)
    params = {"admin": approval.requested_by.display_name, "roles": roles,
              "approver": approval.decided_by.display_name if approval.decided_by else ""}
    notice = notices.send(target.id, TOLD[(approval.kind, moment)], **params)
    address = target.employee.email if target.employee is not None else None
    if address:
        with force_locale(target.locale or "id"):
            subject, body = notices.text(notice)
        mail.send(address, subject, body)
