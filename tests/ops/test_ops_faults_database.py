"""PostgreSQL stopped in the middle of a load run (issue 9, "proven under faults").

A cluster of the test's own (never the machine's main one) serves gunicorn with the project's
gunicorn.conf.py and a job worker. A few threads report to the WBS, log in and out and read
pages while the database is stopped with `pg_ctl stop -m immediate` and started again. The
test asserts what a user and a load balancer see during the outage (a generic, translated 503
page; /healthz 503; never a 500), that the portal recovers without a restart, and that nothing
is half-written: every receipt a reporter was given opens its report and its evidence, and
every report in the database is whole.
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from tests.ops.faults_support import (KEYS_ENV, ROOT, Client, Gunicorn, PgCluster, parse_form, portal_env,
                                      postgres_available, terminate_group)

pytestmark = pytest.mark.skipif(postgres_available() is not None, reason=str(postgres_available()))

PASSWORD = "kata-sandi-gangguan-1"
STAFF = ("petugas.satu", "petugas.dua")
SCRYPT_N = 1024  # the receipt hash's cost: the same in gunicorn and in this process
OUTAGE_SECONDS = 3.0
RECOVERY_BOUND = 20.0  # seconds from `pg_ctl start` to every page answering again
# What a 503 page must never show: a traceback, SQL, a driver or exception name, a file path,
# the database's address.
LEAKS = ("Traceback", "File \"", ".py", "sqlalchemy", "psycopg", "OperationalError", "InterfaceError", "SELECT ",
         "INSERT ", "UPDATE ", "Errno", "/usr/", "/tmp/", str(ROOT), "postgres", "connection")


@pytest.fixture
def stack(tmp_path):
    """Cluster, schema, seed, gunicorn (2 workers) and a job worker; all ended in any case."""
    cluster = PgCluster()
    started: list = []
    app = None
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        storage = tmp_path / "files"
        env = portal_env(cluster.url, storage, PORTAL_WBS_RECEIPT_SCRYPT_N=str(SCRYPT_N),
                         # One loopback client sends everything here; these limits are not under test.
                         PORTAL_WBS_REPORT_LIMIT="100000 per hour", PORTAL_VERIFY_LIMIT="100000 per minute")
        subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, timeout=120, capture_output=True)
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": cluster.url, "SECRET_KEY": KEYS_ENV["PORTAL_SECRET_KEY"],
            "WBS_RECEIPT_PEPPER": KEYS_ENV["PORTAL_WBS_RECEIPT_PEPPER"], "DATA_KEYS": [KEYS_ENV["PORTAL_DATA_KEYS"]],
            "WBS_RECEIPT_SCRYPT_N": SCRYPT_N, "STORAGE_DIR": str(storage),
            "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})
        with app.app_context():
            from portal.auth import services as auth_services
            from portal.ops.cli import seed_defaults
            from portal.core.roles import Role

            seed_defaults()
            for name in STAFF:
                auth_services.create_user(username=name, password=PASSWORD, roles={Role.ADMIN})
            db.session.commit()
            db.engine.dispose()
        web = Gunicorn(env, tmp_path / "gunicorn.log", workers=2)
        started.append(web)
        with open(tmp_path / "worker.log", "wb") as worker_log:  # the child keeps its own descriptor
            worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker"], cwd=ROOT,
                                      env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(worker)
        web.wait_ready()
        yield {"cluster": cluster, "app": app, "web": web, "worker": worker, "storage": storage}
    finally:
        for proc in reversed(started):
            if isinstance(proc, Gunicorn):
                proc.close()
            else:
                terminate_group(proc)
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        cluster.destroy()


class Recorder:
    """Every answer with its start and end time; thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers: list[dict] = []
        self.receipts: list[tuple[str, str, bytes]] = []  # (receipt, marker, evidence)
        self.attempted_markers: set[str] = set()

    def add(self, who: str, what: str, start: float, status: int, body: str) -> None:
        with self.lock:
            self.answers.append({"who": who, "what": what, "start": start, "end": time.monotonic(),
                                 "status": status, "body": body})


def _timed(rec: Recorder, who: str, what: str, call):
    start = time.monotonic()
    try:
        status, body = call()
    except OSError as exc:  # refused, reset or timed out: gunicorn itself must never do that
        status, body = 0, f"{type(exc).__name__}"
    rec.add(who, what, start, status, body)
    return status, body


def reporter(base: str, rec: Recorder, stop: threading.Event, n: int) -> None:
    """Files WBS reports with one evidence file each; keeps the receipts it was given."""
    client = Client(base)
    while not stop.is_set():
        status, page = _timed(rec, f"reporter{n}", "GET /wbs/lapor", lambda: client.get("/wbs/lapor"))
        if status != 200:
            time.sleep(0.1)
            continue
        form = parse_form(page)
        marker = uuid.uuid4().hex
        evidence = f"bukti {marker}\n".encode()
        fields = dict(form.hidden, mode="anonymous", reported_name="Tidak diketahui", reported_opd="0",
                      category=next(v for v in form.options["category"] if v not in ("", "0")),
                      what=f"Petugas meminta uang pelicin di loket pelayanan. Penanda {marker}.",
                      where="Kantor pelayanan", when_from="2026-02-10", how="Diminta langsung", good_faith="y")
        with rec.lock:
            rec.attempted_markers.add(marker)
        status, page = _timed(rec, f"reporter{n}", "POST /wbs/lapor",
                              lambda: client.post("/wbs/lapor", fields, [("evidence", "bukti.txt", evidence)]))
        found = re.search(r'receipt-code font-monospace user-select-all">([^<]+)<', page)
        if status == 200 and found:
            with rec.lock:
                rec.receipts.append((found.group(1), marker, evidence))


def staff(base: str, rec: Recorder, stop: threading.Event, login: str) -> None:
    """Logs in, opens the personal home page, logs out; again and again."""
    while not stop.is_set():
        client = Client(base)
        status, page = _timed(rec, login, "GET /login", lambda: client.get("/login"))
        if status != 200:
            time.sleep(0.1)
            continue
        fields = dict(parse_form(page).hidden, login=login, password=PASSWORD)
        status, _ = _timed(rec, login, "POST /login", lambda: client.post("/login", fields))
        if status != 302:
            time.sleep(0.1)
            continue
        status, page = _timed(rec, login, "GET /", lambda: client.get("/"))
        if status == 200:
            token = parse_form(page).hidden.get("csrf_token", "")
            _timed(rec, login, "POST /logout", lambda: client.post("/logout", {"csrf_token": token}))


def visitor(base: str, rec: Recorder, stop: threading.Event) -> None:
    client = Client(base)
    paths = ("/", "/wbs/?lang=en", "/?lang=id", "/verifikasi")
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        _timed(rec, "visitor", f"GET {path}", lambda: client.get(path))
        i += 1


def _health(base: str) -> int:
    status, _ = Client(base, timeout=5).get("/healthz")
    return status


EVERY_KIND = {"GET /wbs/lapor", "POST /wbs/lapor", "GET /login", "POST /login", "GET /", "POST /logout",
              "GET /wbs/?lang=en", "GET /verifikasi"}


def _succeeded_since(rec: Recorder, since: float) -> set[str]:
    with rec.lock:
        return {a["what"] for a in rec.answers if a["start"] > since and a["status"] in (200, 302)}


def _wait_for(predicate, bound: float) -> float | None:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(0.1)
    return None


def test_database_stopped_mid_run_gives_503_and_recovers_without_half_writes(stack):
    cluster, web = stack["cluster"], stack["web"]
    rec, stop = Recorder(), threading.Event()
    threads = [threading.Thread(target=reporter, args=(web.base, rec, stop, n)) for n in (1, 2)]
    threads += [threading.Thread(target=staff, args=(web.base, rec, stop, login)) for login in STAFF]
    threads += [threading.Thread(target=visitor, args=(web.base, rec, stop))]
    for t in threads:
        t.start()
    try:
        time.sleep(3)
        cluster.stop("immediate")
        down_at = time.monotonic()
        # What the load balancer sees while the database is away.
        health_during = [_health(web.base) for _ in range(3)]
        time.sleep(OUTAGE_SECONDS)
        up_started = time.monotonic()
        cluster.start()
        recovered = _wait_for(lambda: _health(web.base) == 200, RECOVERY_BOUND)
        assert recovered is not None, f"/healthz still failing {RECOVERY_BOUND} s after the restart:\n{web.tail()}"
        # The load keeps running on the recovered database until every kind of request has
        # succeeded again (bounded).
        assert _wait_for(lambda: _succeeded_since(rec, recovered) >= EVERY_KIND, RECOVERY_BOUND), \
            f"not every request succeeded after the restart: {_succeeded_since(rec, recovered)}"
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert web.proc.poll() is None, "gunicorn died"
    assert health_during == [503, 503, 503]

    answers = rec.answers
    print(f"{len(answers)} answers, {sum(a['status'] == 503 for a in answers)} of them 503; "
          f"{len(rec.receipts)} receipts; /healthz back {recovered - up_started:.1f} s after `pg_ctl start` was called "
          f"(outage {up_started - down_at:.1f} s)")
    assert all(a["status"] != 0 for a in answers), [a for a in answers if a["status"] == 0][:3]
    server_errors = [(a["what"], a["status"]) for a in answers if a["status"] >= 500 and a["status"] != 503]
    if server_errors:  # pytest.fail: the whole log excerpt, not a truncated repr
        pytest.fail(f"{server_errors}\n{web.tracebacks()}", pytrace=False)
    # Requests wholly inside the outage: pages needing the database are 503 (a form page such
    # as /login needs none), and nothing else went wrong.
    inside = [a for a in answers if a["start"] > down_at and a["end"] < up_started]
    assert len([a for a in inside if a["status"] == 503]) >= 5, inside[:5]
    assert not [a for a in inside if a["status"] not in (200, 503)], \
        sorted({(a["what"], a["status"], a["body"][:300]) for a in inside if a["status"] not in (200, 503)})
    assert {a["what"] for a in inside if a["status"] == 503} >= {"GET /wbs/lapor", "POST /login", "GET /"}
    for a in (a for a in answers if a["status"] == 503):
        body = a["body"]
        assert not [leak for leak in LEAKS if leak in body], (a["what"], body)
        if "lang=en" in a["what"]:
            assert "Service temporarily unavailable" in body and "cannot reach its database" in body
        else:  # Indonesian, the default, also for a logged-in user whose account cannot be read
            assert "Layanan untuk sementara tidak tersedia" in body and "tidak dapat terhubung" in body
    # After the restart every page answers again, with no restart of gunicorn: nothing that
    # started once /healthz was back failed, and every kind of request succeeded again.
    after = [a for a in answers if a["start"] > recovered]
    assert after and not [a for a in after if a["status"] >= 500], [(a["what"], a["status"]) for a in after][:5]
    # Failed logins during the outage were the server's, not the user's: no account is locked.
    assert not [a for a in answers if a["status"] == 429]

    _assert_nothing_half_written(stack, rec)
    _assert_worker_recovered(stack)


def _assert_nothing_half_written(stack, rec: Recorder) -> None:
    from portal.core import audit, storage
    from portal.wbs import services
    from portal.wbs.models import Evidence, Report

    app, root = stack["app"], stack["storage"]
    assert len(rec.receipts) >= 4, "too few reports went through to prove anything"
    with app.app_context():
        for receipt, marker, evidence in rec.receipts:
            report = services.find_by_receipt(receipt)
            assert report is not None, f"receipt {receipt} was given but its report is not there"
            view = services.reporter_view(report)
            assert marker in view.content["what"]
            assert [services.open_evidence(report, e)[1] for e in report.evidence] == [evidence]
        reports = db.session.scalars(sa.select(Report)).all()
        for report in reports:  # including any committed whose answer never reached the client
            view = services.reporter_view(report)
            marker = re.search(r"Penanda ([0-9a-f]{32})\.", view.content["what"]).group(1)
            assert marker in rec.attempted_markers
            assert [e.kind for e in report.events] == ["filed"] and len(report.evidence) == 1
            assert services.open_evidence(report, report.evidence[0])[1] == f"bukti {marker}\n".encode()
        assert len(reports) >= len(rec.receipts)
        assert audit.verify_chain() == (True, None)
        referenced = set(db.session.scalars(sa.select(Evidence.storage_key)))
        on_disk = {p.name for p in (root / services.STORAGE_AREA).iterdir()}
        assert not [n for n in on_disk if n.startswith(storage.TEMP_PREFIX)]  # no partial file
        # A file without a row exists only when a COMMIT's answer was lost (the database died
        # during it); storage-sweep removes those. It can only be a report the client saw fail.
        failed_posts = len([a for a in rec.answers if a["what"] == "POST /wbs/lapor" and a["status"] != 200])
        assert len(on_disk - referenced) <= failed_posts
        assert referenced <= on_disk
        db.session.remove()
        db.engine.dispose()


def _assert_worker_recovered(stack) -> None:
    """The job worker lived through the outage and runs a job afterwards."""
    from portal.core import jobs
    from portal.auth.models import User
    from portal.certificates import bulk

    app, worker = stack["app"], stack["worker"]
    assert worker.poll() is None, "the job worker died during the outage"
    with app.app_context():
        owner = db.session.scalars(sa.select(User)).first()
        job_id = jobs.enqueue(bulk.ZIPPED, {"session_id": 2**30, "base": "http://127.0.0.1"}, owner=owner,
                              title="fault test").id
        db.session.commit()

        def done():
            db.session.rollback()
            return db.session.get(jobs.Job, job_id).status == jobs.JobStatus.DONE

        assert _wait_for(done, 20) is not None, "the worker did not run a job after the outage"
        db.session.remove()
        db.engine.dispose()


# --- the same faults in this process, on SQLite and PostgreSQL: quick, and exact about timing ---

def _lost(statement: str) -> sa.exc.OperationalError:
    return sa.exc.OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))


def test_a_logged_in_user_gets_the_translated_503_when_the_database_is_away(app, world, login_as):
    """Loading the account needs the database too: the page is drawn as for a visitor."""
    client = login_as(world.asn)

    def away(conn, cursor, statement, parameters, context, executemany):
        raise _lost(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", away)
    try:
        responses = {path: client.get(path) for path in ("/", "/belajar/", "/healthz")}
        english = client.get("/benturan-kepentingan/?lang=en")
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", away)
    assert {path: r.status_code for path, r in responses.items()} == {"/": 503, "/belajar/": 503, "/healthz": 503}
    for response in (responses["/"], responses["/belajar/"]):
        body = response.get_data(as_text=True)
        assert "Layanan untuk sementara tidak tersedia" in body and "tidak dapat terhubung" in body
        assert not [leak for leak in LEAKS if leak in body], body
        assert response.headers["Retry-After"] == "30"
    assert responses["/healthz"].get_json() == {"status": "unavailable", "database": False}
    assert english.status_code == 503 and "cannot reach its database" in english.get_data(as_text=True)
    assert client.get("/").status_code == 200  # back, with the same session


def test_a_connection_lost_after_the_page_was_made_keeps_the_page(app):
    """The database dies between the view's last query and the end of the request: the page the
    view made is still sent; the dead connection is dropped."""
    armed = {"on": False}

    def dies_at_rollback(conn):
        if armed["on"]:
            armed["on"] = False
            conn.invalidate()
            raise _lost("ROLLBACK")

    with app.app_context():
        sa.event.listen(db.engine, "rollback", dies_at_rollback)
    try:
        client = app.test_client()
        armed["on"] = True
        response = client.get("/")
        assert not armed["on"]  # the ROLLBACK at the end of the request did fail
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "rollback", dies_at_rollback)
    assert response.status_code == 200 and "<h1" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_logins_refused_by_an_outage_do_not_lock_the_account(app, world):
    """The login limit counts wrong passwords, not the server's failures (8 per account)."""
    from tests.helpers.accounts import PASSWORD

    client = app.test_client()

    def away(conn, cursor, statement, parameters, context, executemany):
        raise _lost(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", away)
    try:
        statuses = {client.post("/login", data={"login": "asn.dinkes", "password": PASSWORD}).status_code
                    for _ in range(12)}
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", away)
    assert statuses == {503}
    assert client.post("/login", data={"login": "asn.dinkes", "password": PASSWORD}).status_code == 302
