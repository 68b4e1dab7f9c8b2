#!/usr/bin/env python
"""Item analysis at the size of the city (issue 16): the figures of one module's quiz over
~100,000 submitted attempts, counted in-process and served as a page beside /healthz.

    .venv/bin/python bench/item_analysis.py                        # 80,000 first attempts + 20,000 retakes
    .venv/bin/python bench/item_analysis.py --employees 20000 --retake-share 0.25
    .venv/bin/python bench/item_analysis.py --requests 60 --concurrency 4 --keep

1. Recreates `portal_bench_items` on the local PostgreSQL (trust auth), runs `flask db upgrade`,
   `seed`, and `bench/make_data.py --employees 15 --opds 1` (for the `inspektur` login), then
   writes, with COPY, --employees employees and, for the WBS module (34 questions, 10 drawn),
   one submitted attempt each plus a retake for --retake-share of them, every attempt with its
   10 drawn questions (learning_attempt_question: about 1,000,000 rows), answered by a
   two-parameter logistic ability model (bench data: the answers are not graded through the
   services, the marks are computed here the same way). VACUUM ANALYZE.
2. In this process: analysis.compute() for first and for all attempts, three times each,
   with the SQL statements counted (the figures uncounted and unkept: what the worker pays).
3. gunicorn (--workers sync workers): logs in as `inspektur`; the first request of the page
   finds no kept figures and counts them (timed: the cold page); then every worker renders the
   page twice, and interleaved rounds of --concurrency requests measure /healthz, the page
   (first attempts) and the page with ?attempts=all.
4. Prints the numbers against the target (the page's p95 within 10x /healthz p95 once the
   figures are kept) and writes bench/results/item_analysis.json. Exits 1 when it is missed.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    PG_ADMIN_URL,
    Browser,
    bench_app,
    fresh_database,
    gunicorn,
    run_concurrently,
    summary,
    write_result,
)
from bench.participation import admin_sql, flask, make_data  # noqa: E402

PASSWORD = "integritas-2019"
PAGE_FACTOR = 10
MODULE = "wbs"


# --- 1. the data ------------------------------------------------------------------------------------

def generate(url: str, employees: int, retake_share: float, seed: int) -> dict:
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(url) as conn:
        conn.execute("SET LOCAL session_replication_role = replica")  # as pg_restore --disable-triggers
        module_id, per_attempt, pass_mark = conn.execute(
            "SELECT id, questions_per_attempt, pass_mark_percent FROM learning_module WHERE slug = %s",
            (MODULE,)).fetchone()
        questions = conn.execute("SELECT id, kind FROM learning_question WHERE module_id = %s AND active "
                                 "ORDER BY id", (module_id,)).fetchall()
        choices: dict[int, list[tuple[int, bool]]] = {}
        for qid, cid, correct in conn.execute(
                "SELECT question_id, id, is_correct FROM learning_choice WHERE question_id = ANY(%s) ORDER BY id",
                ([q[0] for q in questions],)):
            choices.setdefault(qid, []).append((cid, correct))
        opd_id = conn.execute("SELECT min(id) FROM org_opd").fetchone()[0]
        first_employee = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM org_employee").fetchone()[0]
        first_attempt = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM learning_attempt").fetchone()[0]
        first_aq = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM learning_attempt_question").fetchone()[0]
        params = {q: (rng.gauss(-0.5, 0.9), rng.uniform(0.7, 2.0)) for q, _ in questions}
        planted = questions[5][0]
        params[planted] = (1.0, -1.4)  # one item the able get wrong, as in the demo
        now = datetime.now(UTC)
        cur = conn.cursor()
        with cur.copy("COPY org_employee (id, nip, name, position, rank, employment_type, birth_date, gender, "
                      "opd_id, is_opd_head, active, created_at, updated_at) FROM STDIN") as copy:
            for i in range(employees):
                copy.write_row((first_employee + i, str(800000000000000000 + i), f"Pegawai Uji {i}", "Pelaksana",
                                "", "pns", "1985-01-01", "L", opd_id, False, True, now, now))
        attempt_id, aq_id, counts = first_attempt, first_aq, {"attempts": 0, "answers": 0, "passed": 0}
        attempt_rows = []  # ~100,000 small rows; the answers stream straight into COPY
        with cur.copy("COPY learning_attempt_question (id, attempt_id, question_id, position, kind, choice_order, "
                      "correct_choice_ids, selected_choice_ids, answered_at, is_correct) FROM STDIN") as aq_copy:
            for i in range(employees):
                ability = rng.gauss(0.3, 1.0)
                tries = 2 if rng.random() < retake_share else 1
                for t in range(tries):
                    theta = ability + 0.8 * t
                    started = now - timedelta(days=60 - t, minutes=rng.randint(0, 600))
                    drawn = rng.sample(questions, per_attempt)
                    right = 0
                    for position, (qid, kind) in enumerate(drawn, start=1):
                        b, a = params[qid]
                        ok = rng.random() < 1 / (1 + math.exp(-a * (theta - b)))
                        opts = choices[qid]
                        key = [c for c, correct in opts if correct]
                        wrong = [c for c, correct in opts if not correct]
                        selected = key if ok else [wrong[-1] if a < 0 else rng.choice(wrong)]
                        order = [c for c, _ in opts]
                        rng.shuffle(order)
                        right += ok
                        aq_copy.write_row((aq_id, attempt_id, qid, position, kind, json.dumps(order), json.dumps(key),
                                           json.dumps(selected), started + timedelta(minutes=position), ok))
                        aq_id += 1
                    passed = 100 * right >= pass_mark * per_attempt
                    attempt_rows.append((attempt_id, module_id, first_employee + i, started,
                                         started + timedelta(minutes=12), False, pass_mark, per_attempt, right,
                                         100 * right // per_attempt, passed))
                    counts["attempts"] += 1
                    counts["passed"] += passed
                    attempt_id += 1
        with cur.copy("COPY learning_attempt (id, module_id, employee_id, started_at, submitted_at, timed_out, "
                      "pass_mark_percent, question_count, correct_count, score_percent, passed) FROM STDIN") as copy:
            for row in attempt_rows:
                copy.write_row(row)
        counts["answers"] = aq_id - first_aq
        for table in ("org_employee", "learning_attempt", "learning_attempt_question"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    return {"module_id": module_id, "planted_question_id": planted, **counts}


# --- 2. in-process ------------------------------------------------------------------------------------

def in_process(url: str, module_id: int) -> dict:
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.learning import analysis

    app = bench_app(url)
    out = {}
    with app.app_context():
        for scope in analysis.SCOPES:
            statements: list[str] = []

            def count(conn, cursor, statement, parameters, context, executemany, statements=statements):
                statements.append(statement)

            times = []
            for _ in range(3):
                statements.clear()
                sa.event.listen(db.engine, "before_cursor_execute", count)
                start = time.perf_counter()
                figures = analysis.compute(module_id, scope)
                times.append(time.perf_counter() - start)
                sa.event.remove(db.engine, "before_cursor_execute", count)
                db.session.rollback()
            flagged = sum(bool(i.flags) for i in figures.items)
            out[scope] = {"seconds_median": round(statistics.median(times), 3),
                          "seconds_all": [round(t, 3) for t in times],
                          "statements": len(statements), "attempts": figures.attempts,
                          "kr20": round(figures.kr20, 3) if figures.kr20 is not None else None,
                          "items": len(figures.items), "flagged_items": flagged}
    return out


# --- 3. over HTTP -------------------------------------------------------------------------------------

def over_http(base: str, module_id: int, args) -> dict:
    inspektur, anonymous = Browser(base), Browser(base)
    inspektur.login("inspektur", PASSWORD)
    page = f"/belajar/hasil/analisis-soal/{module_id}"

    def fetch(browser, path):
        status, body = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        return body

    cold = {}
    for name, path in (("page", page), ("page_all", page + "?attempts=all")):
        start = time.perf_counter()
        body = fetch(inspektur, path)
        cold[name] = round(1000 * (time.perf_counter() - start), 1)
        if b"item-analysis" not in body:
            raise RuntimeError("the page has no item table")
    pages = {"healthz": (anonymous, "/healthz"), "page": (inspektur, page),
             "page_all": (inspektur, page + "?attempts=all")}
    for _ in range(2 * args.workers):
        for browser, path in pages.values():
            fetch(browser, path)
    latencies = {name: [] for name in pages}
    load_before = os.getloadavg()[0]
    for _ in range(math.ceil(args.requests / args.concurrency)):
        for name, (browser, path) in pages.items():
            lat, _results, _wall = run_concurrently(lambda _i, b=browser, p=path: fetch(b, p),
                                                    list(range(args.concurrency)), args.concurrency, barrier=False)
            latencies[name] += lat
    return {"cold_first_request_ms": cold, "load_before": round(load_before, 2),
            **{name: summary(lat) for name, lat in latencies.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=80000)
    parser.add_argument("--retake-share", type=float, default=0.25, help="share of employees with a second attempt")
    parser.add_argument("--requests", type=int, default=60, help="requests per page measured")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", default="portal_bench_items")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="keep the database (dropped by default)")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left (no new data)")
    args = parser.parse_args(argv)

    timings = {}
    if args.reuse:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + args.database
        (module_id, attempts, answers, passed), = admin_sql(url, (
            "SELECT m.id, count(DISTINCT a.id), count(q.id), count(DISTINCT a.id) FILTER (WHERE a.passed) "
            "FROM learning_module m JOIN learning_attempt a ON a.module_id = m.id "
            f"JOIN learning_attempt_question q ON q.attempt_id = a.id WHERE m.slug = '{MODULE}' GROUP BY m.id"))
        data = {"module_id": module_id, "attempts": attempts, "answers": answers, "passed": passed}
        admin_sql(url, "DELETE FROM learning_item_analysis")  # the first page request counts them again
    else:
        url = fresh_database(args.database)
        timings["upgrade"], _ = flask(url, "db", "upgrade")
        timings["seed"], _ = flask(url, "seed")
        timings["logins"], _ = make_data(url, "--employees", "15", "--opds", "1")
        start = time.perf_counter()
        data = generate(url, args.employees, args.retake_share, args.seed)
        timings["generate"] = time.perf_counter() - start
        start = time.perf_counter()
        admin_sql(url, "VACUUM ANALYZE")
        timings["vacuum_analyze"] = time.perf_counter() - start
    print(f"Data: {data['attempts']:,} attempts ({data['passed']:,} passed), {data['answers']:,} answers; "
          + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))

    computed = in_process(url, data["module_id"])
    for scope, r in computed.items():
        print(f"compute({scope}): median {r['seconds_median'] * 1000:.0f} ms over {r['attempts']:,} attempts, "
              f"{r['statements']} SQL statements, KR-20 {r['kr20']}, "
              f"{r['flagged_items']} of {r['items']} items flagged")

    with gunicorn(url, workers=args.workers) as base:
        http = over_http(base, data["module_id"], args)
    print(f"Cold page (figures counted on the first request): {http['cold_first_request_ms']} ms; "
          f"load average before the rounds {http['load_before']}")
    print(f"{'':28} {'p50':>8} {'p95':>8} {'p99':>8}")
    for name in ("healthz", "page", "page_all"):
        s = http[name]
        print(f"{name:28} {s['p50_ms']:>6} ms {s['p95_ms']:>6} ms {s['p99_ms']:>6} ms")
    ratio = http["page"]["p95_ms"] / max(http["healthz"]["p95_ms"], 0.1)
    ok = ratio <= PAGE_FACTOR
    print(f"Page p95 / healthz p95 = {ratio:.1f}x (target <= {PAGE_FACTOR}x): {'met' if ok else 'MISSED'}")
    write_result("item_analysis", {"args": vars(args), "data": data, "timings": timings, "compute": computed,
                                   "http": http, "ratio_p95": round(ratio, 2), "target_met": ok})
    if not args.keep and not args.reuse:
        admin_sql(url.rsplit("/", 1)[0] + "/postgres", f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
