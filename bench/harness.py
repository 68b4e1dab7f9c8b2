"""Benchmark plumbing shared by the scripts in bench/: a fresh PostgreSQL database, the app
served by gunicorn with several workers, and concurrent HTTP clients with latency summaries.

Everything runs on loopback; request loops are bounded in count and time.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_KEYS = {
    "PORTAL_SECRET_KEY": "bench-secret-key-not-for-production-0000000000",
    "PORTAL_WBS_RECEIPT_PEPPER": "bench-pepper",
    "PORTAL_DATA_KEYS": "q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A=",
}


def fresh_database(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def bench_app(database_url: str, **config):
    """An app object on the benchmark database, for preparing data through the services."""
    sys.path.insert(0, str(ROOT))
    from portal import create_app

    cfg = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": BENCH_KEYS["PORTAL_SECRET_KEY"],
           "WBS_RECEIPT_PEPPER": BENCH_KEYS["PORTAL_WBS_RECEIPT_PEPPER"],
           "DATA_KEYS": [BENCH_KEYS["PORTAL_DATA_KEYS"]], "TESTING": False}
    cfg.update(config)
    return create_app(cfg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int = 4, threads: int = 1, env: dict | None = None):
    port = free_port()
    environment = dict(os.environ, DATABASE_URL=database_url, PORT=str(port), WEB_CONCURRENCY=str(workers),
                       GUNICORN_THREADS=str(threads), **BENCH_KEYS, **(env or {}))
    log = open(ROOT / "bench" / "results" / f"gunicorn-{port}.log", "w") if (ROOT / "bench" / "results").is_dir() \
        else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                             "--access-logfile", "/dev/null", "portal:create_app()"],
                            cwd=ROOT, env=environment, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200:
                    break
            except OSError:  # refused, reset or timed out while the workers boot
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One user: a cookie jar, no automatic redirects, CSRF tokens read from forms."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.last_location: str | None = None  # the last answer's Location header (redirects are not followed)

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as resp:
                self.last_location = resp.headers.get("Location")
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:  # a redirect too: it is not followed
            self.last_location = err.headers.get("Location")
            return err.code, err.read()

    def token(self, path: str) -> str:
        status, body = self.request("GET", path)
        match = self.TOKEN.search(body.decode())
        if not match:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return match.group(1) or match.group(2)

    def post_form(self, path: str, fields: dict, token_from: str | None = None):
        from urllib.parse import urlencode

        fields = dict(fields, csrf_token=self.token(token_from or path))
        return self.request("POST", path, urlencode(fields, doseq=True).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path})

    def login(self, login: str, password: str) -> None:
        status, _ = self.post_form("/login", {"login": login, "password": password})
        if status != 302:
            raise RuntimeError(f"login failed for {login}: {status}")


def multipart(fields: dict, files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "----bench" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data, ctype in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def run_concurrently(task, items, concurrency: int, barrier: bool = True) -> tuple[list[float], list, float]:
    """Run task(item) for every item with `concurrency` threads; returns latencies, results, wall time."""
    start_gate = threading.Barrier(min(concurrency, len(items))) if barrier else None

    def one(item):
        if start_gate is not None:
            try:
                start_gate.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
        return timed(task, item)

    wall = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(one, items))
    wall = time.perf_counter() - wall
    return [o[0] for o in outcomes], [o[1] for o in outcomes], wall


def summary(latencies: list[float], wall: float | None = None) -> dict:
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    out = {"n": len(ordered), "p50_ms": round(pct(50), 1), "p95_ms": round(pct(95), 1),
           "p99_ms": round(pct(99), 1), "mean_ms": round(statistics.mean(ordered) * 1000, 1)}
    if wall:
        out["throughput_rps"] = round(len(ordered) / wall, 1)
    return out


def write_result(name: str, data: dict) -> Path:
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path
