"""A reporter's follow-up: the cookie is opaque, "selesai" ends it at the server (a copied cookie
opens nothing), a throttled try costs as much as a real one, and WBS links repeat no query."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from portal.extensions import db

WHAT = "Petugas loket meminta uang pelicin untuk mempercepat izin usaha."


def _file(app) -> dict:
    from portal.wbs import services
    from portal.wbs.content import load_categories
    from portal.wbs.models import Category, Mode

    with app.app_context():
        load_categories()
        filed = services.file_report(mode=Mode.ANONYMOUS, category=db.session.scalars(sa.select(Category)).first(),
                                     reported_opd=None, content={"reported_name": "x", "what": WHAT, "where": "Loket",
                                                                 "when_from": "2026-01-05", "how": "Tunai"},
                                     identity=None, uploads=[])
        db.session.commit()
        return {"receipt": filed.receipt, "public_id": filed.report.public_id, "id": filed.report.id}


def _open(app, receipt: str):
    client = app.test_client()
    response = client.post("/wbs/pantau", data={"receipt": receipt})
    assert response.status_code == 302 and response.headers["Location"].endswith("/wbs/pantau/laporan")
    return client


def _cookie(client, app) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value


def _decoded(app, value: str) -> dict:
    serializer = URLSafeTimedSerializer(app.secret_key, salt="cookie-session", signer_kwargs={
        "key_derivation": "hmac", "digest_method": __import__("hashlib").sha1})
    return serializer.loads(value)


def test_a_copied_cookie_opens_nothing_after_selesai(wbs_app):
    case = _file(wbs_app)
    reporter = _open(wbs_app, case["receipt"])
    copied = _cookie(reporter, wbs_app)
    snoop = wbs_app.test_client()
    snoop.set_cookie(wbs_app.config["SESSION_COOKIE_NAME"], copied)
    assert WHAT in snoop.get("/wbs/pantau/laporan").get_data(as_text=True)  # the copy works while it is open
    assert reporter.post("/wbs/pantau/selesai").status_code == 302
    response = snoop.get("/wbs/pantau/laporan")
    assert response.status_code == 302 and response.headers["Location"].endswith("/wbs/pantau")
    with wbs_app.app_context():
        from portal.wbs.models import FollowUp

        assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 0


def test_the_cookie_names_no_case(wbs_app):
    case = _file(wbs_app)
    reporter = _open(wbs_app, case["receipt"])
    content = _decoded(wbs_app, _cookie(reporter, wbs_app))
    flat = repr(content)
    assert case["public_id"] not in flat and case["receipt"] not in flat
    assert list(content) == ["wbs_follow_up"]
    follow_up = content["wbs_follow_up"]
    # A random token and the time it stops working: nothing that names the case.
    assert set(follow_up) == {"token", "until"} and isinstance(follow_up["until"], int)
    assert len(follow_up["token"]) >= 40 and follow_up["token"] != str(case["id"])


def test_a_throttled_try_still_pays_for_the_slow_hash(app_factory, monkeypatch):
    from portal.wbs import receipts

    app = app_factory(WBS_RECEIPT_SCRYPT_N=16, WBS_FOLLOWUP_LIMIT="2 per hour")
    case = _file(app)
    calls = []
    real = receipts.lookup_key
    monkeypatch.setattr(receipts, "lookup_key", lambda code: calls.append(code) or real(code))
    client = app.test_client()
    for _ in range(2):
        client.post("/wbs/pantau", data={"receipt": "AAAA-AAAA-AAAA-AAAA-AAAA"})
    assert len(calls) == 2
    throttled = client.post("/wbs/pantau", data={"receipt": case["receipt"]})  # the right code, too late
    assert throttled.status_code == 200 and len(calls) == 3


def test_the_language_links_repeat_no_query(wbs_app):
    page = wbs_app.test_client().get("/wbs/pantau?receipt=RAHASIA-1234&x=1").get_data(as_text=True)
    links = re.findall(r'href="([^"]*lang=[^"]*)"', page)
    assert links and not [link for link in links if "receipt" in link or "RAHASIA" in link or "x=1" in link]


def test_follow_ups_of_earlier_days_are_purged(wbs_app):
    from portal.wbs import services
    from portal.wbs.models import FollowUp, Report

    case = _file(wbs_app)
    _open(wbs_app, case["receipt"])
    with wbs_app.app_context():
        report = db.session.get(Report, case["id"])
        services.open_follow_up(report, on=date.today() - timedelta(days=3))
        db.session.commit()
        assert services.purge_follow_ups(date.today()) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 1  # today's stays
        db.session.commit()
