"""The queue: a job is a database row, which is at once the queue entry, the progress bar the
browser polls and the pointer to the result file, so any app process can enqueue and any
worker can run it, without process memory or a broker."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import storage
from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db

AREA = "job-results"
KEEP_RESULTS = timedelta(days=1)


class JobStatus(LabelledEnum):
    QUEUED = "queued", _l("Waiting to start")
    RUNNING = "running", _l("Working")
    DONE = "done", _l("Ready")
    FAILED = "failed", _l("Failed")

# Job.error holds one of these codes (or "failed": an error in the job, told to nobody but the log).
JOB_ERRORS = {
    "timeout": _l("It took longer than a background job may take, so it was stopped."),
    "memory": _l("It needed more memory than a background job may use, so it was stopped."),
    "crashed": _l("The process making it stopped unexpectedly."),
    "signing": _l("It is an official document and must be signed electronically, but the signing certificate "
                  "cannot be used now, so nothing was made unsigned."),
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
    def error_message(self) -> str:
        return str(JOB_ERRORS[self.error]) if self.error in JOB_ERRORS else ""

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


def clean_old(now: datetime | None = None) -> int:
    now = now or utcnow()
    old = list(db.session.scalars(sa.select(Job).where(Job.finished_at < now - KEEP_RESULTS)))
    for job in old:
        if job.result_key:
            storage.delete(AREA, job.result_key)
        db.session.delete(job)
    db.session.commit()
    return len(old)


def read_result(job: Job) -> bytes:
    return storage.read(AREA, job.result_key)

