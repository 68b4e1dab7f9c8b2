"""Login by username or NIP, one answer for every failure, throttling, the safe redirect."""
from __future__ import annotations

import time

import pytest

from portal.extensions import db
from tests.helpers.accounts import PASSWORD


def _post(client, login, password):
    return client.post("/login?lang=en", data={"login": login, "password": password})


def test_login_with_username(client, world):
    response = _post(client, "asn.dinkes", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome" in client.get("/?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("form", ["plain", "spaced", "dotted"])
def test_login_with_nip_as_written_on_paper(client, world, form):
    nip = world.asn_disdik["nip"]
    login = {"plain": nip, "spaced": f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}",
             "dotted": f"{nip[:8]}.{nip[8:14]}.{nip[14]}.{nip[15:]}"}[form]
    assert _post(client, login, PASSWORD).status_code == 302


def test_username_is_case_insensitive(client, world):
    assert _post(client, "ASN.Dinkes", PASSWORD).status_code == 302


def test_unknown_user_and_wrong_password_look_the_same(client, world):
    wrong = _post(client, "asn.dinkes", "not-the-password")
    unknown = _post(client, "nobody.here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    message = "The NIP/username or password is not correct."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    # The username typed is kept; the password is not echoed back.
    assert 'value="asn.dinkes"' in wrong.get_data(as_text=True)
    assert "not-the-password" not in wrong.get_data(as_text=True)


def test_inactive_account_cannot_log_in(app, client, world):
    from portal.auth.models import User

    with app.app_context():
        db.session.get(User, world.asn["user_id"]).active = False
        db.session.commit()
    assert _post(client, "asn.dinkes", PASSWORD).status_code == 200


def test_very_long_password_is_refused_fast(client, world):
    started = time.perf_counter()
    response = _post(client, "asn.dinkes", "x" * 1_000_000)
    assert response.status_code in (200, 413)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("data", [{}, {"login": "a" * 10_000, "password": "x"}, {"login": "", "password": ""},
                                  {"login": ["a", "b"], "password": "x"}])
def test_malformed_login_posts_are_form_errors(client, world, data):
    response = client.post("/login", data=data)
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)


def test_login_throttled_per_account(app_factory, world):
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT="3 per 10 minutes", LOGIN_LIMIT_PER_CLIENT="100 per 10 minutes")
    client = app.test_client()
    for _ in range(3):
        assert _post(client, "asn.dinkes", "wrong-password").status_code == 200
    assert _post(client, "asn.dinkes", "wrong-password").status_code == 429
    # Even the right password waits out the limit on that account...
    assert _post(client, "asn.dinkes", PASSWORD).status_code == 429
    # ...while another account is not affected.
    assert _post(client, "asn.disdik", PASSWORD).status_code == 302


def test_login_throttled_per_client(app_factory, world):
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT="100 per 10 minutes", LOGIN_LIMIT_PER_CLIENT="4 per 10 minutes")
    client = app.test_client()
    for name in ("a.one", "b.two", "c.three", "d.four"):
        assert _post(client, name, "wrong-password").status_code == 200
    response = _post(client, "e.five", "wrong-password")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_successful_logins_do_not_count_towards_the_limit(app_factory, world):
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT="2 per 10 minutes")
    for _ in range(4):
        client = app.test_client()
        assert _post(client, "asn.dinkes", PASSWORD).status_code == 302


def test_limiter_storage_holds_no_raw_address(app_factory, world):
    from portal.web.ratelimit import limiter

    app = app_factory()
    client = app.test_client()
    _post(client, "asn.dinkes", "wrong")
    storage = limiter.storage
    keys = " ".join(str(k) for k in getattr(storage, "storage", {}).keys()) + " ".join(
        str(k) for k in getattr(storage, "events", {}).keys())
    assert keys, "expected the limiter to hold a key"
    assert "127.0.0.1" not in keys and "asn.dinkes" not in keys


@pytest.mark.parametrize("target, expected", [
    ("/akun", "/akun"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_parameter_only_allows_local_paths(client, world, target, expected):
    response = client.post("/login", query_string={"next": target},
                           data={"login": "asn.dinkes", "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_login_page_redirects_when_already_logged_in(login_as, world):
    client = login_as(world.asn)
    assert client.get("/login").status_code == 302


def test_login_updates_last_login(app, client, world):
    from portal.auth.models import User

    _post(client, "asn.dinkes", PASSWORD)
    with app.app_context():
        assert db.session.get(User, world.asn["user_id"]).last_login_at is not None
