#!/usr/bin/env python
"""Participation dashboards at the size of the city (issue 8): the secretary dashboard, the staff
list, the city-wide table and the XLSX export, beside /healthz, at 15,000 and 100,000 employees.

    .venv/bin/python bench/participation.py                         # both sizes, one run
    .venv/bin/python bench/participation.py --sizes 15000           # one size
    .venv/bin/python bench/participation.py --requests 60 --concurrency 4 --export-requests 10
    .venv/bin/python bench/participation.py --explain 2             # EXPLAIN ANALYZE of each page's 2 slowest queries
    .venv/bin/python bench/participation.py --keep                  # keep the databases (dropped by default)

For each size, in order:
1. Recreates `portal_bench_participation_<N>k` on the local PostgreSQL (trust auth) and runs,
   as an operator would, `flask --app portal db upgrade`, `seed` and `bench/make_data.py --employees N
   --opds 45` (bench/data.py: 20 lessons read, 5 quiz attempts and 2 declarations
   per employee, a session per 50; the largest OPD has N/15 people). Then VACUUM ANALYZE, the
   steady state autovacuum reaches in production. Reports the generation time and the
   database size.
2. In this process (Flask test client on the same database): the SQL statements each page
   issues, counted and timed per statement, so the counts at both sizes can be compared
   (target: they do not grow with the city) and the dominating query is named. With
   --explain N, EXPLAIN (ANALYZE, BUFFERS) of each page's N slowest statements.
3. gunicorn (--workers sync workers, bench/harness.py) on that database; logs in as the
   largest OPD's secretary (`sekretaris.bench<N>`) and as `inspektur`, warms every worker up,
   then measures in interleaved rounds (each round sends --concurrency requests at once to
   each page in turn, so every page sees the same machine load):
     /healthz (reference), the secretary dashboard /partisipasi/, the staff list
     /partisipasi/pegawai (first page of 50) and with a filter (?filter=not_started), the
     city-wide table /partisipasi/ as inspektur;
   then, one request at a time (an export is one person's action), the XLSX export
   /partisipasi/pegawai.xlsx of the largest OPD as its secretary and, when the largest OPD is
   much bigger than 1,000 people (at 100,000), the export of the OPD nearest 1,000 people as
   inspektur (?opd=). Every answer is checked (status 200; the XLSX has one row per employee).
4. Prints a table against the targets and writes bench/results/participation.json.

Targets (issue 8): a dashboard page's p95 under 10x the /healthz p95 at 15,000, and at 100,000
no worse than 2x its own p95 at 15,000; its SQL query count the same at both sizes; the XLSX
export of an OPD of 1,000 people under 2 s. Exits 1 when a target is missed or a check fails.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (BENCH_KEYS, PG_ADMIN_URL, ROOT, Browser, bench_app, fresh_database, gunicorn,  # noqa: E402
                           run_concurrently, summary)

PASSWORD = "integritas-2019"  # portal/demo/org.py DEMO_PASSWORD, used by bench/make_data.py
PAGE_FACTOR = 10      # p95 under 10x /healthz p95 at 15,000
GROWTH_FACTOR = 2     # p95 at 100,000 no worse than 2x the p95 at 15,000
EXPORT_LIMIT_S = 2.0  # XLSX of an OPD of 1,000 people
PAGES = ["secretary_dashboard", "staff_list", "staff_list_filtered", "city_table"]
LABELS = {
    "healthz": "GET /healthz (reference)",
    "secretary_dashboard": "Secretary dashboard /partisipasi/",
    "staff_list": "Staff list /partisipasi/pegawai",
    "staff_list_filtered": "Staff list ?filter=not_started",
    "city_table": "City-wide table /partisipasi/ (inspektur)",
    "xlsx_largest": "XLSX export, largest OPD (secretary)",
    "xlsx_1000": "XLSX export, OPD of ~1,000 (inspektur ?opd=)",
}


# --- 1. the database ------------------------------------------------------------------------------

def _timed_run(url: str, command: list[str]) -> tuple[float, str]:
    env = dict(os.environ, DATABASE_URL=url, **BENCH_KEYS)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def flask(url: str, *args: str) -> tuple[float, str]:
    return _timed_run(url, [sys.executable, "-m", "flask", "--app", "portal", *args])


def make_data(url: str, *args: str) -> tuple[float, str]:
    """The synthetic city (bench/make_data.py) in the database at `url`."""
    return _timed_run(url, [sys.executable, str(ROOT / "bench" / "make_data.py"), *args])


def admin_sql(url: str, sql: str, autocommit: bool = True):
    import psycopg

    with psycopg.connect(url, autocommit=autocommit) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else None


def facts(url: str) -> dict:
    """The largest OPD, its secretary, the OPD nearest 1,000 people, and the database's size."""
    per_opd = admin_sql(url, """
        SELECT o.id, o.code, count(*), o.name FROM org_employee e JOIN org_opd o ON o.id = e.opd_id
        WHERE e.active GROUP BY o.id, o.code, o.name ORDER BY count(*) DESC""")
    largest_id, largest_code, largest_n, largest_name = per_opd[0]
    secretary = admin_sql(url, f"""
        SELECT u.username FROM auth_user u JOIN auth_user_role r ON r.user_id = u.id AND r.role = 'secretary'
        JOIN org_employee e ON e.id = u.employee_id WHERE e.opd_id = {int(largest_id)}
        AND u.username LIKE 'sekretaris.bench%' ORDER BY u.id LIMIT 1""")[0][0]
    near = min(per_opd, key=lambda r: abs(r[2] - 1000))
    tables = {"employees": "org_employee", "lessons read": "learning_lesson_read", "attempts": "learning_attempt",
              "completions": "learning_completion", "sessions": "socialisation_session", "participants": "socialisation_participant",
              "declarations": "coi_declaration", "certificates": "cert_certificate"}
    counts = {label: admin_sql(url, f"SELECT count(*) FROM {table}")[0][0] for label, table in tables.items()}
    size = admin_sql(url, "SELECT pg_database_size(current_database())")[0][0]
    return {"largest": {"id": largest_id, "code": largest_code, "name": largest_name, "headcount": largest_n,
                        "secretary": secretary},
            "near_1000": {"id": near[0], "code": near[1], "headcount": near[2]},
            "rows": counts, "database_mb": round(size / 2**20, 1)}


# --- 2. queries per page, in process ----------------------------------------------------------------

def query_profile(url: str, paths: dict[str, tuple[str, str]], explain: int) -> dict:
    """Per page: the number of SQL statements and the slowest ones (ms), on a warm second request.

    The requests run outside any app context of ours, so each gets its own session (as under
    gunicorn). With explain > 0, EXPLAIN (ANALYZE, BUFFERS) of that many slowest statements.
    """
    import sqlalchemy as sa

    from portal.extensions import db

    app = bench_app(url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        engine = db.engine
    log: list = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    @sa.event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["bench_started"].pop()
        log.append((time.perf_counter() - started, statement, parameters))

    out = {}
    clients = {}
    for who in {w for w, _ in paths.values()}:
        client = app.test_client()
        response = client.post("/login", data={"login": who, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"in-process login failed for {who}: {response.status_code}")
        clients[who] = client
    for name, (who, path) in paths.items():
        clients[who].get(path)  # warm: template compiled, caches filled
        log.clear()
        start = time.perf_counter()
        response = clients[who].get(path)
        total = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{path} as {who}: {response.status_code}")
        ranked = sorted(log, key=lambda x: x[0], reverse=True)
        shapes = Counter(" ".join(s.split())[:80] for _, s, _ in log)
        out[name] = {"queries": len(log), "request_ms": round(total * 1000, 1),
                     "sql_ms": round(sum(x[0] for x in log) * 1000, 1),
                     "repeated": [{"n": n, "sql": s} for s, n in shapes.most_common(1) if n > 1],
                     "slowest": [{"ms": round(t * 1000, 1), "sql": " ".join(s.split())[:160]}
                                 for t, s, _ in ranked[:3]]}
        plans = []
        for _, statement, parameters in ranked[:explain]:
            raw = engine.raw_connection()
            try:
                cur = raw.cursor()
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plans.append({"sql": statement, "params": {k: str(v) for k, v in (parameters or {}).items()},
                              "plan": "\n".join(r[0] for r in cur.fetchall())})
            finally:
                raw.close()
        if plans:
            out[name]["explain"] = plans
    engine.dispose()
    return out


# --- 3. latency against gunicorn ------------------------------------------------------------------------

def fetch(browser: Browser, path: str, check=None):
    status, body = browser.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    if check is not None:
        check(body)
    return len(body)


def xlsx_rows(body: bytes) -> int:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return sum(1 for _ in sheet.iter_rows()) - 2  # the title and the header


def measure(base: str, info: dict, args) -> dict:
    secretary, inspektur, anonymous = Browser(base), Browser(base), Browser(base)
    secretary.login(info["largest"]["secretary"], PASSWORD)
    inspektur.login("inspektur", PASSWORD)

    def has(text):
        def check(body):
            if text.encode() not in body:
                raise RuntimeError(f"{text!r} missing from the page")
        return check

    pages = {
        "healthz": (anonymous, "/healthz", has('"database"')),
        "secretary_dashboard": (secretary, "/partisipasi/", has("<table")),
        "staff_list": (secretary, "/partisipasi/pegawai", has('name="ids"')),
        "staff_list_filtered": (secretary, "/partisipasi/pegawai?filter=not_started", has("<table")),
        "city_table": (inspektur, "/partisipasi/", has(info["largest"]["name"])),
    }
    for name, (browser, path, check) in pages.items():  # every worker renders each page once at least
        for _ in range(2 * args.workers):
            fetch(browser, path, check)
    latencies = {name: [] for name in pages}
    errors: list[str] = []
    rounds = math.ceil(args.requests / args.concurrency)
    load_before = os.getloadavg()[0]
    for _ in range(rounds):
        for name, (browser, path, check) in pages.items():
            def task(_i, browser=browser, path=path, check=check):
                try:
                    return fetch(browser, path, check)
                except Exception as exc:  # counted, never hidden
                    return exc
            lat, results, _wall = run_concurrently(task, list(range(args.concurrency)), args.concurrency,
                                                   barrier=False)
            latencies[name] += lat
            errors += [f"{name}: {r}" for r in results if isinstance(r, Exception)]
    out = {name: summary(lat) for name, lat in latencies.items()}

    exports = {"xlsx_largest": (secretary, "/partisipasi/pegawai.xlsx", info["largest"]["headcount"])}
    near = info["near_1000"]
    if info["largest"]["headcount"] > 1200 and near["id"] != info["largest"]["id"]:
        exports["xlsx_1000"] = (inspektur, f"/partisipasi/pegawai.xlsx?opd={near['id']}", near["headcount"])
    for name, (browser, path, expected) in exports.items():
        status, body = browser.request("GET", path)  # warm-up, and the content check
        rows = xlsx_rows(body) if status == 200 else -1
        if status != 200 or rows != expected:
            errors.append(f"{name}: status {status}, {rows} rows for {expected} employees")
        lat = []
        for _ in range(args.export_requests):
            start = time.perf_counter()
            status, body = browser.request("GET", path)
            lat.append(time.perf_counter() - start)
            if status != 200:
                errors.append(f"{name}: {status}")
        out[name] = {**summary(lat), "rows": rows, "kb": round(len(body) / 1024)}
    out["_meta"] = {"errors": errors, "load_average_before": round(load_before, 2),
                    "load_average_after": round(os.getloadavg()[0], 2)}
    return out


# --- 4. report --------------------------------------------------------------------------------------------

def verdicts(results: dict) -> list[tuple[str, str, str, bool]]:
    """(size, what, target, ok) for every target that the results allow to check."""
    out = []
    small = results.get("15000")
    for size, r in results.items():
        lat, health = r["latency"], r["latency"]["healthz"]["p95_ms"]
        for page in PAGES:
            p95 = lat[page]["p95_ms"]
            if size == "15000":
                out.append((size, page, f"p95 {p95} ms < {PAGE_FACTOR}x /healthz p95 ({PAGE_FACTOR * health:.1f} ms)",
                            p95 < PAGE_FACTOR * health))
            elif small:
                base = small["latency"][page]["p95_ms"]
                out.append((size, page, f"p95 {p95} ms <= {GROWTH_FACTOR}x its p95 at 15,000 "
                                        f"({GROWTH_FACTOR * base:.1f} ms)", p95 <= GROWTH_FACTOR * base))
        if small and size != "15000":
            for page in PAGES + ["xlsx_largest"]:
                q_small, q_big = small["queries"][page]["queries"], r["queries"][page]["queries"]
                out.append((size, page, f"{q_big} SQL queries = {q_small} at 15,000", q_big == q_small))
        for name in ("xlsx_largest", "xlsx_1000"):
            if name in lat:
                rows = lat[name]["rows"]
                if 800 <= rows <= 1200:  # the target is for an OPD of 1,000 people
                    out.append((size, name, f"p95 {lat[name]['p95_ms']} ms < {EXPORT_LIMIT_S * 1000:.0f} ms "
                                            f"for {rows} people", lat[name]["p95_ms"] < EXPORT_LIMIT_S * 1000))
    return out


def print_size(size: str, r: dict) -> None:
    lat, q = r["latency"], r["queries"]
    health = lat["healthz"]["p95_ms"]
    print(f"\n=== {int(size):,} employees: database {r['facts']['database_mb']} MB; generated in "
          f"{r['timings']['bench-data']:.1f} s (bench-data), VACUUM ANALYZE {r['timings']['vacuum_analyze']:.1f} s, "
          f"figures recount (worker) {r['timings']['figures_refresh_ms']} ms; "
          f"largest OPD {r['facts']['largest']['code']} with {r['facts']['largest']['headcount']} people; "
          f"load average {lat['_meta']['load_average_before']} -> {lat['_meta']['load_average_after']}")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in r["facts"]["rows"].items()))
    print(f"{'request':<46} {'p50 ms':>8} {'p95 ms':>8} {'x healthz p95':>14} {'SQL queries':>12} "
          f"{'SQL ms (in-process)':>20}")
    for name, s in lat.items():
        if name.startswith("_"):
            continue
        ratio = s["p95_ms"] / health if health else float("nan")
        qs = q.get(name, {})
        print(f"{LABELS[name]:<46} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {ratio:>13.1f}x "
              f"{qs.get('queries', ''):>12} {qs.get('sql_ms', ''):>20}")
    for name, qs in q.items():
        if qs["slowest"]:
            top = qs["slowest"][0]
            print(f"  slowest SQL of {name}: {top['ms']} ms  {top['sql'][:110]}")
        for rep in qs.get("repeated", []):
            print(f"  repeated in {name}: {rep['n']}x  {rep['sql']}")
    if lat["_meta"]["errors"]:
        print("ERRORS:", "; ".join(lat["_meta"]["errors"][:10]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="15000,100000", help="employee counts, comma-separated")
    parser.add_argument("--opds", type=int, default=45)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=60, help="requests per page (in rounds)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight at once per round")
    parser.add_argument("--export-requests", type=int, default=10, help="XLSX exports, one at a time")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="EXPLAIN (ANALYZE, BUFFERS) each page's N slowest statements")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    results_path = ROOT / "bench" / "results" / "participation.json"
    saved = json.loads(results_path.read_text()) if results_path.exists() else {}
    results: dict = {}
    for size in sizes:
        name = f"portal_bench_participation_{size // 1000}k"
        print(f"\n--- {size:,} employees: database {name}", flush=True)
        url = fresh_database(name)
        timings = {}
        try:
            timings["db_upgrade"], _ = flask(url, "db", "upgrade")
            timings["seed"], _ = flask(url, "seed")
            timings["bench-data"], output = make_data(url, "--employees", str(size), "--opds",
                                                  str(args.opds), "--seed", str(args.seed))
            print(output.rstrip(), flush=True)
            start = time.perf_counter()
            admin_sql(url, "VACUUM ANALYZE")
            timings["vacuum_analyze"] = time.perf_counter() - start
            # What the worker pays every PARTICIPATION_REFRESH_SECONDS to keep the dashboards fresh.
            _, output = flask(url, "refresh-participation")
            timings["figures_refresh_ms"] = admin_sql(
                url, "SELECT duration_ms FROM participation_snapshot ORDER BY year DESC LIMIT 1")[0][0]
            info = facts(url)
            paths = {"secretary_dashboard": (info["largest"]["secretary"], "/partisipasi/"),
                     "staff_list": (info["largest"]["secretary"], "/partisipasi/pegawai"),
                     "staff_list_filtered": (info["largest"]["secretary"], "/partisipasi/pegawai?filter=not_started"),
                     "city_table": ("inspektur", "/partisipasi/"),
                     "healthz": ("inspektur", "/healthz"),
                     "xlsx_largest": (info["largest"]["secretary"], "/partisipasi/pegawai.xlsx")}
            if info["largest"]["headcount"] > 1200 and info["near_1000"]["id"] != info["largest"]["id"]:
                paths["xlsx_1000"] = ("inspektur", f"/partisipasi/pegawai.xlsx?opd={info['near_1000']['id']}")
            queries = query_profile(url, paths, args.explain)
            print("queries per page: " + ", ".join(f"{k} {v['queries']}" for k, v in queries.items()), flush=True)
            with gunicorn(url, workers=args.workers) as base:
                latency = measure(base, info, args)
            results[str(size)] = {"facts": info, "timings": timings, "queries": queries, "latency": latency}
        finally:
            if not args.keep:
                admin_sql(PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print_size(str(size), results[str(size)])
        for page, q in results[str(size)]["queries"].items():
            for n, plan in enumerate(q.get("explain", []), start=1):
                print(f"\n--- {int(size):,}: EXPLAIN ANALYZE of statement {n} of {page}:\n{plan['sql']}\n"
                      f"{plan['params']}\n{plan['plan']}")

    # A size measured alone is compared with the other size from the last saved run (said so).
    compare = dict(results)
    borrowed = [s for s in ("15000", "100000") if s not in results and s in saved]
    for s in borrowed:
        compare[s] = saved[s]
    print("\n=== targets" + (f" (size {', '.join(borrowed)} from the previous saved run)" if borrowed else ""))
    ok = True
    for size, what, target, passed in verdicts(dict(sorted(compare.items(), key=lambda kv: int(kv[0])))):
        if size not in results:
            continue
        print(f"{'PASS' if passed else 'FAIL'}  {int(size):>7,}  {what:<22} {target}")
        ok &= passed
    errors = [e for r in results.values() for e in r["latency"]["_meta"]["errors"]]
    if errors:
        print(f"{len(errors)} errors")
    saved.update(results)
    results_path.parent.mkdir(exist_ok=True)
    results_path.write_text(json.dumps({**saved, "_config": {
        "workers": args.workers, "concurrency": args.concurrency, "requests": args.requests,
        "export_requests": args.export_requests, "cpus": os.cpu_count()}}, indent=2, default=str))
    print(f"results: {results_path.relative_to(ROOT)}")
    return 0 if ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
