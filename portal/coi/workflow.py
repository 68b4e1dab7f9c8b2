"""Who may move a declaration from which state to which (Perwako 27/2019's paper process)."""
from __future__ import annotations

from portal.coi.models import Status

# (from, to): the actor who may make the move.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.DRAFT, Status.FILED): "declarant",         # yearly statement: "I have no conflict"
    (Status.DRAFT, Status.SUBMITTED): "declarant",
    (Status.SUBMITTED, Status.DECIDED): "decider",
    (Status.SUBMITTED, Status.RETURNED): "decider_or_inspectorate",
    (Status.RETURNED, Status.SUBMITTED): "declarant",
    (Status.DECIDED, Status.ACKNOWLEDGED): "declarant",
}

EDITABLE = {Status.DRAFT, Status.RETURNED}
OPEN = {Status.SUBMITTED, Status.RETURNED}


def allowed(current: Status, target: Status) -> str | None:
    """The kind of actor allowed to make the move, or None when the move does not exist."""
    return TRANSITIONS.get((current, target))
