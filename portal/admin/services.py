"""Administration: technical accounts, temporary passwords, system status."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.admin import approvals
from portal.admin.models import ApprovalKind
from portal.auth import services as auth_services
from portal.auth.models import User
from portal.core import audit, clamav, codes, signing
from portal.core.errors import PortalError
from portal.core.roles import PRIVILEGED, Role
from portal.extensions import db


class AdminError(PortalError):
    pass


def temporary_password() -> str:
    # Read out over the phone: 16 readable characters from 31, about 79 bits.
    return codes.grouped(codes.random_code(16, codes.READABLE))


def issue_temporary_password(user: User, *, actor: User) -> str:
    """For an account without a privileged role; a privileged one goes through approvals.ask()."""
    if user.id == actor.id:
        raise AdminError(_l("You cannot issue a temporary password for your own account; change it on your profile."))
    if approvals.needs_second_person(user, ApprovalKind.PASSWORD_RESET):
        raise AdminError(_l("This account holds a privileged role: a second administrator must approve."))
    password = temporary_password()
    auth_services.set_password(user, password, actor=actor, temporary=True)
    return password


def update_account(user: User, *, roles: set[Role], active: bool, actor: User, reason: str = "") -> list[Role]:
    """Save roles and status; privileged roles being added wait for a second administrator
    (returned, with their approval request filed)."""
    if user.id == actor.id and (Role.ADMIN not in roles or not active):
        raise AdminError(_l("You cannot remove your own administrator role or deactivate yourself."), "roles")
    if user.id == actor.id and roles - user.role_set:
        # No self-elevation: an admin who wants to read WBS cases (or review declarations) needs
        # a second administrator to grant it, and that grant is audited under their name.
        raise AdminError(_l("You cannot give your own account a new role; another administrator must do it."),
                         "roles")
    waiting = (roles - user.role_set) & PRIVILEGED
    if waiting:
        approvals.ask(ApprovalKind.ROLE_GRANT, user, actor=actor, reason=reason, roles=waiting)
    auth_services.set_roles(user, roles - waiting, actor=actor)
    auth_services.set_active(user, active, actor=actor)
    return sorted(waiting, key=lambda r: r.value)


def create_technical_account(*, username: str, roles: set[Role], actor: User, reason: str = "") -> tuple[User, str]:
    """A new account and its first temporary password; privileged roles are asked for, not given
    (the administrator knows this password, so they must not also be able to give it power)."""
    auth_services.check_new_username(username)
    waiting = roles & PRIVILEGED
    if waiting and len(reason.strip()) < 10:
        raise AdminError(_l("Say why this account needs the role, in at least 10 characters: a second administrator "
                            "decides on it."), "reason")
    user = auth_services.create_user(username=username, roles=(roles - waiting) or {Role.ASN}, actor=actor)
    password = issue_temporary_password(user, actor=actor)
    if waiting:
        approvals.ask(ApprovalKind.ROLE_GRANT, user, actor=actor, reason=reason, roles=waiting)
    return user, password


def end_all_sessions(user: User, *, actor: User) -> None:
    auth_services.end_sessions(user)
    audit.record("auth.sessions_ended", user, actor=actor)


def accounts_query(q: str = ""):
    from portal.org.models import Employee

    stmt = sa.select(User).outerjoin(User.employee)
    q = (q or "").strip()[:64]
    if q:
        stmt = stmt.where(sa.or_(User.username.icontains(q, autoescape=True),
                                 Employee.name.icontains(q, autoescape=True),
                                 Employee.nip.startswith(q, autoescape=True)))
    # Accounts with special roles first: those are the ones an admin looks after.
    return stmt.order_by(User.employee_id.is_not(None), User.username, User.id)


def audit_query(action: str = ""):
    stmt = sa.select(audit.AuditEvent).order_by(audit.AuditEvent.seq.desc())
    if action:
        stmt = stmt.where(audit.AuditEvent.action.startswith(action[:64], autoescape=True))
    return stmt


def system_status(app, *, verify_audit: bool) -> dict:
    """Counts and settings; walking the whole audit chain only when asked (it grows with the log)."""
    from portal.org.models import Employee, Opd
    from portal.privacy import corrections

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    ok, broken = audit.verify_chain() if verify_audit else (None, None)
    return {
        "database": "PostgreSQL" if uri.startswith("postgresql") else "SQLite",
        "ratelimit_storage": app.config["RATELIMIT_STORAGE_URI"].split(":", 1)[0],
        "environment": app.config["PORTAL_ENV"],
        "opds": db.session.scalar(sa.select(sa.func.count()).select_from(Opd)),
        "employees": db.session.scalar(sa.select(sa.func.count()).select_from(Employee)),
        "accounts": db.session.scalar(sa.select(sa.func.count()).select_from(User)),
        "audit_events": db.session.scalar(sa.select(sa.func.count()).select_from(audit.AuditEvent)),
        "audit_ok": ok,
        "audit_broken_at": broken,
        "scanning": clamav.status(app.config),
        "open_corrections": corrections.open_count(),
        "signing": signing.status(app.config),
    }


def add_holiday(day, name: str, *, actor: User):
    from portal.core.workdays import ExtraHoliday

    if db.session.scalar(sa.select(ExtraHoliday).where(ExtraHoliday.day == day)):
        raise AdminError(_l("This date is already in the list."), "day")
    holiday = ExtraHoliday(day=day, name=name.strip())
    db.session.add(holiday)
    db.session.flush()
    audit.record("admin.holiday_added", holiday, actor=actor, data={"day": day.isoformat(), "name": holiday.name})
    return holiday


def remove_holiday(holiday, *, actor: User) -> None:
    audit.record("admin.holiday_removed", holiday, actor=actor,
                 data={"day": holiday.day.isoformat(), "name": holiday.name})
    db.session.delete(holiday)
    db.session.flush()
