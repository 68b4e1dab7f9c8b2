"""Retention of personal data outside the WBS (the WBS has its own rule: portal/wbs/retention.py).

Five kinds, each with its own period in months (admin settings). 0 keeps everything, and is the
default of each: nothing is destroyed until the Inspectorate has decided how long to keep it.

- declarations: closed conflict-of-interest declarations (filed, decided or acknowledged), with
  their comments, types, sources and attachments (the files go after the commit), counted from
  the day they closed (acknowledged, else decided, else filed);
- quiz answers: the per-question record of a submitted attempt (learning_attempt_question),
  counted from the submission. The attempt row with its score stays, so completions,
  certificates and participation figures keep their meaning; only the answers go. A pre-test's
  answers (learning_pretest_answer) go by the same rule; its score stays for the learning gain;
- attendance: the invitation and attendance rows of a session whose list was closed (or that
  was cancelled), counted from the closing;
- session photos: counted from the end of the session;
- gratification reports whose case is over: closed by the UPG (settled, or after the KPK's
  decision), counted from the closing; or decided by the KPK with nothing left to do (the gift is
  the recipient's, or the handover is recorded), counted from the decision or the handover. With
  their objects, history, questions and answers and attachments (the files go after the commit);
  declarations that linked to them keep their content and lose only the link. No period for these
  records has been verified (the setup checklist asks for it: gratification/checks.py).

A row goes once its date is on or before the cutoff: today minus the period in calendar months
(31 March minus one month is the end of February).

The run is daily: the worker's periodic task, or `flask --app portal privacy-retention` from the
timer, whichever comes first; a row of privacy_retention_run claims the day.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from portal.coi import attachments as coi_attachments
from portal.coi.models import Attachment, Comment, Declaration, Status, declaration_source, declaration_type
from portal.core import audit, rows, settings, storage
from portal.core.clock import local, to_utc, today, utcnow
from portal.extensions import db
from portal.gratification import attachments as gift_attachments
from portal.gratification.models import Decision as GiftDecision
from portal.gratification.models import GiftAttachment, GiftHistory, GiftMessage, GiftObject, GiftReport
from portal.gratification.models import Status as GiftStatus
from portal.learning.models import Attempt, AttemptQuestion, Pretest, PretestAnswer
from portal.privacy.models import RetentionRun
from portal.socialisation import records as session_records
from portal.socialisation.models import Participant, Photo, SocialisationSession

MIN_MONTHS, MAX_MONTHS = 0, 600
CLOSED_DECLARATIONS = (Status.FILED, Status.DECIDED, Status.ACKNOWLEDGED)
CHUNK = 500


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    counted_from: object

    @property
    def setting(self) -> str:
        return f"privacy.retention_{self.code}_months"


DECLARATIONS = Kind("declarations", _l("Closed conflict-of-interest declarations, with their attachments"),
                    _l("the day the declaration was acknowledged, decided or, without a conflict, filed"))
QUIZ_ANSWERS = Kind("quiz_answers", _l("The answers to each question of submitted quiz attempts"),
                    _l("the day the attempt was submitted; its score is kept"))
ATTENDANCE = Kind("attendance", _l("Invitations and attendance of closed or cancelled sessions"),
                  _l("the day the attendance list was closed or the session cancelled"))
SESSION_PHOTOS = Kind("session_photos", _l("Photos of socialisation sessions"), _l("the day the session ended"))
GIFT_REPORTS = Kind("gift_reports", _l("Gratification reports whose case is over, with their attachments"),
                    _l("the day the UPG closed the report or, when it was left open, the KPK's decision or the "
                       "handover it asked for"))
KINDS = (DECLARATIONS, QUIZ_ANSWERS, ATTENDANCE, SESSION_PHOTOS, GIFT_REPORTS)
BY_CODE = {k.code: k for k in KINDS}


def months() -> dict[str, int]:
    values = settings.get_many({k.setting: 0 for k in KINDS})
    return {k.code: int(values[k.setting] or 0) for k in KINDS}


def save_months(values: dict[str, int], *, actor) -> dict:
    return settings.save({BY_CODE[code].setting: int(n) for code, n in values.items()}, actor=actor,
                         action="privacy.retention_changed")


def months_before(day: date, n: int) -> date:
    """The same day n calendar months earlier, or that month's last day when it is shorter."""
    years, month0 = divmod(day.month - 1 - n, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of(day: date) -> datetime:
    """The first instant after `day` on the local calendar: timestamps before it fall on or before it."""
    return to_utc(day + timedelta(days=1), time(0))


def _local_day(moment) -> date | None:
    if moment is None:
        return None
    return local(moment).date() if isinstance(moment, datetime) else moment


# --- which rows: one statement per kind, shared by the plan and the run --------------------------

def _declaration_closed_on():
    return sa.func.coalesce(Declaration.acknowledged_on, Declaration.decided_on, Declaration.submitted_on)


def _due_declarations(cutoff: date):
    return sa.and_(Declaration.status.in_(CLOSED_DECLARATIONS), _declaration_closed_on() <= cutoff)


def _due_attempts(cutoff: date):
    return sa.and_(Attempt.submitted_at.is_not(None), Attempt.submitted_at < _end_of(cutoff))


def _session_ended_list():
    return sa.func.coalesce(SocialisationSession.closed_at, SocialisationSession.cancelled_at)


def _due_attendance_sessions(cutoff: date):
    return sa.select(SocialisationSession.id).where(_session_ended_list() < _end_of(cutoff))


def _due_photo_sessions(cutoff: date):
    return sa.select(SocialisationSession.id).where(SocialisationSession.ends_at < _end_of(cutoff))


def _gift_closed_at():
    """Each closed gift report with the moment it was closed (its last history entry as closed)."""
    return (sa.select(GiftHistory.report_id, sa.func.max(GiftHistory.at).label("at"))
            .join(GiftReport, GiftReport.id == GiftHistory.report_id)
            .where(GiftReport.status == GiftStatus.CLOSED, GiftHistory.status == GiftStatus.CLOSED)
            .group_by(GiftHistory.report_id).subquery())


def _gift_decided_on():
    return sa.func.coalesce(GiftReport.handover_on, GiftReport.decision_on)


def _due_decided_gifts(cutoff: date):
    """Decided by the KPK and left open with nothing to do: the gift is the recipient's, or it has
    been handed over. A handover still awaited keeps the report."""
    return sa.and_(GiftReport.status == GiftStatus.DECIDED,
                   sa.or_(GiftReport.decision == GiftDecision.RECIPIENT, GiftReport.handover_on.is_not(None)),
                   _gift_decided_on() <= cutoff)


def _due_gift_reports(cutoff: date):
    closed = _gift_closed_at()
    return sa.or_(GiftReport.id.in_(sa.select(closed.c.report_id).where(closed.c.at < _end_of(cutoff))),
                  _due_decided_gifts(cutoff))


# --- the plan ----------------------------------------------------------------------------------

@dataclass
class KindPlan:
    kind: Kind
    months: int
    cutoff: date | None      # None: kept (0 months)
    count: int = 0           # declarations, attempts, attendance rows or photos that would go
    oldest: date | None = None
    rows: int = 0            # quiz answers: the question rows of those attempts


@dataclass
class Plan:
    on: date
    kinds: list[KindPlan] = field(default_factory=list)

    def of(self, code: str) -> KindPlan:
        return next(k for k in self.kinds if k.kind.code == code)

    @property
    def total(self) -> int:
        return sum(k.count for k in self.kinds)


def plan(on: date) -> Plan:
    """What a run on `on` would delete: per kind, how many and the oldest date among them."""
    result, periods = Plan(on=on), months()
    for kind in KINDS:
        n = periods[kind.code]
        item = KindPlan(kind, n, months_before(on, n) if n > 0 else None)
        if item.cutoff is not None:
            _measure(item)
        result.kinds.append(item)
    return result


def _measure(item: KindPlan) -> None:
    cutoff = item.cutoff
    assert cutoff is not None
    if item.kind is GIFT_REPORTS:
        closed = _gift_closed_at()
        parts = [db.session.execute(sa.select(sa.func.count(), sa.func.min(closed.c.at))
                                    .where(closed.c.at < _end_of(cutoff))).one(),
                 db.session.execute(sa.select(sa.func.count(), sa.func.min(_gift_decided_on()))
                                    .where(_due_decided_gifts(cutoff))).one()]
        days = [d for d in (_local_day(moment) for _, moment in parts) if d is not None]
        item.count, item.oldest = sum(n for n, _ in parts), min(days, default=None)
        return
    if item.kind is DECLARATIONS:
        row = db.session.execute(sa.select(sa.func.count(), sa.func.min(_declaration_closed_on()))
                                 .where(_due_declarations(cutoff))).one()
    elif item.kind is QUIZ_ANSWERS:
        row = db.session.execute(
            sa.select(sa.func.count(sa.distinct(Attempt.id)), sa.func.min(Attempt.submitted_at), sa.func.count())
            .select_from(AttemptQuestion).join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
            .where(_due_attempts(cutoff))).one()
        item.rows = row[2]
    elif item.kind is ATTENDANCE:
        row = db.session.execute(
            sa.select(sa.func.count(), sa.func.min(_session_ended_list())).select_from(Participant)
            .join(SocialisationSession, SocialisationSession.id == Participant.session_id)
            .where(Participant.session_id.in_(_due_attendance_sessions(cutoff)))).one()
    else:
        row = db.session.execute(
            sa.select(sa.func.count(), sa.func.min(SocialisationSession.ends_at)).select_from(Photo)
            .join(SocialisationSession, SocialisationSession.id == Photo.session_id)
            .where(Photo.session_id.in_(_due_photo_sessions(cutoff)))).one()
    item.count, item.oldest = row[0], _local_day(row[1])


# --- the run -----------------------------------------------------------------------------------

@dataclass
class Applied:
    counts: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)  # (storage area, key), removed after the commit


def apply(due: Plan) -> Applied:
    """Delete what the plan's periods make due (re-selected now, so the figures are the run's
    own). Flushes; the caller commits, then calls finish()."""
    if db.engine.dialect.name == "sqlite":
        # Freed pages are zeroed, so deleted personal data does not linger in the file.
        db.session.execute(sa.text("PRAGMA secure_delete=ON"))
    done = Applied()
    for item in due.kinds:
        if item.cutoff is None:
            done.counts[item.kind.code] = 0
            continue
        done.counts[item.kind.code] = _DELETERS[item.kind.code](item.cutoff, done)
    db.session.flush()
    return done


def _delete_declarations(cutoff: date, done: Applied) -> int:
    ids = list(db.session.scalars(sa.select(Declaration.id).where(_due_declarations(cutoff))
                                  .order_by(Declaration.id).with_for_update()))
    deleted = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        done.files += [(coi_attachments.AREA, key) for key in db.session.scalars(
            sa.select(Attachment.storage_key).where(Attachment.declaration_id.in_(chunk)))]
        # A later "change of circumstances" keeps its own content and loses only the link.
        db.session.execute(sa.update(Declaration).where(Declaration.changes_id.in_(chunk)).values(changes_id=None)
                           .execution_options(synchronize_session=False))
        for table in (declaration_type, declaration_source):
            db.session.execute(table.delete().where(table.c.declaration_id.in_(chunk)))
        for model in (Comment, Attachment):
            db.session.execute(sa.delete(model).where(model.declaration_id.in_(chunk))
                               .execution_options(synchronize_session=False))
        deleted += len(db.session.scalars(sa.delete(Declaration).where(Declaration.id.in_(chunk))
                                          .returning(Declaration.id).execution_options(synchronize_session=False))
                       .all())
    return deleted


def _delete_quiz_answers(cutoff: date, done: Applied) -> int:
    attempts = sa.select(Attempt.id).where(_due_attempts(cutoff))
    count = db.session.scalar(sa.select(sa.func.count(sa.distinct(AttemptQuestion.attempt_id)))
                              .where(AttemptQuestion.attempt_id.in_(attempts))) or 0
    db.session.execute(sa.delete(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(attempts))
                       .execution_options(synchronize_session=False))
    # A pre-test's answers follow the same rule, from its submission; its score stays for the gain.
    pretests = sa.select(Pretest.id).where(Pretest.submitted_at.is_not(None), Pretest.submitted_at < _end_of(cutoff))
    count += db.session.scalar(sa.select(sa.func.count(sa.distinct(PretestAnswer.pretest_id)))
                               .where(PretestAnswer.pretest_id.in_(pretests))) or 0
    db.session.execute(sa.delete(PretestAnswer).where(PretestAnswer.pretest_id.in_(pretests))
                       .execution_options(synchronize_session=False))
    return count


def _delete_attendance(cutoff: date, done: Applied) -> int:
    return len(db.session.scalars(sa.delete(Participant)
                                  .where(Participant.session_id.in_(_due_attendance_sessions(cutoff)))
                                  .returning(Participant.id).execution_options(synchronize_session=False)).all())


def _delete_photos(cutoff: date, done: Applied) -> int:
    keys = list(db.session.scalars(sa.delete(Photo).where(Photo.session_id.in_(_due_photo_sessions(cutoff)))
                                   .returning(Photo.storage_key).execution_options(synchronize_session=False)))
    done.files += [(session_records.PHOTO_AREA, key) for key in keys]
    return len(keys)


def _delete_gift_reports(cutoff: date, done: Applied) -> int:
    ids = list(db.session.scalars(sa.select(GiftReport.id).where(_due_gift_reports(cutoff))
                                  .order_by(GiftReport.id).with_for_update()))
    deleted = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        done.files += [(gift_attachments.AREA, key) for key in db.session.scalars(
            sa.select(GiftAttachment.storage_key).where(GiftAttachment.report_id.in_(chunk)))]
        # A declaration that linked to the report keeps its content and loses only the link.
        db.session.execute(sa.update(Declaration).where(Declaration.gift_report_id.in_(chunk))
                           .values(gift_report_id=None).execution_options(synchronize_session=False))
        # Messages first: they point to attachments.
        for model in (GiftMessage, GiftHistory, GiftObject, GiftAttachment):
            db.session.execute(sa.delete(model).where(model.report_id.in_(chunk))
                               .execution_options(synchronize_session=False))
        deleted += len(db.session.scalars(sa.delete(GiftReport).where(GiftReport.id.in_(chunk))
                                          .returning(GiftReport.id).execution_options(synchronize_session=False))
                       .all())
    return deleted


_DELETERS = {"declarations": _delete_declarations, "quiz_answers": _delete_quiz_answers,
             "attendance": _delete_attendance, "session_photos": _delete_photos,
             "gift_reports": _delete_gift_reports}


def finish(done: Applied) -> int:
    """After the commit: remove the deleted rows' files. A run stopped before this leaves files
    no row points to, which `storage-sweep` removes. Returns the files removed."""
    for area, key in done.files:
        storage.delete(area, key)
    if any(done.counts.values()) and db.engine.dialect.name == "sqlite":
        # Copy the WAL into the database and empty it: the old pages go with it.
        db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return len(done.files)


def run(on: date, *, trigger: str, again: bool = False) -> Applied | None:
    """Apply the day's plan once: the first caller for `on` claims the day and runs. None when
    the day was already done, unless `again` (a run by hand after changing a period).
    Flushes; the caller commits, then calls finish()."""
    claimed = rows.insert_unless_present(RetentionRun, {"daily_on": on, "trigger": trigger, "ran_at": utcnow(),
                                                        "counts": {}}, ["daily_on"])
    if claimed is None and not again:
        return None
    record = db.session.get(RetentionRun, claimed) if claimed is not None else None
    if record is None:
        record = RetentionRun(trigger=trigger, counts={})
        db.session.add(record)
    due = plan(on)
    done = apply(due)
    record.counts = dict(done.counts)
    db.session.flush()
    # Counts only: nothing of what was deleted.
    audit.record("privacy.retention_run", record, data={
        "on": on.isoformat(), "trigger": trigger, "months": {k.kind.code: k.months for k in due.kinds},
        "deleted": done.counts, "files": len(done.files)})
    return done


def done_on(on: date) -> RetentionRun | None:
    return db.session.scalar(sa.select(RetentionRun).where(RetentionRun.daily_on == on))


def daily_task() -> Applied | None:
    """The worker's periodic task: once a local day, in its own transaction. Cheap when the
    day is done (one indexed read), so asking every half minute costs nothing."""
    on = today()
    if done_on(on) is not None:
        db.session.commit()
        return None
    done = run(on, trigger="worker")
    db.session.commit()
    if done is not None:
        finish(done)
        db.session.commit()
    return done


def recent_runs(limit: int = 10) -> list[RetentionRun]:
    return list(db.session.scalars(sa.select(RetentionRun).order_by(RetentionRun.ran_at.desc(), RetentionRun.id.desc())
                                   .limit(limit)))


def describe(code: str) -> str:
    """One sentence for the notices: how long this kind is kept, as set now."""
    kind, n = BY_CODE[code], months()[code]
    if n == 0:
        return gettext("%(what)s: no deletion period has been set yet, so they are kept.", what=kind.label)
    return ngettext("%(what)s: deleted %(num)d month after %(start)s.",
                    "%(what)s: deleted %(num)d months after %(start)s.", n, what=kind.label, start=kind.counted_from)
