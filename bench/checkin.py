"""QR check-in (issue: "300 check-ins within one minute"): 300 distinct employees scan the
session's QR code, against gunicorn (4 sync workers) on PostgreSQL, in one run.

    .venv/bin/python bench/checkin.py                      # 300 scans, 20 at a time, as fast as they go
    .venv/bin/python bench/checkin.py --spread 50          # the same 300 arrivals spread evenly over 50 s

What it does, in order:
1. Recreates `portal_bench_checkin`, builds it with create_all, loads the seed content and
   Padang's demo data (about 400 employees in 43 OPDs), then, in the bench process:
   one session run by the Inspektur that started 5 minutes ago, with every active OPD
   invited and nobody listed (each scan inserts its row), and a known password for 300
   employees without a demo login (one Argon2 hash computed once and stored for all).
2. Starts gunicorn on that database. Argon2 keeps its production parameters.
3. Before the timed part: the organiser and the 300 employees log in (CSRF on, one cookie
   jar each, logging in by NIP), and each worker renders the check-in page once (a scan of
   a forged token: refused before the database is touched).
4. The organiser's screen polls `/sosialisasi/<id>/qr.json` the way static/js/qr.js does
   (when the code is about to change, plus 150 ms); each phone scans the code showing at
   the moment it scans: GET `/hadir/<token>` from the URL in the feed.
   Timed: 300 first scans (`--concurrency` phones at a time, optionally paced over
   `--spread` seconds), then 50 second scans by phones that already checked in, then 300
   GET `/healthz` as the reference, paced the same way.
5. Checks the database: exactly 300 rows for the session, one per employee (no
   duplicates, the unique key present), each with checked_in_at, method QR, status present,
   its own device; the second scans changed no row and every answer said "already".

Exits 1 on any non-200 answer, unexpected page, duplicate, lost check-in or a first wave
longer than 60 s.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Browser, bench_app, fresh_database, gunicorn, summary, write_result  # noqa: E402

DATABASE = "portal_bench_checkin"
PASSWORD = "kata-sandi-bench-2019"
ORGANISER = "inspektur"
SESSION_TITLE = "Bench: sosialisasi WBS dan benturan kepentingan"


# --- 1. data ---------------------------------------------------------------------------------

def prepare(url: str, people: int) -> dict:
    """Seed + demo data, one running session for every OPD, `people` employees who can log in."""
    from datetime import timedelta

    import sqlalchemy as sa
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    from portal import demo
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.ops.cli import seed_defaults
    from portal.core.clock import utcnow
    from portal.demo.org import DEMO_PASSWORD
    from portal.extensions import db
    from portal.org.models import Employee, Opd
    from portal.socialisation import services

    app = bench_app(url)
    with app.app_context():
        db.create_all()
        seed_defaults()
        demo.run(echo=lambda line: None)
        db.session.commit()

        organiser = db.session.scalar(sa.select(User).where(User.username == ORGANISER))
        now = utcnow().replace(microsecond=0)
        start = now - timedelta(minutes=5)
        opd_ids = tuple(db.session.scalars(sa.select(Opd.id).where(Opd.active.is_(True))))
        session = services.save_session(None, services.SessionFields(
            title=SESSION_TITLE, starts_at=start, ends_at=start + timedelta(hours=3),
            late_after=start + timedelta(minutes=30), venue="Ruang Abu Bakar Ja'ar, Balai Kota Padang",
            opd_ids=opd_ids), actor=organiser)
        db.session.flush()

        # Employees with an account and no demo login (those keep theirs), oldest first.
        chosen = list(db.session.execute(
            sa.select(Employee.id, Employee.nip, User.id)
            .join(User, User.employee_id == Employee.id)
            .where(Employee.active.is_(True), User.active.is_(True), User.username.is_(None),
                   Employee.opd_id.in_(opd_ids))
            .order_by(Employee.id).limit(people)))
        if len(chosen) < people:
            raise SystemExit(f"only {len(chosen)} employees can take part; {people} asked for")
        password_hash = hash_password(PASSWORD)  # once: every account stores the same hash string
        db.session.execute(sa.update(User).where(User.id.in_([row[2] for row in chosen]))
                           .values(password_hash=password_hash, must_change_password=False))
        db.session.commit()
        with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
            texts = {"recorded": str(escape(gettext("You are checked in."))),
                     "already": str(escape(gettext("You had already checked in; nothing changed.")))}
        info = {"session_id": session.id, "opds_invited": len(opd_ids),
                "employees": [{"employee_id": e, "nip": nip} for e, nip, _ in chosen],
                "employees_in_database": db.session.scalar(sa.select(sa.func.count()).select_from(Employee)),
                "organiser_password": DEMO_PASSWORD, "texts": texts}
        db.engine.dispose()
    return info


# --- 2. the organiser's screen and the phones --------------------------------------------------

class Projector(threading.Thread):
    """The organiser's QR screen: fetches qr.json again when the code is about to change."""

    def __init__(self, browser: Browser, session_id: int):
        super().__init__(daemon=True)
        self.browser, self.feed = browser, f"/sosialisasi/{session_id}/qr.json"
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.tokens: set[str] = set()
        self.path, self.checked_in = None, None
        self.wait = self.refresh()

    def refresh(self) -> float:
        import json

        start = time.perf_counter()
        status, body = self.browser.request("GET", self.feed)
        self.latencies.append(time.perf_counter() - start)
        if status != 200:
            self.errors.append(f"qr.json {status}")
            return 5.0
        data = json.loads(body)
        self.path = urlsplit(data["url"]).path
        self.checked_in = data["checked_in"]
        return max(1, data["seconds"]) + 0.15

    def run(self):
        while not self.stop.wait(self.wait):
            self.wait = self.refresh()


def wave(task, items: list, concurrency: int, spread: float) -> dict:
    """task(item) for every item, `concurrency` at a time; item i is not started before
    i * spread / len(items) seconds. Latency is the request alone, not the wait for its turn."""
    from concurrent.futures import ThreadPoolExecutor

    interval = spread / len(items) if spread else 0.0
    t0 = time.perf_counter()

    def one(indexed):
        i, item = indexed
        delay = t0 + i * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        start = time.perf_counter()
        try:
            outcome = task(item)
        except Exception as exc:  # counted as an error, never hidden
            outcome = (0, repr(exc))
        return time.perf_counter() - start, outcome

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, enumerate(items)))
    wall = time.perf_counter() - t0
    latencies = [r[0] for r in results]
    outcomes = [r[1] for r in results]
    return {"latencies": latencies, "outcomes": outcomes, "wall": wall,
            "non_200": sum(1 for o in outcomes if o[0] != 200),
            "unexpected": [o for o in outcomes if o[1] != "ok"]}


def scan(projector: Projector, texts: dict, expect: str):
    def task(phone):
        path = projector.path  # the code on the screen when this phone scans it
        status, body = phone["browser"].request("GET", path)
        page = body.decode("utf-8", "replace")
        phone.setdefault("tokens", []).append(path)
        if status != 200:
            return status, f"{status} {path}"
        other = "already" if expect == "recorded" else "recorded"
        if texts[expect] not in page or texts[other] in page:
            return status, f"200 without '{texts[expect]}'"
        return status, "ok"
    return task


def healthz(browser: Browser):
    def task(_):
        status, body = browser.request("GET", "/healthz")
        return status, "ok" if status == 200 and b'"database":true' in body.replace(b" ", b"") else body[:80]
    return task


def server_times(base: str, people: int, second: int) -> dict[str, list[float]]:
    """Time inside gunicorn per request (ms), from its access log (`%(M)s`), per wave."""
    import re

    log = Path(__file__).resolve().parent / "results" / f"gunicorn-{urlsplit(base).port}.log"
    if not log.exists():
        return {}
    scans, health = [], []
    for match in re.finditer(r'"GET (\S+)" (\d{3}) \S+ (\d+)ms', log.read_text()):
        path, status, ms = match.group(1), match.group(2), float(match.group(3))
        if path.startswith("/hadir/") and status == "200":
            scans.append(ms)
        elif path == "/healthz":
            health.append(ms)
    return {"first scan": scans[:people], "second scan": scans[people:people + second],
            "healthz": health[-people:]}


# --- 3. checks -----------------------------------------------------------------------------------

def snapshot(url: str, session_id: int) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id, employee_id, opd_id, source, status, method, checked_in_at, device_hash, created_at "
            "FROM socialisation_participant WHERE session_id = %s ORDER BY id", (session_id,)).fetchall()
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM socialisation_participant GROUP BY session_id, employee_id "
            "HAVING count(*) > 1) d").fetchone()[0]
        unique_key = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'uq_socialisation_participant' "
            "AND contype = 'u'").fetchone()
        counts = conn.execute(
            "SELECT count(*), count(DISTINCT employee_id), count(checked_in_at), count(DISTINCT device_hash) "
            "FROM socialisation_participant WHERE session_id = %s", (session_id,)).fetchone()
    return {"rows": rows, "duplicates": duplicates, "unique_key": unique_key[0] if unique_key else None,
            "count": counts[0], "distinct_employees": counts[1], "with_checked_in_at": counts[2],
            "distinct_devices": counts[3]}


def verify(info: dict, first: dict, after_first: dict, second: dict, after_second: dict, people: int,
           projector: Projector, health: dict) -> list[str]:
    problems = []
    for name, result in (("first scans", first), ("second scans", second), ("/healthz", health)):
        if result["non_200"]:
            problems.append(f"{name}: {result['non_200']} answers other than 200")
        for outcome in result["unexpected"][:5]:
            problems.append(f"{name}: {outcome[1]}")
    problems += [f"organiser's feed: {e}" for e in projector.errors[:5]]
    if first["wall"] > 60:
        problems.append(f"the {people} first scans took {first['wall']:.1f} s, over a minute")
    s = after_first
    if s["unique_key"] != "UNIQUE (session_id, employee_id)":
        problems.append(f"unique key on (session_id, employee_id) missing: {s['unique_key']}")
    if s["duplicates"]:
        problems.append(f"{s['duplicates']} (session, employee) pairs with more than one row")
    if not (s["count"] == s["distinct_employees"] == s["with_checked_in_at"] == people):
        problems.append(f"rows {s['count']}, distinct employees {s['distinct_employees']}, "
                        f"with checked_in_at {s['with_checked_in_at']}; expected {people} each")
    expected = {e["employee_id"] for e in info["employees"]}
    found = {row[1] for row in s["rows"]}
    if found != expected:
        problems.append(f"{len(expected - found)} check-ins lost, {len(found - expected)} rows for others")
    wrong = [row for row in s["rows"] if (row[3], row[4], row[5]) != ("check_in", "present", "qr")]
    if wrong:
        problems.append(f"{len(wrong)} rows not (CHECK_IN, PRESENT, QR), e.g. {wrong[0][3:6]}")
    if s["distinct_devices"] != people:
        problems.append(f"{s['distinct_devices']} distinct devices for {people} phones")
    if after_second != after_first:
        problems.append("the second scans changed the database")
    if projector.checked_in != people:
        problems.append(f"the organiser's screen counts {projector.checked_in} checked in")
    return problems


# --- 4. the run ------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=300, help="distinct employees checking in (default 300)")
    parser.add_argument("--concurrency", type=int, default=20, help="phones scanning at the same time (default 20)")
    parser.add_argument("--spread", type=float, default=0.0,
                        help="spread the arrivals evenly over this many seconds (default 0: as fast as they go)")
    parser.add_argument("--second-scans", type=int, default=50, help="phones that scan again (default 50)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    args = parser.parse_args()
    if args.people < 1 or args.concurrency < 1 or args.spread < 0 or not 1 <= args.second_scans <= args.people:
        parser.error("--people, --concurrency and --second-scans must be at least 1, --second-scans at most "
                     "--people, --spread not negative")

    load_at_start = os.getloadavg()
    started = time.perf_counter()
    (Path(__file__).resolve().parent / "results").mkdir(exist_ok=True)  # where gunicorn's log goes
    url = fresh_database(DATABASE)
    info = prepare(url, args.people)
    print(f"prepared in {time.perf_counter() - started:.1f} s: {info['employees_in_database']} employees, "
          f"session {info['session_id']} running with {info['opds_invited']} OPDs invited, "
          f"{args.people} employees with a known password")

    with gunicorn(url, workers=args.workers) as base:
        organiser = Browser(base)
        organiser.login(ORGANISER, info["organiser_password"])
        phones = [{"browser": Browser(base), **e} for e in info["employees"]]
        from concurrent.futures import ThreadPoolExecutor

        login_start = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda p: p["browser"].login(p["nip"], PASSWORD), phones))
        login_seconds = time.perf_counter() - login_start
        print(f"{len(phones)} employees logged in by NIP in {login_seconds:.1f} s (Argon2, not timed below)")
        warm = Browser(base)
        for _ in range(4 * args.workers):  # every worker renders the check-in page and answers /healthz once
            warm.request("GET", f"/hadir/{info['session_id']}.1.forged")
            warm.request("GET", "/healthz")

        load_before = os.getloadavg()
        projector = Projector(organiser, info["session_id"])
        projector.start()
        texts = info["texts"]
        first = wave(scan(projector, texts, "recorded"), phones, args.concurrency, args.spread)
        after_first = snapshot(url, info["session_id"])
        again = phones[:: max(1, len(phones) // args.second_scans)][: args.second_scans]
        second = wave(scan(projector, texts, "already"), again, args.concurrency,
                      args.spread * len(again) / len(phones))
        after_second = snapshot(url, info["session_id"])
        health = wave(healthz(Browser(base)), list(range(len(phones))), args.concurrency, args.spread)
        projector.stop.set()
        projector.join()
        projector.refresh()  # the screen's count once everyone is in

    inside = server_times(base, len(phones), len(again))
    problems = verify(info, first, after_first, second, after_second, args.people, projector, health)
    tokens = {path for p in phones for path in p.get("tokens", [])[:1]}
    rows = [("GET /hadir/<token>, first scan", first), ("GET /hadir/<token>, second scan", second),
            ("GET /healthz (reference)", health)]
    print(f"\ngunicorn -w {args.workers} (sync), PostgreSQL, {args.concurrency} phones at a time, "
          f"spread {args.spread:g} s, CPUs: {os.cpu_count()}; load average at start "
          f"{load_at_start[0]:.2f}, after the logins {load_before[0]:.2f}")
    print(f"{'request':34} {'n':>4} {'non-200':>7} {'wall s':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8}")
    result = {}
    for name, r in rows:
        stats = summary(r["latencies"], r["wall"])
        stats.update(non_200=r["non_200"], unexpected=len(r["unexpected"]), wall_s=round(r["wall"], 2),
                     max_ms=round(max(r["latencies"]) * 1000, 1))
        result[name] = stats
        print(f"{name:34} {stats['n']:>4} {stats['non_200']:>7} {stats['wall_s']:>7.2f} "
              f"{stats['throughput_rps']:>7.1f} {stats['p50_ms']:>8.1f} {stats['p95_ms']:>8.1f} "
              f"{stats['p99_ms']:>8.1f} {stats['max_ms']:>8.1f}")
    if inside:
        print("time inside gunicorn (its access log; excludes waiting in the listen backlog):")
        for name, times in inside.items():
            if times:
                stats = summary([t / 1000 for t in times])
                result[f"server {name}"] = stats
                print(f"  {name:32} {stats['n']:>4}  p50 {stats['p50_ms']:6.1f} ms  p95 {stats['p95_ms']:6.1f} ms  "
                      f"p99 {stats['p99_ms']:6.1f} ms  mean {stats['mean_ms']:6.1f} ms")
    feed = summary(projector.latencies)
    print(f"organiser's qr.json polls: {feed['n']}, p50 {feed['p50_ms']} ms; distinct QR tokens scanned in the "
          f"first wave: {len(tokens)}")
    s = after_first
    print(f"\ndatabase, session {info['session_id']}: {s['count']} rows, {s['distinct_employees']} distinct "
          f"employees, {s['with_checked_in_at']} with checked_in_at, {s['distinct_devices']} distinct devices, "
          f"{s['duplicates']} duplicate pairs, unique key: {s['unique_key']}; "
          f"second scans changed nothing: {after_second == after_first}; "
          f"organiser's screen shows {projector.checked_in} checked in")
    for problem in problems[:20]:
        print("PROBLEM:", problem)
    print("OK: no errors, no duplicates" if not problems else f"{len(problems)} problem(s)")
    result.update(config={"people": args.people, "concurrency": args.concurrency, "spread_s": args.spread,
                          "second_scans": len(again), "workers": args.workers, "cpus": os.cpu_count(),
                          "login_seconds": round(login_seconds, 1), "load_average_at_start": load_at_start,
                          "load_average_after_logins": load_before},
                  qr_json=feed, tokens_scanned=len(tokens),
                  database={k: v for k, v in s.items() if k != "rows"}, problems=problems)
    name = "checkin" + (f"_c{args.concurrency}" if args.concurrency != 20 else "") + (
        f"_spread{args.spread:g}" if args.spread else "")
    print(f"written to {write_result(name, result)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
