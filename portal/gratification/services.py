"""Gratification reports: drafting, sending to the UPG, the deadline, and who sees what.

The only statutory deadline is UU 31/1999 jo. 20/2001 Pasal 12C ayat (2): 30 working days from
the day the gratification was received. How long an employee has to report to the UPG is Pemko
policy (the Perwako): a setting, at most those 30 days, unverified until the admin has checked
the article on the setup checklist (checks.upg_deadline).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload

from portal.core import audit, settings
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.core.workdays import add_workdays, today, workdays_between
from portal.extensions import db
from portal.gratification import givers, workflow
from portal.gratification.models import (
    Custody,
    GiftHistory,
    GiftObject,
    GiftReport,
    GiverRelation,
    ObjectKind,
    ReportType,
    Status,
)
from portal.org.models import Employee
from portal.web.permissions import has_role

STATUTORY_DAYS = 30  # UU Tipikor Pasal 12C ayat (2)
DEFAULTS = {"gratification.upg_days": STATUTORY_DAYS, "gratification.reminder_days": 5}
MAX_OBJECTS = 10
MAX_VALUE = 10**13  # rupiah; anything above is a typing error
NIK = re.compile(r"^\d{16}$")
# How people write Indonesian numbers: 0812-3456-7890, +62 751 123456, (0751) 31234.
PHONE = re.compile(r"^\+?[\d\s().-]{8,25}$")


class GratificationError(PortalError):
    pass


@dataclass
class ObjectFields:
    kind: ObjectKind | None = None
    description: str = ""
    value: int | None = None
    custody: Custody | None = None

    @property
    def empty(self) -> bool:
        return self.kind is None and not self.description.strip() and self.value is None


@dataclass
class ReportFields:
    report_type: ReportType = ReportType.RECEIPT
    nik: str = ""
    reporter_address: str = ""
    reporter_phone: str = ""
    giver_name: str = ""
    giver_institution: str = ""
    giver_address: str = ""
    giver_relation: GiverRelation | None = None
    giver_relation_other: str = ""
    occasion: str = ""
    received_on: date | None = None
    place: str = ""
    chronology: str = ""
    refused: bool = False
    objects: list[ObjectFields] = field(default_factory=list)


def config() -> dict:
    return settings.get_many(DEFAULTS)


def upg_days() -> int:
    """The UPG's internal period in working days: the setting, never beyond the statutory 30."""
    try:
        days = int(config()["gratification.upg_days"])
    except (TypeError, ValueError):
        days = STATUTORY_DAYS
    return max(1, min(days, STATUTORY_DAYS))


# --- who sees what --------------------------------------------------------------------------

def is_reporter(user, report: GiftReport) -> bool:
    employee_id = getattr(user, "employee_id", None)
    return employee_id is not None and employee_id == report.reporter_id


def upg_opd(user) -> int | None:
    """Whose reports a UPG officer handles: every OPD's (None) for the city's UPG, whose officers
    work at the Inspectorate, or only their own OPD's for an officer an OPD appointed for itself.
    Who holds the role is the administrator's choice; where the officer works says the rest."""
    from portal.org.models import OpdKind

    employee = getattr(user, "employee", None)
    if employee is None or employee.opd is None or employee.opd.kind == OpdKind.INSPECTORATE:
        return None
    return employee.opd_id


def handles(user, report: GiftReport) -> bool:
    """The UPG officer who handles this sent report."""
    if report.status == Status.DRAFT or not has_role(user, Role.UPG):
        return False
    scope = upg_opd(user)
    return scope is None or scope == (report.opd_id or report.reporter.opd_id)


def can_view(user, report: GiftReport) -> bool:
    """The reporter, and the UPG that handles it once it is sent. Nobody else: not the superior,
    not the OPD's secretary, not the administrators (Peraturan KPK 2/2019 gives the report to the
    UPG)."""
    return is_reporter(user, report) or handles(user, report)


def can_link(employee: Employee | None, report: GiftReport) -> bool:
    """Whether a declaration by `employee` may point to the report: only their own, once sent (a
    draft has no register number and is nobody's business but theirs)."""
    return employee is not None and employee.id == report.reporter_id and report.status != Status.DRAFT


# --- deadlines ------------------------------------------------------------------------------

def deadlines(received_on: date) -> tuple[date, date]:
    """(the reporter's deadline to the UPG, the statutory deadline to the KPK)."""
    return add_workdays(received_on, upg_days()), add_workdays(received_on, STATUTORY_DAYS)


def days_left(report: GiftReport, on: date | None = None) -> int | None:
    """Working days left before the reporter's deadline (negative: that many past it)."""
    if report.due_on is None:
        return None
    on = on or today()
    if on <= report.due_on:
        return workdays_between(on, report.due_on)
    return -workdays_between(report.due_on, on)


def overdue(report: GiftReport, on: date | None = None) -> bool:
    return report.status == Status.DRAFT and report.due_on is not None and (on or today()) > report.due_on


# --- the reporter ---------------------------------------------------------------------------

def _check_fields(fields: ReportFields, on: date) -> list[ObjectFields]:
    if fields.nik and not NIK.match(fields.nik):
        raise GratificationError(_l("The NIK has 16 digits."), "nik")
    phone = fields.reporter_phone.strip()
    if phone and not (PHONE.match(phone) and 8 <= sum(c.isdigit() for c in phone) <= 15):
        raise GratificationError(_l("Enter a telephone number, e.g. 0812 3456 7890."), "reporter_phone")
    if fields.received_on is not None and fields.received_on > on:
        raise GratificationError(_l("The date cannot be in the future."), "received_on")
    objects = [o for o in fields.objects if not o.empty]
    if len(objects) > MAX_OBJECTS:
        raise GratificationError(_l("At most %(n)d objects in one report.", n=MAX_OBJECTS), "objects")
    for o in objects:
        if o.value is not None and not 0 <= o.value <= MAX_VALUE:
            raise GratificationError(_l("Enter the estimated value in whole rupiah."), "objects")
    return objects


def last_contact(reporter: Employee) -> tuple[str, str]:
    """The address and telephone of the reporter's latest report, to start a new one with: they
    are the reporter's own, and rarely change between two gifts."""
    latest = db.session.scalar(sa.select(GiftReport).where(
        GiftReport.reporter_id == reporter.id, GiftReport.reporter_phone_sealed.is_not(None))
        .order_by(GiftReport.id.desc()).limit(1))
    return (latest.reporter_address, latest.reporter_phone) if latest else ("", "")


def save_draft(report: GiftReport | None, *, reporter: Employee, fields: ReportFields, actor) -> GiftReport:
    on = today()
    objects = _check_fields(fields, on)
    if report is None:
        report = GiftReport(report_type=fields.report_type, reporter=reporter)
        db.session.add(report)
        db.session.flush()  # its id is bound into its key and into every value sealed with it
        report.seal.create_key()
        report.history.append(GiftHistory(status=Status.DRAFT, actor_id=actor.id))
    elif report.status not in workflow.EDITABLE:
        raise GratificationError(_l("A sent report can no longer be changed."), "chronology")
    report.report_type = fields.report_type
    report.giver_relation = fields.giver_relation
    report.received_on = fields.received_on
    report.refused = fields.refused or fields.report_type == ReportType.REFUSAL
    for name in ("nik", "reporter_address", "reporter_phone", "giver_name", "giver_institution", "giver_address",
                 "occasion", "place", "chronology"):
        setattr(report, name, getattr(fields, name).strip())
    report.giver_relation_other = (fields.giver_relation_other.strip()
                                   if fields.giver_relation == GiverRelation.OTHER else "")
    givers.set_digest(report)
    report.due_on, report.statutory_due_on = deadlines(fields.received_on) if fields.received_on else (None, None)
    report.objects.clear()
    db.session.flush()
    for position, o in enumerate(objects):
        item = GiftObject(position=position, kind=o.kind or ObjectKind.OTHER, value=o.value,
                          custody=o.custody or Custody.REPORTER)
        report.objects.append(item)
        item.description = o.description.strip()  # sealed, so only once it belongs to its report
    db.session.flush()
    return report


def save(report: GiftReport | None, *, reporter: Employee, fields: ReportFields, uploads=(), send: bool = False,
         actor) -> GiftReport:
    """What the report form does in one step: save the draft, keep the files, and send it to the
    UPG when the reporter asked to."""
    from portal.gratification import attachments

    saved = save_draft(report, reporter=reporter, fields=fields, actor=actor)
    for filename, data in uploads:
        attachments.add(saved, filename, data)
    if send:
        submit(saved, actor=actor)
    return saved


def _check_complete(r: GiftReport) -> None:
    # The KPK's form asks for them (gratification.md §5): the UPG cannot forward a report without.
    if len(r.reporter_address.strip()) < 10:
        raise GratificationError(_l("Enter your full address (street, kelurahan, kecamatan, city)."),
                                 "reporter_address")
    if not r.reporter_phone.strip():
        raise GratificationError(_l("Enter a telephone number where the UPG or the KPK can reach you."),
                                 "reporter_phone")
    if not r.giver_name.strip():
        raise GratificationError(_l("Name the giver (or write that they are unknown)."), "giver_name")
    if r.giver_relation is None:
        raise GratificationError(_l("Choose your relationship with the giver."), "giver_relation")
    if r.giver_relation == GiverRelation.OTHER and not r.giver_relation_other.strip():
        raise GratificationError(_l("Describe your relationship with the giver."), "giver_relation_other")
    if r.received_on is None:
        raise GratificationError(_l("Enter the date."), "received_on")
    if not r.place.strip():
        raise GratificationError(_l("Enter the place."), "place")
    if len(r.chronology.strip()) < 20:
        raise GratificationError(_l("Tell what happened in at least 20 characters."), "chronology")
    if not r.objects:
        raise GratificationError(_l("Describe at least one object."), "objects")
    for o in r.objects:
        if not o.description.strip() or o.value is None:
            raise GratificationError(_l("Give each object a description and an estimated value."), "objects")


def _register_no(r: GiftReport, year: int) -> str:
    """UPG/<year>/<n>: one register for the city's UPG (the documents' counter, no gaps)."""
    from portal.documents.services import next_sequence

    return f"UPG/{year}/{next_sequence('gratification.register', year):05d}"


def submit(r: GiftReport, *, actor) -> None:
    """Send the report to the UPG. After the deadline it is still accepted, and marked late."""
    if workflow.allowed(r.status, Status.SENT) is None:
        raise GratificationError(_l("This report has already been sent."), "chronology")
    if not is_reporter(actor, r):
        raise GratificationError(_l("Only the reporter sends the report."), "chronology")
    _check_complete(r)
    # Take the row first: of two sendings at the same moment the second finds the status changed.
    taken = db.session.execute(sa.update(GiftReport).where(GiftReport.id == r.id, GiftReport.status == Status.DRAFT)
                               .values(status=Status.DRAFT).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise GratificationError(_l("This report has already been sent."), "chronology")
    on = today()
    r.due_on, r.statutory_due_on = deadlines(r.received_on)
    r.sent_on = on
    r.late = on > r.due_on
    r.register_no = r.register_no or _register_no(r, on.year)
    r.opd_id = r.reporter.opd_id
    r.reporter_position = (r.reporter.position or "")[:200]
    r.status = Status.SENT
    r.history.append(GiftHistory(status=Status.SENT, actor_id=actor.id, late=r.late))
    db.session.flush()
    audit.record("gratification.report_sent", r, actor=actor,
                 data={"register_no": r.register_no, "type": r.report_type.value, "late": r.late,
                       "due_on": r.due_on.isoformat(), "objects": len(r.objects)})


def rotate_keys() -> int:
    """Re-wrap every report's key under the newest master key (part of `flask rotate-keys`)."""
    count = 0
    for report in db.session.scalars(sa.select(GiftReport).where(GiftReport.wrapped_key.is_not(None))
                                     .options(lazyload("*"))):
        if report.seal.rewrap():
            count += 1
    db.session.flush()
    return count


def save_settings(*, upg_days_value: int, reminder_days: int, actor) -> None:
    settings.save({"gratification.upg_days": max(1, min(upg_days_value, STATUTORY_DAYS)),
                   "gratification.reminder_days": reminder_days},
                  actor=actor, action="gratification.settings_changed")
