"""TOTP multi-factor authentication: enrolment, the login's second step, replay, recovery codes,
throttling, the pending marker's expiry, the required-role gate, turning off, the admin's reset."""
from __future__ import annotations

import re

import pyotp
import pytest
import sqlalchemy as sa

from portal.auth import mfa
from portal.extensions import db
from tests.helpers.accounts import PASSWORD, login


def _code(secret: str, at: float | None = None) -> str:
    return pyotp.TOTP(secret).at(int(at if at is not None else mfa.now()))


def _enrol(client) -> tuple[str, list[str]]:
    """Enrol through the pages; returns the secret and the recovery codes shown."""
    page = client.get("/akun/mfa?lang=en").get_data(as_text=True)
    secret = re.search(r'<code class="user-select-all">([A-Z2-7]+)</code>', page).group(1)
    response = client.post("/akun/mfa?lang=en", data={"code": _code(secret)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))
    return secret, codes


def _user(app, user_id):
    from portal.auth.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        return {"enabled": user.mfa_enabled, "sealed": user.mfa_secret, "step": user.mfa_last_step,
                "version": user.session_version}


def _actions(app) -> list[str]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))


@pytest.fixture
def enrolled(app, world, login_as, monkeypatch):
    """asn.dinkes with MFA on, enrolled one time step in the past so a fresh code is not a replay."""
    client = login_as(world.asn)
    real = mfa.now()
    monkeypatch.setattr(mfa, "now", lambda: real - 60)
    secret, codes = _enrol(client)
    monkeypatch.setattr(mfa, "now", lambda: real)
    client.post("/logout")
    return {"secret": secret, "codes": codes}


def _password(client, login_name="asn.dinkes"):
    return client.post("/login?lang=en", data={"login": login_name, "password": PASSWORD})


def test_enrolment_wrong_then_right_code(app, world, login_as):
    client = login_as(world.asn)
    page = client.get("/akun/mfa?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text and "otpauth" not in text.split("<svg")[0][-200:]
    secret = re.search(r'<code class="user-select-all">([A-Z2-7]+)</code>', text).group(1)
    wrong = client.post("/akun/mfa?lang=en", data={"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "The code is not correct" in wrong.get_data(as_text=True)
    assert not _user(app, world.asn["user_id"])["enabled"]
    # The same secret is offered again after a wrong code (the app already holds it).
    assert secret in wrong.get_data(as_text=True)
    right = client.post("/akun/mfa?lang=en", data={"code": _code(secret)})
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", right.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    state = _user(app, world.asn["user_id"])
    assert state["enabled"]
    # Stored sealed, never in clear; recovery codes only hashed.
    assert secret.encode() not in state["sealed"]
    from portal.auth.models import RecoveryCode

    with app.app_context():
        hashes = list(db.session.scalars(sa.select(RecoveryCode.code_hash)))
        assert len(hashes) == 10 and not any(c.replace("-", "") in h for c in codes for h in hashes)
        assert mfa.unseal(world.asn["user_id"], state["sealed"]) == secret
    assert "auth.mfa_enabled" in _actions(app)
    # Shown once: the settings page now shows the status, not the codes.
    again = client.get("/akun/mfa?lang=en").get_data(as_text=True)
    assert "Two-step verification is on" in again and codes[0] not in again


def test_login_needs_the_code(app, world, enrolled):
    client = app.test_client()
    response = _password(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login/kode"
    # Not logged in yet.
    assert client.get("/akun").status_code == 302
    assert "/login" in client.get("/akun").headers["Location"]
    wrong = client.post("/login/kode?lang=en", data={"code": "12345"})
    assert wrong.status_code == 200 and "The code is not correct" in wrong.get_data(as_text=True)
    ok = client.post("/login/kode", data={"code": _code(enrolled["secret"])})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert client.get("/akun").status_code == 200


def test_next_is_kept_through_the_second_step(app, world, enrolled):
    client = app.test_client()
    client.post("/login?next=/akun/kata-sandi", data={"login": "asn.dinkes", "password": PASSWORD})
    ok = client.post("/login/kode", data={"code": _code(enrolled["secret"])})
    assert ok.headers["Location"] == "/akun/kata-sandi"


def test_replayed_code_is_refused(app, world, enrolled):
    code = _code(enrolled["secret"])
    first = app.test_client()
    _password(first)
    assert first.post("/login/kode", data={"code": code}).status_code == 302
    second = app.test_client()
    _password(second)
    replay = second.post("/login/kode?lang=en", data={"code": code})
    assert replay.status_code == 200 and "already been used" in replay.get_data(as_text=True)


def test_neighbouring_steps_accepted_older_refused(app, world):
    from portal.auth.models import User

    secret = mfa.new_secret()
    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        mfa.enable(user, secret, _code(secret, 1_000_000), at=1_000_000)
        db.session.commit()
        # One step later is fine; a code from two steps back is not.
        assert mfa.check_totp(user, _code(secret, 1_000_030), at=1_000_000)
        assert not mfa.check_totp(user, _code(secret, 1_000_000 + 60 - 90), at=1_000_060)
        assert not mfa.check_totp(user, _code(secret, 1_000_000 - 60), at=1_000_060)
        assert mfa.check_totp(user, _code(secret, 1_000_090), at=1_000_060)
        # Malformed input is just a wrong code.
        for junk in ("", "abcdef", "1" * 40, "１２３４５６", None):
            assert mfa.check_second_factor(user, junk, at=1_000_060) is None


def test_recovery_code_works_once(app, world, enrolled):
    code = enrolled["codes"][0]
    client = app.test_client()
    _password(client)
    used = client.post("/login/kode?lang=en", data={"code": code.upper()}, follow_redirects=True)
    assert "You used a recovery code" in used.get_data(as_text=True)
    assert "9 recovery codes are left" in used.get_data(as_text=True)
    client.post("/logout")
    again = app.test_client()
    _password(again)
    refused = again.post("/login/kode?lang=en", data={"code": code})
    assert refused.status_code == 200 and "already been used" in refused.get_data(as_text=True)
    assert "auth.mfa_recovery_code_used" in _actions(app)


def test_wrong_codes_are_throttled_per_account(app_factory, world, login_as, monkeypatch):
    app = app_factory(LOGIN_LIMIT_PER_ACCOUNT="3 per 10 minutes", LOGIN_LIMIT_PER_CLIENT="100 per 10 minutes")
    from portal.auth.models import User

    secret = mfa.new_secret()
    with app.app_context():
        mfa.enable(db.session.get(User, world.asn["user_id"]), secret, _code(secret, mfa.now() - 60),
                   at=mfa.now() - 60)
        db.session.commit()
    client = app.test_client()
    _password(client)
    for _ in range(3):
        assert client.post("/login/kode", data={"code": "000000"}).status_code == 200
    assert client.post("/login/kode", data={"code": "000000"}).status_code == 429
    # Even the right code waits, and logging in again from another client does not reset it.
    other = app.test_client()
    _password(other)
    assert other.post("/login/kode", data={"code": _code(secret)}).status_code == 429
    # Another account is not affected.
    assert app.test_client().post("/login", data={"login": "asn.disdik", "password": PASSWORD}).status_code == 302


def test_pending_marker_expires(app, world, enrolled, monkeypatch):
    client = app.test_client()
    _password(client)
    real = mfa.now()
    monkeypatch.setattr(mfa, "now", lambda: real + 301)
    late = client.post("/login/kode?lang=en", data={"code": _code(enrolled["secret"], real + 301)})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert client.get("/akun").status_code == 302


def test_code_page_without_password_step(app, world):
    client = app.test_client()
    assert client.get("/login/kode").headers["Location"] == "/login"
    assert client.post("/login/kode", data={"code": "123456"}).headers["Location"] == "/login"
    with client.session_transaction() as s:
        s["mfa_pending"] = {"uid": "x"}
    assert client.post("/login/kode", data={"code": "123456"}).headers["Location"] == "/login"


def test_required_role_gate(app_factory, world):
    app = app_factory(MFA_REQUIRED_ROLES=("admin", "wbs_handler", "coi_reviewer"))
    client = app.test_client()
    login(client, "admin")
    for path in ("/", "/admin/", "/akun", "/akun/kata-sandi"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/akun/mfa", path
    assert client.get("/akun/mfa").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/logout").status_code == 302
    # An ASN is not asked.
    asn = app.test_client()
    login(asn, "asn.dinkes")
    assert asn.get("/akun").status_code == 200
    # Once enrolled, the admin gets in.
    login(client, "admin")
    _enrol(client)
    assert client.get("/admin/").status_code == 200


def test_production_defaults_and_setting():
    from portal.config import ConfigError, resolve_mfa_roles

    prod = {"PORTAL_ENV": "production", "MFA_REQUIRED_ROLES": None}
    resolve_mfa_roles(prod)
    assert set(prod["MFA_REQUIRED_ROLES"]) == {"admin", "wbs_handler", "coi_reviewer"}
    dev = {"PORTAL_ENV": "development", "MFA_REQUIRED_ROLES": None}
    resolve_mfa_roles(dev)
    assert dev["MFA_REQUIRED_ROLES"] == ()
    env = {"PORTAL_ENV": "production", "MFA_REQUIRED_ROLES": "admin, wbs_handler"}
    resolve_mfa_roles(env)
    assert env["MFA_REQUIRED_ROLES"] == ("admin", "wbs_handler")
    # As the environment gives them: an empty value turns the requirement off; a JSON list works.
    off = {"PORTAL_ENV": "production", "MFA_REQUIRED_ROLES": ""}
    resolve_mfa_roles(off)
    assert off["MFA_REQUIRED_ROLES"] == ()
    listed = {"MFA_REQUIRED_ROLES": ["ADMIN"]}
    resolve_mfa_roles(listed)
    assert listed["MFA_REQUIRED_ROLES"] == ("admin",)
    with pytest.raises(ConfigError):
        resolve_mfa_roles({"MFA_REQUIRED_ROLES": "admin,boss"})


def test_dev_default_does_not_require_mfa(app, world):
    """make run's demo logins (admin, inspektur, wbs.petugas) work with the password alone."""
    assert app.config["MFA_REQUIRED_ROLES"] == ()
    for name, page in (("admin", "/admin/"), ("inspektur", "/akun"), ("wbs.petugas", "/akun")):
        client = app.test_client()
        assert _password(client, name).headers["Location"] == "/"
        assert client.get(page).status_code == 200


def test_disabling_needs_password_and_code(app, world, enrolled, monkeypatch):
    client = app.test_client()
    _password(client)
    client.post("/login/kode", data={"code": _code(enrolled["secret"])})
    later = mfa.now() + 30
    monkeypatch.setattr(mfa, "now", lambda: later)
    code = _code(enrolled["secret"], later)
    assert client.post("/akun/mfa/matikan", data={"off-password": "wrong-password", "off-code": code}).status_code == 400
    assert client.post("/akun/mfa/matikan", data={"off-password": PASSWORD, "off-code": "000000"}).status_code == 400
    assert client.post("/akun/mfa/matikan", data={"off-password": PASSWORD}).status_code == 400
    assert _user(app, world.asn["user_id"])["enabled"]
    ok = client.post("/akun/mfa/matikan", data={"off-password": PASSWORD, "off-code": code})
    assert ok.status_code == 302
    state = _user(app, world.asn["user_id"])
    assert not state["enabled"] and state["sealed"] is None
    assert "auth.mfa_disabled" in _actions(app)
    # The password alone logs in again.
    assert _password(app.test_client()).headers["Location"] == "/"


def test_regenerating_recovery_codes_needs_a_code(app, world, enrolled, monkeypatch):
    client = app.test_client()
    _password(client)
    client.post("/login/kode", data={"code": _code(enrolled["secret"])})
    assert client.post("/akun/mfa/kode-pemulihan", data={"rc-code": "000000"}).status_code == 400
    later = mfa.now() + 30
    monkeypatch.setattr(mfa, "now", lambda: later)
    fresh = client.post("/akun/mfa/kode-pemulihan", data={"rc-code": _code(enrolled["secret"], later)})
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", fresh.get_data(as_text=True))
    assert len(codes) == 10 and not set(codes) & set(enrolled["codes"])
    assert "auth.mfa_recovery_codes_regenerated" in _actions(app)
    # The old codes no longer work.
    other = app.test_client()
    _password(other)
    assert other.post("/login/kode", data={"code": enrolled["codes"][1]}).status_code == 200


def test_admin_resets_mfa_but_not_their_own(app, world, enrolled, login_as, monkeypatch):
    admin = login_as(world.admin)
    page = admin.get(f"/admin/akun/{world.asn['user_id']}?lang=en").get_data(as_text=True)
    assert "On since" in page and "Reset two-step verification" in page
    before = _user(app, world.asn["user_id"])["version"]
    assert admin.post(f"/admin/akun/{world.asn['user_id']}/reset-mfa").status_code == 302
    state = _user(app, world.asn["user_id"])
    assert not state["enabled"] and state["version"] == before + 1
    assert "auth.mfa_reset" in _actions(app)
    # Only administrators may.
    secretary = login_as(world.secretary)
    assert secretary.post(f"/admin/akun/{world.asn['user_id']}/reset-mfa").status_code == 403
    # The admin's own: refused.
    from portal.auth.models import User

    secret = mfa.new_secret()
    with app.app_context():
        mfa.enable(db.session.get(User, world.admin["user_id"]), secret, _code(secret))
        db.session.commit()
    own = admin.post(f"/admin/akun/{world.admin['user_id']}/reset-mfa?lang=en", follow_redirects=True)
    assert "cannot reset your own" in own.get_data(as_text=True)
    assert _user(app, world.admin["user_id"])["enabled"]


def test_csrf_on_the_new_forms(app_factory, world):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"login": "asn.dinkes", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    for path, data in (("/akun/mfa", {"code": "123456"}),
                       ("/akun/mfa/matikan", {"off-password": PASSWORD, "off-code": "123456"}),
                       ("/akun/mfa/kode-pemulihan", {"rc-code": "123456"})):
        assert client.post(path, data=data).status_code == 400, path
    # The second login step too.
    from portal.auth.models import User

    secret = mfa.new_secret()
    with app.app_context():
        mfa.enable(db.session.get(User, world.asn_disdik["user_id"]), secret, _code(secret, mfa.now() - 60),
                   at=mfa.now() - 60)
        db.session.commit()
    other = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/login").get_data(as_text=True)).group(1)
    other.post("/login", data={"login": "asn.disdik", "password": PASSWORD, "csrf_token": token})
    assert other.post("/login/kode", data={"code": _code(secret)}).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/login/kode").get_data(as_text=True)).group(1)
    assert other.post("/login/kode", data={"code": _code(secret), "csrf_token": token}).status_code == 302


def test_key_rotation_reseals_mfa_secrets(app, app_factory, world):
    from portal.auth.models import User
    from portal.config import new_keys

    secret = mfa.new_secret()
    with app.app_context():
        mfa.enable(db.session.get(User, world.asn["user_id"]), secret, _code(secret))
        db.session.commit()
    old, new = app.config["DATA_KEYS"][0], new_keys()["DATA_KEYS"][0]
    result = app_factory(DATA_KEYS=[new, old]).test_cli_runner().invoke(args=["rotate-keys"])
    assert "Re-sealed 1 MFA secrets" in result.output
    with app_factory(DATA_KEYS=[new]).app_context():
        user = db.session.get(User, world.asn["user_id"])
        assert mfa.unseal(user.id, user.mfa_secret) == secret


def test_temporary_password_comes_before_enrolment(app_factory, world):
    from portal.auth.models import User

    app = app_factory(MFA_REQUIRED_ROLES=("admin",))
    with app.app_context():
        db.session.get(User, world.admin["user_id"]).must_change_password = True
        db.session.commit()
    client = app.test_client()
    login(client, "admin")
    assert client.get("/admin/").headers["Location"] == "/akun/kata-sandi"
    assert client.get("/akun/mfa").headers["Location"] == "/akun/kata-sandi"
    assert client.get("/akun/kata-sandi").status_code == 200
    changed = client.post("/akun/kata-sandi", data={"current_password": PASSWORD,
                                                     "new_password": "sebuah kalimat baru", "confirm": "sebuah kalimat baru"})
    assert changed.status_code == 302
    assert client.get("/admin/").headers["Location"] == "/akun/mfa"
