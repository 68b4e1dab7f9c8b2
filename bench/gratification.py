#!/usr/bin/env python
"""The UPG's register and the gratification statistics at the size of a large city: the register
page (with and without filters), the statistics page as the UPG and as a secretary, and the
register's XLSX, beside /healthz; and the SQL statements of each, the same for a year of a few
reports as for a year of many.

    .venv/bin/python bench/gratification.py                          # 100,000 employees, 10,000 reports this year
    .venv/bin/python bench/gratification.py --employees 15000 --reports 2000
    .venv/bin/python bench/gratification.py --requests 60 --concurrency 4 --keep

In order:
1. Recreates `portal_bench_gratification` on the local PostgreSQL (trust auth), runs `flask --app
   portal db upgrade`, `seed` and `bench/make_data.py --employees N --opds 45` (the synthetic city
   of bench/data.py), then add_reports() below: --reports gift reports sent this year and --few
   sent last year, by active employees drawn at random, in every state of the UPG's workflow, with
   one to three objects each and their chronology sealed as the portal seals it; and a UPG login
   (`upg.bench`, the city's demo password). VACUUM ANALYZE.
2. In this process (Flask test client): the SQL statements of each page for this year (many
   reports) and for last year (few); they must be equal (bench/participation.py query_profile()).
3. gunicorn (--workers sync workers): logs in as `upg.bench` and as the largest OPD's secretary,
   warms every worker up, then interleaved rounds of --concurrency requests to each page in turn;
   then the register's XLSX of this year one request at a time (--export-requests). Every answer is
   checked (status 200 and its content; the XLSX has one row per report).
4. Prints a table against the targets and writes bench/results/gratification.json.

Targets: each page's p95 under 10x the /healthz p95 (as for the participation dashboards); the
statement count of each page the same for last year's few reports as for this year's many.
Exits 1 when a target is missed or a check fails.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PG_ADMIN_URL, ROOT, Browser, bench_app, fresh_database, gunicorn, run_concurrently, summary  # noqa: E402  # noqa: E402
from bench.participation import PASSWORD, admin_sql, facts, fetch, flask, make_data, query_profile  # noqa: E402

DATABASE = "portal_bench_gratification"
PAGE_FACTOR = 10
UPG_LOGIN = "upg.bench"
PAGES = ["register", "register_filtered", "statistics_upg", "statistics_secretary"]
LABELS = {
    "healthz": "GET /healthz (reference)",
    "register": "Register /gratifikasi/upg/register (page 1 of 50)",
    "register_filtered": "Register ?opd=<largest>&status=decided",
    "statistics_upg": "Statistics /gratifikasi/statistik (UPG)",
    "statistics_secretary": "Statistics (largest OPD's secretary)",
    "register_xlsx": "Register XLSX of the year (one at a time)",
}
# Shares of the reports in each state of the workflow, and of the kinds.
STATES = [("sent", 0.10), ("registered", 0.15), ("more_information", 0.05), ("forwarded", 0.25),
          ("decided", 0.25), ("closed", 0.20)]
KINDS = [("receipt", 0.80), ("refusal", 0.15), ("offer", 0.05)]
OBJECTS = ["money", "goods", "food", "voucher", "ticket"]


def _pick(rng: random.Random, shares):
    return rng.choices([v for v, _ in shares], [w for _, w in shares])[0]


# --- 1. the reports --------------------------------------------------------------------------------

def add_reports(url: str, many: int, few: int, seed: int = 1) -> dict:
    """Gift reports in the synthetic city: `many` sent this year, `few` last year, written with the
    ORM's tables through SQLAlchemy Core in batches (never the services per report). Returns counts."""
    import sqlalchemy as sa

    from portal.auth.models import User, UserRole
    from portal.core.roles import Role
    from portal.core.sealing import Seal, SealedText
    from portal.extensions import db
    from portal.gratification.models import GiftObject, GiftReport, seal_context
    from portal.org.models import Employee, Opd, OpdKind

    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = date.today()
    app = bench_app(url)
    with app.app_context():
        conn = db.session.connection()
        people = conn.execute(sa.select(Employee.id, Employee.opd_id, Employee.position)
                              .where(Employee.active.is_(True))).all()
        chronology = next(v for v in vars(GiftReport).values() if isinstance(v, SealedText) and v.name == "chronology")
        report_id = (conn.scalar(sa.select(sa.func.max(GiftReport.id))) or 0) + 1
        object_id = (conn.scalar(sa.select(sa.func.max(GiftObject.id))) or 0) + 1
        reports, objects = [], []
        for year, count in ((today.year, many), (today.year - 1, few)):
            last = today if year == today.year else date(year, 12, 31)
            for n in range(1, count + 1):
                person = rng.choice(people)
                sent = date(year, 1, 1) + timedelta(days=rng.randint(0, (last - date(year, 1, 1)).days))
                received = sent - timedelta(days=rng.choice([1, 3, 7, 14, 20, 45]))
                state, kind = _pick(rng, STATES), _pick(rng, KINDS)
                forwarded = state in ("forwarded", "decided") or (state == "closed" and rng.random() < 0.8)
                decided = state == "decided" or (state == "closed" and forwarded)
                holder = SimpleNamespace(wrapped_key=None)
                seal = Seal(holder, seal_context(report_id))
                seal.create_key()
                reports.append({
                    "id": report_id, "register_no": f"UPG/{year}/{n:05d}", "status": state, "report_type": kind,
                    "reporter_id": person.id, "opd_id": person.opd_id, "reporter_position": person.position[:200],
                    "giver_relation": "supplier", "received_on": received, "refused": kind == "refusal",
                    "wrapped_key": holder.wrapped_key,
                    "chronology_sealed": seal.text(chronology.field(holder), "Rekanan menyerahkan bingkisan."),
                    "created_at": now, "due_on": received + timedelta(days=42),
                    "statutory_due_on": received + timedelta(days=42), "sent_on": sent,
                    "late": (sent - received).days > 42, "registered_on": sent if state != "sent" else None,
                    "kpk_reference": f"GOL/{year}/{report_id}" if forwarded else "",
                    "kpk_sent_on": sent if forwarded else None,
                    "decision": rng.choice(["state", "recipient", "recipient", "state_redeemable"]) if decided
                    else None,
                    "decision_no": f"SK-{report_id}" if decided else "", "decision_on": sent if decided else None})
                for position in range(rng.choice([1, 1, 2, 3])):
                    objects.append({"id": object_id, "report_id": report_id, "position": position,
                                    "kind": rng.choice(OBJECTS), "custody": "reporter",
                                    "value": rng.choice([150000, 350000, 500000, 1000000, 2500000])})
                    object_id += 1
                report_id += 1
        for table, rows in ((GiftReport.__table__, reports), (GiftObject.__table__, objects)):
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start:start + 5000])
        for table in ("gratification_report", "gratification_object"):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
        # A UPG officer at the Inspectorate, with the city's password.
        inspectorate = conn.scalar(sa.select(Opd.id).where(Opd.kind == OpdKind.INSPECTORATE).order_by(Opd.id))
        officer = conn.scalar(sa.select(Employee.id).where(
            Employee.opd_id == inspectorate, Employee.active.is_(True),
            ~sa.exists().where(User.employee_id == Employee.id)).order_by(Employee.id))
        password_hash = conn.scalar(sa.select(User.password_hash).where(User.username == "inspektur"))
        user_id = conn.execute(sa.insert(User).values(username=UPG_LOGIN, password_hash=password_hash,
                                                      employee_id=officer)).inserted_primary_key[0]
        conn.execute(sa.insert(UserRole), [{"user_id": user_id, "role": Role.ASN}, {"user_id": user_id,
                                                                                    "role": Role.UPG}])
        db.session.commit()
    return {"reports_this_year": many, "reports_last_year": few, "objects": len(objects)}


# --- 3. latency against gunicorn -------------------------------------------------------------------

def xlsx_rows(body: bytes) -> int:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return sum(1 for _ in sheet.iter_rows()) - 3  # the title, an empty line and the header


def measure(base: str, paths: dict, secretary: str, args, expected_rows: int) -> dict:
    upg, clerk, anonymous = Browser(base), Browser(base), Browser(base)
    upg.login(UPG_LOGIN, PASSWORD)
    clerk.login(secretary, PASSWORD)
    who = {UPG_LOGIN: upg, secretary: clerk, None: anonymous}

    def has(text):
        def check(body):
            if text.encode() not in body:
                raise RuntimeError(f"{text!r} missing from the page")
        return check

    checks = {"healthz": has('"database"'), "register": has("/gratifikasi/upg/"),
              "register_filtered": has("<table"), "statistics_upg": has('id="opd-month"'),
              "statistics_secretary": has('id="per-month"')}
    pages = {name: (who[paths[name][0]] if name != "healthz" else anonymous, paths[name][1], checks[name])
             for name in ["healthz", *PAGES]}
    for _name, (browser, path, check) in pages.items():  # every worker renders each page once at least
        for _ in range(2 * args.workers):
            fetch(browser, path, check)
    latencies: dict[str, list[float]] = {name: [] for name in pages}
    errors: list[str] = []
    load_before = os.getloadavg()[0]
    for _ in range(math.ceil(args.requests / args.concurrency)):
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
    path = paths["register_xlsx"][1]
    status, body = upg.request("GET", path)
    rows = xlsx_rows(body) if status == 200 else -1
    if status != 200 or rows != expected_rows:
        errors.append(f"register_xlsx: status {status}, {rows} rows for {expected_rows} reports")
    lat = []
    for _ in range(args.export_requests):
        start = time.perf_counter()
        status, body = upg.request("GET", path)
        lat.append(time.perf_counter() - start)
        if status != 200:
            errors.append(f"register_xlsx: {status}")
    out["register_xlsx"] = {**summary(lat), "rows": rows, "kb": round(len(body) / 1024)}
    out["_meta"] = {"errors": errors, "load_average_before": round(load_before, 2),
                    "load_average_after": round(os.getloadavg()[0], 2)}
    return out


# --- 4. report --------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100000)
    parser.add_argument("--opds", type=int, default=45)
    parser.add_argument("--reports", type=int, default=10000, help="gift reports sent this year")
    parser.add_argument("--few", type=int, default=20, help="gift reports sent last year (the small year)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=60, help="requests per page (in rounds)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight at once per round")
    parser.add_argument("--export-requests", type=int, default=3, help="register XLSX downloads, one at a time")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    year = date.today().year

    url = fresh_database(DATABASE)
    timings: dict[str, float] = {}
    try:
        timings["db_upgrade"], _ = flask(url, "db", "upgrade")
        timings["seed"], _ = flask(url, "seed")
        timings["bench-data"], output = make_data(url, "--employees", str(args.employees), "--opds", str(args.opds),
                                                  "--seed", str(args.seed))
        print(output.rstrip(), flush=True)
        start = time.perf_counter()
        counts = add_reports(url, args.reports, args.few, args.seed)
        timings["gift_reports"] = time.perf_counter() - start
        start = time.perf_counter()
        admin_sql(url, "VACUUM ANALYZE")
        timings["vacuum_analyze"] = time.perf_counter() - start
        info = facts(url)
        secretary, largest = info["largest"]["secretary"], info["largest"]["id"]
        decided_there = admin_sql(url, f"SELECT count(*) FROM gratification_report WHERE opd_id = {int(largest)} "
                                       f"AND status = 'decided' AND extract(year FROM sent_on) = {year}")[0][0]
        print(f"gift reports: {counts}; largest OPD {info['largest']['code']} ({info['largest']['headcount']} "
              f"people, {decided_there} decided reports this year)", flush=True)

        def paths_for(y: int) -> dict:
            return {"healthz": (UPG_LOGIN, "/healthz"),
                    "register": (UPG_LOGIN, f"/gratifikasi/upg/register?tahun={y}"),
                    "register_filtered": (UPG_LOGIN, f"/gratifikasi/upg/register?tahun={y}&opd={largest}"
                                                     "&status=decided"),
                    "statistics_upg": (UPG_LOGIN, f"/gratifikasi/statistik?tahun={y}"),
                    "statistics_secretary": (secretary, f"/gratifikasi/statistik?tahun={y}"),
                    "register_xlsx": (UPG_LOGIN, f"/gratifikasi/upg/register.xlsx?tahun={y}")}

        many = query_profile(url, paths_for(year), 0)
        few = query_profile(url, paths_for(year - 1), 0)
        print("statements per page (many / few reports): " + ", ".join(
            f"{k} {many[k]['queries']} / {few[k]['queries']}" for k in many), flush=True)
        with gunicorn(url, workers=args.workers) as base:
            latency = measure(base, paths_for(year), secretary, args, args.reports)
    finally:
        if not args.keep:
            admin_sql(PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    health = latency["healthz"]["p95_ms"]
    print(f"\n=== {args.employees:,} employees, {args.reports:,} gift reports this year ({args.few} last year); "
          f"city generated in {timings['bench-data']:.1f} s, reports in {timings['gift_reports']:.1f} s; "
          f"load average {latency['_meta']['load_average_before']} -> {latency['_meta']['load_average_after']}")
    print(f"{'request':<52} {'p50 ms':>8} {'p95 ms':>8} {'x healthz p95':>14} {'SQL many':>9} {'SQL few':>8}")
    for name, s in latency.items():
        if name.startswith("_"):
            continue
        print(f"{LABELS[name]:<52} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['p95_ms'] / health:>13.1f}x "
              f"{many[name]['queries']:>9} {few[name]['queries']:>8}")
    ok = True
    print("\n=== targets")
    for name in PAGES:
        p95 = latency[name]["p95_ms"]
        passed = p95 < PAGE_FACTOR * health
        print(f"{'PASS' if passed else 'FAIL'}  {name:<22} p95 {p95} ms < {PAGE_FACTOR}x /healthz p95 "
              f"({PAGE_FACTOR * health:.1f} ms)")
        ok &= passed
    for name in [*PAGES, "register_xlsx"]:
        passed = many[name]["queries"] == few[name]["queries"]
        print(f"{'PASS' if passed else 'FAIL'}  {name:<22} {many[name]['queries']} SQL statements for "
              f"{args.reports:,} reports = {few[name]['queries']} for {args.few}")
        ok &= passed
    errors = latency["_meta"]["errors"]
    if errors:
        print(f"{len(errors)} errors: " + "; ".join(errors[:10]))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "gratification.json").write_text(json.dumps({
        "employees": args.employees, "reports": counts, "timings": timings, "facts": info,
        "statements": {"many": many, "few": few}, "latency": latency,
        "config": {"workers": args.workers, "concurrency": args.concurrency, "requests": args.requests,
                   "cpus": os.cpu_count()}}, indent=2, default=str))
    print("results: bench/results/gratification.json")
    return 0 if ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
