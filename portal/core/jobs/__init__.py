"""Background jobs as database rows, run by `flask --app portal worker`.

queue.py holds the row and how work is enqueued, runner.py the worker that runs it in a
limited child process, schedule.py the periodic tasks the worker runs between jobs. Areas
use the names below: `jobs.handler(kind)`, `jobs.enqueue(...)`, `jobs.periodic(fn)`.
"""
from portal.core.jobs.queue import AREA, HANDLERS, Job, JobStatus, Result, clean_old, enqueue, handler, read_result
from portal.core.jobs.runner import run_one, run_pending, work_forever
from portal.core.jobs.schedule import PERIODIC, periodic, run_periodic

__all__ = ["AREA", "HANDLERS", "PERIODIC", "Job", "JobStatus", "Result", "clean_old", "enqueue", "handler",
           "periodic", "read_result", "run_one", "run_pending", "run_periodic", "work_forever"]
