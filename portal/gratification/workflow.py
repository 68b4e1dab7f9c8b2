"""Who may move a gratification report from which state to which: the reporter sends a draft and
answers the UPG's questions; the UPG registers, asks for more, forwards to the KPK (or settles at
the UPG where the setting allows: registered to closed), records the KPK's decision and closes
the report after the handover (upg.py)."""
from __future__ import annotations

from portal.gratification.models import Status

# (from, to): the actor who may make the move.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.DRAFT, Status.SENT): "reporter",
    (Status.SENT, Status.REGISTERED): "upg",
    (Status.REGISTERED, Status.MORE_INFORMATION): "upg",
    (Status.MORE_INFORMATION, Status.REGISTERED): "reporter",
    (Status.REGISTERED, Status.FORWARDED): "upg",
    (Status.FORWARDED, Status.DECIDED): "upg",
    (Status.REGISTERED, Status.CLOSED): "upg",  # settled at the UPG (upg.settle checks the setting)
    (Status.DECIDED, Status.CLOSED): "upg",
}

EDITABLE = {Status.DRAFT, Status.MORE_INFORMATION}


def allowed(current: Status, target: Status) -> str | None:
    """The kind of actor allowed to make the move, or None when the move does not exist."""
    return TRANSITIONS.get((current, target))
