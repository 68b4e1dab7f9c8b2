#!/usr/bin/env python
"""One web node against two behind a round-robin (issue 22): p50/p95 of a few representative
pages with N concurrent clients.

    .venv/bin/python bench/two_nodes.py                          # 4 and 16 clients, 25 rounds each
    .venv/bin/python bench/two_nodes.py --clients 8 --rounds 50 --workers 2
    .venv/bin/python bench/two_nodes.py --reuse                  # keep portal_bench_two_nodes's data

In order:
1. Recreates `portal_bench_two_nodes` on the local PostgreSQL and runs `flask --app portal db upgrade`,
   then the seeded defaults and the parts of the demo the pages need (organisation and logins, WBS,
   socialisation sessions with their certificates), as tests/multinode does.
2. Starts two gunicorn nodes (gunicorn.conf.py, --workers sync workers each) with their own
   instance folders (PORTAL_INSTANCE_PATH) and the same keys, database, Redis (its own database
   number and key prefix) and stored files (one shared STORAGE_DIR: none of these pages reads a
   stored file, so the object store would change nothing measured here).
3. Per client count, once against node A alone and once against both: each client is a person
   logged in as asn.dinkes (set-up, not measured) with their own address in X-Forwarded-For
   (PORTAL_PROXY_FIX_X_FOR=1, as behind a load balancer), and asks --rounds times, in turn:
   /healthz, / (the ASN's personal home), /wbs/ (the WBS landing) and /verifikasi/<code> (a real
   certificate). The "load balancer" is the client itself: with two nodes, client i's k-th
   request goes to node (i + k) mod 2, a plain round-robin. The verification limit is raised for
   the run (PORTAL_VERIFY_LIMIT): it would otherwise answer 429 after 30 a minute per client.
4. Prints and writes (bench/results/two_nodes.json) per page: count, errors, p50/p95/p99 and the
   throughput of each run. Both nodes share the machine's cores, so on one machine the second
   node adds processes, not CPU: the figure shows what the round-robin and a second process pool
   cost or save, not what a second machine would bring.
"""
from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import BENCH_KEYS, ROOT, Browser, free_port, fresh_database, run_concurrently, summary, write_result  # noqa: E402

DATABASE = "portal_bench_two_nodes"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
PASSWORD = "integritas-2019"
PAGES = ["/healthz", "/", "/wbs/", "/verifikasi/{code}"]
LABELS = {"/healthz": "GET /healthz", "/": "GET / (ASN home)", "/wbs/": "GET /wbs/ (WBS landing)",
          "/verifikasi/{code}": "GET /verifikasi/<code>"}
SEED = """
import random
from portal import create_app
from portal.extensions import db
from portal.ops.cli import seed_defaults
from portal.demo import org, wbs, sessions
app = create_app()
with app.app_context():
    rng = random.Random(2019)
    seed_defaults()
    for part in (org, wbs, sessions):
        part.load(rng, lambda *a: None)
    db.session.commit()
"""


def environment(url: str, files: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "GUNICORN_")) and k not in ("DATABASE_URL", "REDIS_URL", "PORT")}
    env.update(BENCH_KEYS, DATABASE_URL=url, REDIS_URL=REDIS_URL, PORTAL_STORAGE_DIR=str(files),
               PORTAL_RATELIMIT_KEY_PREFIX=f"bench-two-nodes-{os.getpid()}", PORTAL_PROXY_FIX_X_FOR="1",
               PORTAL_VERIFY_LIMIT="1000000 per minute", PORTAL_LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
               PYTHONPATH=str(ROOT))
    return env


def prepare(url: str, env: dict) -> None:
    for args in (["-m", "flask", "--app", "portal", "db", "upgrade"], ["-c", SEED]):
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=900)


def certificate_code(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        code = conn.execute(sa.text("SELECT code FROM cert_certificate WHERE status = 'valid' ORDER BY id LIMIT 1"))\
            .scalar()
    engine.dispose()
    if not code:
        raise SystemExit("no certificate in the database: run without --reuse")
    return code


@contextmanager
def node(name: str, env: dict, workers: int, tmp: Path):
    """One gunicorn with its own instance folder; yields its base URL."""
    port = free_port()
    instance = tmp / name
    instance.mkdir(exist_ok=True)
    log = open(tmp / f"{name}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                             "--access-logfile", "/dev/null", "portal:create_app()"], cwd=ROOT,
                            env=dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers),
                                     PORTAL_INSTANCE_PATH=str(instance)),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            try:
                if Browser(base).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{name} did not start: see {log.name}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def measure(bases: list[str], clients: int, rounds: int, code: str) -> dict:
    """`clients` people at once, each asking every page `rounds` times, round-robin over `bases`."""
    people = []
    for i in range(clients):
        browser = Browser(bases[0])
        address = f"10.20.{i // 250}.{i % 250 + 1}"
        browser.login("asn.dinkes", PASSWORD)  # the session cookie is valid on every node
        people.append((i, browser, address))
    latencies: dict[str, list[float]] = {page: [] for page in PAGES}
    errors: dict[str, Counter] = {page: Counter() for page in PAGES}

    def person(args):
        i, browser, address = args
        turn = itertools.count(i)
        for _ in range(rounds):
            for page in PAGES:
                browser.base = bases[next(turn) % len(bases)]
                start = time.perf_counter()
                status, _ = browser.request("GET", page.format(code=code), headers={"X-Forwarded-For": address})
                latencies[page].append(time.perf_counter() - start)  # list.append is atomic under the GIL
                if status != 200:
                    errors[page][status] += 1

    _, _, wall = run_concurrently(person, people, clients)
    total = sum(len(v) for v in latencies.values())
    # The machine's load average after the run: other work on it shows in the figures.
    return {"wall_s": round(wall, 2), "throughput_rps": round(total / wall, 1), "load_1min": os.getloadavg()[0],
            "pages": {LABELS[p]: dict(summary(latencies[p]), errors=dict(errors[p])) for p in PAGES}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="4,16", help="concurrent clients per run, comma-separated")
    parser.add_argument("--rounds", type=int, default=25, help="times each client asks for each page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per node")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]

    url = fresh_database(DATABASE) if not args.reuse else \
        os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0] \
        + "/" + DATABASE
    with tempfile.TemporaryDirectory(prefix="bench-two-nodes-") as tmp_name:
        tmp = Path(tmp_name)
        env = environment(url, tmp / "files")
        if not args.reuse:
            print("preparing the database (db upgrade, seed, demo organisation, WBS, sessions)...", flush=True)
            prepare(url, env)
        code = certificate_code(url)
        results = {"command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]), "cpus": os.cpu_count(),
                   "workers_per_node": args.workers, "rounds": args.rounds, "runs": []}
        with ExitStack() as stack:
            a = stack.enter_context(node("node-a", env, args.workers, tmp))
            b = stack.enter_context(node("node-b", env, args.workers, tmp))
            measure([a, b], 2, 2, code)  # warm both nodes' workers (templates, connections)
            for clients in levels:
                for label, bases in (("one node", [a]), ("two nodes, round-robin", [a, b])):
                    run = measure(bases, clients, args.rounds, code)
                    results["runs"].append({"nodes": label, "clients": clients, **run})
                    print(f"\n{label}, {clients} clients: {run['throughput_rps']} requests/s in {run['wall_s']} s "
                          f"(load average {run['load_1min']:.1f})")
                    print(f"  {'page':28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors")
                    for page, s in run["pages"].items():
                        print(f"  {page:28} {s['n']:>5} {s['p50_ms']:>8} {s['p95_ms']:>8} {s['p99_ms']:>8}  "
                              f"{s['errors'] or '-'}")
    print(f"\nwritten: {write_result('two_nodes', results)}")


if __name__ == "__main__":
    main()
