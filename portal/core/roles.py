"""The roles an account can hold: the vocabulary every layer shares (guards, services, config)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class Role(LabelledEnum):
    ASN = "asn", _l("Civil servant (ASN)")
    SECRETARY = "secretary", _l("OPD secretary")
    COI_REVIEWER = "coi_reviewer", _l("Conflict-of-interest reviewer (Inspectorate)")
    WBS_HANDLER = "wbs_handler", _l("WBS handler")
    UPG = "upg", _l("Gratification control unit (UPG)")
    ADMIN = "admin", _l("Administrator")


# Roles that open what no single administrator may open alone: WBS cases, the Inspectorate's
# oversight, gratification reports (the UPG reads every one), the administration itself.
# Granting one, or resetting the password or two-step verification of an account that holds
# one, needs a second administrator (admin/approvals.py).
PRIVILEGED = frozenset({Role.ADMIN, Role.WBS_HANDLER, Role.COI_REVIEWER, Role.UPG})
