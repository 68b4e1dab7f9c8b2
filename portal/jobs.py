"""Background jobs as database rows, run by `flask --app portal worker`.

A job row is the queue entry, the progress bar the browser polls and the pointer to the
result file, so any app process can enqueue and any number of workers can run jobs without
process memory or a broker. A worker claims a job with a conditional UPDATE (one winner on
SQLite and PostgreSQL alike); a job whose worker died is put back after STALE_AFTER.
"""
from __future__ import annotations

import enum
import logging
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from portal import storage
from portal.db_types import utcnow
from portal.extensions import db

AREA = "job-results"
STALE_AFTER = timedelta(minutes=10)
PERIODIC_SECONDS = 30  # how often the worker asks each periodic task whether it has work
KEEP_RESULTS = timedelta(days=1)
log = logging.getLogger(__name__)


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self):
        return JOB_STATUS_LABELS[self]


JOB_STATUS_LABELS = {
    JobStatus.QUEUED: _l("Waiting to start"),
    JobStatus.RUNNING: _l("Working"),
    JobStatus.DONE: _l("Ready"),
    JobStatus.FAILED: _l("Failed"),
}


class Job(db.Model):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[dict] = mapped_column(sa.JSON)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[JobStatus] = mapped_column(default=JobStatus.QUEUED, index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result_key: Mapped[str | None] = mapped_column(sa.String(64))
    result_name: Mapped[str | None] = mapped_column(sa.String(200))
    result_type: Mapped[str | None] = mapped_column(sa.String(100))
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class Result:
    def __init__(self, data: bytes, name: str, media_type: str):
        self.data, self.name, self.media_type = data, name, media_type


# kind -> handler(job, progress) -> Result. progress(done, total) records how far it got.
HANDLERS: dict[str, Callable[[Job, Callable[[int, int], None]], Result]] = {}


# Periodic tasks run by the worker between jobs; each decides itself whether anything is due
# (from rows in the database, so several workers agree) and manages its own transactions.
PERIODIC: list[Callable[[], object]] = []


def periodic(fn):
    if fn not in PERIODIC:
        PERIODIC.append(fn)
    return fn


def run_periodic() -> None:
    for task in PERIODIC:
        try:
            task()
        except sa.exc.OperationalError:
            raise
        except Exception:
            db.session.rollback()
            log.error("periodic task %s failed:\n%s", task.__name__, traceback.format_exc())


def handler(kind: str):
    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


def enqueue(kind: str, params: dict, *, owner, title: str, total: int = 0) -> Job:
    job = Job(kind=kind, params=params, owner_id=owner.id, title=title, total=total)
    db.session.add(job)
    db.session.flush()
    return job


def _claim() -> int | None:
    now = utcnow()
    # Jobs of a worker that died go back to the queue.
    db.session.execute(sa.update(Job).where(Job.status == JobStatus.RUNNING, Job.heartbeat_at < now - STALE_AFTER)
                       .values(status=JobStatus.QUEUED))
    candidate = db.session.scalar(sa.select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.id).limit(1))
    if candidate is None:
        db.session.commit()
        return None
    won = db.session.execute(sa.update(Job).where(Job.id == candidate, Job.status == JobStatus.QUEUED)
                             .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)).rowcount
    db.session.commit()
    return candidate if won else _claim()


def _progress(job_id: int) -> Callable[[int, int], None]:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        # At most twice a second: the bar moves, the database is not hammered.
        if time.monotonic() - last[0] < 0.5 and done < total:
            return
        last[0] = time.monotonic()
        with db.engine.begin() as conn:
            conn.execute(sa.update(Job).where(Job.id == job_id).values(done=done, total=total,
                                                                       heartbeat_at=utcnow()))

    return progress


def run_one() -> bool:
    """Run the oldest queued job, if any. True if one ran (whatever its outcome)."""
    job_id = _claim()
    if job_id is None:
        return False
    job = db.session.get(Job, job_id)
    try:
        result = HANDLERS[job.kind](job, _progress(job_id))
        key = storage.new_key()
        storage.write(AREA, key, result.data)
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        job.result_key, job.result_name, job.result_type = key, result.name, result.media_type
        job.status, job.finished_at, job.done = JobStatus.DONE, utcnow(), job.total
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.error("job %s (%s) failed:\n%s", job_id, job.kind if job else "?", traceback.format_exc())
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(
            status=JobStatus.FAILED, finished_at=utcnow(), error="failed"))
        db.session.commit()
    return True


def run_pending() -> int:
    """Run jobs until the queue is empty (tests, and `worker --once`)."""
    n = 0
    while run_one():
        n += 1
    return n


def clean_old(now: datetime | None = None) -> int:
    now = now or utcnow()
    old = list(db.session.scalars(sa.select(Job).where(Job.finished_at < now - KEEP_RESULTS)))
    for job in old:
        if job.result_key:
            storage.delete(AREA, job.result_key)
        db.session.delete(job)
    db.session.commit()
    return len(old)


def work_forever(poll_seconds: float = 1.0) -> None:
    log.info("worker started")
    last_clean = last_periodic = 0.0
    while True:
        try:
            if time.monotonic() - last_clean > 3600:
                clean_old()
                last_clean = time.monotonic()
            if time.monotonic() - last_periodic > PERIODIC_SECONDS:
                run_periodic()
                last_periodic = time.monotonic()
            if not run_one():
                time.sleep(poll_seconds)
        except sa.exc.OperationalError:
            # The database is away: wait and try again rather than die.
            db.session.rollback()
            log.warning("database unavailable; retrying in 5 s")
            time.sleep(5)
        finally:
            db.session.remove()


def read_result(job: Job) -> bytes:
    return storage.read(AREA, job.result_key)

