"""Who sees and works on a Zona Integritas unit: the unit's own OPD (its secretary fills the
self-assessment), the Inspectorate as internal assessor (every unit), administrators (read)."""
from __future__ import annotations

from portal.core.roles import Role
from portal.web.permissions import has_role, own_opd_id


def is_assessor(user) -> bool:
    return has_role(user, Role.COI_REVIEWER)


def sees_all(user) -> bool:
    return has_role(user, Role.COI_REVIEWER, Role.ADMIN)


def can_see(user, unit) -> bool:
    return sees_all(user) or (has_role(user, Role.SECRETARY) and own_opd_id(user) == unit.opd_id)


def can_self_assess(user, unit) -> bool:
    return has_role(user, Role.SECRETARY) and own_opd_id(user) == unit.opd_id
