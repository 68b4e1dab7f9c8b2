"""A declaration's history, in the order things happened: filed or submitted, returned with the
reason, submitted again, taken over, commented on, decided, acknowledged, and the changes of
circumstances reported on it.

When and who come from the audit log, which records every one of these steps in the transaction
that makes it (services.py); what was written (a reason, a comment) from the declaration's
comments, sealed under its key. Each returned, taken-over or commented step is one audit event
and one comment, made together, so the n-th event of a kind carries the n-th comment of that
kind; the audit log's sequence gives the order across declarations too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.coi.models import Declaration, ListItem, ListKind, Route, Status
from portal.core.audit import AuditEvent
from portal.extensions import db

SUBMITTED, DECIDED, ACKNOWLEDGED = "coi.declaration_submitted", "coi.declaration_decided", "coi.decision_acknowledged"
# Audit action -> the kind of comment written with it.
WITH_COMMENT = {"coi.declaration_returned": "returned", "coi.declaration_taken_over": "taken_over",
                "coi.comment_added": "comment"}
ACTIONS = (SUBMITTED, DECIDED, ACKNOWLEDGED, *WITH_COMMENT)


@dataclass(frozen=True)
class Step:
    at: datetime
    # filed | submitted | resubmitted | returned | taken_over | comment | decided | acknowledged | amended
    kind: str
    actor: str
    text: str = ""                     # the reason or the comment
    route: Route | None = None         # submitted: who was asked to decide
    decision: ListItem | None = None   # decided
    change: Declaration | None = None  # amended: the change of circumstances


def steps(d: Declaration, changes: list[Declaration]) -> list[Step]:
    """`d`'s history, with `changes` (the changes of `d` the reader may see) where they were filed."""
    changes = [c for c in changes if c.status != Status.DRAFT]
    by_id = {str(d.id): d} | {str(c.id): c for c in changes}
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == Declaration.__tablename__,
                                    AuditEvent.object_id.in_(list(by_id)), AuditEvent.action.in_(ACTIONS),
                                    # A row id SQLite gave again after a deletion: not the old one's events.
                                    AuditEvent.created_at >= d.created_at.replace(microsecond=0))
        .order_by(AuditEvent.seq))
    comments = {kind: [c for c in d.comments if c.kind == kind] for kind in WITH_COMMENT.values()}
    found: list[Step] = []
    submitted: set[str] = set()
    for event in events:
        actor = event.actor.display_name if event.actor else ""
        object_id = event.object_id or ""
        if object_id != str(d.id):  # a change of this declaration: its first submission only
            if event.action == SUBMITTED and object_id not in submitted:
                submitted.add(object_id)
                found.append(Step(event.created_at, "amended", actor, change=by_id[object_id]))
            continue
        if event.action == SUBMITTED:
            if str(d.id) in submitted:
                kind = "resubmitted"
            else:
                kind = "filed" if event.data.get("status") == Status.FILED.value else "submitted"
                submitted.add(str(d.id))
            route = event.data.get("route")
            found.append(Step(event.created_at, kind, actor, route=Route(route) if route else None))
        elif event.action == DECIDED:
            found.append(Step(event.created_at, "decided", actor, decision=_decision(d, event.data.get("decision"))))
        elif event.action == ACKNOWLEDGED:
            found.append(Step(event.created_at, "acknowledged", actor))
        else:
            kind = WITH_COMMENT[event.action]
            comment = comments[kind].pop(0) if comments[kind] else None
            found.append(Step(event.created_at, kind, actor, text=comment.body if comment else ""))
    return found


def _decision(d: Declaration, code: str | None) -> ListItem | None:
    if d.decision is not None and d.decision.code == code:
        return d.decision
    return db.session.scalar(sa.select(ListItem).where(ListItem.kind == ListKind.DECISION, ListItem.code == code))
