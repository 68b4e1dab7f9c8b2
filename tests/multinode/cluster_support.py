"""Two web nodes, one worker, one PostgreSQL, one Redis, one object store (issue 22).

Each node is a real gunicorn (gunicorn.conf.py, WEB_CONCURRENCY=2) with its own instance folder
(PORTAL_INSTANCE_PATH): nothing on disk is shared. They share only what a deployment shares: the
database, Redis, the bucket and the keys, which come from the environment as they would from a
secret store. The worker (`flask --app portal worker`) runs beside node B only.
"""
from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from lxml import html as lxml_html

from portal.config import PROJECT_ROOT

DEMO_PASSWORD = "integritas-2019"
START_TIMEOUT = 180  # gunicorn's workers each load the app; on a busy 2-core machine that takes a while
REQUEST_TIMEOUT = 120  # a certificate PDF is rendered on demand

# What the scenarios need of the demo, without its learning records and other areas: the seeded
# defaults (WBS categories, learning modules), the organisation and its logins, the WBS cases and
# the socialisation sessions with their attendance certificates. The full `flask demo` takes well
# over a minute here; this takes about half of that.
SEED = """
import random
from portal import create_app
from portal.extensions import db
from portal.ops.cli import seed_defaults
from portal.demo import org, wbs, sessions
app = create_app()
with app.app_context():
    rng = random.Random(2019)
    seed_defaults()
    for part in (org, wbs, sessions):
        part.load(rng, lambda *a: None)
    db.session.commit()
print("seeded")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shared_keys() -> dict:
    """The keys every node gets, as a secret store would hand them out (never in the DB or bucket)."""
    return {
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_WBS_RECEIPT_PEPPER": secrets.token_urlsafe(32),
        "PORTAL_DATA_KEYS": json.dumps([base64.urlsafe_b64encode(os.urandom(32)).decode()]),
    }


def base_environment() -> dict:
    """The caller's environment without anything that would configure the portal behind our back."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PORTAL_", "GUNICORN_", "TEST_S3_"))
            and k not in ("DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "PORT", "TEST_DATABASE_URL")}


def run(args: list[str], env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def flask(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "flask", "--app", "portal", *args], env, timeout)


@dataclass
class Process:
    name: str
    proc: subprocess.Popen
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            # Its own process group: the gunicorn master and its workers, or the worker, all go.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)


def spawn(name: str, args: list[str], env: dict, log: Path) -> Process:
    with open(log, "w") as out:
        proc = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    return Process(name, proc, log)


@dataclass
class Node:
    name: str
    env: dict
    instance: Path
    url: str = ""
    process: Process | None = None

    def __call__(self, path: str) -> str:
        return self.url + path

    def start(self, log_dir: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = dict(self.env, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
        self.process = spawn(self.name, [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                         "portal:create_app()"], env, log_dir / f"{self.name}.log")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self.process is not None and self.process.proc.poll() is None, \
                f"{self.name} stopped:\n{self.process.text() if self.process else ''}"
            try:
                if requests.get(self("/healthz"), timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"{self.name} did not answer /healthz:\n{self.process.text()}"
            time.sleep(0.5)


@dataclass
class Cluster:
    a: Node
    b: Node
    worker: Process
    database_url: str
    redis_url: str
    storage: dict
    keys: dict
    tmp: Path
    extra: dict = field(default_factory=dict)

    def processes(self) -> list[Process]:
        return [p for p in (self.a.process, self.b.process, self.worker) if p is not None]

    def logs(self) -> str:
        return "\n".join(f"----- {p.name} ({p.log}) -----\n{p.text()[-20000:]}" for p in self.processes())


# --- driving the pages ---------------------------------------------------------------------------


def form_fields(page: str, action_contains: str | None = None) -> dict:
    """The hidden inputs (CSRF token, nonce) of the first form whose action contains the text, or
    (None) of the first POST form that posts back to its own page."""
    tree = lxml_html.fromstring(page)
    for form in tree.forms:
        action = form.get("action")
        if (action_contains is None and not action and (form.method or "").lower() == "post") \
                or (action_contains is not None and action_contains in (action or "")):
            return {i.name: i.value or "" for i in form.inputs
                    if i.name and getattr(i, "type", "") == "hidden"}
    raise AssertionError(f"no form with action containing {action_contains!r}:\n{page[:3000]}")


def login(session: requests.Session, node: Node, username: str, password: str = DEMO_PASSWORD) -> None:
    page = session.get(node("/login"), timeout=REQUEST_TIMEOUT)
    data = form_fields(page.text)
    data.update(login=username, password=password)
    response = session.post(node("/login"), data=data, timeout=REQUEST_TIMEOUT, allow_redirects=False)
    assert response.status_code == 302, response.text[:3000]
    assert "/login" not in response.headers["Location"], response.headers["Location"]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", lxml_html.fromstring(page).text_content())


def new_run_id() -> str:
    return uuid.uuid4().hex[:10]
