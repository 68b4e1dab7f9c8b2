"""Administration: technical accounts, temporary passwords, system status."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.auth import services as auth_services
from portal.auth.models import User
from portal.core import audit, clamav, codes
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.extensions import db


class AdminError(PortalError):
    pass


def temporary_password() -> str:
    # Read out over the phone: 16 readable characters from 31, about 79 bits.
    return codes.grouped(codes.random_code(16, codes.READABLE))


def issue_temporary_password(user: User, *, actor: User) -> str:
    password = temporary_password()
    auth_services.set_password(user, password, actor=actor, temporary=True)
    return password


def update_account(user: User, *, roles: set[Role], active: bool, actor: User) -> None:
    if user.id == actor.id and (Role.ADMIN not in roles or not active):
        raise AdminError(_l("You cannot remove your own administrator role or deactivate yourself."), "roles")
    if user.id == actor.id and roles - user.role_set:
        # No self-elevation: an admin who wants to read WBS cases (or review declarations) needs
        # a second administrator to grant it, and that grant is audited under their name.
        raise AdminError(_l("You cannot give your own account a new role; another administrator must do it."),
                         "roles")
    joins_wbs = Role.WBS_HANDLER in roles and Role.WBS_HANDLER not in user.role_set
    auth_services.set_roles(user, roles, actor=actor)
    auth_services.set_active(user, active, actor=actor)
    if joins_wbs:
        from portal.wbs.services import refresh_exclusions_for

        refresh_exclusions_for(user)


def create_technical_account(*, username: str, roles: set[Role], actor: User) -> tuple[User, str]:
    auth_services.check_new_username(username)
    user = auth_services.create_user(username=username, roles=roles, actor=actor)
    return user, issue_temporary_password(user, actor=actor)


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
