"""A PDF that would take too long or too much memory is stopped, and the worker survives
(issue 9, "proven under faults").

Each background job runs in a forked child with a deadline and an address-space limit
(portal/jobs.py). The pathological document is real: a table of a few thousand rows, which
WeasyPrint lays out at about 3.5 ms and 60 KB a row (bench/job_isolation.py), far past a
2-second deadline. Memory is exhausted deterministically by a test-only handler that allocates.
After each failure the same worker runs a normal job to the end. The first tests run the
worker loop in this process (on SQLite and PostgreSQL); the last runs `flask --app portal
worker` itself.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.core import jobs
from portal.extensions import db
from tests.ops.faults_support import KEYS_ENV, ROOT, terminate_group

HUGE_TABLE, GREEDY, SUICIDE = "test.huge-table", "test.greedy", "test.killed"


def huge_table(job, progress) -> jobs.Result:
    """A document with one table of params["rows"] rows, through the portal's PDF renderer."""
    from portal.core import pdf

    rows = "".join(f"<tr><td>{i}</td><td>Pegawai nomor {i}</td><td>Dinas Kesehatan</td></tr>"
                   for i in range(job.params["rows"]))
    return jobs.Result(pdf.html_to_pdf(f"<table>{rows}</table>"), "tabel.pdf", "application/pdf")


def greedy(job, progress) -> jobs.Result:
    hoard = [bytearray(64 << 20) for _ in range(128)]  # 64 MiB at a time: the limit says no long before 8 GiB
    return jobs.Result(bytes(len(hoard)), "never.bin", "application/octet-stream")


def killed(job, progress) -> jobs.Result:
    import os

    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's OOM killer does


@pytest.fixture
def worker_app(app_factory, monkeypatch):
    monkeypatch.setitem(jobs.HANDLERS, HUGE_TABLE, huge_table)
    monkeypatch.setitem(jobs.HANDLERS, GREEDY, greedy)
    monkeypatch.setitem(jobs.HANDLERS, SUICIDE, killed)
    return app_factory(JOB_TIMEOUT_SECONDS=2, JOB_MEMORY_MB=128)


def enqueue(app, kind: str, params: dict, owner_id: int) -> int:
    from portal.auth.models import User

    with app.app_context():
        job = jobs.enqueue(kind, params, owner=db.session.get(User, owner_id), title="Uji gangguan")
        db.session.commit()
        return job.id


def normal_job(app, owner_id: int) -> int:
    """A real job of the portal: the attendance certificates of a session that has none, as a ZIP."""
    from portal.certificates import bulk

    return enqueue(app, bulk.ZIPPED, {"session_id": 2**30, "base": "http://127.0.0.1"}, owner_id)


def job_row(app, job_id: int) -> dict:
    from flask_babel import force_locale

    with app.app_context(), force_locale("en"):
        job = db.session.get(jobs.Job, job_id)
        return {"status": job.status.value, "error": job.error, "message": job.error_message,
                "result": job.result_key, "finished": job.finished_at is not None}


def run_one_timed(app) -> float:
    with app.app_context():
        start = time.monotonic()
        assert jobs.run_one()
        return time.monotonic() - start


def test_a_document_that_takes_too_long_is_stopped_and_the_worker_goes_on(worker_app, world, login_as):
    slow = enqueue(worker_app, HUGE_TABLE, {"rows": 3000}, world.inspektur["user_id"])
    after = normal_job(worker_app, world.inspektur["user_id"])
    elapsed = run_one_timed(worker_app)
    assert 2 <= elapsed < 2 + 10  # the deadline, plus the time to fork, kill and record
    row = job_row(worker_app, slow)
    assert (row["status"], row["error"], row["result"], row["finished"]) == ("failed", "timeout", None, True)
    # The owner reads why, in their language, on the job's page.
    client = login_as(world.inspektur)
    page = client.get(f"/sertifikat/unduhan/{slow}?lang=en").get_data(as_text=True)
    assert "It took longer than a background job may take, so it was stopped." in page
    assert "The file could not be made." in page
    run_one_timed(worker_app)
    assert job_row(worker_app, after)["status"] == "done"
    assert client.get(f"/sertifikat/unduhan/{after}/berkas").data.startswith(b"PK")  # an (empty) ZIP


def test_a_job_that_needs_too_much_memory_is_stopped(worker_app, world):
    hungry = enqueue(worker_app, GREEDY, {}, world.inspektur["user_id"])
    after = normal_job(worker_app, world.inspektur["user_id"])
    assert run_one_timed(worker_app) < 10
    row = job_row(worker_app, hungry)
    assert (row["status"], row["error"]) == ("failed", "memory")
    assert row["message"] == "It needed more memory than a background job may use, so it was stopped."
    run_one_timed(worker_app)
    assert job_row(worker_app, after)["status"] == "done"


def test_a_killed_job_is_marked_failed(worker_app, world):
    victim = enqueue(worker_app, SUICIDE, {}, world.inspektur["user_id"])
    after = normal_job(worker_app, world.inspektur["user_id"])
    run_one_timed(worker_app)
    assert (job_row(worker_app, victim)["status"], job_row(worker_app, victim)["error"]) == ("failed", "crashed")
    run_one_timed(worker_app)
    assert job_row(worker_app, after)["status"] == "done"


# --- the real worker process -------------------------------------------------------------------

WORKER = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from portal.core import jobs
from tests.ops.test_ops_faults_pdf_job import GREEDY, HUGE_TABLE, greedy, huge_table
jobs.handler(HUGE_TABLE)(huge_table)  # test-only kinds, registered before the worker starts
jobs.handler(GREEDY)(greedy)
from flask.cli import main
sys.argv = ["flask", "--app", "portal", "worker"]
main()
"""


@pytest.fixture
def sqlite_portal(tmp_path):
    """A portal database on SQLite with one account, and the environment of a worker for it."""
    from portal import create_app
    from portal.auth import services as auth_services
    from portal.core.roles import Role

    url = f"sqlite:///{tmp_path / 'portal.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": KEYS_ENV["PORTAL_SECRET_KEY"],
                      "WBS_RECEIPT_PEPPER": "p", "DATA_KEYS": [KEYS_ENV["PORTAL_DATA_KEYS"]],
                      "STORAGE_DIR": str(tmp_path / "files"), "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8,
                      "ARGON2_PARALLELISM": 1})
    with app.app_context():
        db.create_all()
        owner_id = auth_services.create_user(username="inspektur", roles={Role.ADMIN}).id
        db.session.commit()
    from tests.ops.faults_support import portal_env

    env = portal_env(url, tmp_path / "files", PORTAL_JOB_TIMEOUT_SECONDS="3", PORTAL_JOB_MEMORY_MB="256")
    yield app, owner_id, env
    with app.app_context():
        db.engine.dispose()


def test_the_worker_process_survives_pathological_jobs(sqlite_portal, tmp_path):
    app, owner_id, env = sqlite_portal
    slow = enqueue(app, HUGE_TABLE, {"rows": 4000}, owner_id)
    hungry = enqueue(app, GREEDY, {}, owner_id)
    after = normal_job(app, owner_id)
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 45
        while job_row(app, after)["status"] not in ("done", "failed") and time.monotonic() < deadline:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.2)
        log_text = (tmp_path / "worker.log").read_text()
        assert worker.poll() is None, log_text[-3000:]  # the worker is still there
        assert (job_row(app, slow)["status"], job_row(app, slow)["error"]) == ("failed", "timeout"), log_text[-3000:]
        assert (job_row(app, hungry)["status"], job_row(app, hungry)["error"]) == ("failed", "memory")
        assert job_row(app, after)["status"] == "done", log_text[-3000:]
        # It keeps taking work: one more normal job.
        again = normal_job(app, owner_id)
        deadline = time.monotonic() + 15
        while job_row(app, again)["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert job_row(app, again)["status"] == "done" and worker.poll() is None
    finally:
        terminate_group(worker)
    with app.app_context():
        stuck = db.session.scalar(sa.select(sa.func.count()).select_from(jobs.Job)
                                  .where(jobs.Job.status == jobs.JobStatus.RUNNING))
    assert stuck == 0
    assert not list(Path(tmp_path / "files").rglob(".tmp-*"))
