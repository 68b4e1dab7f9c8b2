"""Who may move a gratification report from which state to which. This slice moves drafts to
"sent"; the UPG's steps (register, ask for information, forward to the KPK, record the KPK's
decision, close after the handover) are listed so the next one follows this table."""
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
    (Status.DECIDED, Status.CLOSED): "upg",
}

EDITABLE = {Status.DRAFT, Status.MORE_INFORMATION}


def allowed(current: Status, target: Status) -> str | None:
    """The kind of actor allowed to make the move, or None when the move does not exist."""
    return TRANSITIONS.get((current, target))
