"""The reporter's side: filing a report, following it up with the receipt, replying.

Nothing here sees a request: no address, user agent or referrer can reach a report.
Times the reporter causes are kept as dates only.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core import storage
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.core.uploads import UploadError, clean_upload
from portal.core.workdays import today
from portal.extensions import db
from portal.org.models import Employee, Opd, OpdKind
from portal.org.names import names_match
from portal.wbs import deadlines, receipts
from portal.wbs.models import Category, Evidence, Exclusion, FollowUp, Message, Mode, Report, ReportEvent
from portal.wbs.sealing import Seal

STORAGE_AREA = "wbs"
CONTENT_FIELDS = ("reported_name", "reported_position", "reported_opd_text", "what", "where", "when_from",
                  "when_to", "how", "why", "loss")


class WbsError(PortalError):
    pass


@dataclass
class Upload:
    filename: str
    data: bytes


@dataclass
class Filed:
    report: Report
    receipt: str


@dataclass
class ReporterView:
    report: Report
    content: dict
    events: list = field(default_factory=list)      # (event, public reason)
    messages: list = field(default_factory=list)    # (message, body)
    evidence: list = field(default_factory=list)    # (evidence, file name)


def categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).where(Category.active.is_(True)).order_by(Category.position)))


def _clean_files(uploads: list[Upload]):
    c = deadlines.config()
    if len(uploads) > c["wbs.max_files"]:
        raise WbsError(_l("At most %(n)d files per report.", n=c["wbs.max_files"]), "evidence")
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append((upload, clean_upload(upload.data, upload.filename, c["wbs.max_file_mb"] * 1024 * 1024,
                                                 area=STORAGE_AREA)))
        except UploadError as exc:
            raise WbsError(_l("%(file)s: %(problem)s", file=upload.filename[:80], problem=exc.message),
                           "evidence") from None
    return cleaned


def _store_evidence(report: Report, seal: Seal, cleaned, *, from_reporter: bool, on) -> None:
    for upload, clean in cleaned:
        key = storage.new_key()
        try:
            storage.write(STORAGE_AREA, key, seal.file(key, clean.data))
        except storage.StorageError:
            raise WbsError(_l("The files could not be saved. Nothing was sent; please try again later."),
                           "evidence") from None
        storage.track(db.session, STORAGE_AREA, key)
        name = (upload.filename or f"bukti.{clean.extension}").replace("/", "_").replace("\\", "_")[-120:]
        report.evidence.append(Evidence(public_id=storage.new_key(), from_reporter=from_reporter, added_on=on,
                                        name=seal.text("evidence-name", name), media_type=clean.media_type,
                                        size=len(clean.data), storage_key=key,
                                        metadata_removed=clean.metadata_removed))


def exclusion_reason(user, report: Report, content: dict) -> str | None:
    """Why a handler must stay away from a report: their OPD or their own person is in it."""
    employee = user.employee
    if employee is None:
        return None
    if report.reported_opd_id is not None and employee.opd_id == report.reported_opd_id:
        return "opd"
    named_text = " ".join(content.get(k, "") for k in ("reported_name", "reported_position", "what", "how"))
    if names_match(employee.name, named_text) or employee.nip in named_text.replace(" ", ""):
        return "named"
    return None


def _exclusions_for(report: Report, content: dict) -> list[tuple[int, str]]:
    from portal.auth.models import User, UserRole

    handlers = db.session.scalars(sa.select(User).join(UserRole).where(UserRole.role == Role.WBS_HANDLER))
    return [(user.id, reason) for user in handlers if (reason := exclusion_reason(user, report, content))]


def refresh_exclusions_for(user) -> int:
    """When someone joins the WBS team, keep them away from open cases that name them."""
    added = 0
    known = {x.report_id for x in db.session.scalars(sa.select(Exclusion).where(Exclusion.user_id == user.id))}
    for report in db.session.scalars(sa.select(Report).where(Report.wrapped_key.is_not(None))):
        if report.id in known:
            continue
        reason = exclusion_reason(user, report, Seal(report).open_data("content", report.content))
        if reason:
            report.exclusions.append(Exclusion(user_id=user.id, reason=reason))
            added += 1
    db.session.flush()
    return added


def _needs_escalation(report: Report, content: dict) -> bool:
    """A report naming the Inspectorate's leadership cannot be handled inside it, whether or
    not the reporter chose the Inspectorate in the OPD list."""
    position = content.get("reported_position", "").lower()
    opd = report.reported_opd
    if "inspektur" in position:
        return True
    if opd is not None and opd.kind == OpdKind.INSPECTORATE and "sekretaris" in position:
        return True
    leaders = db.session.scalars(sa.select(Employee).join(Employee.opd).where(
        Opd.kind == OpdKind.INSPECTORATE,
        sa.or_(Employee.is_opd_head.is_(True), Employee.position.ilike("inspektur%"),
               Employee.position.ilike("sekretaris%"))))
    return any(names_match(e.name, content.get("reported_name", "")) for e in leaders)


def file_report(*, mode: Mode, category: Category, reported_opd: Opd | None, content: dict,
                identity: dict | None, uploads: list[Upload]) -> Filed:
    content = {k: (content.get(k) or "") for k in CONTENT_FIELDS}
    cleaned = _clean_files(uploads)
    on = today()
    code = receipts.new_code()
    report = Report(public_id=receipts.new_public_id(), receipt_hash=receipts.lookup_key(code), mode=mode,
                    category=category, reported_opd=reported_opd, filed_on=on, last_activity_on=on)
    deadlines.set_due_dates(report, on)
    seal = Seal.new(report)
    report.content = seal.data("content", content)
    if mode != Mode.ANONYMOUS and identity:
        report.identity = seal.data("identity", identity)
    report.escalate = _needs_escalation(report, content)
    db.session.add(report)
    report.events.append(ReportEvent(happened_on=on, kind="filed", to_status=report.status, public=True))
    _store_evidence(report, seal, cleaned, from_reporter=True, on=on)
    db.session.flush()
    for user_id, reason in _exclusions_for(report, content):
        report.exclusions.append(Exclusion(user_id=user_id, reason=reason))
    # No audit event: the audit log is one ordered, timestamped chain, so an event written now
    # would place the filing between staff's events to the minute. The case's own history
    # (the "filed" event above) records it by date only.
    return Filed(report=report, receipt=code)


# --- the reporter's follow-up -----------------------------------------------------------------

FOLLOW_UP_MINUTES = 20


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_follow_up(report: Report, *, on: date) -> str:
    """A new follow-up of `report`: the random token for the reporter's cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(FollowUp(token_hash=_token_hash(token), report_id=report.id, opened_on=on))
    db.session.flush()
    return token


def follow_up_report(token: str | None) -> Report | None:
    """The report a follow-up token opens, unless it was ended or its content destroyed."""
    if not token or len(token) > 100:
        return None
    row = db.session.get(FollowUp, _token_hash(token))
    report = db.session.get(Report, row.report_id) if row is not None else None
    return report if report is not None and report.wrapped_key is not None else None


def end_follow_up(token: str | None) -> None:
    if token and len(token) <= 100:
        db.session.execute(sa.delete(FollowUp).where(FollowUp.token_hash == _token_hash(token)))


def purge_follow_ups(today: date) -> int:
    """Follow-ups of earlier days: dead (the cookie's limit is minutes), so gone."""
    return db.session.execute(sa.delete(FollowUp).where(FollowUp.opened_on < today - timedelta(days=1))).rowcount


def purge_follow_ups_task() -> int:
    """The worker's periodic task."""
    removed = purge_follow_ups(today())
    db.session.commit()
    return removed


def find_by_receipt(code: str) -> Report | None:
    """The report, shredded or not: the reporter of a shredded case is told only that."""
    key = receipts.lookup_key(code)
    if key is None:
        return None
    return db.session.scalar(sa.select(Report).where(Report.receipt_hash == key))


def reporter_view(report: Report) -> ReporterView:
    seal = Seal(report)
    view = ReporterView(report=report, content=seal.open_data("content", report.content))
    view.events = [(e, seal.open_text("event-reason", e.reason)) for e in report.events if e.public]
    view.messages = [(m, seal.open_text("message", m.body)) for m in report.messages]
    view.evidence = [(e, seal.open_text("evidence-name", e.name)) for e in report.evidence if e.from_reporter]
    return view


def reporter_reply(report: Report, text: str, uploads: list[Upload]) -> None:
    if report.status.closed:
        raise WbsError(_l("This case is closed; it no longer takes messages."), "body")
    cleaned = _clean_files(uploads)
    if len(report.evidence) + len(cleaned) > 4 * deadlines.config()["wbs.max_files"]:
        raise WbsError(_l("This case already holds as many files as it can take."), "evidence")
    seal = Seal(report)
    on = today()
    if text.strip():
        report.messages.append(Message(from_reporter=True, sent_on=on, body=seal.text("message", text.strip())))
    _store_evidence(report, seal, cleaned, from_reporter=True, on=on)
    if report.waiting_since is not None:
        deadlines.resume(report, on)
        report.events.append(ReportEvent(happened_on=on, kind="resumed", public=False))
    report.last_activity_on = on
    db.session.flush()


def open_evidence(report: Report, evidence: Evidence) -> tuple[str, bytes]:
    seal = Seal(report)
    data = seal.open_file(evidence.storage_key, storage.read(STORAGE_AREA, evidence.storage_key))
    return seal.open_text("evidence-name", evidence.name), data



def rotate_keys() -> int:
    """Re-wrap every report key under the newest master key; the content is not touched."""
    count = 0
    for report in db.session.scalars(sa.select(Report).where(Report.wrapped_key.is_not(None))):
        if Seal(report).rewrap():
            count += 1
    db.session.flush()
    return count
