"""The rules of the follow-up: who may add, see and complete a recommendation, and what each
change records. Callers pass the account acting; they commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal.core import audit, contributions, formatting, storage
from portal.core.clock import today, utcnow
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.core.uploads import UploadError, clean_upload
from portal.extensions import db
from portal.followup import sources
from portal.followup.models import Recommendation, Status
from portal.web.permissions import has_role, own_opd_id

AREA = "followup"
MAX_TEXT = 4000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class FollowupError(PortalError):
    pass


# --- who may do what ------------------------------------------------------------------------

def can_manage(user, kind: str) -> bool:
    """The source's managers (the Inspectorate's reviewers for the CoI evaluation) add, edit,
    close and reopen its recommendations; a source may narrow its role further (Source.manages)."""
    source = sources.get(kind)
    return source is not None and has_role(user, *source.managers) and source.manages(user)


def is_responsible(user, rec: Recommendation) -> bool:
    """The responsible account, or the secretary of the responsible OPD."""
    if not getattr(user, "is_authenticated", False):
        return False
    if rec.owner_id is not None and rec.owner_id == user.id:
        return True
    return has_role(user, Role.SECRETARY) and own_opd_id(user) == rec.opd_id


def can_see(user, rec: Recommendation) -> bool:
    return can_manage(user, rec.source_kind) or is_responsible(user, rec)


can_complete = can_see  # whoever is involved reports completion; the managers also close


def _responsibility(user):
    """The condition "this account is responsible" as SQL (or None when it is never)."""
    conditions = [Recommendation.owner_id == user.id]
    if has_role(user, Role.SECRETARY) and own_opd_id(user) is not None:
        conditions.append(Recommendation.opd_id == own_opd_id(user))
    return sa.or_(*conditions)


def managed_kinds(user) -> list[str]:
    return [kind for kind in sources.all_sources() if can_manage(user, kind)]


# --- lists ----------------------------------------------------------------------------------

STATUS_FILTERS = ("open", "overdue", "done")


def visible(user, *, status: str = "", year: int | None = None, on: date | None = None):
    """What `user` sees on the list: every recommendation of the kinds they manage, and those they
    are responsible for. Overdue first, then by due date."""
    on = on or today()
    shown = [_responsibility(user)]
    kinds = managed_kinds(user)
    if kinds:
        shown.append(Recommendation.source_kind.in_(kinds))
    stmt = sa.select(Recommendation).where(sa.or_(*shown))
    if status == "open":
        stmt = stmt.where(Recommendation.status == Status.OPEN)
    elif status == "overdue":
        stmt = stmt.where(Recommendation.status == Status.OPEN, Recommendation.due_on < on)
    elif status == "done":
        stmt = stmt.where(Recommendation.status == Status.DONE)
    if year:
        stmt = stmt.where(Recommendation.year == year)
    open_first = sa.case((Recommendation.status == Status.OPEN, 0), else_=1)
    return stmt.order_by(open_first, Recommendation.due_on, Recommendation.id)


def for_source(kind: str, key: str, year: int) -> list[Recommendation]:
    return list(db.session.scalars(sa.select(Recommendation).where(
        Recommendation.source_kind == kind, Recommendation.source_key == key, Recommendation.year == year)
        .order_by(Recommendation.due_on, Recommendation.id)))


def for_kind(kind: str, year: int) -> list[Recommendation]:
    """Every recommendation of a kind's evaluations of the year (the city report prints them all)."""
    return list(db.session.scalars(sa.select(Recommendation).where(
        Recommendation.source_kind == kind, Recommendation.year == year)
        .order_by(Recommendation.due_on, Recommendation.id)))


# --- changes --------------------------------------------------------------------------------

@dataclass
class Fields:
    text: str
    opd_id: int
    owner_login: str  # a username or a NIP; empty: the OPD's secretary follows it up
    due_on: date


def _check(fields: Fields):
    from portal.auth.services import find_by_login
    from portal.org.models import Opd

    text = (fields.text or "").strip()
    if not text:
        raise FollowupError(_l("Write the recommendation."), "text")
    if len(text) > MAX_TEXT:
        raise FollowupError(_l("At most %(max)d characters.", max=MAX_TEXT), "text")
    opd = db.session.get(Opd, fields.opd_id) if fields.opd_id else None
    if opd is None:
        raise FollowupError(_l("Choose the OPD responsible."), "opd_id")
    owner = None
    if (fields.owner_login or "").strip():
        owner = find_by_login(fields.owner_login)
        if owner is None or not owner.active:
            raise FollowupError(_l("No active account has this username or NIP."), "owner_login")
    if fields.due_on is None:
        raise FollowupError(_l("Choose the due date."), "due_on")
    return text, opd, owner


def add(kind: str, key: str, year: int, fields: Fields, *, actor) -> Recommendation:
    source = sources.get(kind)
    if source is None or source.describe(key) is None:
        raise FollowupError(_l("This evaluation does not exist."), "text")
    text, opd, owner = _check(fields)
    rec = Recommendation(source_kind=kind, source_key=key, year=year, text=text, opd_id=opd.id,
                         owner_id=owner.id if owner else None, due_on=fields.due_on, status=Status.OPEN,
                         created_by_id=getattr(actor, "id", None))
    db.session.add(rec)
    db.session.flush()
    audit.record("followup.recommendation_added", rec, actor=actor, data={
        "source": kind, "key": key, "year": year, "opd_id": opd.id, "owner_id": rec.owner_id, "due_on": rec.due_on})
    return rec


def update(rec: Recommendation, fields: Fields, *, actor) -> Recommendation:
    text, opd, owner = _check(fields)
    changed = {name for name, old, new in (("text", rec.text, text), ("opd_id", rec.opd_id, opd.id),
                                           ("owner_id", rec.owner_id, owner.id if owner else None),
                                           ("due_on", rec.due_on, fields.due_on)) if old != new}
    rec.text, rec.opd_id, rec.owner_id, rec.due_on = text, opd.id, owner.id if owner else None, fields.due_on
    db.session.flush()
    audit.record("followup.recommendation_changed", rec, actor=actor, data={
        "changed": sorted(changed), "opd_id": rec.opd_id, "owner_id": rec.owner_id, "due_on": rec.due_on})
    return rec


def complete(rec: Recommendation, *, note: str, evidence: tuple[str, bytes] | None = None, actor) -> Recommendation:
    """The responsible OPD reports it done (or the managers close it), with what was done."""
    if not rec.is_open:
        raise FollowupError(_l("This recommendation has already been completed."), "note")
    note = (note or "").strip()
    if not note:
        raise FollowupError(_l("Say what has been done."), "note")
    if len(note) > MAX_TEXT:
        raise FollowupError(_l("At most %(max)d characters.", max=MAX_TEXT), "note")
    if evidence is not None:
        filename, data = evidence
        try:
            clean = clean_upload(data, filename, EVIDENCE_MAX_BYTES, area=AREA)
        except UploadError as exc:
            raise FollowupError(exc.message, "evidence") from None
        key = storage.new_key()
        try:
            storage.write(AREA, key, clean.data)
        except storage.StorageError:
            raise FollowupError(_l("The file could not be saved. Please try again later."), "evidence") from None
        storage.track(db.session, AREA, key)
        name = (filename or f"bukti.{clean.extension}").replace("/", "_").replace("\\", "_")[-120:]
        rec.evidence_key, rec.evidence_name, rec.evidence_type = key, name, clean.media_type
    rec.status, rec.completion_note = Status.DONE, note
    rec.completed_at, rec.completed_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    audit.record("followup.recommendation_completed", rec, actor=actor, data={
        "evidence": rec.evidence_key is not None, "late": today() > rec.due_on})
    return rec


def reopen(rec: Recommendation, *, actor) -> Recommendation:
    """The managers find the reported follow-up insufficient: open again (the note stays, to be
    replaced by the next report)."""
    if rec.is_open:
        raise FollowupError(_l("This recommendation is still open."))
    rec.status = Status.OPEN
    db.session.flush()
    audit.record("followup.recommendation_reopened", rec, actor=actor)
    return rec


def evidence(rec: Recommendation) -> bytes | None:
    if not rec.evidence_key:
        return None
    try:
        return storage.read(AREA, rec.evidence_key)
    except (storage.StorageError, OSError):
        return None


# --- what others show -----------------------------------------------------------------------

def owner_label(rec: Recommendation) -> str:
    """The OPD responsible, and the account where one is named."""
    opd = rec.opd.name if rec.opd else ""
    return f"{opd} ({rec.owner.display_name})" if rec.owner is not None else opd


def as_rows(recs: list[Recommendation], on: date | None = None) -> list[dict]:
    """Primitives for a PDF or a sheet (call inside force_locale for an official document)."""
    on = on or today()
    return [{
        "text": rec.text,
        "owner": owner_label(rec),
        "due_on": formatting.day(rec.due_on),
        "status": str(rec.status.label),
        "overdue": rec.overdue_on(on),
        "completed_on": formatting.day(rec.completed_at) if rec.completed_at and not rec.is_open else "",
        "note": rec.completion_note if not rec.is_open else "",
    } for rec in recs]


def todos(user) -> list[contributions.Todo]:
    """Home page: what the account must follow up, and for the managers what is overdue."""
    if not getattr(user, "is_authenticated", False):
        return []
    on, items = today(), []
    due = db.session.execute(sa.select(sa.func.count(), sa.func.min(Recommendation.due_on)).where(
        Recommendation.status == Status.OPEN, _responsibility(user))).one()
    if due[0]:
        items.append(contributions.Todo(
            ngettext("%(num)d recommendation of an evaluation to follow up",
                     "%(num)d recommendations of evaluations to follow up", due[0]),
            url_for("followup.index", status="open"), due=due[1], overdue=due[1] < on, position=40))
    kinds = managed_kinds(user)
    if kinds:
        late = db.session.execute(sa.select(sa.func.count(), sa.func.min(Recommendation.due_on)).where(
            Recommendation.status == Status.OPEN, Recommendation.due_on < on,
            Recommendation.source_kind.in_(kinds))).one()
        if late[0]:
            items.append(contributions.Todo(
                ngettext("%(num)d recommendation is overdue: remind the OPD responsible",
                         "%(num)d recommendations are overdue: remind the OPDs responsible", late[0]),
                url_for("followup.index", status="overdue"), due=late[1], overdue=True, position=40))
    return items


def panel(kind: str, key: str, year: int, user) -> dict:
    """What an evaluation's page shows of its recommendations (templates/followup/_panel.html).
    Read-only for a viewer who does not manage them; a row links to its page only for those who
    may open it (the managers and the responsible), so nobody else meets a 404."""
    recs = for_source(kind, key, year)
    rows = [{**row, "url": url_for("followup.detail", rec_id=rec.id) if can_see(user, rec) else ""}
            for rec, row in zip(recs, as_rows(recs), strict=True)]
    new_url = url_for("followup.new", kind=kind, key=key, year=year) if can_manage(user, kind) else ""
    return {"rows": rows, "new_url": new_url}
