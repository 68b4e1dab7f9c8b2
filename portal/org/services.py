"""OPDs and employees: the rules for creating and changing them."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.auth.models import User
from portal.auth.services import create_user
from portal.core import audit
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.extensions import db
from portal.org import nip as nip_rules
from portal.org.models import Employee, EmploymentType, Opd, OpdKind
from portal.web.permissions import scope_to_opd


class OrgError(PortalError):
    pass


# --- OPDs ---------------------------------------------------------------------------------

def get_opd_by_code(code: str) -> Opd | None:
    return db.session.scalar(sa.select(Opd).where(sa.func.lower(Opd.code) == code.strip().lower()))


def list_opds(*, active_only: bool = False) -> list[Opd]:
    stmt = sa.select(Opd).order_by(Opd.name)
    if active_only:
        stmt = stmt.where(Opd.active.is_(True))
    return list(db.session.scalars(stmt))


def opd_headcounts() -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Employee.opd_id, sa.func.count()).where(Employee.active.is_(True)).group_by(Employee.opd_id)
    )
    return dict(rows.all())


def save_opd(opd: Opd | None, *, code: str, name: str, short_name: str, kind: OpdKind, active: bool,
             actor: User) -> Opd:
    code = code.strip()
    clash = get_opd_by_code(code)
    if clash is not None and clash is not opd:
        raise OrgError(_l("Another OPD already uses this code."), "code")
    created = opd is None
    if created:
        opd = Opd()
        db.session.add(opd)
    before = {"code": opd.code, "name": opd.name, "short_name": opd.short_name,
              "kind": opd.kind.value if opd.kind else None, "active": opd.active}
    opd.code, opd.name, opd.short_name, opd.kind, opd.active = code, name.strip(), short_name.strip(), kind, active
    db.session.flush()
    after = {"code": opd.code, "name": opd.name, "short_name": opd.short_name, "kind": opd.kind.value,
             "active": opd.active}
    if created or before != after:
        audit.record("org.opd_created" if created else "org.opd_updated", opd, actor=actor,
                     data={"after": after} if created else {"before": before, "after": after})
    return opd


# --- employees ----------------------------------------------------------------------------

def get_employee_by_nip(value: str) -> Employee | None:
    return db.session.scalar(sa.select(Employee).where(Employee.nip == nip_rules.normalize(value)))


def _check_superior(employee: Employee | None, superior: Employee | None) -> None:
    if superior is None:
        return
    if employee is not None and employee.id is not None:
        seen = set()
        node = superior
        while node is not None:
            if node.id == employee.id:
                raise OrgError(_l("An employee cannot be their own superior, directly or through others."),
                               "superior_nip")
            if node.id in seen:
                break
            seen.add(node.id)
            node = node.superior


def _employee_snapshot(e: Employee) -> dict:
    return {"nip": e.nip, "name": e.name, "email": e.email, "position": e.position, "rank": e.rank or "",
            "opd": e.opd.code if e.opd else None, "superior": e.superior.nip if e.superior else None,
            "is_opd_head": e.is_opd_head, "active": e.active}


def save_employee(employee: Employee | None, *, nip: str, name: str, position: str, opd: Opd,
                  email: str | None = None, superior: Employee | None = None, is_opd_head: bool = False,
                  active: bool = True, rank: str | None = None, actor: User | None) -> Employee:
    """Create or change an employee; `rank` None keeps the one they have."""
    try:
        parsed = nip_rules.parse(nip)
    except nip_rules.NipError as exc:
        raise OrgError(exc.message, "nip") from None
    clash = get_employee_by_nip(parsed.value)
    if clash is not None and clash is not employee:
        raise OrgError(_l("Another employee already has this NIP."), "nip")
    _check_superior(employee, superior)
    created = employee is None
    if employee is None:
        employee = Employee()
        db.session.add(employee)
    before = None if created else _employee_snapshot(employee)
    employee.nip = parsed.value
    employee.birth_date = parsed.birth_date
    employee.gender = parsed.gender
    employee.employment_type = EmploymentType.PPPK if parsed.is_pppk else EmploymentType.PNS
    employee.name = name.strip()
    employee.position = position.strip()
    if rank is not None or created:
        employee.rank = (rank or "").strip()
    employee.email = (email or "").strip() or None
    employee.opd = opd
    employee.superior = superior
    employee.is_opd_head = is_opd_head
    employee.active = active
    db.session.flush()
    if created:
        create_user(employee=employee, roles={Role.ASN}, actor=actor)
    after = _employee_snapshot(employee)
    if created or before != after:
        audit.record("org.employee_created" if created else "org.employee_updated", employee, actor=actor,
                     data={"after": after} if created else {"before": before, "after": after})
    if employee.user is not None and employee.user.active != active:
        employee.user.active = active
        employee.user.session_version += 1
    return employee


SORTS = {
    "name": Employee.name,
    "nip": Employee.nip,
    "position": Employee.position,
}


def employees_query(user, *, q: str = "", opd_id: int | None = None, sort: str = "name"):
    """Employees the user may see, filtered; OPD scoping is applied from the user, not input."""
    stmt = sa.select(Employee).join(Employee.opd)
    stmt = scope_to_opd(stmt, user, Employee.opd_id)
    if opd_id:
        stmt = stmt.where(Employee.opd_id == opd_id)
    q = (q or "").strip()[:100]
    if q:
        digits = nip_rules.normalize(q)
        cond = sa.or_(Employee.name.icontains(q, autoescape=True), Employee.position.icontains(q, autoescape=True))
        if re.fullmatch(r"[0-9]{1,18}", digits):
            cond = sa.or_(cond, Employee.nip.like(f"{digits}%"))
        stmt = stmt.where(cond)
    return stmt.order_by(SORTS.get(sort, Employee.name), Employee.id)


def superior_candidates(opd: Opd | None = None) -> list[Employee]:
    stmt = sa.select(Employee).where(Employee.active.is_(True)).order_by(Employee.name)
    if opd is not None:
        stmt = stmt.where(Employee.opd_id == opd.id)
    return list(db.session.scalars(stmt))
