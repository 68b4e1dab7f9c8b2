"""No log line of the servers we ship can hold a client address."""
from __future__ import annotations

import logging
import subprocess
import sys
import time
import socket
from pathlib import Path

from portal.web.logfilters import RedactAddresses, redact

ROOT = Path(__file__).resolve().parent.parent


def test_redact_removes_ipv4_and_ipv6():
    line = "Invalid request from ip=203.0.113.7: bad; peer 2001:db8::1 and ::1"
    cleaned = redact(line)
    assert "203.0.113.7" not in cleaned and "2001:db8::1" not in cleaned and "::1" not in cleaned


def test_filter_rewrites_the_record():
    record = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1, "Invalid request from ip=%s",
                               ("198.51.100.4",), None)
    assert RedactAddresses().filter(record)
    assert "198.51.100.4" not in record.getMessage()


def test_gunicorn_logs_of_a_wbs_request_hold_no_address_or_agent(tmp_path):
    """Start the shipped gunicorn configuration and look at everything it prints."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "PORT": str(port), "WEB_CONCURRENCY": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}", "PORTAL_SECRET_KEY": "x" * 40,
           "PORTAL_WBS_RECEIPT_PEPPER": "p", "PORTAL_DATA_KEYS": "q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A="}
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                 "portal:create_app()"], cwd=ROOT, env=env, stdout=out, stderr=out)
        try:
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                        conn.sendall(b"GET /wbs/ HTTP/1.1\r\nHost: x\r\nUser-Agent: AgenUnikXYZ\r\n"
                                     b"X-Forwarded-For: 203.0.113.99\r\nReferer: http://203.0.113.99/r\r\n"
                                     b"Connection: close\r\n\r\n")
                        conn.recv(65536)
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        conn.recv(65536)
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                        conn.sendall(b"BROKEN REQUEST LINE\r\n\r\n")
                        conn.recv(65536)
                    break
                except OSError:
                    time.sleep(0.3)
            time.sleep(0.5)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    text = log.read_text()
    assert '"GET /healthz' in text  # the access log records requests...
    assert "/wbs" not in text  # ...but none to the WBS, not even its time
    for secret in ("127.0.0.1", "203.0.113.99", "AgenUnikXYZ", "Referer"):
        assert secret not in text, secret


def test_timestamps_are_not_taken_for_addresses():
    line = '[26/Nov/2026:14:29:27 +0000] "GET /healthz" 200 32 11ms'
    assert redact(line) == line
    assert redact("from 2001:db8::1 and fe80::a:b and 2001:0:0:0:0:0:0:1") == \
        "from [address] and [address] and [address]"
