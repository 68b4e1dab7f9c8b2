"""The rules of a Zona Integritas unit: proposing an OPD for a year, the unit's self-assessment,
the Inspectorate's internal assessment, sending it back, and the evidence the unit adds.

Callers pass the account acting and commit; every change is audited in the same transaction.
Status moves SELF_ASSESSMENT -> SUBMITTED -> ASSESSED, and back to SELF_ASSESSMENT only when the
Inspectorate reopens it with a reason."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core import audit, storage
from portal.core.clock import utcnow
from portal.core.errors import PortalError
from portal.core.uploads import UploadError, clean_upload
from portal.extensions import db
from portal.zi import lke, scoring
from portal.zi.models import (
    Answer,
    EvidenceKind,
    ItemEvidence,
    LkeArea,
    LkeComponent,
    LkeItem,
    LkeVersion,
    Target,
    Unit,
    UnitStatus,
)

AREA = "zi"  # storage area of the files units upload
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
MAX_TEXT = 4000
MAX_TITLE = 200
MAX_URL = 500
MISSING_SHOWN = 10  # item codes named when refusing to submit or finish


class ZiError(PortalError):
    pass


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


def _text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ZiError(_l("At most %(max)d characters.", max=limit), field)
    return value


# --- reading ----------------------------------------------------------------------------------

def units_of(version: LkeVersion, opd_id: int | None = None) -> list[Unit]:
    """The version's units, by OPD name; only one OPD's when `opd_id` is given."""
    from portal.org.models import Opd

    stmt = sa.select(Unit).join(Opd, Unit.opd_id == Opd.id).where(Unit.version_id == version.id)
    if opd_id is not None:
        stmt = stmt.where(Unit.opd_id == opd_id)
    return list(db.session.scalars(stmt.order_by(Opd.name, Unit.id)))


def answers_by_unit(unit_ids: list[int]) -> dict[int, dict[int, Answer]]:
    """Several units' answer rows, by unit id and item id, with one query (lists of units)."""
    found: dict[int, dict[int, Answer]] = {uid: {} for uid in unit_ids}
    if unit_ids:
        for row in db.session.scalars(sa.select(Answer).where(Answer.unit_id.in_(unit_ids))):
            found[row.unit_id][row.item_id] = row
    return found


def answers_of(unit: Unit) -> dict[int, Answer]:
    """The unit's answer rows by item id."""
    return answers_by_unit([unit.id])[unit.id]


def self_values(answers: dict[int, Answer]) -> dict[int, str]:
    """The unit's own answers as scoring.score takes them."""
    return {item_id: a.self_value for item_id, a in answers.items() if a.self_value}


def assessor_values(answers: dict[int, Answer]) -> dict[int, str]:
    return {item_id: a.assessor_value for item_id, a in answers.items() if a.assessor_value}


def item_of(unit: Unit, item_id: int) -> LkeItem | None:
    """An item of the unit's own LKE version; None for another year's item."""
    return db.session.scalars(sa.select(LkeItem).join(LkeComponent).join(LkeArea).where(
        LkeItem.id == item_id, LkeArea.version_id == unit.version_id)).first()


def may_edit(unit: Unit) -> bool:
    """The unit may change its answers and evidence only while it fills its self-assessment."""
    return unit.status == UnitStatus.SELF_ASSESSMENT


def _missing(codes: list[str]) -> str:
    shown = ", ".join(codes[:MISSING_SHOWN])
    return shown + (" …" if len(codes) > MISSING_SHOWN else "")


# --- the unit ---------------------------------------------------------------------------------

def propose(version: LkeVersion, opd_id: int, target: str, actor) -> Unit:
    """Propose an OPD for WBK or WBBM in the version's year: once per OPD and year."""
    from portal.org.models import Opd

    opd = db.session.get(Opd, opd_id) if opd_id else None
    if opd is None or not opd.active:
        raise ZiError(_l("Choose the OPD to propose."), "opd_id")
    try:
        chosen = Target(target)
    except ValueError:
        raise ZiError(_l("Choose WBK or WBBM."), "target") from None
    exists = db.session.scalar(sa.select(Unit.id).where(Unit.version_id == version.id, Unit.opd_id == opd.id))
    if exists:
        raise ZiError(_l("This OPD has already been proposed for %(year)d.", year=version.year), "opd_id")
    unit = Unit(version_id=version.id, opd_id=opd.id, target=chosen, status=UnitStatus.SELF_ASSESSMENT,
                proposed_by_id=_actor_id(actor))
    db.session.add(unit)
    db.session.flush()
    audit.record("zi.unit_proposed", unit, actor=actor, data={
        "year": version.year, "opd_id": opd.id, "target": chosen.value})
    return unit


def withdraw(unit: Unit, actor) -> None:
    """Take back a proposal made by mistake: only before the unit has answered or added anything."""
    answered = db.session.scalar(sa.select(sa.func.count()).select_from(Answer).where(
        Answer.unit_id == unit.id, sa.or_(Answer.self_value != "", Answer.assessor_value != "",
                                          Answer.self_note != "")))
    evidence = db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvidence).where(
        ItemEvidence.unit_id == unit.id))
    if answered or evidence:
        raise ZiError(_l("The unit has already started its self-assessment: it can no longer be withdrawn."))
    audit.record("zi.unit_withdrawn", unit, actor=actor, data={"opd_id": unit.opd_id, "version_id": unit.version_id})
    db.session.execute(sa.delete(Answer).where(Answer.unit_id == unit.id))
    db.session.delete(unit)
    db.session.flush()


def _answer_row(unit: Unit, item: LkeItem) -> Answer:
    row = db.session.scalars(sa.select(Answer).where(Answer.unit_id == unit.id, Answer.item_id == item.id)).first()
    if row is None:
        row = Answer(unit_id=unit.id, item_id=item.id)
        db.session.add(row)
    return row


def _check_item(unit: Unit, item: LkeItem) -> None:
    if item.component.area.version_id != unit.version_id:
        raise ZiError(_l("This item is not part of the unit's LKE."), "value")


def answer_self(unit: Unit, item: LkeItem, raw_value: str, note: str, actor) -> Answer:
    """The unit's own answer to an item, with its note; an empty value takes the answer back."""
    if not may_edit(unit):
        raise ZiError(_l("The self-assessment has been submitted: answers can no longer be changed."), "value")
    _check_item(unit, item)
    value = scoring.parse(item, raw_value)
    if value is None:
        raise ZiError(_invalid(item), "value")
    note = _text(note, "note")
    row = _answer_row(unit, item)
    row.self_value, row.self_note = value, note
    row.self_by_id, row.self_at = _actor_id(actor), utcnow()
    db.session.flush()
    audit.record("zi.self_answered", unit, actor=actor, data={"item": item.code, "value": value})
    return row


def _invalid(item: LkeItem):
    from portal.zi.models import AnswerType

    if item.answer_type == AnswerType.PERCENT:
        return _l("Enter a percentage from 0 to 100.")
    if item.answer_type == AnswerType.SCORE:
        return _l("Enter a value from 0 to 4.")
    return _l("Choose one of the answers offered.")


def _unanswered(unit: Unit, values: dict[int, str]) -> list[str]:
    """The codes of the unit's items without a value in `values` (one answer set), in LKE order."""
    return [item.code for item in lke.items_of(unit.version) if not values.get(item.id)]


def submit(unit: Unit, actor) -> Unit:
    """The unit sends its self-assessment to the Inspectorate: every item must be answered."""
    if unit.status != UnitStatus.SELF_ASSESSMENT:
        raise ZiError(_l("The self-assessment has already been submitted."))
    values = self_values(answers_of(unit))
    missing = _unanswered(unit, values)
    if missing:
        raise ZiError(_l("Answer every item first. Not yet answered (%(count)d): %(codes)s",
                         count=len(missing), codes=_missing(missing)))
    unit.status, unit.submitted_at = UnitStatus.SUBMITTED, utcnow()
    db.session.flush()
    audit.record("zi.unit_submitted", unit, actor=actor, data={"items": len(values)})
    return unit


def assess(unit: Unit, item: LkeItem, raw_value: str, comment: str, actor) -> Answer:
    """The Inspectorate's answer to an item, with its comment, while the unit waits for it."""
    if unit.status != UnitStatus.SUBMITTED:
        raise ZiError(_l("Only a submitted self-assessment can be assessed."), "value")
    _check_item(unit, item)
    value = scoring.parse(item, raw_value)
    if value is None:
        raise ZiError(_invalid(item), "value")
    if not value:
        raise ZiError(_l("Choose the assessor's answer."), "value")
    comment = _text(comment, "comment")
    row = _answer_row(unit, item)
    row.assessor_value, row.assessor_comment = value, comment
    row.assessor_by_id, row.assessor_at = _actor_id(actor), utcnow()
    db.session.flush()
    audit.record("zi.assessed_item", unit, actor=actor, data={"item": item.code, "value": value})
    return row


def finish(unit: Unit, actor) -> Unit:
    """The Inspectorate closes its internal assessment: every item must have its answer."""
    if unit.status != UnitStatus.SUBMITTED:
        raise ZiError(_l("Only a submitted self-assessment can be assessed."))
    values = assessor_values(answers_of(unit))
    missing = _unanswered(unit, values)
    if missing:
        raise ZiError(_l("Assess every item first. Not yet assessed (%(count)d): %(codes)s",
                         count=len(missing), codes=_missing(missing)))
    unit.status, unit.assessed_at = UnitStatus.ASSESSED, utcnow()
    db.session.flush()
    audit.record("zi.unit_assessed", unit, actor=actor, data={"items": len(values)})
    return unit


def reopen(unit: Unit, reason: str, actor) -> Unit:
    """The Inspectorate sends the self-assessment back to the unit, saying why; its own answers stay."""
    if unit.status == UnitStatus.SELF_ASSESSMENT:
        raise ZiError(_l("The unit is still filling in its self-assessment."), "reason")
    reason = _text(reason, "reason")
    if not reason:
        raise ZiError(_l("Say why the self-assessment is sent back."), "reason")
    previous = unit.status
    unit.status, unit.submitted_at, unit.assessed_at = UnitStatus.SELF_ASSESSMENT, None, None
    db.session.flush()
    audit.record("zi.unit_reopened", unit, actor=actor, data={"from": previous.value, "reason": reason})
    return unit


def last_reopen_reason(unit: Unit) -> str:
    """Why the Inspectorate last sent the self-assessment back (shown while the unit edits again)."""
    if unit.status != UnitStatus.SELF_ASSESSMENT:
        return ""
    event = db.session.scalars(sa.select(audit.AuditEvent).where(
        audit.AuditEvent.object_type == Unit.__tablename__, audit.AuditEvent.object_id == str(unit.id),
        audit.AuditEvent.action.in_(("zi.unit_reopened", "zi.unit_submitted")))
        .order_by(audit.AuditEvent.seq.desc()).limit(1)).first()
    return str(event.data.get("reason", "")) if event is not None and event.action == "zi.unit_reopened" else ""


# --- evidence the unit adds -------------------------------------------------------------------

def evidence_of(unit: Unit, item: LkeItem | None = None) -> list[ItemEvidence]:
    stmt = sa.select(ItemEvidence).where(ItemEvidence.unit_id == unit.id)
    if item is not None:
        stmt = stmt.where(ItemEvidence.item_id == item.id)
    return list(db.session.scalars(stmt.order_by(ItemEvidence.created_at, ItemEvidence.id)))


def evidence_counts(unit: Unit) -> dict[int, int]:
    rows = db.session.execute(sa.select(ItemEvidence.item_id, sa.func.count()).where(
        ItemEvidence.unit_id == unit.id).group_by(ItemEvidence.item_id))
    return {item_id: count for item_id, count in rows}


def _link(url: str) -> str:
    from urllib.parse import urlsplit

    url = (url or "").strip()
    if not url:
        raise ZiError(_l("Enter the link."), "url")
    if len(url) > MAX_URL:
        raise ZiError(_l("At most %(max)d characters.", max=MAX_URL), "url")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ZiError(_l("Enter a web address starting with http:// or https://."), "url")
    return url


def _store(upload: tuple[str, bytes] | None) -> tuple[str, str, str]:
    """Clean and write an uploaded file: (storage key, file name, media type)."""
    if upload is None or not upload[1]:
        raise ZiError(_l("Choose the file."), "file")
    filename, data = upload
    try:
        clean = clean_upload(data, filename, EVIDENCE_MAX_BYTES, area=AREA)
    except UploadError as exc:
        raise ZiError(exc.message, "file") from None
    key = storage.new_key()
    try:
        storage.write(AREA, key, clean.data)
    except storage.StorageError:
        raise ZiError(_l("The file could not be saved. Please try again later."), "file") from None
    # Removed again if the transaction does not commit.
    storage.track(db.session, AREA, key)
    name = (filename or f"bukti.{clean.extension}").replace("/", "_").replace("\\", "_")[-120:]
    return key, name, clean.media_type


def add_evidence(unit: Unit, item: LkeItem, kind: str, title: str, *,
                 upload: tuple[str, bytes] | None = None, url: str = "", note: str = "", actor) -> ItemEvidence:
    """A file, a link or a note the unit adds to an item while it may still edit."""
    if not may_edit(unit):
        raise ZiError(_l("The self-assessment has been submitted: evidence can no longer be changed."), "title")
    _check_item(unit, item)
    try:
        chosen = EvidenceKind(kind)
    except ValueError:
        raise ZiError(_l("Choose a file, a link or a note."), "kind") from None
    title = _text(title, "title", MAX_TITLE)
    if not title:
        raise ZiError(_l("Give the evidence a title."), "title")
    ev = ItemEvidence(unit_id=unit.id, item_id=item.id, kind=chosen, title=title, created_by_id=_actor_id(actor))
    if chosen == EvidenceKind.LINK:
        ev.url = _link(url)
    elif chosen == EvidenceKind.NOTE:
        ev.note = _text(note, "note")
        if not ev.note:
            raise ZiError(_l("Write the note."), "note")
    else:
        ev.storage_key, ev.filename, ev.media_type = _store(upload)
    db.session.add(ev)
    db.session.flush()
    audit.record("zi.evidence_added", unit, actor=actor, data={
        "item": item.code, "evidence_id": ev.id, "kind": chosen.value})
    return ev


def remove_evidence(ev: ItemEvidence, unit: Unit, actor) -> str | None:
    """Delete the row; the caller deletes the returned file key once the commit succeeded."""
    if not may_edit(unit):
        raise ZiError(_l("The self-assessment has been submitted: evidence can no longer be changed."))
    audit.record("zi.evidence_removed", unit, actor=actor, data={
        "evidence_id": ev.id, "item_id": ev.item_id, "kind": ev.kind.value})
    key = ev.storage_key
    db.session.delete(ev)
    db.session.flush()
    return key


def read_evidence(ev: ItemEvidence) -> bytes | None:
    if not ev.storage_key:
        return None
    try:
        return storage.read(AREA, ev.storage_key)
    except (storage.StorageError, OSError):
        return None
