"""Redis (the shared rate-limit storage) unreachable: login, the WBS report and the receipt
follow-up still answer (no 500) and are still throttled, per process, until it is back."""
from __future__ import annotations

import socket

import pytest

from tests.helpers.accounts import PASSWORD, login


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on leaving: nothing listens there


@pytest.fixture
def app(app_factory):
    app = app_factory(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}/0",
                      LOGIN_LIMIT_PER_ACCOUNT="3 per minute", WBS_FOLLOWUP_LIMIT="2 per hour",
                      WBS_RECEIPT_SCRYPT_N=16)
    from portal.extensions import db
    from portal.wbs.content import load_categories

    with app.app_context():
        load_categories()
        db.session.commit()
    return app


def test_login_answers_and_is_still_throttled(app, world, caplog):
    client = app.test_client()
    login(client, "asn.dinkes", PASSWORD)  # a good password works
    attacker = app.test_client()
    statuses = [attacker.post("/login?lang=en", data={"login": "kadis.dinkes", "password": "salah-sekali-123"})
                .status_code for _ in range(5)]
    assert 500 not in statuses
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert "falling back to in-memory storage" in caplog.text


def test_wbs_report_and_follow_up_answer_and_guessing_is_still_throttled(app, world, caplog, monkeypatch):
    from portal.web.ratelimit import limiter
    from tests.wbs.test_wbs_privacy import file_report

    code, _page = file_report(app.test_client())
    # Flask-Limiter now knows the storage is dead and hands out its memory fallback; the
    # follow-up's own counting (portal.web.ratelimit.hit) must cope before it knows, too.
    monkeypatch.setattr(limiter, "_storage_dead", False)
    client = app.test_client()
    for _ in range(2):  # two wrong guesses use up this client's tries...
        response = client.post("/wbs/pantau?lang=en", data={"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"})
        assert response.status_code == 200 and "No report matches this code" in response.get_data(as_text=True)
    response = client.post("/wbs/pantau?lang=en", data={"receipt": code})
    assert response.status_code == 200  # ...so even the right code now looks unknown
    assert "No report matches this code" in response.get_data(as_text=True)
    assert "rate-limit storage unreachable" in caplog.text
    fresh = app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert fresh.post("/wbs/pantau", data={"receipt": code}).status_code == 302  # another client gets in
