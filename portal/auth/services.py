"""Accounts: authentication, passwords, roles, language."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.auth.models import User, UserRole
from portal.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from portal.core import audit
from portal.core.clock import utcnow
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.extensions import db
from portal.org.models import Employee
from portal.org.nip import normalize

# Technical accounts (admin, WBS team...): employees log in with their NIP instead.
USERNAME_PATTERN = r"[a-z0-9][a-z0-9._-]{2,63}"
USERNAME_RULE = _l("3-64 lower-case letters, digits, dots, dashes or underscores.")


class AuthError(PortalError):
    pass


def check_new_username(username: str) -> None:
    """AuthError (on the "username" field) unless the name is well formed and still free."""
    if not re.fullmatch(USERNAME_PATTERN, username or ""):
        raise AuthError(USERNAME_RULE, "username")
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())):
        raise AuthError(_l("This username is already taken."), "username")


def check_new_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AuthError(_l("Between %(min)d and %(max)d characters.", min=MIN_PASSWORD_LENGTH,
                           max=MAX_PASSWORD_LENGTH), "password")


def find_by_login(login: str) -> User | None:
    """A username, or an employee's NIP (spaces allowed, as NIPs are usually written)."""
    login = (login or "").strip()
    if not login or len(login) > 64:
        return None
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == login.lower()))
    if user is None:
        nip = normalize(login)
        if re.fullmatch(r"[0-9]{18}", nip):
            user = db.session.scalar(sa.select(User).join(User.employee).where(Employee.nip == nip))
    return user


def authenticate(login: str, password: str) -> User | None:
    """The user, or None. Unknown user, inactive user and wrong password look the same."""
    user = find_by_login(login)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def set_password(user: User, password: str, *, actor: User | None = None, temporary: bool = False,
                 approved_by: User | None = None) -> None:
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError("password too long")
    user.password_hash = hash_password(password)
    user.must_change_password = temporary
    # Every session issued before this moment stops working.
    user.session_version += 1
    db.session.flush()
    audit.record("auth.password_set" if actor and actor.id != user.id else "auth.password_changed",
                 user, actor=actor or user,
                 data={"temporary": temporary, **({"approved_by": approved_by.id} if approved_by else {})})


def change_password(user: User, current: str, new: str) -> bool:
    if not verify_password(user.password_hash, current):
        return False
    set_password(user, new, actor=user)
    return True


def end_sessions(user: User) -> None:
    user.session_version += 1
    db.session.flush()


def create_user(*, username: str | None = None, password: str | None = None, employee: Employee | None = None,
                roles: set[Role] | None = None, locale: str | None = None, actor: User | None = None) -> User:
    user = User(username=username, employee=employee, locale=locale)
    if password:
        user.password_hash = hash_password(password)
    db.session.add(user)
    set_roles(user, roles or {Role.ASN}, actor=None)
    db.session.flush()
    audit.record("auth.user_created", user, actor=actor,
                 data={"username": username, "roles": sorted(r.value for r in user.role_set)})
    return user


def set_roles(user: User, roles: set[Role], *, actor: User | None, approved_by: User | None = None) -> None:
    before = user.role_set
    if before == roles:
        return
    user.roles[:] = [r for r in user.roles if r.role in roles]
    for role in sorted(roles - before, key=lambda r: r.value):
        user.roles.append(UserRole(role=role))
    if user.id is not None:
        db.session.flush()
        if actor is not None:
            audit.record("auth.roles_changed", user, actor=actor,
                         data={"before": sorted(r.value for r in before), "after": sorted(r.value for r in roles),
                               **({"approved_by": approved_by.id} if approved_by else {})})


def set_active(user: User, active: bool, *, actor: User) -> None:
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    db.session.flush()
    audit.record("auth.user_activated" if active else "auth.user_deactivated", user, actor=actor)


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        db.session.flush()
