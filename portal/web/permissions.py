"""Roles, guards and object-level predicates: deny by default.

Every blueprint that is not public installs `guard(...)` as its before_request; object
rules are `can_*` predicates the views call right after loading an object; OPD scoping
is a query filter built from the user's own OPD, never from request input.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from portal.core.roles import Role


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.role_set & set(roles))


def _check(roles: tuple[Role, ...]) -> None:
    if not current_user.is_authenticated:
        from portal.extensions import login_manager

        # Flask-Login's unauthorized() redirects to the login page with ?next=.
        abort(login_manager.unauthorized())
    if roles and not has_role(current_user, *roles):
        abort(403)


def guard(*roles: Role):
    """A blueprint before_request: logged in, and (if given) one of the roles."""

    def _guard():
        _check(roles)

    return _guard


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            _check(roles)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- OPD scoping -------------------------------------------------------------------------

def own_opd_id(user) -> int | None:
    employee = getattr(user, "employee", None)
    return employee.opd_id if employee else None


def sees_all_opds(user) -> bool:
    return has_role(user, Role.ADMIN, Role.COI_REVIEWER)


def scope_to_opd(stmt, user, column):
    """Limit a query to the user's own OPD unless the user sees the whole city."""
    if sees_all_opds(user):
        return stmt
    opd_id = own_opd_id(user)
    if opd_id is None:
        return stmt.where(False)
    return stmt.where(column == opd_id)


# --- object predicates ------------------------------------------------------------------

def can_view_employee(user, employee) -> bool:
    if sees_all_opds(user):
        return True
    if has_role(user, Role.SECRETARY) and own_opd_id(user) == employee.opd_id:
        return True
    return getattr(user, "employee_id", None) == employee.id


def can_manage_org(user) -> bool:
    return has_role(user, Role.ADMIN)
