"""Sessions really end: at logout, at a password change, when idle or too old."""
from __future__ import annotations

import time

from portal.extensions import db
from tests.helpers.accounts import PASSWORD, login


def _cookie(client, app):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def _client_with_cookie(app, value):
    c = app.test_client()
    c.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
    return c


def test_session_is_renewed_at_login(app, client, world):
    client.get("/login")
    client.get("/")  # a visitor session may exist before login
    before = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    login(client, "asn.dinkes")
    after = _cookie(client, app)
    assert before is None or before.value != after


def test_cookie_copied_before_logout_is_refused_after(app, world):
    client = app.test_client()
    login(client, "asn.dinkes")
    stolen = _cookie(client, app)
    assert _client_with_cookie(app, stolen).get("/akun").status_code == 200
    assert client.post("/logout").status_code == 302
    replay = _client_with_cookie(app, stolen).get("/akun")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_logout_sends_clear_site_data(login_as, world):
    client = login_as(world.asn)
    response = client.post("/logout")
    assert "Clear-Site-Data" in response.headers


def test_password_change_ends_other_sessions(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, "asn.dinkes")
    login(second, "asn.dinkes")
    response = first.post("/akun/kata-sandi", data={
        "current_password": PASSWORD, "new_password": "sebuah kalimat panjang", "confirm": "sebuah kalimat panjang"})
    assert response.status_code == 302
    assert first.get("/akun").status_code == 200  # the session that changed it continues
    assert second.get("/akun").status_code == 302  # every other one is gone
    fresh = app.test_client()
    assert fresh.post("/login", data={"login": "asn.dinkes", "password": PASSWORD}).status_code == 200
    login(fresh, "asn.dinkes", "sebuah kalimat panjang")


def test_password_change_rejects_wrong_current_and_weak_new(login_as, world):
    client = login_as(world.asn)
    page = client.post("/akun/kata-sandi?lang=en", data={
        "current_password": "wrong", "new_password": "sebuah kalimat panjang",
        "confirm": "sebuah kalimat panjang"}).get_data(as_text=True)
    assert "The current password is not correct." in page
    page = client.post("/akun/kata-sandi?lang=en", data={
        "current_password": PASSWORD, "new_password": "short", "confirm": "short"}).get_data(as_text=True)
    assert "Between 10 and 128 characters." in page
    page = client.post("/akun/kata-sandi?lang=en", data={
        "current_password": PASSWORD, "new_password": "password123", "confirm": "password123"}).get_data(as_text=True)
    assert "too common" in page
    page = client.post("/akun/kata-sandi?lang=en", data={
        "current_password": PASSWORD, "new_password": "sebuah kalimat panjang",
        "confirm": "kalimat lain sama sekali"}).get_data(as_text=True)
    assert "not the same" in page


def test_idle_session_ends(app, world, monkeypatch):
    client = app.test_client()
    login(client, "asn.dinkes")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + app.config["SESSION_IDLE_MINUTES"] * 60 + 5)
    response = client.get("/akun")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_activity_keeps_session_alive_until_absolute_limit(app, world, monkeypatch):
    client = app.test_client()
    login(client, "asn.dinkes")
    real = time.time
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    offset = 0
    while offset + idle - 60 < absolute:
        offset += idle - 60
        monkeypatch.setattr(time, "time", lambda o=offset: real() + o)
        assert client.get("/akun").status_code == 200
    monkeypatch.setattr(time, "time", lambda: real() + absolute + 10)
    assert client.get("/akun").status_code == 302


def test_deactivating_an_account_ends_its_sessions(app, world, login_as):
    client = login_as(world.asn)
    admin = login_as(world.admin)
    response = admin.post(f"/admin/akun/{world.asn['user_id']}", data={"roles": ["asn"]})  # active unchecked
    assert response.status_code == 302
    assert client.get("/akun").status_code == 302


def test_temporary_password_forces_a_change(app, world, login_as):
    admin = login_as(world.admin)
    page = admin.post(f"/admin/akun/{world.asn['user_id']}/kata-sandi-sementara").get_data(as_text=True)
    temporary = page.split('font-monospace user-select-all"')[1].split(">", 1)[1].split("<", 1)[0].strip()
    assert len(temporary) == 19
    client = app.test_client()
    login(client, "asn.dinkes", temporary)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/akun/kata-sandi")
    client.post("/akun/kata-sandi", data={"current_password": temporary, "new_password": "kalimat baru saya ini",
                                          "confirm": "kalimat baru saya ini"})
    assert client.get("/").status_code == 200
    from portal.auth.models import User

    with app.app_context():
        assert db.session.get(User, world.asn["user_id"]).must_change_password is False


def test_language_choice_is_saved_in_the_profile(app, world, login_as):
    from portal.auth.models import User

    client = login_as(world.asn)
    client.get("/?lang=en")
    with app.app_context():
        assert db.session.get(User, world.asn["user_id"]).locale == "en"
    # A new device: after login the profile's language wins over the default.
    other = app.test_client()
    login(other, "asn.dinkes")
    assert '<html lang="en">' in other.get("/akun").get_data(as_text=True)
    other.post("/akun", data={"locale": "id"})
    with app.app_context():
        assert db.session.get(User, world.asn["user_id"]).locale == "id"


def test_profile_shows_own_record(login_as, world, app):
    from portal.org.models import Employee

    client = login_as(world.asn)
    page = client.get("/akun?lang=en").get_data(as_text=True)
    with app.app_context():
        me = db.session.get(Employee, world.asn["employee_id"])
        boss = db.session.get(Employee, world.kadis["employee_id"])
        expected = [me.name, me.position, me.opd.name, boss.name, me.nip[:8]]
    for text in expected:
        assert text in page
