"""The roles an account can hold: the vocabulary every layer shares (guards, services, config)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class Role(LabelledEnum):
    ASN = "asn", _l("Civil servant (ASN)")
    SECRETARY = "secretary", _l("OPD secretary")
    COI_REVIEWER = "coi_reviewer", _l("Conflict-of-interest reviewer (Inspectorate)")
    WBS_HANDLER = "wbs_handler", _l("WBS handler")
    ADMIN = "admin", _l("Administrator")
