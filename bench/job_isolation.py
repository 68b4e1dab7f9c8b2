"""Job isolation benchmark: what running each background job in a forked child costs, and how
much time and memory documents take, to size JOB_TIMEOUT_SECONDS and JOB_MEMORY_MB.

    .venv/bin/python bench/job_isolation.py                 # SQLite in a temporary folder
    .venv/bin/python bench/job_isolation.py --postgresql    # a fresh portal_bench_jobs on 127.0.0.1:5432
    .venv/bin/python bench/job_isolation.py --jobs 100 --rows 500,1000,2000,4000

1. `--jobs` trivial jobs (a handler that returns 1 KB, stored like any result) run through
   jobs.run_pending(), in rounds that alternate a forked child per job (JOB_ISOLATION, the
   default) and the worker's own process. Wall time per job; the difference is the price of
   isolation: fork, the database reconnect after the pool is dropped, waitpid.
2. For each of `--rows`, a table of that many rows through pdf.html_to_pdf in a forked child
   without limits: seconds, address-space growth (VmPeak minus the VmSize the child started
   with: what RLIMIT_AS counts) and resident peak growth (VmHWM minus VmRSS at the start).
   WeasyPrint's table layout grows faster than linearly, which is why a document can run away.

Writes bench/results/job_isolation.json. No targets: the numbers size the defaults.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import bench_app, fresh_database, write_result  # noqa: E402


def status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def per_job_ms(app, owner_id: int, jobs_per_round: int, rounds: int) -> dict:
    import sqlalchemy as sa

    from portal.core import jobs
    from portal.auth.models import User
    from portal.extensions import db

    jobs.HANDLERS["bench.trivial"] = lambda job, progress: jobs.Result(b"x" * 1024, "x.bin", "application/octet-stream")
    times = {True: [], False: []}
    with app.app_context():
        owner = db.session.get(User, owner_id)
        for r in range(rounds * 2):
            isolated = r % 2 == 0
            app.config["JOB_ISOLATION"] = isolated
            for _ in range(jobs_per_round):
                jobs.enqueue("bench.trivial", {}, owner=owner, title="bench")
            db.session.commit()
            start = time.perf_counter()
            assert jobs.run_pending() == jobs_per_round
            times[isolated].append((time.perf_counter() - start) / jobs_per_round * 1000)
            owner = db.session.get(User, owner_id)
        failed = db.session.scalar(sa.select(sa.func.count()).select_from(jobs.Job)
                                   .where(jobs.Job.status != jobs.JobStatus.DONE))
        db.engine.dispose()
    forked, inline = statistics.median(times[True]), statistics.median(times[False])
    return {"forked_ms_per_job": round(forked, 1), "inline_ms_per_job": round(inline, 1),
            "isolation_cost_ms": round(forked - inline, 1), "rounds_each": rounds, "jobs_per_round": jobs_per_round,
            "not_done": failed}


def table_in_child(rows: int) -> dict:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        from portal.core import pdf

        size0, rss0 = status_mb("VmSize"), status_mb("VmRSS")
        html = "<table>" + "".join(f"<tr><td>{i}</td><td>Pegawai nomor {i}</td><td>Dinas Kesehatan</td></tr>"
                                   for i in range(rows)) + "</table>"
        start = time.perf_counter()
        data = pdf.html_to_pdf(html)
        out = {"rows": rows, "seconds": round(time.perf_counter() - start, 2),
               "address_space_mb": round(status_mb("VmPeak") - size0, 1),
               "resident_peak_mb": round(status_mb("VmHWM") - rss0, 1), "pdf_kb": len(data) // 1024}
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgresql", action="store_true", help="use a fresh portal_bench_jobs database")
    parser.add_argument("--jobs", type=int, default=20, help="trivial jobs per round (5 rounds each way)")
    parser.add_argument("--rows", default="500,1000,2000", help="table sizes for part 2, comma-separated")
    args = parser.parse_args()

    from portal.auth import services as auth_services
    from portal.extensions import db
    from portal.core.roles import Role

    folder = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    url = fresh_database("portal_bench_jobs") if args.postgresql else f"sqlite:///{folder / 'portal.db'}"
    app = bench_app(url, STORAGE_DIR=str(folder / "files"), ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=8,
                    ARGON2_PARALLELISM=1)
    with app.app_context():
        db.create_all()
        owner_id = auth_services.create_user(username="bench", roles={Role.ADMIN}).id
        db.session.commit()
        db.engine.dispose()
    from portal.core import pdf

    pdf.html_to_pdf("<p>warm</p>")  # fonts and WeasyPrint loaded once, as in a running worker
    result = {"database": "postgresql" if args.postgresql else "sqlite", "load_average": os.getloadavg()[0],
              "worker_address_space_mb": round(status_mb("VmSize"), 1), "worker_rss_mb": round(status_mb("VmRSS"), 1),
              "jobs": per_job_ms(app, owner_id, args.jobs, 5),
              "tables": [table_in_child(int(n)) for n in args.rows.split(",")]}
    result["load_average_end"] = os.getloadavg()[0]
    shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, indent=2))
    print(f"written to {write_result('job_isolation', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
