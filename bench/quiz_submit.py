#!/usr/bin/env python
"""A room submits its quiz at once: N concurrent submissions against gunicorn on PostgreSQL.

    .venv/bin/python bench/quiz_submit.py                    # 200 users, gunicorn -w 4 --threads 2
    .venv/bin/python bench/quiz_submit.py --threads 1               # sync workers
    .venv/bin/python bench/quiz_submit.py --double-click            # every submission sent twice at once

What it does, in order:
1. Recreates the database `portal_bench` on the local PostgreSQL server (trust auth) and
   builds it with create_all; loads the seed content and, through the services, one OPD
   with N employees, each with every lesson of the WBS module read and an attempt started.
2. Starts gunicorn (its own process group, stopped at the end) on that database.
3. Each simulated user logs in and opens their attempt page, as a browser would, to get a
   session cookie and the form's CSRF token: CSRF protection stays ON.
4. Fires the N submissions at once (threads released by one barrier; one connection each),
   then the same N again (a room of double clicks), then N concurrent GET /healthz as the
   reference, all in the same run against the same server.
5. Checks the database: every attempt submitted exactly once, graded with exactly the
   answers that were sent (none lost), nothing changed by the replays (none counted twice),
   one completion per passing attempt, no extra attempts.

Argon2 is set to its floor on both sides (PORTAL_ARGON2_*): logins are set-up here, not what
is measured.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "kata-sandi-bench-2019"
ACCESS_FORMAT = '%(m)s %(U)s %(s)s %(M)s'  # method, path, status, server time in ms: no address
LOW_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


# --- 1. data ---------------------------------------------------------------------------------------

def recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def bench_app(url: str):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only-secret-key-0123456789abcdef",
                       "DATA_KEYS": ["q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A="], "WBS_RECEIPT_PEPPER": "bench",
                       **LOW_ARGON2})


def prepare(url: str, users: int) -> list[dict]:
    """Employees with a started attempt each; returns what each simulated user will send."""
    from portal.auth.passwords import hash_password
    from portal.extensions import db
    from portal.learning import attempts, services
    from portal.learning.content import load_content
    from portal.learning.models import Module
    from portal.org import services as org_services
    from portal.org.models import OpdKind

    app = bench_app(url)
    people = []
    with app.app_context():
        db.create_all()
        load_content()
        module = db.session.scalar(sa.select(Module).where(Module.slug == "wbs"))
        opd = org_services.save_opd(None, code="BENCH", name="Dinas Bench", short_name="BENCH", kind=OpdKind.DINAS,
                                    active=True, actor=None)
        password_hash = hash_password(PASSWORD)
        for i in range(users):
            nip = f"19800101{2005 + i % 15}{1 + i % 12:02d}1{i + 1:03d}"
            employee = org_services.save_employee(None, nip=nip, name=f"Peserta {i + 1:03d}",
                                                  position="Analis", opd=opd, actor=None)
            employee.user.username = f"peserta{i + 1:03d}"
            employee.user.password_hash = password_hash
            for lesson in module.lessons:
                services.mark_lesson_read(employee.id, lesson)
            attempt = attempts.start_attempt(employee.id, module)
            # Most answer everything right; every fifth user gets three wrong (70 %), so some fail.
            answers, expected = {}, 0
            for n, aq in enumerate(attempt.questions):
                right = i % 5 != 0 or n >= 3
                wrong = [c for c in aq.choice_order if c not in aq.correct_choice_ids]
                answers[f"q-{aq.question_id}"] = [str(c) for c in (aq.correct_choice_ids if right else wrong[:1])]
                expected += right
            people.append({"login": employee.user.username, "attempt_id": attempt.id, "answers": answers,
                           "expected_correct": expected, "questions": len(attempt.questions)})
        db.session.commit()
        db.engine.dispose()
    return people


# --- 2. the server -----------------------------------------------------------------------------------

def start_server(url: str, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, PORTAL_SECRET_KEY="bench-only-secret-key-0123456789abcdef",
               **{f"PORTAL_{k}": str(v) for k, v in LOW_ARGON2.items()})
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers), "--threads", str(threads),
           "-b", f"127.0.0.1:{port}", "--timeout", "60", "--access-logfile", "-",
           "--access-logformat", ACCESS_FORMAT, "portal:create_app()"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    for _ in range(100):
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # the group we started: master and its workers only
    server.wait(timeout=30)


# --- 3. a minimal browser ---------------------------------------------------------------------------

def request(port, method, path, body=None, cookie=None, accept=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Connection": "close"}
    if accept:
        headers["Accept"] = accept
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(body, doseq=True)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode("utf-8", "replace")
    set_cookie = response.getheader("Set-Cookie") or ""
    status, location = response.status, response.getheader("Location") or ""
    conn.close()
    match = re.search(r"portal_session=([^;]+)", set_cookie)
    return status, location, data, (f"portal_session={match.group(1)}" if match else None)


def token_in(html: str) -> str:
    """The value of the page's hidden csrf_token input, whatever the attribute order."""
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = re.search(r'value="([^"]+)"', tag.group(0)) if tag else None
    if value is None:
        raise RuntimeError("no CSRF token on the page")
    return value.group(1)


def log_in_and_open(port: int, person: dict) -> None:
    status, _, html, cookie = request(port, "GET", "/login")
    status, location, _, cookie = request(port, "POST", "/login", {"login": person["login"], "password": PASSWORD,
                                                                   "csrf_token": token_in(html)}, cookie)
    if status != 302 or cookie is None:
        raise RuntimeError(f"login failed for {person['login']}: {status}")
    status, _, html, new_cookie = request(port, "GET", f"/belajar/percobaan/{person['attempt_id']}", cookie=cookie)
    if status != 200:
        raise RuntimeError(f"attempt page: {status}")
    person["cookie"] = new_cookie or cookie
    person["token"] = token_in(html)


def wave(port: int, people: list[dict], make_request) -> dict:
    """All requests released at once; per-request latency, wall time, failures."""
    barrier = threading.Barrier(len(people) + 1)
    results = [None] * len(people)

    def run(i, person):
        barrier.wait()
        start = time.perf_counter()
        try:
            outcome = make_request(person)
        except Exception as exc:  # counted, never hidden
            outcome = (0, repr(exc))
        results[i] = (time.perf_counter() - start, start, *outcome)

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    barrier.wait()
    released = time.perf_counter()
    for t in threads:
        t.join()
    wall = max(r[0] + r[1] for r in results) - released
    latencies = sorted(r[0] for r in results)
    return {"latencies": latencies, "wall": wall, "outcomes": [r[2:] for r in results]}


def submit(port, as_json: bool = False):
    def make(person):
        data = {"csrf_token": person["token"], "finish": "1", **person["answers"]}
        status, location, body, _ = request(port, "POST", f"/belajar/percobaan/{person['attempt_id']}", data,
                                            person["cookie"], accept="application/json" if as_json else None)
        if as_json:
            outcome = re.search(r'"status":\s*"(\w+)"', body)
            ok = status == 200 and outcome is not None
            return (status, "ok" if ok else f"{status} {body[:80]}", outcome.group(1) if outcome else None)
        ok = status == 302 and location.endswith(f"/belajar/percobaan/{person['attempt_id']}/hasil")
        return (status, "ok" if ok else f"{status} {location}")
    return make


def healthz(port):
    def make(_person):
        status, _, body, _ = request(port, "GET", "/healthz")
        return (status, "ok" if status == 200 and '"database":true' in body.replace(" ", "") else body[:80])
    return make


# --- 4. checks and report -------------------------------------------------------------------------

def snapshot(url: str) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        attempts = {row.id: tuple(row) for row in conn.execute(sa.text(
            "SELECT id, employee_id, submitted_at, correct_count, question_count, score_percent, passed "
            "FROM learning_attempt"))}
        graded = conn.execute(sa.text("SELECT count(*) FROM learning_attempt_question WHERE is_correct IS NULL")).scalar()
        completions = conn.execute(sa.text("SELECT count(*), count(DISTINCT employee_id) FROM learning_completion")).one()
    engine.dispose()
    return {"attempts": attempts, "ungraded_questions": graded, "completions": tuple(completions)}


def verify(people: list[dict], after_submit: dict, after_replay: dict) -> list[str]:
    problems = []
    rows = after_submit["attempts"]
    if len(rows) != len(people):
        problems.append(f"{len(rows)} attempts in the database for {len(people)} users")
    for p in people:
        row = rows.get(p["attempt_id"])
        if row is None or row[2] is None:
            problems.append(f"attempt {p['attempt_id']} lost (not submitted)")
        elif row[3] != p["expected_correct"] or row[4] != p["questions"]:
            problems.append(f"attempt {p['attempt_id']} graded {row[3]}/{row[4]}, sent {p['expected_correct']}")
    if after_submit["ungraded_questions"]:
        problems.append(f"{after_submit['ungraded_questions']} attempt questions left ungraded")
    passed = sum(1 for r in rows.values() if r[6])
    if after_submit["completions"] != (passed, passed):
        problems.append(f"completions {after_submit['completions']} for {passed} passing attempts")
    if after_replay != after_submit:
        problems.append("the replayed submissions changed the database (counted twice)")
    return problems


def describe(name: str, result: dict) -> str:
    lat = result["latencies"]
    errors = [o for o in result["outcomes"] if o[1] != "ok"]
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    line = (f"{name:<28} n={len(lat):<4} errors={len(errors):<3} p50={p(0.50):7.1f} ms  p95={p(0.95):7.1f} ms  "
            f"max={lat[-1] * 1000:7.1f} ms  mean={statistics.mean(lat) * 1000:7.1f} ms  "
            f"throughput={len(lat) / result['wall']:6.1f} req/s (wall {result['wall']:.2f} s)")
    if errors:
        line += "\n    first errors: " + "; ".join(str(e) for e in errors[:3])
    return line


def server_times(log: Path, users: int, double: bool = False) -> dict[str, list[float]]:
    """Time spent inside gunicorn per request (ms), from the access log, per wave."""
    posts, health = [], []
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "POST" and parts[1].startswith("/belajar/percobaan/"):
            posts.append(float(parts[3]))
        elif len(parts) == 4 and parts[1] == "/healthz":
            health.append(float(parts[3]))
    first = users * (2 if double else 1)
    return {"submit": sorted(posts[:first]), "replay": sorted(posts[first:first + users]),
            "healthz": sorted(health[-users:])}


def describe_server(name: str, times: list[float]) -> str:
    if not times:
        return f"{name:<28} (no access-log lines)"
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    return f"{name:<28} n={len(times):<4} p50={p(0.50):7.1f} ms  p95={p(0.95):7.1f} ms  max={times[-1]:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default=f"{SERVER}/portal_bench")
    parser.add_argument("--double-click", action="store_true",
                        help="each user sends the first submission twice at the same instant (2N requests)")
    args = parser.parse_args()

    started = time.perf_counter()
    recreate_database(args.database)
    people = prepare(args.database, args.users)
    print(f"prepared {len(people)} users with a started attempt in {time.perf_counter() - started:.1f} s")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    log = results_dir / "quiz_submit.gunicorn.log"
    server = start_server(args.database, args.port, args.workers, args.threads, log)
    try:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda p: log_in_and_open(args.port, p), people))
        print(f"{len(people)} users logged in and holding their attempt page (CSRF token, session cookie)")
        # Double clicks: the two copies sit next to each other in the accept queue, so two workers
        # usually take them at the same moment; the JSON answer says which one was graded.
        first = [p for p in people for _ in range(2)] if args.double_click else people
        results = {"submit": wave(args.port, first, submit(args.port, as_json=args.double_click))}
        after_submit = snapshot(args.database)
        results["replay"] = wave(args.port, people, submit(args.port))
        after_replay = snapshot(args.database)
        results["healthz"] = wave(args.port, people, healthz(args.port))
    finally:
        stop_server(server)

    print(f"\ngunicorn -w {args.workers} --threads {args.threads}, PostgreSQL, {args.users} concurrent clients, "
          f"CPUs: {os.cpu_count()}")
    print(describe("POST submit (first)" + (" x2" if args.double_click else ""), results["submit"]))
    print(describe("POST submit (replay)", results["replay"]))
    print(describe("GET /healthz", results["healthz"]))
    if args.double_click:
        from collections import Counter

        print("double-click answers:", dict(Counter(o[2] for o in results["submit"]["outcomes"])))
    print("time inside gunicorn (access log, excludes queueing in the listen backlog):")
    for name, times in server_times(log, args.users, args.double_click).items():
        print("  " + describe_server(name, times))
    problems = verify(people, after_submit, after_replay)
    passed = sum(1 for r in after_submit["attempts"].values() if r[6])
    print(f"\ndatabase: {len(after_submit['attempts'])} attempts, "
          f"{sum(1 for r in after_submit['attempts'].values() if r[2])} submitted once, {passed} passed, "
          f"{after_submit['completions'][0]} completions; replay changed nothing: {after_replay == after_submit}")
    errors = sum(1 for r in results.values() for o in r["outcomes"] if o[1] != "ok")
    for problem in problems[:20]:
        print("PROBLEM:", problem)
    summary = {name: {"n": len(r["latencies"]), "p50_ms": 1000 * r["latencies"][len(r["latencies"]) // 2],
                      "p95_ms": 1000 * r["latencies"][int(0.95 * len(r["latencies"]))],
                      "throughput_rps": len(r["latencies"]) / r["wall"],
                      "errors": sum(1 for o in r["outcomes"] if o[1] != "ok")} for name, r in results.items()}
    summary["problems"] = problems
    summary["config"] = {"users": args.users, "workers": args.workers, "threads": args.threads,
                         "double_click": args.double_click,
                         "load_average": os.getloadavg()}
    (results_dir / "quiz_submit.json").write_text(json.dumps(summary, indent=2))
    return 1 if problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())
