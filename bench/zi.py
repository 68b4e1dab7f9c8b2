#!/usr/bin/env python
"""Zona Integritas at the size of a large city: the Inspectorate's city view with every OPD
proposed, a unit's page and an item's page as the unit's secretary, and the unit's LKE XLSX and
evidence ZIP, beside /healthz; the SQL statements of each, and of the city view for 2 units
against all of them.

    .venv/bin/python bench/zi.py                                   # 100,000 employees, 45 OPDs, all proposed
    .venv/bin/python bench/zi.py --employees 15000
    .venv/bin/python bench/zi.py --keep                            # keep the database ...
    .venv/bin/python bench/zi.py --reuse                           # ... and skip making the city again

In order:
1. Recreates `portal_bench_zi` on the local PostgreSQL (trust auth), runs `flask --app portal db
   upgrade`, `seed` (the shipped LKE of the year) and `bench/make_data.py --employees N --opds 45`
   (the synthetic city of bench/data.py: staff, sessions, learning, declarations ...). With --reuse
   it keeps a database left by --keep and only redoes step 1's last part. Then add_units() below:
   every OPD proposed for WBK (the largest for WBBM), submitted, every item answered by the unit,
   every other item assessed by the Inspectorate, and --evidence rows per unit (a file of
   --file-kb, a link, a note, in turn) on the items that name a provider. VACUUM ANALYZE.
2. In this process (Flask test client): the SQL statements of each page, and the peak Python
   memory (tracemalloc) and time of one XLSX and one ZIP of the largest OPD's unit.
3. gunicorn (--workers sync workers): logs in as `inspektur` and the largest OPD's secretary, warms
   every worker up, then interleaved rounds of --concurrency requests to each page in turn; then the
   XLSX and the ZIP one request at a time (--export-requests each). Every answer is checked.
4. The city view's statements again with only 2 units left (the others deleted at the end), and
   the statements per further unit.
5. Prints a table and writes bench/results/zi.json.

Targets: each page's p95 under 10x the /healthz p95 (as for the other dashboards); the city
view's statement count for all units equal to that for 2 (per provider, not per OPD).
Exits 1 when a target is missed or a check fails.
"""
from __future__ import annotations

import argparse
import functools
import io
import json
import math
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import participation  # noqa: E402
from bench.harness import PG_ADMIN_URL, ROOT, Browser, bench_app, fresh_database, gunicorn, run_concurrently, summary  # noqa: E402
from bench.participation import PASSWORD, admin_sql, facts, fetch, flask, make_data, query_profile  # noqa: E402

DATABASE = "portal_bench_zi"
PAGE_FACTOR = 10
INSPECTOR = "inspektur"
PAGES = ["city", "unit", "item"]
EXPORTS = ["lke_xlsx", "evidence_zip"]
LABELS = {
    "healthz": "GET /healthz (reference)",
    "city": "City view /zona-integritas/kota (Inspectorate)",
    "unit": "Unit page (largest OPD's secretary)",
    "item": "Item page (largest OPD's secretary)",
    "lke_xlsx": "LKE XLSX of the unit (one at a time)",
    "evidence_zip": "Evidence ZIP of the unit (one at a time)",
}


# --- 1. the units -----------------------------------------------------------------------------------

def _answer(item, n: int) -> str:
    from portal.zi import scoring
    from portal.zi.models import AnswerType

    if item.answer_type == AnswerType.PERCENT:
        return ("100", "87.5", "60")[n % 3]
    if item.answer_type == AnswerType.SCORE:
        return ("4", "3.2", "2")[n % 3]
    options = scoring.choices(item)
    return options[n % len(options)]


def add_units(url: str, storage: str, per_unit: int, file_kb: int) -> dict:
    """Every OPD proposed for the year's LKE, written with the ORM's tables through SQLAlchemy Core
    (never the services per answer); uploaded files written to `storage` as the portal stores them."""
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.core import storage as files
    from portal.core.clock import utcnow
    from portal.extensions import db
    from portal.org.models import Opd
    from portal.zi import lke
    from portal.zi.models import Answer, EvidenceKind, ItemEvidence, Target, Unit, UnitStatus

    app = bench_app(url, STORAGE_DIR=storage)
    year = date.today().year
    with app.app_context():
        conn = db.session.connection()
        conn.execute(sa.delete(Unit.__table__))
        version = lke.version_for(year)
        if version is None:
            raise SystemExit(f"no LKE for {year}: did `seed` run?")
        items = lke.items_of(version)
        with_keys = [i for i in items if i.provider_keys] or items
        inspector = conn.scalar(sa.select(User.id).where(User.username == INSPECTOR))
        opds = conn.execute(sa.select(Opd.id).order_by(Opd.id)).scalars().all()
        largest = admin_sql(url, "SELECT opd_id FROM org_employee WHERE active GROUP BY opd_id "
                                 "ORDER BY count(*) DESC LIMIT 1")[0][0]
        now = utcnow()
        payload = (b"%PDF-1.4\n% bench evidence\n" + os.urandom(file_kb * 1024)).ljust(file_kb * 1024, b"0")
        answers, evidence = [], []
        for n, opd_id in enumerate(opds):
            unit_id = conn.execute(sa.insert(Unit).values(
                version_id=version.id, opd_id=opd_id, target=Target.WBBM if opd_id == largest else Target.WBK,
                status=UnitStatus.SUBMITTED, proposed_at=now, proposed_by_id=inspector, submitted_at=now)
            ).inserted_primary_key[0]
            for k, item in enumerate(items):
                answers.append({"unit_id": unit_id, "item_id": item.id, "self_value": _answer(item, n + k),
                                "self_note": "Bukti dukung terlampir.", "self_at": now,
                                "assessor_value": _answer(item, n + k + 1) if k % 2 == 0 else "",
                                "assessor_comment": "", "assessor_by_id": inspector if k % 2 == 0 else None,
                                "assessor_at": now if k % 2 == 0 else None})
            for e in range(per_unit):
                item = with_keys[(n + e) % len(with_keys)]
                kind = (EvidenceKind.FILE, EvidenceKind.LINK, EvidenceKind.NOTE)[e % 3]
                row = {"unit_id": unit_id, "item_id": item.id, "kind": kind, "title": f"Bukti {e + 1}",
                       "storage_key": None, "filename": "", "media_type": "", "url": "", "note": "",
                       "created_at": now, "created_by_id": None}
                if kind == EvidenceKind.FILE:
                    key = files.new_key()
                    files.write("zi", key, payload)
                    row.update(storage_key=key, filename=f"bukti-{e + 1}.pdf", media_type="application/pdf")
                elif kind == EvidenceKind.LINK:
                    row["url"] = "https://www.lapor.go.id/"
                else:
                    row["note"] = "SK Kepala OPD tentang Tim Pembangunan ZI."
                evidence.append(row)
        for table, rows in ((Answer.__table__, answers), (ItemEvidence.__table__, evidence)):
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start:start + 5000])
        db.session.commit()
        conn = db.session.connection()
        unit = conn.scalar(sa.select(Unit.id).where(Unit.opd_id == largest, Unit.version_id == version.id))
        # The item of the unit's page that names the most providers and has the unit's evidence.
        own = set(conn.scalars(sa.select(ItemEvidence.item_id).where(ItemEvidence.unit_id == unit)))
        item = max(with_keys, key=lambda i: (i.id in own, len(i.provider_keys)))
        return {"year": year, "version": version.id, "units": len(opds), "items": len(items),
                "answers": len(answers), "evidence": len(evidence), "unit": unit, "item": item.id,
                "item_code": item.code, "item_providers": item.provider_keys,
                "providers_named": sorted({k for i in items for k in i.provider_keys})}


# --- 2. one export in process: time and peak Python memory -------------------------------------------

def export_memory(url: str, storage: str, paths: dict) -> dict:
    """One request each (a ZIP of the largest OPD takes long): its SQL statements, and its peak
    Python memory under tracemalloc (which slows it: the time is over HTTP below)."""
    import sqlalchemy as sa

    from portal.extensions import db

    app = bench_app(url, STORAGE_DIR=storage, WTF_CSRF_ENABLED=False)
    with app.app_context():
        engine = db.engine
    seen: list[int] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: seen.append(1))
    client = app.test_client()
    if client.post("/login", data={"login": paths["lke_xlsx"][0], "password": PASSWORD}).status_code != 302:
        raise SystemExit("in-process login failed")
    out = {}
    for name in EXPORTS:
        seen.clear()
        tracemalloc.start()
        start = time.perf_counter()
        response = client.get(paths[name][1])
        traced = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code}")
        out[name] = {"queries": len(seen), "traced_ms": round(traced * 1000, 1), "peak_mb": round(peak / 2**20, 1),
                     "kb": round(len(response.data) / 1024)}
    engine.dispose()
    return out


# --- 3. latency against gunicorn -----------------------------------------------------------------------

def zip_files(body: bytes) -> int:
    return len(zipfile.ZipFile(io.BytesIO(body)).namelist())


def measure(base: str, paths: dict, secretary: str, args, expect: dict) -> dict:
    inspector, clerk, anonymous = Browser(base), Browser(base), Browser(base)
    inspector.login(INSPECTOR, PASSWORD)
    clerk.login(secretary, PASSWORD)
    who = {INSPECTOR: inspector, secretary: clerk}

    def has(text):
        def check(body):
            if text.encode() not in body:
                raise RuntimeError(f"{text!r} missing from the page")
        return check

    checks = {"healthz": has('"database"'), "city": has(expect["city_text"]), "unit": has(expect["item_code"]),
              "item": has(expect["item_code"])}
    pages = {"healthz": (anonymous, "/healthz", checks["healthz"]),
             **{name: (who[paths[name][0]], paths[name][1], checks[name]) for name in PAGES}}
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
    for name in EXPORTS:
        browser, path = who[paths[name][0]], paths[name][1]
        lat, size, body = [], 0, b""
        for _ in range(args.export_requests):
            start = time.perf_counter()
            status, body = browser.request("GET", path)
            lat.append(time.perf_counter() - start)
            if status != 200:
                errors.append(f"{name}: {status}")
            size = len(body)
        extra = {"kb": round(size / 1024)}
        if name == "evidence_zip" and body:
            extra["files"] = zip_files(body)
        elif body[:2] != b"PK":
            errors.append(f"{name}: not an XLSX")
        out[name] = {**summary(lat), **extra}
    out["_meta"] = {"errors": errors, "load_average_before": round(load_before, 2),
                    "load_average_after": round(os.getloadavg()[0], 2)}
    return out


# --- 4. the city view with 2 units ----------------------------------------------------------------------

def keep_two(url: str, unit: int) -> None:
    admin_sql(url, f"DELETE FROM zi_unit WHERE id NOT IN (SELECT id FROM zi_unit WHERE id <> {int(unit)} "
                   f"ORDER BY id LIMIT 1) AND id <> {int(unit)}")


# --- 5. report ------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100000)
    parser.add_argument("--opds", type=int, default=45)
    parser.add_argument("--evidence", type=int, default=3, help="uploaded evidence rows per unit")
    parser.add_argument("--file-kb", type=int, default=200, help="size of each uploaded file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=60, help="requests per page (in rounds)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight at once per round")
    parser.add_argument("--export-requests", type=int, default=5, help="downloads of each export, one at a time")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database (with 2 units left)")
    parser.add_argument("--reuse", action="store_true", help="use the city a --keep run left")
    args = parser.parse_args()

    timings: dict[str, float] = {}
    storage = tempfile.mkdtemp(prefix="bench-zi-")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
    try:
        if not args.reuse:
            url = fresh_database(DATABASE)
            timings["db_upgrade"], _ = flask(url, "db", "upgrade")
            timings["seed"], _ = flask(url, "seed")
            timings["bench-data"], output = make_data(url, "--employees", str(args.employees), "--opds",
                                                      str(args.opds), "--seed", str(args.seed))
            print(output.rstrip(), flush=True)
        start = time.perf_counter()
        made = add_units(url, storage, args.evidence, args.file_kb)
        timings["units"] = time.perf_counter() - start
        admin_sql(url, "VACUUM ANALYZE")
        info = facts(url)
        secretary = info["largest"]["secretary"]
        print(f"units: {made['units']} with {made['items']} items each, {made['answers']} answers, "
              f"{made['evidence']} uploaded evidence rows; largest OPD {info['largest']['code']} "
              f"({info['largest']['headcount']} people), item {made['item_code']} "
              f"(providers {' '.join(made['item_providers'])})", flush=True)
        y, u, i = made["year"], made["unit"], made["item"]
        paths = {"healthz": (INSPECTOR, "/healthz"),
                 "city": (INSPECTOR, f"/zona-integritas/kota?tahun={y}"),
                 "unit": (secretary, f"/zona-integritas/unit/{u}"),
                 "item": (secretary, f"/zona-integritas/unit/{u}/butir/{i}"),
                 "lke_xlsx": (secretary, f"/zona-integritas/unit/{u}/lke.xlsx"),
                 "evidence_zip": (secretary, f"/zona-integritas/unit/{u}/bukti-dukung.zip")}
        # query_profile's app reads the uploaded files from the same place.
        participation.bench_app = functools.partial(bench_app, STORAGE_DIR=storage)
        many = query_profile(url, {k: v for k, v in paths.items() if k not in EXPORTS}, 0)
        print("statements per page: " + ", ".join(f"{k} {v['queries']}" for k, v in many.items()), flush=True)
        memory = export_memory(url, storage, paths)
        print(f"exports in process: {memory}", flush=True)
        many.update({name: {"queries": memory[name]["queries"], "request_ms": memory[name]["traced_ms"]}
                     for name in EXPORTS})
        with gunicorn(url, workers=args.workers, env={"PORTAL_STORAGE_DIR": storage}) as base:
            latency = measure(base, paths, secretary, args,
                              {"item_code": made["item_code"], "city_text": f"/zona-integritas/unit/{u}"})
        keep_two(url, u)
        two = query_profile(url, {"city": paths["city"]}, 0)["city"]
    finally:
        shutil.rmtree(storage, ignore_errors=True)
        if not args.keep:
            admin_sql(PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    n = made["units"]
    per_unit = (many["city"]["queries"] - two["queries"]) / (n - 2)
    health = latency["healthz"]["p95_ms"]
    print(f"\n=== {args.employees:,} employees, {n} units x {made['items']} items, {args.evidence} evidence rows "
          f"each; load average {latency['_meta']['load_average_before']} -> {latency['_meta']['load_average_after']}")
    print(f"{'request':<48} {'p50 ms':>8} {'p95 ms':>8} {'x healthz p95':>14} {'SQL':>6} {'in process ms':>14}")
    for name, s in latency.items():
        if name.startswith("_"):
            continue
        print(f"{LABELS[name]:<48} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['p95_ms'] / health:>13.1f}x "
              f"{many[name]['queries']:>6} {many[name]['request_ms']:>14}")
    for name in EXPORTS:
        print(f"{name}: {memory[name]['kb']} KB, peak Python memory {memory[name]['peak_mb']} MB "
              f"(tracemalloc; {memory[name]['traced_ms']} ms traced)")
    print(f"city view: {many['city']['queries']} statements for {n} units, {two['queries']} for 2: "
          f"{per_unit:.1f} per further unit")
    ok = True
    print("\n=== targets")
    for name in PAGES:
        p95 = latency[name]["p95_ms"]
        passed = p95 < PAGE_FACTOR * health
        print(f"{'PASS' if passed else 'FAIL'}  {name:<8} p95 {p95} ms < {PAGE_FACTOR}x /healthz p95 "
              f"({PAGE_FACTOR * health:.1f} ms)")
        ok &= passed
    passed = many["city"]["queries"] == two["queries"]
    print(f"{'PASS' if passed else 'FAIL'}  city view: {many['city']['queries']} statements for {n} units "
          f"= {two['queries']} for 2")
    ok &= passed
    errors = latency["_meta"]["errors"]
    if errors:
        print(f"{len(errors)} errors: " + "; ".join(errors[:10]))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "zi.json").write_text(json.dumps({
        "employees": args.employees, "made": made, "timings": timings, "facts": info,
        "statements": {"all_units": many, "two_units_city": two, "per_further_unit": per_unit},
        "exports_in_process": memory, "latency": latency,
        "config": {"workers": args.workers, "concurrency": args.concurrency, "requests": args.requests,
                   "export_requests": args.export_requests, "cpus": os.cpu_count()}}, indent=2, default=str))
    print("results: bench/results/zi.json")
    return 0 if ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
