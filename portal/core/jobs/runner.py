"""The worker: claims queued jobs and runs each in a forked child with a memory limit and a
deadline (JOB_MEMORY_MB, JOB_TIMEOUT_SECONDS). A document that would take too long or too much
memory ends the child, never the worker, and the job is marked failed with the reason
(docs/decisions.md). A worker claims a job with a conditional UPDATE (one winner on SQLite and
PostgreSQL alike); a job whose worker died is put back after STALE_AFTER."""
from __future__ import annotations

import gc
import logging
import os
import resource
import select
import signal
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.core import storage
from portal.core.clock import utcnow
from portal.core.jobs.queue import AREA, HANDLERS, Job, JobStatus, clean_old
from portal.core.jobs.schedule import PERIODIC_SECONDS, run_periodic
from portal.extensions import db

STALE_AFTER = timedelta(minutes=10)
HEARTBEAT_SECONDS = 30  # the supervising worker keeps a long job from looking abandoned
log = logging.getLogger(__name__)


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
    """Run the oldest queued job, if any, in a child process. True if one ran (whatever its outcome)."""
    job_id = _claim()
    if job_id is None:
        return False
    if not current_app.config["JOB_ISOLATION"]:  # in this process: a debugger, or a test watching the render
        _execute(job_id)
        return True
    reason = _run_in_child(job_id, current_app.config["JOB_TIMEOUT_SECONDS"], current_app.config["JOB_MEMORY_MB"])
    if reason is not None:
        log.error("job %s stopped: %s", job_id, reason)
        _fail(job_id, reason)
    return True


def _execute(job_id: int) -> None:
    """The job itself; records its own outcome (done, or failed with a reason)."""
    job = db.session.get(Job, job_id)
    try:
        result = HANDLERS[job.kind](job, _progress(job_id))
        key = storage.new_key()
        storage.write(AREA, key, result.data)
        storage.track(db.session, AREA, key)
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        job.result_key, job.result_name, job.result_type = key, result.name, result.media_type
        job.status, job.finished_at, job.done = JobStatus.DONE, utcnow(), job.total
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.error("job %s (%s) failed:\n%s", job_id, job.kind if job else "?", traceback.format_exc())
        # An error that names its own code (signing.SigningUnavailable: "signing") is told to the
        # one who asked; any other is told to nobody but the log.
        _fail(job_id, "memory" if isinstance(exc, MemoryError) else getattr(exc, "job_error", "failed"))


def _fail(job_id: int, reason: str) -> None:
    # Only a running job: the child may have recorded its outcome before it died.
    db.session.execute(sa.update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(
        status=JobStatus.FAILED, finished_at=utcnow(), error=reason))
    db.session.commit()


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _run_in_child(job_id: int, timeout: float, memory_mb: int) -> str | None:
    """Run the job in a forked child limited to `memory_mb` of address space above the worker's
    own and to `timeout` seconds. Returns why it was stopped, or None if it recorded its outcome."""
    # No database connection may cross the fork: parent and child would talk on one socket.
    db.session.remove()
    db.engine.dispose()
    limit = _address_space() + memory_mb * 1024 * 1024 if memory_mb else None
    # The child holds the write end of a pipe until it ends: the read end then turns readable,
    # so the parent wakes at once instead of polling.
    alive_r, alive_w = os.pipe()
    # The child's garbage collector would otherwise walk (and so copy) every object it inherited:
    # about 140 ms per job here. Frozen objects are not walked; the parent unfreezes at once.
    gc.freeze()
    pid = os.fork()
    if pid != 0:
        gc.unfreeze()
    if pid == 0:  # the child: run, then leave without the parent's exit handlers
        code = 70
        try:
            os.close(alive_r)
            if limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            _execute(job_id)
            code = 0
        except BaseException:
            log.error("job %s: child failed:\n%s", job_id, traceback.format_exc())
        finally:
            os._exit(code)
    os.close(alive_w)
    try:
        deadline = time.monotonic() + timeout
        while not select.select([alive_r], [], [], max(0, min(HEARTBEAT_SECONDS, deadline - time.monotonic())))[0]:
            if time.monotonic() >= deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "timeout"
            _heartbeat(job_id)
    finally:
        os.close(alive_r)
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return None
    # Killed by a signal (a C library aborting on a failed allocation, the kernel's OOM killer)
    # or an error the child could not record.
    return "crashed"


def _heartbeat(job_id: int) -> None:
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow()))
    except sa.exc.SQLAlchemyError:  # the database away for a moment: the child matters more
        log.warning("job %s: heartbeat not recorded", job_id)


def run_pending() -> int:
    """Run jobs until the queue is empty (tests, and `worker --once`)."""
    n = 0
    while run_one():
        n += 1
    return n


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
        except (sa.exc.OperationalError, sa.exc.InterfaceError):
            # The database is away: wait and try again rather than die.
            _forget_session()
            log.warning("database unavailable; retrying in 5 s")
            time.sleep(5)
        finally:
            _forget_session()


def _forget_session() -> None:
    # Ending a transaction on a connection that died fails too; the worker must not die of it.
    try:
        db.session.remove()
    except sa.exc.SQLAlchemyError:
        log.warning("database connection lost; dropped")
        db.session.registry.clear()


