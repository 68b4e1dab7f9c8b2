"""Rate limits hold across gunicorn workers (issue 9): with Redis, a limit of 5 per minute is 5 for
the whole server, not 5 per worker; production refuses to start without Redis.

gunicorn runs as in production (gunicorn.conf.py, several sync workers, a subprocess on a free
loopback port) on a SQLite database prepared with `flask db upgrade`. The limit under test is
certificate verification's (`VERIFY_LIMIT`, set through PORTAL_VERIFY_LIMIT). Which worker
answered each request is read from gunicorn's own log: its access lines carry the worker's pid
(gunicorn.conf.py's formatter), so nothing is added to the responses. These tests start real
servers, so they take seconds each; the rest of the suite does not depend on them.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from portal import create_app
from portal.config import PROJECT_ROOT

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database number no other test uses
WORKERS = 3
REQUESTS = 36
KEYS = {
    "PORTAL_SECRET_KEY": "ratelimit-test-secret-key-000000000000000000",
    "PORTAL_WBS_RECEIPT_PEPPER": "ratelimit-test-pepper",
    "PORTAL_DATA_KEYS": "q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A=",
}
# Log lines of gunicorn.conf.py: "<time> [<pid>] [INFO] [<time>] "GET /verifikasi" 429 <bytes> <ms>ms".
ACCESS = re.compile(r'\[(\d+)\] \[INFO\] .*"GET /verifikasi" (\d{3}) ')
HEALTH = re.compile(r'\[(\d+)\] \[INFO\] .*"GET /healthz" 200 ')
BOOTED = re.compile(r"Booting worker with pid: (\d+)")


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI and the deployment have one)")
    return client


def _environment(tmp_path, **extra) -> dict:
    """Only what a deployment would set: none of the caller's PORTAL_*, DATABASE_URL or REDIS_URL."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "GUNICORN_")) and k not in ("DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY")}
    env.update(KEYS, PORTAL_STORAGE_DIR=str(tmp_path / "files"), WEB_CONCURRENCY=str(WORKERS))
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("ratelimit") / "portal.db"
    url = f"sqlite:///{path}"
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"], cwd=PROJECT_ROOT,
                          env=_environment(path.parent, DATABASE_URL=url), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _gunicorn(env: dict, log_path):
    port = _free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal:create_app()"],
                                cwd=PROJECT_ROOT, env=dict(env, PORT=str(port)), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        # Every worker has loaded the app and answered /healthz (its pid in the log): requests
        # can then reach any of them. Workers load the app one after another, at their pace.
        while len(set(HEALTH.findall(log_path.read_text()))) < WORKERS:
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + log_path.read_text()
            with ThreadPoolExecutor(WORKERS * 2) as pool:
                list(pool.map(lambda _: _status(base + "/healthz"), range(WORKERS * 4)))
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()  # the master stops its workers
        proc.wait(timeout=30)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return 0


def _burst(base: str, log_path) -> tuple[Counter, Counter]:
    """REQUESTS verification pages, 6 at a time so idle workers take them; (statuses, answers per worker pid)."""
    with ThreadPoolExecutor(6) as pool:
        statuses = Counter(pool.map(lambda _: _status(base + "/verifikasi"), range(REQUESTS)))
    deadline = time.monotonic() + 20
    while len(lines := ACCESS.findall(log_path.read_text())) < REQUESTS and time.monotonic() < deadline:
        time.sleep(0.1)  # the workers' access lines reach the log
    assert Counter(int(status) for _, status in lines) == statuses
    booted = set(BOOTED.findall(log_path.read_text()))
    per_worker = Counter(pid for pid, _ in lines)
    assert set(per_worker) <= booted
    return statuses, per_worker


def test_five_per_minute_is_five_for_all_workers_together(database_url, tmp_path):
    redis = _redis()
    prefix = f"ratelimit-test-{uuid.uuid4().hex}"
    env = _environment(tmp_path, DATABASE_URL=database_url, REDIS_URL=REDIS_URL, PORTAL_VERIFY_LIMIT="5 per minute",
                       PORTAL_RATELIMIT_KEY_PREFIX=prefix)
    log_path = tmp_path / "gunicorn.log"
    try:
        with _gunicorn(env, log_path) as base:
            statuses, per_worker = _burst(base, log_path)
        # Answered by several workers: counted per worker, the first request of each would pass.
        assert len(per_worker) >= 2, per_worker
        assert statuses == Counter({200: 5, 429: REQUESTS - 5}), (statuses, per_worker)
        assert redis.keys(f"*{prefix}*"), "the counts were not kept in Redis"
    finally:
        for key in redis.scan_iter(f"*{prefix}*"):
            redis.delete(key)


def test_without_redis_each_worker_counts_alone(database_url, tmp_path):
    """The reason for the test above and for the production guard: in process memory (the
    development default), every worker allows its own 5."""
    env = _environment(tmp_path, DATABASE_URL=database_url, PORTAL_VERIFY_LIMIT="5 per minute")
    log_path = tmp_path / "gunicorn.log"
    with _gunicorn(env, log_path) as base:
        statuses, per_worker = _burst(base, log_path)
    assert len(per_worker) >= 2, per_worker
    assert statuses[200] > 5 and statuses[200] == sum(min(5, n) for n in per_worker.values()), (statuses, per_worker)


PRODUCTION = {"PORTAL_ENV": "production", "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/portal_never_opened",
              "PORTAL_PUBLIC_BASE_URL": "https://integritas.example.go.id"}


def test_production_with_several_workers_and_no_redis_refuses_to_start(tmp_path):
    env = _environment(tmp_path, **PRODUCTION)
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal:create_app()"],
                                cwd=PROJECT_ROOT, env=dict(env, PORT=str(_free_port())), stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = log_path.read_text()
    assert code != 0
    assert "Refusing to start in production" in output and "REDIS_URL is missing" in output
    assert "Worker failed to boot" in output or "App failed to load" in output

    done = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "db", "current"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "REDIS_URL is missing" in done.stdout + done.stderr


def test_production_counts_in_redis_when_it_is_named_with_the_portal_prefix(monkeypatch, tmp_path):
    """PORTAL_REDIS_URL (or REDIS_URL in instance/config.py) passes the guard, so the limits use it too."""
    for key, value in _environment(tmp_path, **PRODUCTION, PORTAL_REDIS_URL=REDIS_URL).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    monkeypatch.delenv("PORTAL_REDIS_URL")
    with pytest.raises(Exception, match="REDIS_URL is missing"):
        create_app()
