"""Who answers for personal data: the data controller and its data protection officer.

Admin settings shown on every notice. Until they are set, the notices name the government
(GOVERNMENT_NAME) as the controller and the Inspectorate as the contact: the public never reads
"not configured"; the admin's settings page says what is still empty.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.core import settings

ROLES = ("controller", "dpo")
FIELDS = ("name", "address", "email", "phone")
# The form's field names ("dpo_email") and the settings' keys ("privacy.dpo_email").
NAMES = tuple(f"{role}_{field}" for role in ROLES for field in FIELDS)
DEFAULTS = {f"privacy.{name}": "" for name in NAMES}


def key(role: str, field: str) -> str:
    return f"privacy.{role}_{field}"


@dataclass
class Contact:
    name: str
    address: str = ""
    email: str = ""
    phone: str = ""
    # True when nothing of it was set: the notice then says to ask the Inspectorate.
    fallback: bool = False

    @property
    def has_details(self) -> bool:
        return bool(self.address or self.email or self.phone)


def stored() -> dict[str, str]:
    return settings.get_many(DEFAULTS)


def _contact(values: dict, role: str, default_name: str) -> Contact:
    fields = {field: (values[key(role, field)] or "").strip() for field in FIELDS}
    if not any(fields.values()):
        return Contact(name=default_name, fallback=True)
    return Contact(name=fields["name"] or default_name, address=fields["address"], email=fields["email"],
                   phone=fields["phone"])


def for_notice() -> dict:
    """The controller and the DPO as the notices show them, with the Inspectorate to ask when
    a contact has no address, e-mail or telephone yet."""
    values = stored()
    inspectorate = settings.inspectorate_name()
    return {
        "controller": _contact(values, "controller", settings.government_name()),
        "dpo": _contact(values, "dpo", inspectorate),
        "inspectorate": inspectorate,
    }


def missing() -> set[str]:
    """The fields still empty, by form field name, for the admin's "not set yet"."""
    values = stored()
    return {name for name in NAMES if not (values[f"privacy.{name}"] or "").strip()}


def form_data() -> dict[str, str]:
    values = stored()
    return {name: values[f"privacy.{name}"] for name in NAMES}


def save(values: dict, *, actor) -> dict:
    """`values` by form field name; one audit event names what changed."""
    return settings.save({f"privacy.{name}": (values.get(name) or "").strip() for name in NAMES}, actor=actor,
                         action="privacy.contacts_changed")
