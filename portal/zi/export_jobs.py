"""A unit's evidence ZIP made by the background worker (`flask --app portal worker`): it reads
every other area's evidence of the OPD live (socialisation packs, PDFs, workbooks), which takes
seconds for a small OPD and many minutes for the largest, far beyond a web request
(docs/performance.md, "Zona Integritas"). The owner watches its progress on the job page.

Who may have it is decided once, when it is asked for (export_views.py: zi.permissions.can_see);
the handler checks nothing again. The result belongs to whoever asked (the job pages show it to
nobody else) and is kept a day (jobs.KEEP_RESULTS): someone who loses the unit in that day keeps
the file they were entitled to when they asked, as they would keep one downloaded at once."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.core import jobs
from portal.extensions import db
from portal.zi import exports, lke
from portal.zi.models import Unit

KIND = "zi.evidence_zip"
MEDIA_TYPE = "application/zip"


def active_job(unit: Unit, owner) -> jobs.Job | None:
    """The owner's ZIP of this unit still queued or running, if any."""
    rows = db.session.scalars(sa.select(jobs.Job).where(
        jobs.Job.kind == KIND, jobs.Job.owner_id == owner.id,
        jobs.Job.status.in_([jobs.JobStatus.QUEUED, jobs.JobStatus.RUNNING])).order_by(jobs.Job.id))
    # A person has few jobs at a time: compared here rather than inside the JSON column, which
    # SQLite and PostgreSQL query differently.
    return next((job for job in rows if job.params.get("unit_id") == unit.id), None)


def request_zip(unit: Unit, *, owner) -> tuple[jobs.Job, bool]:
    """The job making the unit's ZIP for `owner`, and whether it is new: one already queued or
    running for the same unit and person is reused rather than doubling the work."""
    found = active_job(unit, owner)
    if found is not None:
        return found, False
    # No base address in the parameters: exports.py writes links on PUBLIC_BASE_URL
    # (web/urls.py), which the worker has without a request.
    job = jobs.enqueue(KIND, {"unit_id": unit.id}, owner=owner,
                       title=_("Supporting evidence (ZIP) of %(opd)s, Zona Integritas %(year)d",
                               opd=unit.opd.name, year=unit.version.year),
                       total=len(lke.items_of(unit.version)))
    return job, True


@jobs.handler(KIND)
def _evidence_zip(job: jobs.Job, progress) -> jobs.Result:
    # Permission was checked when the job was queued (module docstring); a unit withdrawn since
    # fails the job (get_one raises), which its page says.
    unit = db.session.get_one(Unit, job.params["unit_id"])

    def step(done: int, total: int) -> None:
        # Reading an item's evidence may write (a socialisation pack gives its invitation a letter
        # number, as the area's own download does): kept at once, item by item, so no lock is held
        # for the minutes the ZIP takes. The progress is written on another connection, which
        # SQLite would otherwise refuse ("database is locked").
        db.session.commit()
        progress(done, total)

    session = db.session()
    # What is loaded stays loaded across those commits: the export reads it to the end.
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        data = exports.evidence_zip(unit, progress=step)
    finally:
        session.expire_on_commit = keep
    return jobs.Result(data, exports.file_stem(unit, "bukti-dukung-zi") + ".zip", MEDIA_TYPE)
