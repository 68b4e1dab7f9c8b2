"""The shipped deployment files (deploy/) agree with the app: the commands they start exist, the
example environment file configures a production app, nginx's limits and headers match the
config, and no access log records a client address, user agent or referrer."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from portal import create_app
from portal.config import PROJECT_ROOT, ConfigError, DefaultConfig, new_keys
from tests.helpers.config import BASE_CONFIG

DEPLOY = PROJECT_ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "portal-integritas.conf").read_text()
UNITS = {path.name: path.read_text() for path in (DEPLOY / "systemd").iterdir()}
ENV_EXAMPLE = DEPLOY / "portal.env.example"
# nginx variables that would place a visitor: address, forwarded chain, agent, referrer, and the
# query string ($request and $request_uri carry it).
PLACING = ("remote_addr", "binary_remote_addr", "realip_remote_addr", "http_x_forwarded_for",
           "proxy_add_x_forwarded_for", "http_user_agent", "http_referer", "request", "request_uri",
           "args", "query_string", "remote_port", "http_cookie")


def _cli_commands() -> set[str]:
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI="sqlite://"))
    return set(app.cli.commands)


def _env_example() -> dict[str, str]:
    """Every NAME=value line, commented-out ones included (they document optional settings)."""
    pairs = re.findall(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.M)
    return dict(pairs)


def test_access_logs_record_no_address_agent_referrer_or_query():
    formats = dict(re.findall(r"^\s*log_format\s+(\w+)\s+'([^']*)';", NGINX, re.M))
    assert formats, "the site file must define its own log format"
    for name, fmt in formats.items():
        used = set(re.findall(r"\$\{?([a-z_0-9]+)", fmt))
        assert not used & set(PLACING), (name, used & set(PLACING))
    # Every access log uses such a format (nginx's default "combined" holds the address).
    for directive in re.findall(r"^\s*access_log\s+([^;]+);", NGINX, re.M):
        words = directive.split()
        assert words == ["off"] or words[-1] in formats, directive


def test_nginx_keeps_no_line_about_the_wbs():
    wbs = re.search(r"location /wbs \{(.*?)\}", NGINX, re.S)
    assert wbs and "access_log off;" in wbs.group(1) and "error_log /dev/null crit;" in wbs.group(1)
    server_levels = re.findall(r"^\s{4}error_log\s+\S+\s+(\w+);", NGINX, re.M)
    assert server_levels == ["crit"]


def test_nginx_lets_the_app_answer_too_large_itself():
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", NGINX, re.M)
    assert len(sizes) == 1
    limit = int(sizes[0]) * 1024 * 1024
    # Above the app's own limit (its translated 413 page), but not by much.
    assert DefaultConfig.MAX_CONTENT_LENGTH < limit <= DefaultConfig.MAX_CONTENT_LENGTH + 2 * 1024 * 1024


def test_nginx_sends_the_headers_proxy_fix_trusts_and_overwrites_the_forwarded_chain():
    headers = dict(re.findall(r"^\s*proxy_set_header\s+(\S+)\s+(.+);", NGINX, re.M))
    # One proxy (PORTAL_PROXY_FIX_X_FOR=1) that replaces whatever the client sent.
    assert headers["X-Forwarded-For"] == "$remote_addr"
    assert headers["X-Forwarded-Proto"] == "$scheme" and headers["X-Forwarded-Host"] == "$host"
    assert _env_example()["PORTAL_PROXY_FIX_X_FOR"] == "1"


def test_units_and_timers_run_commands_that_exist():
    commands = _cli_commands()
    started = set()
    for text in UNITS.values():
        for line in re.findall(r"^ExecStart=(.+)$", text, re.M):
            argv = shlex.split(line)
            if argv[0].endswith("/flask"):
                assert argv[1:3] == ["--app", "portal"], line
                started.add(argv[3])
        started.update(re.findall(r"^Unit=portal-command@([\w-]+)\.service$", text, re.M))
    started.discard("%i")  # the template; its instances are the timers' commands
    assert {"worker", "send-reminders", "send-digests", "wbs-retention", "privacy-retention", "storage-sweep",
            "backup"} <= started
    assert started <= commands, started - commands


def test_the_deployment_guide_names_only_commands_that_exist():
    guide = (PROJECT_ROOT / "docs" / "deployment.md").read_text()
    named = set(re.findall(r"(?:flask --app portal|portal-flask) ([a-z][a-z-]+)", guide))
    assert {"db", "backup", "restore", "rotate-keys", "wbs-retention", "privacy-retention", "storage-sweep"} <= named
    assert named <= _cli_commands(), named - _cli_commands()


def test_the_web_unit_and_the_procfile_start_the_same_processes():
    procfile = dict(line.split(": ", 1) for line in (PROJECT_ROOT / "Procfile").read_text().splitlines()
                    if line and not line.startswith("#"))
    web = re.search(r"^ExecStart=\S+/(gunicorn .+)$", UNITS["portal-web.service"], re.M).group(1)
    worker = re.search(r"^ExecStart=\S+/(flask .+)$", UNITS["portal-worker@.service"], re.M).group(1)
    assert shlex.split(web) == shlex.split(procfile["web"])
    assert shlex.split(worker) == shlex.split(procfile["worker"])


def test_every_variable_of_the_example_exists():
    sources = "\n".join(p.read_text() for p in (PROJECT_ROOT / "portal").rglob("*.py"))
    gunicorn_conf = (PROJECT_ROOT / "gunicorn.conf.py").read_text()
    for name in _env_example():
        if name.startswith("PORTAL_"):
            key = name.removeprefix("PORTAL_")
            assert re.search(rf"\b{key}\b", sources), name
        elif name not in ("DATABASE_URL", "REDIS_URL"):
            assert f'"{name}"' in gunicorn_conf, name


def test_portal_env_from_the_environment_turns_the_guard_on(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ConfigError, match="PostgreSQL"):
        create_app()


def test_the_example_environment_configures_a_production_app(monkeypatch):
    first, second = new_keys(), new_keys()
    values = _env_example()
    values.update(PORTAL_SECRET_KEY=first["SECRET_KEY"], PORTAL_WBS_RECEIPT_PEPPER=first["WBS_RECEIPT_PEPPER"],
                  PORTAL_DATA_KEYS=f"{second['DATA_KEYS'][0]},{first['DATA_KEYS'][0]}")
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    c = app.config
    assert c["PORTAL_ENV"] == "production" and c["SESSION_COOKIE_SECURE"] is True
    assert c["SQLALCHEMY_DATABASE_URI"] == values["DATABASE_URL"]
    assert c["RATELIMIT_STORAGE_URI"] == values["REDIS_URL"]
    assert c["DATA_KEYS"] == [second["DATA_KEYS"][0], first["DATA_KEYS"][0]]
    assert c["PROXY_FIX_X_FOR"] == 1 and c["MAIL_PORT"] == 587 and c["MAIL_USE_TLS"] is True
    assert c["STORAGE_DIR"] == values["PORTAL_STORAGE_DIR"]
    # Browsers are told to come back over HTTPS only (a static file: no database needed).
    with app.test_client() as client:
        response = client.get("/static/css/portal.css")
        hsts = response.headers["Strict-Transport-Security"]
        response.close()
    assert hsts.startswith("max-age=31536000")


def test_the_readme_lists_every_demo_login():
    from portal.demo.org import LOGINS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    missing = [login for login, *_ in LOGINS if f"`{login}`" not in table]
    assert not missing, missing


def test_make_run_says_where_to_open_the_portal_and_the_demo_logins(monkeypatch, capsys):
    import runpy

    monkeypatch.setenv("PORT", "5123")
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    settings["when_ready"](None)
    said = capsys.readouterr().out
    assert "http://localhost:5123/" in said and "127.0.0.1" not in said and "integritas-2019" in said and "kadis.disdik" in said
    monkeypatch.setenv("PORTAL_ENV", "production")
    settings["when_ready"](None)
    assert "integritas-2019" not in capsys.readouterr().out  # production names no demo account
