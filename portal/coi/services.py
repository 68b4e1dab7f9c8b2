"""Declarations: drafting, submitting, routing to the decider, deciding, acknowledging."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload

from portal.coi import workflow
from portal.coi.models import Activity, Comment, Declaration, Kind, ListItem, ListKind, Relationship, Route, Status
from portal.core import audit, settings, signals
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.gratification import services as gratification
from portal.gratification.models import GiftReport
from portal.org.models import Employee
from portal.org.names import names_match
from portal.org.services import get_employee_by_nip
from portal.web.permissions import has_role

DEFAULTS = {"coi.decision_days": 7, "coi.reminder_days": 2}

class CoiError(PortalError):
    pass


@dataclass
class DraftFields:
    no_conflict: bool = False
    description: str = ""
    activity: Activity | None = None
    activity_detail: str = ""
    related_party: str = ""
    related_nip: str = ""  # a colleague who is the related party, by NIP
    relationship_kind: Relationship | None = None
    gift_involved: bool = False
    gift_report_ref: str = ""
    gift_report_id: int | None = None  # one of the declarant's gift reports sent through the portal
    proposed_measure: str = ""
    type_ids: tuple[int, ...] = ()
    source_ids: tuple[int, ...] = ()


def config() -> dict:
    return settings.get_many(DEFAULTS)


# --- who is who ----------------------------------------------------------------------------

def is_party(employee: Employee | None, declaration: Declaration) -> bool:
    """The declarant, or someone the declaration names as the related party."""
    if employee is None:
        return False
    if employee.id in (declaration.declarant_id, declaration.related_employee_id):
        return True
    return names_match(employee.name, declaration.related_party or "")


def route_for(declaration: Declaration) -> tuple[Route, Employee | None]:
    """Direct superior; if none or a party, the head of the OPD; if that fails too, the Inspectorate."""
    superior = declaration.declarant.superior
    if superior is not None and superior.active and not is_party(superior, declaration):
        return Route.SUPERIOR, superior
    head = db.session.scalar(sa.select(Employee).where(
        Employee.opd_id == declaration.declarant.opd_id, Employee.is_opd_head.is_(True),
        Employee.active.is_(True)).order_by(Employee.id))
    if head is not None and not is_party(head, declaration):
        return Route.HEAD, head
    return Route.INSPECTORATE, None


def can_view(user, declaration: Declaration) -> bool:
    """The declarant, whoever decides it, and the Inspectorate (which does not read drafts); and
    whoever decides a change of circumstances, the declaration that change amends."""
    employee_id = getattr(user, "employee_id", None)
    if employee_id is not None and employee_id == declaration.declarant_id:
        return True
    if declaration.status == Status.DRAFT:
        return False
    return (has_role(user, Role.COI_REVIEWER) or _decides(user, declaration)
            or any(a.status != Status.DRAFT and _decides(user, a) for a in declaration.amendments))


def _decides(user, declaration: Declaration) -> bool:
    employee_id = getattr(user, "employee_id", None)
    return (employee_id is not None and employee_id == declaration.decider_id) or declaration.decided_by_id == user.id


def can_decide(user, declaration: Declaration) -> bool:
    if declaration.status != Status.SUBMITTED or is_party(getattr(user, "employee", None), declaration):
        return False
    if declaration.route == Route.INSPECTORATE:
        return has_role(user, Role.COI_REVIEWER)
    return declaration.decider_id is not None and getattr(user, "employee_id", None) == declaration.decider_id


# --- the declarant -------------------------------------------------------------------------

def amended(d: Declaration) -> Declaration:
    """What a change of circumstances reported on `d` amends: `d` itself, or, when `d` is a change,
    the declaration that one amends, so that every change of a statement is listed on it."""
    return d.changes if d.kind == Kind.CHANGE and d.changes is not None else d


def check_amendable(d: Declaration, declarant: Employee) -> None:
    """A change amends a declaration its declarant has filed, which itself stays as it was filed;
    a draft or a declaration returned for more information is edited instead, and a yearly
    statement of an earlier year gives way to this year's."""
    if d.declarant_id != declarant.id:
        raise CoiError(_l("Only the declarant reports a change to a declaration."), "changes")
    if d.status in workflow.EDITABLE:
        raise CoiError(_l("This declaration has not been filed: change it directly instead."), "changes")
    if d.kind == Kind.YEARLY and d.year != today().year:
        raise CoiError(_l("This is your statement for %(year)s; report a change to your statement for this year.",
                          year=d.year), "changes")


def amendable(d: Declaration, declarant: Employee | None) -> bool:
    if declarant is None:
        return False
    try:
        check_amendable(amended(d), declarant)
    except CoiError:
        return False
    return True


def open_change(d: Declaration) -> Declaration | None:
    """The change of `d` its declarant is still writing (a draft, or returned to them), if any:
    one change at a time is continued, not begun twice."""
    return next((a for a in amended(d).amendments if a.status in workflow.EDITABLE), None)


def current_circumstances(d: Declaration) -> Declaration:
    """What a new change starts from: the latest change filed on the declaration, else the declaration."""
    root = amended(d)
    return next((a for a in reversed(root.amendments) if a.status not in workflow.EDITABLE), root)


def _items(ids, kind: ListKind, on: date) -> list[ListItem]:
    if not ids:
        return []
    rows = list(db.session.scalars(sa.select(ListItem).where(ListItem.id.in_(list(ids)), ListItem.kind == kind)))
    if len(rows) != len(set(ids)) or not all(r.valid_on(on) for r in rows):
        raise CoiError(_l("Choose from the list shown."), "types" if kind == ListKind.TYPE else "sources")
    return rows


def save_draft(declaration: Declaration | None, *, declarant: Employee, kind: Kind, fields: DraftFields,
               changes: Declaration | None = None, actor) -> Declaration:
    on = today()
    if declaration is None:
        if (kind == Kind.CHANGE) != (changes is not None):
            raise CoiError(_l("A change of circumstances amends a declaration you have filed."), "changes")
        if changes is not None:
            changes = amended(changes)
            check_amendable(changes, declarant)
        year = on.year
        if kind == Kind.YEARLY and db.session.scalar(sa.select(Declaration).where(
                Declaration.declarant_id == declarant.id, Declaration.kind == Kind.YEARLY, Declaration.year == year)):
            raise CoiError(_l("You already have a yearly statement for this year; open it from your list."), "kind")
        declaration = Declaration(kind=kind, year=year, declarant=declarant, opd_id=declarant.opd_id,
                                  changes=changes)
        db.session.add(declaration)
        db.session.flush()  # its id is bound into its key and into every value sealed with it
        declaration.seal.create_key()
    elif declaration.status not in workflow.EDITABLE:
        raise CoiError(_l("A submitted declaration can no longer be changed."), "description")
    if fields.no_conflict and kind != Kind.YEARLY:
        raise CoiError(_l("Only a yearly statement can say that there is no conflict."), "no_conflict")
    related = get_employee_by_nip(fields.related_nip) if fields.related_nip else None
    if fields.related_nip and related is None:
        raise CoiError(_l("No employee has this NIP."), "related_nip")
    declaration.related_employee = related
    declaration.gift_report = _gift_report(fields, declarant)
    for name in ("no_conflict", "description", "activity", "activity_detail", "related_party", "relationship_kind",
                 "gift_involved", "gift_report_ref", "proposed_measure"):
        setattr(declaration, name, getattr(fields, name))
    declaration.types = _items(fields.type_ids, ListKind.TYPE, on)
    declaration.sources = _items(fields.source_ids, ListKind.SOURCE, on)
    db.session.flush()
    return declaration


def _gift_report(fields: DraftFields, declarant: Employee) -> GiftReport | None:
    """The gift report the declaration points to: only one of the declarant's own, sent to the UPG."""
    if fields.gift_report_id is None:
        return None
    report = db.session.get(GiftReport, fields.gift_report_id)
    if report is None or not gratification.can_link(declarant, report):
        raise CoiError(_l("Choose one of the gratification reports you have sent to the UPG."), "gift_report")
    if not fields.gift_involved:
        raise CoiError(_l("Tick “A gift or gratification is involved” to link a gratification report."),
                       "gift_report")
    return report


def save(declaration: Declaration | None, *, declarant: Employee, kind: Kind, fields: DraftFields,
         changes: Declaration | None = None, attachment: tuple[str, bytes] | None = None, send: bool = False,
         actor) -> Declaration:
    """What the declaration form does in one step: save the draft, keep the attached file, and
    submit it when the declarant asked to send it."""
    from portal.coi import attachments

    saved = save_draft(declaration, declarant=declarant, kind=kind, fields=fields, changes=changes, actor=actor)
    if attachment is not None:
        attachments.add(saved, *attachment)
    if send:
        submit(saved, actor=actor)
    return saved


def _check_complete(d: Declaration) -> None:
    if d.kind == Kind.YEARLY and d.no_conflict:
        return
    if not d.types:
        raise CoiError(_l("Choose at least one type of conflict."), "types")
    if not d.sources:
        raise CoiError(_l("Choose at least one source of the conflict."), "sources")
    if len(d.description.strip()) < 20:
        raise CoiError(_l("Describe the situation in at least 20 characters."), "description")
    if any(t.is_other for t in d.types) and len(d.description.strip()) < 40:
        raise CoiError(_l("You chose \"another conflict\": describe it in at least 40 characters."), "description")
    if d.kind in (Kind.ADHOC, Kind.CHANGE) and d.activity is None:
        raise CoiError(_l("Say which decision or activity is at stake."), "activity")
    if not d.related_party.strip() or d.relationship_kind is None:
        raise CoiError(_l("Name the related party and your relationship with them."), "related_party")


def _register_no(d: Declaration) -> str:
    """BK/<OPD>/<year>/<n>: numbered per OPD and year (00001, 00002, ...), as an office's register
    is. The counter row is taken by one UPSERT (the documents' numbering), so two simultaneous
    submissions never share a number and a rolled-back one gives its number back."""
    from portal.documents.services import next_sequence

    return f"BK/{d.opd.code}/{d.year}/{next_sequence(f'coi.register.{d.opd.code}'[:48], d.year):05d}"


def submit(d: Declaration, *, actor) -> None:
    if d.status not in (Status.DRAFT, Status.RETURNED):
        raise CoiError(_l("This declaration has already been submitted."), "description")
    _check_complete(d)
    on = today()
    before = d.status
    # Take the row first: of two submissions at the same moment (two tabs, a double click on
    # the detail page's button), the second waits here and then finds the status changed.
    taken = db.session.execute(sa.update(Declaration).where(Declaration.id == d.id, Declaration.status == before)
                               .values(status=before).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise CoiError(_l("This declaration has already been submitted."), "description")
    if d.register_no is None:
        d.register_no = _register_no(d)
    d.submitted_on = on
    if d.kind == Kind.YEARLY and d.no_conflict:
        d.status = Status.FILED
    else:
        d.route, decider = route_for(d) if d.route != Route.INSPECTORATE else (Route.INSPECTORATE, None)
        d.decider = decider
        d.due_on = add_workdays(on, config()["coi.decision_days"])
        d.reminded_on = None
        d.status = Status.SUBMITTED
        if before == Status.RETURNED:
            _comment(d, "resubmitted", "", actor)
    db.session.flush()
    audit.record("coi.declaration_submitted", d, actor=actor,
                 data={"register_no": d.register_no, "status": d.status.value,
                       "route": d.route.value if d.route else None, "decider": d.decider_id,
                       "due_on": d.due_on.isoformat() if d.due_on else None})
    if d.kind == Kind.YEARLY and before == Status.DRAFT:
        signals.yearly_statement_filed.send(d)


def acknowledge(d: Declaration, *, actor) -> None:
    if workflow.allowed(d.status, Status.ACKNOWLEDGED) is None:
        raise CoiError(_l("There is no decision to acknowledge."), None)
    if getattr(actor, "employee_id", None) != d.declarant_id:
        raise CoiError(_l("Only the declarant acknowledges the decision."), None)
    d.status = Status.ACKNOWLEDGED
    d.acknowledged_on = today()
    db.session.flush()
    audit.record("coi.decision_acknowledged", d, actor=actor)


# --- the decider and the Inspectorate ------------------------------------------------------

def decide(d: Declaration, *, decision: ListItem, rationale: str, actor) -> None:
    if d.status != Status.SUBMITTED:
        raise CoiError(_l("This declaration is not waiting for a decision (it may have been decided already)."),
                       "decision")
    if is_party(getattr(actor, "employee", None), d):
        raise CoiError(_l("You cannot decide a declaration you are a party to."), "decision")
    if not can_decide(actor, d):
        raise CoiError(_l("This declaration is not yours to decide."), "decision")
    if decision.kind != ListKind.DECISION or not decision.valid_on(today()):
        raise CoiError(_l("Choose from the list shown."), "decision")
    if len(rationale.strip()) < 10:
        raise CoiError(_l("Explain the decision in at least 10 characters."), "rationale")
    # The conditional update makes a second, simultaneous decision impossible.
    on = today()
    done = db.session.execute(sa.update(Declaration).where(
        Declaration.id == d.id, Declaration.status == Status.SUBMITTED).values(
        status=Status.DECIDED, decision_id=decision.id, decided_on=on,
        decision_rationale_sealed=Declaration.decision_rationale.sealed(d, rationale.strip()),
        decided_by_id=actor.id).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise CoiError(_l("This declaration is not waiting for a decision (it may have been decided already)."),
                       "decision")
    db.session.refresh(d)
    audit.record("coi.declaration_decided", d, actor=actor,
                 data={"decision": decision.code, "on_time": bool(d.due_on and on <= d.due_on)})


def _comment(d: Declaration, kind: str, body: str, actor) -> None:
    comment = Comment(author_id=actor.id, kind=kind)
    d.comments.append(comment)
    comment.body = body  # sealed with the declaration's key, so only once it belongs to it


def return_for_information(d: Declaration, *, message: str, actor) -> None:
    if d.status != Status.SUBMITTED:
        raise CoiError(_l("Only a declaration waiting for a decision can be returned."), "body")
    if not (can_decide(actor, d) or has_role(actor, Role.COI_REVIEWER)):
        raise CoiError(_l("This declaration is not yours to decide."), "body")
    if len(message.strip()) < 10:
        raise CoiError(_l("Say what information is missing (at least 10 characters)."), "body")
    d.status = Status.RETURNED
    _comment(d, "returned", message.strip(), actor)
    db.session.flush()
    audit.record("coi.declaration_returned", d, actor=actor)


def add_comment(d: Declaration, *, body: str, actor) -> None:
    if d.status == Status.DRAFT:
        raise CoiError(_l("A draft cannot be commented on."), "body")
    if not body.strip():
        raise CoiError(_l("Write the comment."), "body")
    _comment(d, "comment", body.strip(), actor)
    db.session.flush()
    audit.record("coi.comment_added", d, actor=actor)


def take_over(d: Declaration, *, reason: str, actor) -> None:
    if d.status not in workflow.OPEN:
        raise CoiError(_l("Only an open declaration can be taken over."), "body")
    if is_party(getattr(actor, "employee", None), d):
        raise CoiError(_l("You cannot decide a declaration you are a party to."), "body")
    d.route, d.decider = Route.INSPECTORATE, None
    _comment(d, "taken_over", reason.strip(), actor)
    db.session.flush()
    audit.record("coi.declaration_taken_over", d, actor=actor)


def overdue(d: Declaration, on: date | None = None) -> bool:
    return d.status == Status.SUBMITTED and d.due_on is not None and (on or today()) > d.due_on


def rotate_keys() -> int:
    """Re-wrap every declaration's key under the newest master key (part of `flask rotate-keys`);
    the sealed text and files are not touched."""
    count = 0
    stmt = sa.select(Declaration).where(Declaration.wrapped_key.is_not(None)).options(lazyload("*"))
    for declaration in db.session.scalars(stmt):
        if declaration.seal.rewrap():
            count += 1
    db.session.flush()
    return count
