"""Plumbing for the fault tests (no tests here): a PostgreSQL cluster of the test's own, the
portal served by gunicorn with the project's gunicorn.conf.py, and a small HTTP client.

Everything listens on 127.0.0.1 on free ports, and every process is started in its own
process group so that a finalizer can end it whatever happened in the test.
"""
from __future__ import annotations

import html.parser
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
KEYS_ENV = {
    "PORTAL_SECRET_KEY": "fault-test-secret-key-not-for-production-000000",
    "PORTAL_WBS_RECEIPT_PEPPER": "fault-test-pepper",
    "PORTAL_DATA_KEYS": "q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A=",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_available() -> str | None:
    """Why the cluster tests cannot run here, or None."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return f"no PostgreSQL binaries in {PG_BIN}"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser (initdb refuses root)"
    return None


def _as_cluster_owner(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: as root, run them as the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def terminate_group(proc: subprocess.Popen, grace: float = 10) -> None:
    """End a process started with start_new_session=True, and everything it started."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers of the group (a worker stuck in a call)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


class PgCluster:
    """A throwaway PostgreSQL 15 cluster in a temporary folder, on a free loopback port."""

    def __init__(self):
        # Not under pytest's tmp_path: that folder is private to root, and the server runs as
        # postgres. mkdtemp makes a 0700 folder, which is then given to postgres.
        self.dir = Path(tempfile.mkdtemp(prefix="portal-pgfault-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/portal"

    @staticmethod
    def _run(args: list[str], timeout: float = 60) -> None:
        done = subprocess.run(_as_cluster_owner(args), timeout=timeout, capture_output=True)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stdout.decode()[-800:]}{done.stderr.decode()[-800:]}")

    def _ctl(self, *args: str) -> None:
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args])

    def init(self) -> None:
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "-N"])

    def start(self) -> None:
        # Only the loopback address, and its own socket folder: nothing shared with the
        # machine's main cluster. Durability settings stay the defaults (fsync on).
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c shared_buffers=32MB "
                   "-c max_connections=40")
        self._ctl("-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "-t", "60", "stop")

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except Exception:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def portal_env(database_url: str, storage_dir: Path, **extra: str) -> dict:
    """The environment of a portal process (web or worker) in a fault test: its own database,
    storage and keys, nothing inherited that could point it elsewhere."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PORTAL_") and k not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL")}
    env.update(KEYS_ENV, DATABASE_URL=database_url, PORTAL_STORAGE_DIR=str(storage_dir),
               PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py on a free loopback port."""

    def __init__(self, env: dict, log_path: Path, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(workers))
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "portal:create_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready in {timeout} s:\n{self.tail()}")

    def tail(self, n: int = 4000) -> str:
        self.log.flush()
        return self.log_path.read_bytes()[-n:].decode(errors="replace")

    def tracebacks(self) -> str:
        """The log's tracebacks (a request the app did not turn into a page), for a failure message."""
        self.log.flush()
        lines = self.log_path.read_text(errors="replace").splitlines()
        keep = [i for i, line in enumerate(lines) if "Traceback" in line or "Error handling request" in line]
        return "\n".join("\n".join(lines[i:i + 60]) for i in keep[:3])

    def close(self) -> None:
        terminate_group(self.proc)
        self.log.close()


class _Hidden(html.parser.HTMLParser):
    """Hidden inputs and select options of a page, which a form post must send back."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self.options.setdefault(self._select, []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parse_form(page: str) -> _Hidden:
    parser = _Hidden()
    parser.feed(page)
    return parser


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies, no automatic redirects, a bounded time per request."""

    def __init__(self, base: str, timeout: float = 15):
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)

    def request(self, method: str, path: str, data: bytes | None = None,
                content_type: str | None = None) -> tuple[int, str]:
        headers = {"Referer": self.base + path}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return resp.status, resp.read().decode(errors="replace")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, fields: dict, files: list[tuple[str, str, bytes]] = ()) -> tuple[int, str]:
        boundary = "----fault" + uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")
