#!/usr/bin/env python
"""The portal under load (issue 9): ASN reading lessons and taking quizzes, session check-ins,
secretaries on the participation dashboard and staff list, and reports to the WBS, from many
distinct logged-in users at 50, 100 and 200 at once, beside /healthz measured in the same run.

    .venv/bin/python bench/load.py                                  # 15,000 employees; 50, 100, 200 users
    .venv/bin/python bench/load.py --levels 50,100,200 --duration 60 --think 2
    .venv/bin/python bench/load.py --reuse                          # keep portal_bench_load's data from last time

In order:
1. Recreates `portal_bench_load` on the local PostgreSQL and runs, as an operator would,
   `flask --app portal db upgrade`, `seed` and `bench/make_data.py --employees N` (the synthetic city
   of bench/data.py, with a secretary login per OPD), then, in this process:
   accounts for as many ASN as the levels need (distinct people per level, spread over the
   OPDs, logging in by NIP), and a socialisation session running now with every OPD invited
   (a new one each run). VACUUM ANALYZE. Argon2 is lowered on both sides (PORTAL_ARGON2_*): logins are
   set-up, done before each level, not measured.
2. gunicorn from gunicorn.conf.py (bench/harness.py; --workers sync workers) and, as the
   Procfile runs it, one `flask --app portal worker`, with REDIS_URL (its own database
   number and key prefix), so rate limits are shared as in production, and
   PORTAL_PROXY_FIX_X_FOR=1: every simulated person comes from their own address in
   X-Forwarded-For, as nginx would pass it (per-client limits apply per person).
3. Per level, N users at once for --duration seconds after a --ramp (staggered starts),
   each waiting a think time between requests (uniform, mean --think s), every request
   checked (status, and the content where it matters):
   - ASN (85 %): personal home, /belajar/, a module, each lesson and "mark as read" (POST),
     the quiz page, start (POST), the attempt, submit (POST), the result; the next module.
     One in five scans the session's QR code at some point (GET /hadir/<token>, the token
     showing at that moment), spread over the level.
   - secretaries (10 %, at most one per OPD): /partisipasi/, /partisipasi/pegawai, the
     list filtered (?filter=not_started) and its second page, in turn.
   - reporters (5 %, anonymous): /wbs/, /wbs/lapor, the report (multipart POST, one in three
     with a 100 KB PDF); each report is a new person (new cookies, new address).
   Beside them a load balancer probes GET /healthz every 0.25 s (not waiting for answers).
   Only requests started inside the measured window count. Every request has a 60 s
   timeout; each level stops at --max-requests.
4. Prints per level and request: count, errors by status, p50/p95/p99 (client side: includes
   waiting in gunicorn's listen backlog, where /healthz waits too) and gunicorn's own time (its
   access log), the throughput against the offered rate, the load average, PostgreSQL
   connections (sampled every 2 s), and the CPU seconds that gunicorn, the PostgreSQL
   backends and the job worker used in the window (/proc), per request. Then, in this
   process, each page's SQL statements (bench/participation.py's query_profile), and the
   database against the answers (reports filed, check-ins, quizzes graded: nothing lost or
   twice). Targets: no 5xx at the last level, each page's (GET) p95 under 10x the /healthz
   p95; form posts are actions, shown but not judged. Writes bench/results/load.json; exits
   1 when a target is missed or the database disagrees.
"""
from __future__ import annotations

import argparse
import html
import itertools
import os
import random
import re
import resource
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (BENCH_KEYS, ROOT, Browser, bench_app, fresh_database, gunicorn, multipart,  # noqa: E402
                           summary, write_result)
from bench.participation import admin_sql, flask, make_data, query_profile  # noqa: E402
from bench.wbs_submit import FIELDS as REPORT_FIELDS  # noqa: E402

DATABASE = "portal_bench_load"
PASSWORD = "integritas-2019"  # DEMO_PASSWORD, which bench/make_data.py gives the secretaries
LOW_ARGON2 = {"PORTAL_ARGON2_TIME_COST": "1", "PORTAL_ARGON2_MEMORY_COST": "8", "PORTAL_ARGON2_PARALLELISM": "1"}
PAGE_FACTOR = 10
TIMEOUT = 60
WARMUP_USERS = 20
SESSION_TITLE = "Bench: sosialisasi di bawah beban"
ACCESS_LINE = re.compile(r'"(GET|POST) (\S+)" (\d{3}) \S+ (\d+)ms')
SERVER_LABELS = [  # access-log path (no query string) -> label
    (re.compile(r"/healthz"), "GET /healthz (probe)"), (re.compile(r"/"), "GET / (personal home)"),
    (re.compile(r"/belajar/"), "GET /belajar/"), (re.compile(r"/belajar/modul/\d+"), "GET module"),
    (re.compile(r"/belajar/modul/\d+/materi/\d+"), "GET lesson"),
    (re.compile(r"/belajar/modul/\d+/materi/\d+/selesai"), "POST lesson read"),
    (re.compile(r"/belajar/modul/\d+/kuis"), "quiz page and start (GET, POST)"),
    (re.compile(r"/belajar/percobaan/\d+"), "attempt page and submit (GET, POST)"),
    (re.compile(r"/belajar/percobaan/\d+/hasil"), "GET quiz result"),
    (re.compile(r"/hadir/[^/]+"), "GET /hadir/<token>"), (re.compile(r"/partisipasi/"), "GET /partisipasi/"),
    (re.compile(r"/partisipasi/pegawai"), "GET /partisipasi/pegawai (all)"), (re.compile(r"/wbs/"), "GET /wbs/"),
    (re.compile(r"/wbs/lapor"), "/wbs/lapor (GET form, POST report)")]


# --- 1. data -----------------------------------------------------------------------------------

def prepare(url: str, asn_needed: int, reuse: bool) -> dict:
    """ASN accounts (by NIP), one running session, and what the simulated users need to know."""
    from datetime import timedelta

    import sqlalchemy as sa

    from portal.auth.models import User, UserRole
    from portal.auth.passwords import hash_password
    from portal.core.clock import utcnow
    from portal.extensions import db
    from portal.learning.models import Module, Question
    from portal.org.models import Employee, Opd
    from portal.core.roles import Role
    from portal.socialisation import services

    app = bench_app(url, **{k[len("PORTAL_"):]: int(v) for k, v in LOW_ARGON2.items()})
    with app.app_context():
        if not reuse:
            password_hash = hash_password(PASSWORD)  # once: every account stores the same string
            chosen = db.session.scalars(
                sa.select(Employee.id).join(Opd, Opd.id == Employee.opd_id)
                .outerjoin(User, User.employee_id == Employee.id)
                .where(Employee.active.is_(True), Opd.active.is_(True), User.id.is_(None))
                .order_by(sa.func.md5(sa.cast(Employee.id, sa.String))).limit(asn_needed)).all()
            if len(chosen) < asn_needed:
                raise SystemExit(f"only {len(chosen)} employees without an account; {asn_needed} needed")
            for employee_id in chosen:
                db.session.add(User(employee_id=employee_id, password_hash=password_hash, must_change_password=False,
                                    roles=[UserRole(role=Role.ASN)]))
        # A new session each run (with --reuse too), so every check-in of the run is a first scan.
        organiser = db.session.scalar(sa.select(User).where(User.username == "inspektur"))
        start = utcnow().replace(microsecond=0) - timedelta(minutes=10)
        opd_ids = tuple(db.session.scalars(sa.select(Opd.id).where(Opd.active.is_(True))))
        session_id = services.save_session(None, services.SessionFields(
            title=f"{SESSION_TITLE} {start:%H.%M}", starts_at=start, ends_at=start + timedelta(hours=6),
            late_after=start + timedelta(hours=5), venue="Aula Balai Kota Padang", opd_ids=opd_ids),
            actor=organiser).id
        db.session.commit()
        asn = [nip for nip, in db.session.execute(
            sa.select(Employee.nip).join(User, User.employee_id == Employee.id)
            .where(User.username.is_(None)).order_by(sa.func.md5(sa.cast(Employee.id, sa.String))))]
        secretaries = list(db.session.scalars(sa.select(User.username).where(
            User.username.like("sekretaris.bench%")).order_by(User.id)))
        with_bank = sa.select(Question.module_id).where(Question.active.is_(True))
        modules = [{"id": m.id, "lessons": [lesson.id for lesson in m.lessons]} for m in db.session.scalars(
            sa.select(Module).where(Module.active.is_(True), Module.id.in_(with_bank)).order_by(Module.id))]
        employees = db.session.scalar(sa.select(sa.func.count()).select_from(Employee))
        db.engine.dispose()
    if len(asn) < asn_needed:
        raise SystemExit(f"{len(asn)} ASN accounts, {asn_needed} needed: run without --reuse")
    return {"app": app, "session_id": session_id, "asn": asn[:asn_needed], "secretaries": secretaries,
            "modules": modules, "employees": employees}


# --- 2. simulated people -----------------------------------------------------------------------

class Visitor(Browser):
    """A browser behind nginx: its own address in X-Forwarded-For. Keeps the redirect target and
    the hidden fields of the last page with a form (CSRF token, single-use form tokens), which
    its next form post sends back as a browser would."""

    INPUT = re.compile(r"<input\b[^>]*>")
    ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')

    def __init__(self, base: str, address: str):
        super().__init__(base)
        self.address, self.location, self.hidden = address, None, {}

    def request(self, method, path, data=None, headers=None):
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"X-Forwarded-For": self.address, **(headers or {})})
        try:
            with self.opener.open(req, timeout=TIMEOUT) as resp:
                self.location, body = resp.headers.get("Location"), resp.read()
                status = resp.status
        except urllib.error.HTTPError as err:
            self.location, body, status = err.headers.get("Location"), err.read(), err.code
        hidden = {}
        for tag in self.INPUT.findall(body.decode(errors="replace")):
            attributes = dict(self.ATTRIBUTE.findall(tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                hidden[attributes["name"]] = html.unescape(attributes.get("value", ""))
        if hidden:
            self.hidden = hidden
        return status, body


_addresses = iter(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(1, 2**24))


def step(label, method, path, expect=(200,), fields=None, files=None, check=None):
    return {"label": label, "method": method, "path": path, "expect": expect, "fields": fields, "files": files,
            "check": check}


def asn_scenario(person, modules):
    """Yields steps; receives (status, body, location) of each."""
    n = person["n"]
    while True:
        module = modules[n % len(modules)]
        n += 1
        m = f"/belajar/modul/{module['id']}"
        yield step("GET / (personal home)", "GET", "/")
        yield step("GET /belajar/", "GET", "/belajar/")
        yield step("GET module", "GET", m)
        for lesson in module["lessons"]:
            yield step("GET lesson", "GET", f"{m}/materi/{lesson}")
            yield step("POST lesson read", "POST", f"{m}/materi/{lesson}/selesai", (302,), fields={})
        yield step("GET quiz page", "GET", f"{m}/kuis")
        status, _, location = yield step("POST quiz start", "POST", f"{m}/kuis", (302,), fields={})
        if not location or "/percobaan/" not in location:
            continue  # today's attempts used up (3 a day): the next module
        attempt = urlsplit(location).path
        status, body, _ = yield step("GET attempt", "GET", attempt)
        answers = defaultdict(list)
        for name, value in re.findall(rb'name="(q-\d+)" id="[^"]+" value="(\d+)"', body):
            answers[name.decode()].append(value.decode())
        chosen = {name: random.choice(values) for name, values in answers.items()}
        yield step("POST quiz submit", "POST", attempt, (302,), fields={**chosen, "finish": "1"})
        yield step("GET quiz result", "GET", attempt + "/hasil")


def scanning(inner, at: int, token_of):
    """`inner`'s steps with a QR check-in (the code showing at that moment) as step number `at`."""
    reply = None
    for i in itertools.count():
        if i == at:
            yield step("GET /hadir/<token>", "GET", f"/hadir/{token_of()}", check=b"alert-success")
        reply = yield inner.send(reply)


def secretary_scenario(person, *_):
    while True:
        yield step("GET /partisipasi/", "GET", "/partisipasi/")
        yield step("GET /partisipasi/pegawai", "GET", "/partisipasi/pegawai")
        yield step("GET /partisipasi/pegawai?filter=not_started", "GET", "/partisipasi/pegawai?filter=not_started")
        yield step("GET /partisipasi/pegawai?page=2", "GET", "/partisipasi/pegawai?page=2")


def reporter_scenario(person, *_):
    pdf = b"%PDF-1.4\n" + os.urandom(100 * 1024)
    while True:
        person["browser"] = Visitor(person["base"], next(_addresses))  # each report is a new person
        yield step("GET /wbs/", "GET", "/wbs/")
        yield step("GET /wbs/lapor", "GET", "/wbs/lapor")
        files = [("evidence", "bukti.pdf", pdf, "application/pdf")] if random.random() < 1 / 3 else []
        yield step("POST /wbs/lapor", "POST", "/wbs/lapor", fields=dict(REPORT_FIELDS), files=files,
                   check=b"receipt-code")


SCENARIOS = {"asn": asn_scenario, "secretary": secretary_scenario, "reporter": reporter_scenario}


class Level:
    """One load level: the people, the records, the clock."""

    def __init__(self, name: str, people: list[dict], args, info: dict):
        self.name, self.people, self.args, self.info = name, people, args, info
        self.records: list[tuple[str, float, float, int, bool]] = []  # label, start, seconds, status, ok
        self.count = 0
        self.cpu: dict[str, float] = {}
        self.stop = threading.Event()

    def send(self, person, s):
        browser = person["browser"]
        body, headers = None, {}
        if s["method"] == "POST":
            fields = {**browser.hidden, **s["fields"]}
            if s["files"] is not None:
                body, ctype = multipart(fields, s["files"])
            else:
                body, ctype = urlencode(fields).encode(), "application/x-www-form-urlencoded"
            headers = {"Content-Type": ctype, "Referer": browser.base + s["path"]}
        return browser.request(s["method"], s["path"], body, headers)

    def run_person(self, person):
        rng = random.Random(person["n"])
        time.sleep(rng.uniform(0, self.args.ramp))
        scenario = SCENARIOS[person["role"]](person, self.info["modules"])
        if person.get("scan_at") is not None:
            scenario = scanning(scenario, person["scan_at"], self.token)
        reply = None
        while not self.stop.is_set():
            s = scenario.send(reply)
            if self.stop.wait(rng.uniform(0.5, 1.5) * self.args.think) or self.count >= self.args.max_requests:
                break
            self.count += 1
            start = time.perf_counter()
            try:
                status, body = self.send(person, s)
            except (OSError, ValueError) as exc:  # refused, reset, timed out: counted, never hidden
                status, body = 0, repr(exc).encode()
            seconds = time.perf_counter() - start
            ok = status in s["expect"] and (s["check"] is None or s["check"] in body)
            self.records.append((s["label"], start, seconds, status, ok))
            reply = (status, body, person["browser"].location)

    def probe(self, base: str):
        """A load balancer's health check: one GET /healthz every 0.25 s whether or not the last
        one has been answered (at most 100 outstanding)."""
        def once():
            start = time.perf_counter()
            try:
                status, _ = Browser(base).request("GET", "/healthz")
            except OSError:
                status = 0
            self.records.append(("GET /healthz (probe)", start, time.perf_counter() - start, status, status == 200))

        while not self.stop.wait(0.25):
            if threading.active_count() < len(self.people) + 110:
                threading.Thread(target=once, daemon=True).start()

    def token(self) -> str:
        from portal.socialisation.checkin import current_window, make_token

        with self.info["app"].app_context():
            return make_token(self.info["session_id"], current_window())

    def run(self, base: str, samples: list) -> tuple[float, float]:
        threads = [threading.Thread(target=self.run_person, args=(p,), daemon=True) for p in self.people]
        threads.append(threading.Thread(target=self.probe, args=(base,), daemon=True))
        sampler = threading.Thread(target=sample, args=(self.stop, samples), daemon=True)
        t0 = time.perf_counter()
        for t in threads + [sampler]:
            t.start()
        window = (t0 + self.args.ramp, t0 + self.args.ramp + self.args.duration)
        time.sleep(self.args.ramp)
        before = cpu_snapshot(self.info)
        time.sleep(max(0.0, window[1] - time.perf_counter()))
        self.cpu = {k: round(v - before.get(k, 0.0), 2) for k, v in cpu_snapshot(self.info).items()}
        self.stop.set()
        deadline = time.perf_counter() + TIMEOUT + 5
        for t in threads:
            t.join(max(0.1, deadline - time.perf_counter()))
        return window


def sample(stop: threading.Event, out: list) -> None:
    """Every 2 s: the load average and the benchmark database's connections (all / active)."""
    import psycopg

    with psycopg.connect(BENCH_PG_URL, autocommit=True) as conn:
        while not stop.wait(2):
            total, active, waiting = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE state = 'active'), count(*) FILTER "
                "(WHERE wait_event_type = 'Lock') FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()").fetchone()
            out.append({"load": os.getloadavg()[0], "connections": total, "active": active, "lock_waits": waiting})


BENCH_PG_URL = ""


def cpu_snapshot(info: dict) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (master and workers, found by their PORT), the job
    worker, and the PostgreSQL backends serving the benchmark database."""
    import psycopg

    tick = os.sysconf("SC_CLK_TCK")

    def cpu(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    marker = f"\0PORT={info['port']}\0".encode()
    web = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"gunicorn" in (proc / "cmdline").read_bytes() and \
                    marker in b"\0" + (proc / "environ").read_bytes():
                web.append(int(proc.name))
        except OSError:
            continue
    with psycopg.connect(BENCH_PG_URL, autocommit=True) as conn:
        backends = [pid for pid, in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = "
                                                 "current_database() AND pid <> pg_backend_pid()")]
    return {"gunicorn": sum(map(cpu, web)), "postgres": sum(map(cpu, backends)),
            "job_worker": cpu(info["worker_pid"]) if info.get("worker_pid") else 0.0}


def make_people(base: str, info: dict, users: int, asn_pool: list[str], rng: random.Random,
                steps: int) -> list[dict]:
    secretaries = min(len(info["secretaries"]), max(1, round(users * 0.10)))
    reporters = max(1, round(users * 0.05))
    people = []
    for i in range(users):
        role = "secretary" if i < secretaries else "reporter" if i < secretaries + reporters else "asn"
        person = {"n": i, "role": role, "base": base, "browser": Visitor(base, next(_addresses))}
        if role == "secretary":
            person["login"] = info["secretaries"][i]
        elif role == "asn":
            person["login"] = asn_pool.pop()
            if rng.random() < 0.2:  # over the whole level, not only as it starts
                person["scan_at"] = rng.randint(0, steps)
        people.append(person)
    with ThreadPoolExecutor(8) as pool:  # set-up, not measured
        list(pool.map(lambda p: p["browser"].login(p["login"], PASSWORD), [p for p in people if "login" in p]))
    return people


# --- 3. figures --------------------------------------------------------------------------------

def server_times(log: Path, start: int, end: int) -> dict[str, list[float]]:
    times = defaultdict(list)
    with log.open("rb") as fh:
        fh.seek(start)
        text = fh.read(end - start).decode(errors="replace")
    for method, path, status, ms in ACCESS_LINE.findall(text):
        for pattern, label in SERVER_LABELS:
            if pattern.fullmatch(path):
                times[label].append(float(ms) / 1000)
                break
    return times


def level_result(level: Level, window: tuple[float, float], samples: list, server: dict) -> dict:
    inside = [r for r in level.records if window[0] <= r[1] < window[1]]
    by_label = defaultdict(list)
    for r in inside:
        by_label[r[0]].append(r)
    out = {"requests": {}, "server_ms": {}}
    for label, rows in sorted(by_label.items()):
        stats = summary([r[2] for r in rows])
        stats.update(max_ms=round(max(r[2] for r in rows) * 1000, 1),
                     errors=dict(Counter(str(r[3]) for r in rows if not r[4])))
        out["requests"][label] = stats
    for label, values in server.items():
        out["server_ms"][label] = summary(values)
    statuses, seconds = Counter(r[3] for r in inside), window[1] - window[0]
    pages = [r for r in inside if not r[0].startswith("GET /healthz")]
    out.update(
        throughput_rps=round(len(inside) / seconds, 1), page_throughput_rps=round(len(pages) / seconds, 1),
        offered_rps=round(len(level.people) / level.args.think, 1) if level.args.think else None,
        pages=summary([r[2] for r in pages]) if pages else {},
        statuses=dict(sorted((str(k), v) for k, v in statuses.items())),
        errors=dict(Counter(str(r[3]) for r in inside if not r[4])),
        server_errors=sum(v for k, v in statuses.items() if k >= 500),
        load_average=[round(min(s["load"] for s in samples), 2), round(max(s["load"] for s in samples), 2)]
        if samples else None,
        pg_connections_max=max((s["connections"] for s in samples), default=None),
        pg_active_max=max((s["active"] for s in samples), default=None),
        pg_lock_waits_max=max((s["lock_waits"] for s in samples), default=None),
        users=Counter(p["role"] for p in level.people),
        cpu_s=level.cpu,
        cpu_ms_per_request={k: round(1000 * v / max(1, len(inside)), 1) for k, v in level.cpu.items()},
    )
    return out


def verdicts(name: str, result: dict, final: bool) -> list[tuple[str, bool | None]]:
    """The targets: no 5xx at the last level; every page (GET) p95 under 10x the /healthz p95.
    Form posts are actions, not pages: their ratio is shown (None) but not judged."""
    health = result["requests"]["GET /healthz (probe)"]["p95_ms"]
    out = []
    if final:
        out.append((f"{name}: no 5xx ({result['server_errors']})", result["server_errors"] == 0))
    for label, stats in result["requests"].items():
        if not label.startswith("GET /healthz"):
            passed = stats["p95_ms"] < PAGE_FACTOR * health if label.startswith("GET") else None
            out.append((f"{name}: {label} p95 {stats['p95_ms']} ms = {stats['p95_ms'] / health:.1f}x /healthz p95 "
                        f"({health} ms)", passed))
    inside, health_inside = result["server_ms"], result["server_ms"].get("GET /healthz (probe)", {}).get("p95_ms")
    for label, stats in inside.items():
        if health_inside and not label.startswith("GET /healthz"):
            out.append((f"{name}: inside gunicorn, {label} p95 {stats['p95_ms']} ms = "
                        f"{stats['p95_ms'] / health_inside:.1f}x /healthz p95 ({health_inside} ms)", None))
    return out


def print_level(name: str, r: dict) -> None:
    health = r["requests"]["GET /healthz (probe)"]["p95_ms"]
    print(f"\n=== {name}: {dict(r['users'])}; {r['throughput_rps']} req/s ({r['page_throughput_rps']} pages/s, "
          f"offered at most {r['offered_rps']}); "
          f"statuses {r['statuses']}; load average {r['load_average']}; PostgreSQL connections max "
          f"{r['pg_connections_max']} ({r['pg_active_max']} active, {r['pg_lock_waits_max']} waiting on a lock)")
    per = r["cpu_ms_per_request"]
    print(f"CPU in the window: {r['cpu_s']} s, per request (probes included) {per} ms; both cores to itself, "
          f"this mix would reach about {1000 * (os.cpu_count() or 1) / max(0.1, sum(per.values())):.0f} req/s")
    pages = r["pages"]
    print(f"all pages and posts: n {pages.get('n')}, p50 {pages.get('p50_ms')} ms, p95 {pages.get('p95_ms')} ms, "
          f"p99 {pages.get('p99_ms')} ms; /healthz p95 {health} ms")
    print(f"{'request':46} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'x hz p95':>8}  errors")
    for label, s in r["requests"].items():
        print(f"{label:46} {s['n']:>6} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['p99_ms']:>8.1f} "
              f"{s['max_ms']:>8.1f} {s['p95_ms'] / health if health else 0:>8.1f}  {s['errors'] or ''}")


def database_marks(url: str) -> tuple:
    return tuple(admin_sql(url, "SELECT now(), (SELECT coalesce(max(id), 0) FROM wbs_report)")[0])


def check_database(url: str, session_id: int, marks: tuple, accepted: Counter) -> dict:
    """What the run wrote against what the server said it accepted: nothing lost, nothing twice."""
    started, last_report = marks
    reports, check_ins, most, attempts = admin_sql(url, f"""SELECT
        (SELECT count(*) FROM wbs_report WHERE id > {int(last_report)}),
        (SELECT count(*) FROM socialisation_participant WHERE session_id = {int(session_id)} AND checked_in_at >= '{started}'),
        (SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM socialisation_participant
         WHERE session_id = {int(session_id)} GROUP BY employee_id) per_person),
        (SELECT count(*) FROM learning_attempt WHERE submitted_at >= '{started}')""")[0]
    out = {"wbs_reports": [reports, accepted["POST /wbs/lapor"]],
           "check_ins": [check_ins, accepted["GET /hadir/<token>"]],
           "submitted_attempts": [attempts, accepted["POST quiz submit"]], "most_rows_per_person": most}
    out["agree"] = all(v[0] == v[1] for k, v in out.items() if isinstance(v, list)) and most <= 1
    return out


def profile_pages(url: str, info: dict, args) -> dict:
    """SQL statements and time per page, in this process, one request at a time (a warm second one)."""
    asn, secretary, module = info["asn"][0], info["secretaries"][0], info["modules"][0]
    m, token = f"/belajar/modul/{module['id']}", Level("", [], args, info).token()
    profile = query_profile(url, {
        "GET /healthz": (asn, "/healthz"), "GET / (personal home)": (asn, "/"), "GET /belajar/": (asn, "/belajar/"),
        "GET module": (asn, m), "GET lesson": (asn, f"{m}/materi/{module['lessons'][0]}"),
        "GET quiz page": (asn, f"{m}/kuis"), "GET /hadir/<token> (again)": (asn, f"/hadir/{token}"),
        "GET /partisipasi/": (secretary, "/partisipasi/"),
        "GET /partisipasi/pegawai": (secretary, "/partisipasi/pegawai"), "GET /wbs/lapor": (asn, "/wbs/lapor")},
        explain=0)
    print("\nin process, one request at a time (SQL statements, request ms, SQL ms; the most repeated statement):")
    for label, q in profile.items():
        repeated = q["repeated"][0] if q["repeated"] else None
        print(f"  {label:32} {q['queries']:>3} {q['request_ms']:>7.1f} {q['sql_ms']:>7.1f}  "
              + (f"{repeated['n']}x {repeated['sql']}" if repeated else ""))
    return profile


# --- 4. main -----------------------------------------------------------------------------------

def main() -> int:
    global BENCH_PG_URL
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=15000)
    parser.add_argument("--levels", default="50,100,200", help="concurrent users per level, comma-separated")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per level")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the users start")
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between requests (s)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="per level, at most")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--no-worker", action="store_true", help="no `flask worker` beside gunicorn")
    parser.add_argument("--reuse", action="store_true", help="reuse portal_bench_load as the last run left it")
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process SQL profile per page")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    if not levels or min(levels) < 1 or args.duration <= 0 or args.think < 0:
        parser.error("levels must be positive, the duration above 0, the think time not negative")
    os.environ.update(LOW_ARGON2)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)  # where gunicorn's log goes
    load_at_start = os.getloadavg()
    timings = {}
    if args.reuse:
        url = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
    else:
        url = fresh_database(DATABASE)
        timings["db_upgrade"], _ = flask(url, "db", "upgrade")
        timings["seed"], _ = flask(url, "seed")
        timings["bench-data"], output = make_data(url, "--employees", str(args.employees))
        print(output.rstrip(), flush=True)
    BENCH_PG_URL = url
    asn_needed = WARMUP_USERS + sum(levels)
    start = time.perf_counter()
    info = prepare(url, asn_needed, args.reuse)
    admin_sql(url, "VACUUM ANALYZE")
    timings["accounts_session_vacuum"] = time.perf_counter() - start
    print(f"{info['employees']} employees, {len(info['asn'])} ASN accounts, {len(info['secretaries'])} secretaries, "
          f"session {info['session_id']}, quiz modules {[m['id'] for m in info['modules']]}; "
          f"set-up {', '.join(f'{k} {v:.1f} s' for k, v in timings.items())}", flush=True)

    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    env = {"REDIS_URL": redis_url, "PORTAL_RATELIMIT_KEY_PREFIX": f"bench-load-{os.getpid()}-{int(time.time())}",
           "PORTAL_PROXY_FIX_X_FOR": "1", "PORTAL_STORAGE_DIR": str(ROOT / "bench" / "results" / "load-files")}
    worker = None
    rng = random.Random(1)
    asn_pool = list(reversed(info["asn"]))
    results, ok, accepted = {}, True, Counter()
    marks = database_marks(url)
    with gunicorn(url, workers=args.workers, threads=args.threads, env=env) as base:
        log = ROOT / "bench" / "results" / f"gunicorn-{base.rsplit(':', 1)[1]}.log"
        info["port"] = base.rsplit(":", 1)[1]
        if not args.no_worker:
            with (ROOT / "bench" / "results" / "load-worker.log").open("w") as worker_log:
                worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker"], cwd=ROOT,
                                          env=dict(os.environ, DATABASE_URL=url, **BENCH_KEYS, **env),
                                          stdout=worker_log, stderr=subprocess.STDOUT)
            info["worker_pid"] = worker.pid
        try:
            for name, users, seconds in [("warm-up", WARMUP_USERS, 10)] + [(f"{n} users", n, args.duration)
                                                                          for n in levels]:
                level_args = argparse.Namespace(**{**vars(args), "duration": seconds,
                                                   "ramp": args.ramp if name != "warm-up" else 2})
                people = make_people(base, info, users, asn_pool, rng,
                                     int((level_args.ramp + seconds) / max(0.1, args.think)))
                level = Level(name, people, level_args, info)
                samples: list = []
                offset = log.stat().st_size
                print(f"\n{name}: {users} users logged in; running {level_args.ramp:g} + {seconds:g} s", flush=True)
                window = level.run(base, samples)
                time.sleep(1)  # the access log lines of the last requests
                accepted.update(r[0] for r in level.records if r[4])  # the warm-up's too
                r = level_result(level, window, samples, server_times(log, offset, log.stat().st_size))
                if name == "warm-up":
                    continue
                results[name] = r
                print_level(name, r)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
    log_text = log.read_text(errors="replace")
    problems = {"tracebacks": log_text.count("Traceback"), "worker_timeouts": log_text.count("WORKER TIMEOUT"),
                "errors_logged": len(re.findall(r"\[ERROR\]|\bERROR\b", log_text))}
    database = check_database(url, info["session_id"], marks, accepted)
    profile = {} if args.no_profile else profile_pages(url, info, args)
    print(f"\ngunicorn log {log.relative_to(ROOT)}: {problems}")
    print(f"database (rows written, answers that said so): {database}")
    print(f"client process CPU: {resource.getrusage(resource.RUSAGE_SELF).ru_utime:.0f} s user, "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_stime:.0f} s system; load average at start "
          f"{load_at_start[0]:.2f}, now {os.getloadavg()[0]:.2f}; CPUs {os.cpu_count()}")
    print("\n=== targets")
    print(f"{'PASS' if database['agree'] else 'FAIL'}  the database holds exactly what the answers accepted")
    ok &= database["agree"]
    names = list(results)
    for name in names:
        for what, passed in verdicts(name, results[name], name == names[-1]):
            print(f"{'PASS' if passed else 'FAIL' if passed is not None else 'info'}  {what}")
            ok &= passed is not False
    write_result("load", {"levels": results, "config": {**vars(args), "cpus": os.cpu_count(),
                                                        "load_average_at_start": load_at_start,
                                                        "employees": info["employees"], "timings": timings},
                          "gunicorn_log": problems, "database": database, "profile": profile})
    print("results: bench/results/load.json")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
