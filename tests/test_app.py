"""The factory, configuration guard, error pages, headers, CSRF and health check."""
from __future__ import annotations

import pytest
from flask import abort

from portal import create_app
from portal.config import PROJECT_ROOT, ConfigError
from tests.helpers.config import BASE_CONFIG


def test_paths_are_top_level(app):
    assert app.template_folder == str(PROJECT_ROOT / "templates")
    assert app.static_folder == str(PROJECT_ROOT / "static")
    assert app.instance_path == str(PROJECT_ROOT / "instance")
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(PROJECT_ROOT / "translations")


def test_a_node_can_have_its_own_instance_folder(monkeypatch, tmp_path):
    """PORTAL_INSTANCE_PATH: several nodes run from one checkout, each with its own keys, SQLite
    file and stored files unless the environment names shared ones (docs/deployment.md, section 15)."""
    import os

    for name in list(os.environ):
        if name.startswith("PORTAL_") or name in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "node-a"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "node-a")
    assert (tmp_path / "node-a" / "keys.json").is_file()  # development: generated on first run, there
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'node-a' / 'portal.db'}"
    assert app.config["STORAGE_DIR"] == str(tmp_path / "node-a" / "files")
    monkeypatch.delenv("PORTAL_INSTANCE_PATH")
    assert create_app(dict(BASE_CONFIG)).instance_path == str(PROJECT_ROOT / "instance")


@pytest.mark.parametrize("override, problem", [
    ({"SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"WBS_RECEIPT_PEPPER": None}, "WBS_RECEIPT_PEPPER"),
    ({"DATA_KEYS": []}, "DATA_KEYS"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "PostgreSQL"),
    ({"REDIS_URL": None}, "REDIS_URL"),
    ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "http://integritas.example.go.id"}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "https://integritas.example.go.id/path?x=1"}, "PUBLIC_BASE_URL"),
])
def test_production_refuses_default_or_missing_settings(override, problem):
    config = dict(BASE_CONFIG, TESTING=False, PORTAL_ENV="production", PUBLIC_BASE_URL="https://integritas.example.go.id",
                  SQLALCHEMY_DATABASE_URI="postgresql://u@localhost/p", REDIS_URL="redis://localhost:6379/0")
    config.update(override)
    with pytest.raises(ConfigError, match=problem):
        create_app(config)


def test_production_config_starts_with_everything_set():
    app = create_app(dict(BASE_CONFIG, TESTING=False, PORTAL_ENV="production",
                          PUBLIC_BASE_URL="https://integritas.example.go.id/",
                          SQLALCHEMY_DATABASE_URI="postgresql://u@localhost/p", REDIS_URL="redis://localhost:6379/0"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PUBLIC_BASE_URL"] == "https://integritas.example.go.id"
    assert app.config["TRUSTED_HOSTS"] == ["integritas.example.go.id"]
    assert app.debug is False


def test_home_is_indonesian_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Laporkan dugaan korupsi" in page
    assert 'href="/wbs/"' in page


def test_language_switch_is_remembered_in_a_cookie(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Report suspected corruption" in page
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in client.get("/login?lang=id").get_data(as_text=True)
    assert '<html lang="id">' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("code", ["fr", "xx", "", "en-US", "' onload=alert(1)", "e" * 5000])
def test_unknown_language_code_is_ignored(client, code):
    response = client.get("/", query_string={"lang": code})
    assert response.status_code == 200
    assert '<html lang="id">' in response.get_data(as_text=True)


def test_not_found_page_in_both_languages(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    response = client.get("/tidak-ada?lang=en")
    assert "Page not found" in response.get_data(as_text=True)


def test_unexpected_error_is_a_friendly_500(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail /etc/passwd")

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body
    assert "Terjadi kesalahan" in body or "Ada yang salah" in body or "kesalahan" in body.lower()
    assert client.get("/forbidden").status_code == 403


def test_security_headers(client):
    response = client.get("/")
    h = response.headers
    assert "default-src 'self'" in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert "base-uri 'none'" in h["Content-Security-Policy"]
    assert "http" not in h["Content-Security-Policy"]
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Cache-Control"] == "no-store"


def test_session_cookie_flags(app, world):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600
    client = app.test_client()
    response = client.post("/login", data={"login": "asn.dinkes", "password": "kata-sandi-uji-123"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_enforced_when_enabled(app_factory, world):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"login": "admin", "password": "kata-sandi-uji-123"})
    assert response.status_code == 400
    assert "token" in response.get_data(as_text=True).lower()
    # With the token from the form, the same post succeeds.
    page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"login": "admin", "password": "kata-sandi-uji-123", "csrf_token": token})
    assert response.status_code == 302


def test_huge_integer_in_url_is_404_not_500(login_as, world):
    client = login_as(world.admin)
    assert client.get("/org/pegawai/9223372036854775808").status_code == 404
    assert client.get("/org/pegawai/2147483647").status_code == 404


def test_nul_character_in_any_input_is_a_clear_400(login_as, world, client):
    """PostgreSQL text cannot hold NUL; searches and forms refuse it before it reaches a query."""
    admin = login_as(world.admin)
    for url in ("/org/pegawai?q=%00", "/sertifikat/daftar?q=a%00b", "/belajar/hasil/?q=%00"):
        response = admin.get(url + "&lang=en")
        assert response.status_code == 400, url
        assert "Bad request" in response.get_data(as_text=True)
    response = client.post("/login", data={"login": "admin\x00", "password": "x"})
    assert response.status_code == 400
    assert admin.get("/org/pegawai?q=ab").status_code == 200


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}


def test_healthz_reports_503_when_database_is_unreachable(tmp_path):
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:1/none"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] is False


def test_page_needing_database_is_a_503_when_it_is_down(tmp_path):
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:1/none"))
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "Traceback" not in response.get_data(as_text=True)
