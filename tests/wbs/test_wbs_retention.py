"""Retention: closed cases past the period are crypto-shredded by `flask --app portal wbs-retention`,
leaving only the statistics; a legal hold keeps a case; the handler and the reporter see what is left."""
from __future__ import annotations

import io
import os
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.core.roles import Role
from tests.wbs.handler_support import (audit_events, case_url, english, field_error, file_case, freeze_today,
                                       reporter_client, text)

MARKER = "RAHASIA-RETENSI-5K8"
EVIDENCE = f"Bukti transfer {MARKER}\n".encode()
FILED, CLOSED = date(2020, 1, 6), date(2020, 2, 3)      # 60 months later: 3 February 2025
RECENT_FILED, RECENT_CLOSED = date(2025, 11, 3), date(2026, 1, 5)
TODAY = date(2026, 3, 10)
DESTROYED = "Content destroyed on"
HOLD_REASON = "Diserahkan ke Kejaksaan Negeri; berkas perkara masih berjalan."


@pytest.fixture
def handler(world, login_as):
    return english(login_as(world.handler))


@pytest.fixture
def admin(world, login_as):
    return english(login_as(world.admin))


def full_case(app, world, handler, monkeypatch, *, filed, closed=None) -> dict:
    """A confidential case with evidence from both sides, a message, a note and a reply; closed
    (rejected, with a reason) on `closed` when given."""
    freeze_today(monkeypatch, filed)
    case = file_case(app, world.dinkes, what=f"Pengadaan digelembungkan {MARKER} dua kali lipat.",
                     uploads=[("bukti.txt", EVIDENCE)])
    pid = case["public_id"]
    freeze_today(monkeypatch, filed + timedelta(days=1))
    assert handler.post(case_url(pid, "/pesan"), data={"body": f"Pertanyaan {MARKER}"}).status_code == 302
    assert handler.post(case_url(pid, "/catatan"), data={"body": f"Catatan {MARKER}"}).status_code == 302
    reporter = reporter_client(app, case["receipt"])
    reply = reporter.post("/wbs/pantau/laporan", content_type="multipart/form-data",
                          data={"body": f"Jawaban {MARKER}", "evidence": [(io.BytesIO(EVIDENCE), "tambahan.txt")]})
    assert reply.status_code == 302
    if closed:
        freeze_today(monkeypatch, closed)
        response = handler.post(case_url(pid, "/status"), data={"status": "ditolak", "reason": f"Alasan {MARKER}"})
        assert response.status_code == 302
    freeze_today(monkeypatch, TODAY)
    return case


def snapshot(app, public_id: str) -> dict:
    from portal.wbs.models import Evidence, LegalHold, Message, Note, Report

    with app.app_context():
        r = db.session.scalar(sa.select(Report).where(Report.public_id == public_id))

        def count(model):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.report_id == r.id))

        return {"wrapped_key": r.wrapped_key, "content": r.content, "identity": r.identity,
                "shredded_on": r.shredded_on, "legal_hold": r.legal_hold, "status": r.status,
                "closed_on": r.closed_on, "category_id": r.category_id, "opd": r.reported_opd_id,
                "messages": count(Message), "notes": count(Note), "evidence": count(Evidence),
                "holds": count(LegalHold),
                "files": list(db.session.scalars(sa.select(Evidence.storage_key).where(Evidence.report_id == r.id))),
                "events": [(e.kind, e.to_status, e.happened_on) for e in r.events],
                "event_reasons": [e.reason for e in r.events if e.reason is not None]}


def stored(app, key: str) -> Path:
    return Path(app.config["STORAGE_DIR"]) / "wbs" / key


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["wbs-retention", *args])
    assert result.exit_code == 0, result.output
    return result.output


def statistics(app, handler) -> tuple:
    from portal.wbs import stats

    with app.app_context():
        computed = stats.compute("en")
    return computed, handler.get("/wbs/kelola/statistik.csv").get_data(as_text=True)


def raw_database(app) -> bytes | None:
    """The SQLite file and its WAL, free pages included; None on PostgreSQL."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite:///"):
        return None
    path = Path(uri[len("sqlite:///"):])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


# --- the run -----------------------------------------------------------------------------------

def test_a_closed_case_past_the_period_is_shredded_and_the_statistics_stay(app, world, handler, monkeypatch,
                                                                          storage_backend):
    from portal.wbs.models import Report
    from portal.wbs.sealing import Seal, ShreddedError
    from portal.wbs import services

    old = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    recent = full_case(app, world, handler, monkeypatch, filed=RECENT_FILED, closed=RECENT_CLOSED)
    still_open = full_case(app, world, handler, monkeypatch, filed=FILED)
    before = snapshot(app, old["public_id"])
    assert before["messages"] == 2 and before["notes"] == 1 and before["evidence"] == 2 and before["event_reasons"]
    assert all(storage_backend.raw(app, "wbs", key) for key in before["files"])
    stats_before = statistics(app, handler)

    output = run(app)
    assert "60 months after closing (setting wbs.retention_months). 1 cases past it" in output
    assert old["public_id"] in output and "closed 2020-02-03, period ended 2025-02-03" in output
    assert "1 cases shredded; 2 stored files removed." in output

    after = snapshot(app, old["public_id"])
    assert after["wrapped_key"] is None and after["content"] is None and after["identity"] is None
    assert after["shredded_on"] == TODAY
    assert (after["messages"], after["notes"], after["evidence"], after["event_reasons"]) == (0, 0, 0, [])
    assert not any(storage_backend.raw(app, "wbs", key) for key in before["files"])
    # What the statistics read is untouched, and so are the statistics themselves.
    for key in ("status", "closed_on", "category_id", "opd", "events"):
        assert after[key] == before[key]
    assert statistics(app, handler) == stats_before
    # Nothing decrypts any more: the key is gone, and its old bytes are nowhere in the database file.
    with app.app_context():
        report = db.session.get(Report, old["id"])
        with pytest.raises(ShreddedError):
            Seal(report).open_data("content", before["content"])
        with pytest.raises(ShreddedError):
            services.reporter_view(report)
    raw = raw_database(app)
    if raw is not None:
        assert before["wrapped_key"] not in raw and before["content"] not in raw
    # The recent and the open case are whole.
    for case in (recent, still_open):
        kept = snapshot(app, case["public_id"])
        assert kept["wrapped_key"] is not None and kept["messages"] == 2 and kept["evidence"] == 2
        assert all(storage_backend.raw(app, "wbs", key) for key in kept["files"])
        assert MARKER in text(handler.get(case_url(case["public_id"])))
    [event] = audit_events(app, "wbs.case_shredded")
    assert event["object_id"] == old["public_id"] and event["actor_id"] is None
    assert event["data"] == {"closed_on": "2020-02-03", "retention_months": 60, "messages": 2, "notes": 1,
                             "evidence": 2}
    # A second run finds nothing to do.
    assert "0 cases past it" in run(app) and len(audit_events(app, "wbs.case_shredded")) == 1


def test_dry_run_changes_nothing(app, world, handler, monkeypatch):
    old = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    before = snapshot(app, old["public_id"])
    output = run(app, "--dry-run")
    assert old["public_id"] in output and "Dry run: nothing was changed." in output
    assert snapshot(app, old["public_id"]) == before
    assert all(stored(app, key).is_file() for key in before["files"])
    assert audit_events(app, "wbs.case_shredded") == []


def test_the_period_is_counted_in_months_from_the_closing_day(app, world, handler, monkeypatch):
    from portal.core import settings
    from portal.wbs import retention

    assert retention.add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert retention.add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert retention.add_months(date(2020, 11, 15), 3) == date(2021, 2, 15)
    case = full_case(app, world, handler, monkeypatch, filed=RECENT_FILED, closed=RECENT_CLOSED)
    with app.app_context():
        settings.put(retention.SETTING, 2)
        db.session.commit()
        assert [d.public_id for d in retention.plan(date(2026, 3, 4)).due] == []
        assert [d.public_id for d in retention.plan(date(2026, 3, 5)).due] == [case["public_id"]]


def test_a_hold_placed_after_planning_still_wins(app, world, handler, monkeypatch):
    from portal.wbs import retention

    old = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    with app.app_context():
        plan = retention.plan(TODAY)
        assert [d.public_id for d in plan.due] == [old["public_id"]]
    assert handler.post(case_url(old["public_id"], "/tahan"), data={"reason": HOLD_REASON}).status_code == 302
    with app.app_context():
        assert retention.shred_due(plan).public_ids == []
        db.session.commit()
    assert snapshot(app, old["public_id"])["wrapped_key"] is not None


# --- legal hold --------------------------------------------------------------------------------

def test_a_held_case_is_kept_and_shredded_once_the_hold_is_lifted(app, world, handler, monkeypatch):
    old = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    pid = old["public_id"]
    page = text(handler.get(case_url(pid)))
    assert "The retention period of this case has run out" in page
    spy = {"environ_base": {"REMOTE_ADDR": "203.0.113.77"}, "headers": {"User-Agent": "SpyAgent/9.9"}}
    assert handler.post(case_url(pid, "/tahan"), data={"reason": HOLD_REASON}, **spy).status_code == 302
    page = text(handler.get(case_url(pid)))
    assert "Under legal hold since" in page and HOLD_REASON in page and 'id="lift-reason"' in page
    assert "Legal hold" in text(handler.get("/wbs/kelola/?all=1"))

    output = run(app)
    assert "0 cases past it; 1 more kept under legal hold." in output and "0 cases shredded" in output
    assert snapshot(app, pid)["wrapped_key"] is not None

    lift = "Putusan pengadilan telah berkekuatan hukum tetap."
    assert handler.post(case_url(pid, "/lepas-tahan"), data={"reason": lift}, **spy).status_code == 302
    assert "1 cases shredded" in run(app)
    assert snapshot(app, pid)["wrapped_key"] is None
    placed, lifted = audit_events(app, "wbs.legal_hold_placed", pid), audit_events(app, "wbs.legal_hold_lifted", pid)
    assert [e["data"]["reason"] for e in placed] == [HOLD_REASON] and [e["data"]["reason"] for e in lifted] == [lift]
    for event in placed + lifted:
        assert event["actor_id"] == world.handler["user_id"] and set(event["data"]) == {"hold", "reason"}
        assert "203.0.113.77" not in str(event) and "SpyAgent" not in str(event)
    # The hold's record outlives the content: it says why the case was kept.
    page = text(handler.get(case_url(pid)))
    assert DESTROYED in page and HOLD_REASON in page and lift in page


def test_an_open_case_can_be_held_before_it_closes(app, world, handler, monkeypatch):
    case = full_case(app, world, handler, monkeypatch, filed=FILED)
    pid = case["public_id"]
    assert "destroyed 60 months after it is closed" in text(handler.get(case_url(pid)))
    assert handler.post(case_url(pid, "/tahan"), data={"reason": HOLD_REASON}).status_code == 302
    freeze_today(monkeypatch, CLOSED)
    assert handler.post(case_url(pid, "/status"), data={"status": "ditolak", "reason": "Tidak lengkap."}
                        ).status_code == 302
    freeze_today(monkeypatch, TODAY)
    assert "1 more kept under legal hold" in run(app) and snapshot(app, pid)["wrapped_key"] is not None


@pytest.mark.parametrize("reason", ["", "   ", "pendek", "x" * 2001])
def test_a_hold_needs_a_reason(app, world, handler, monkeypatch, reason):
    case = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    response = handler.post(case_url(case["public_id"], "/tahan"), data={"reason": reason})
    assert response.status_code == 400 and field_error(text(response), "hold-reason")
    assert snapshot(app, case["public_id"])["legal_hold"] is False
    assert audit_events(app, "wbs.legal_hold_placed") == []


def test_holding_twice_or_lifting_nothing_is_refused(app, world, handler, monkeypatch):
    case = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    pid = case["public_id"]
    response = handler.post(case_url(pid, "/lepas-tahan"), data={"reason": HOLD_REASON})
    assert response.status_code == 400 and "This case is not under legal hold." in text(response)
    assert handler.post(case_url(pid, "/tahan"), data={"reason": HOLD_REASON}).status_code == 302
    response = handler.post(case_url(pid, "/tahan"), data={"reason": HOLD_REASON})
    assert response.status_code == 400 and "This case is already under legal hold." in text(response)
    assert snapshot(app, pid)["holds"] == 1 and len(audit_events(app, "wbs.legal_hold_placed")) == 1


# --- what is left to see -----------------------------------------------------------------------

@pytest.fixture
def shredded(app, world, handler, monkeypatch):
    case = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    run(app)
    return case


def test_the_handler_sees_a_destroyed_case_and_cannot_act_on_it(app, world, handler, shredded):
    pid = shredded["public_id"]
    response = handler.get(case_url(pid))
    page = text(response)
    assert response.status_code == 200
    assert f"{DESTROYED} 10 March 2026 under the retention rule." in page
    assert "Rejected" in page and "3 February 2020" in page and "Dinas Kesehatan" in page and MARKER not in page
    assert audit_events(app, "wbs.case_viewed", pid)[-1]["data"] == {"identity_shown": False, "shredded": True}
    row = [r for r in text(handler.get("/wbs/kelola/?all=1")).split("<tr>") if pid in r]
    assert row and "Content destroyed" in row[0]
    for tail, data in (("/status", {"status": "ditolak", "reason": "x" * 30}), ("/pesan", {"body": "Halo"}),
                       ("/catatan", {"body": "Catatan"}), ("/tugaskan", {"assignee": world.handler["user_id"]}),
                       ("/identitas", {"reason": "x" * 30}), ("/tahan", {"reason": HOLD_REASON}),
                       ("/lepas-tahan", {"reason": HOLD_REASON})):
        response = handler.post(case_url(pid, tail), data=data, follow_redirects=True)
        assert response.status_code == 200, tail
        assert "can no longer be changed" in text(response), tail
    assert handler.get(case_url(pid, f"/bukti/{shredded['evidence'][0]}")).status_code == 404
    after = snapshot(app, pid)
    assert (after["messages"], after["notes"], after["holds"], after["legal_hold"]) == (0, 0, 0, False)


def test_a_handler_of_the_reported_opd_still_cannot_open_a_destroyed_case(app, world, make_employee, login_as,
                                                                           shredded):
    insider = make_employee(world.dinkes, username="petugas.dinkes", roles={Role.ASN, Role.WBS_HANDLER})
    client = login_as(insider)
    assert client.get(case_url(shredded["public_id"])).status_code == 403
    assert client.post(case_url(shredded["public_id"], "/tahan"), data={"reason": HOLD_REASON}).status_code == 403


def test_the_reporter_is_told_only_that_the_content_was_destroyed(app, world, handler, monkeypatch):
    case = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    reporter = reporter_client(app, case["receipt"])   # a follow-up still open when the run comes
    run(app)
    assert reporter.get("/wbs/pantau/laporan").headers["Location"].endswith("/wbs/pantau")
    client = english(app.test_client())
    response = client.post("/wbs/pantau", data={"receipt": case["receipt"]})
    page = text(response)
    assert response.status_code == 200
    assert "The content of this report has been destroyed under the retention rule." in page
    main = page.split("<main", 1)[1]
    for leak in (case["public_id"], "Rejected", "2020", "2026", "Dinas Kesehatan", MARKER, "Bribery"):
        assert leak not in main, leak
    assert 'value="' + case["receipt"] not in page
    unknown = client.post("/wbs/pantau", data={"receipt": "ABCD-EFGH-JKMN-PQRS-TVWX"})
    assert "No report matches this code" in text(unknown) and "destroyed" not in text(unknown)


# --- the admin's setting -----------------------------------------------------------------------

def test_the_admin_sets_the_period_on_the_wbs_settings_page(app, world, admin, handler, monkeypatch):
    case = full_case(app, world, handler, monkeypatch, filed=RECENT_FILED, closed=RECENT_CLOSED)
    page = text(admin.get("/wbs/kelola/pengaturan"))
    assert "the Inspectorate's choice" in page and "the default of 60 months" in page
    assert re.search(r'id="retention_months"[^>]*value="60"', page)
    assert "Now: 0 closed cases past the period" in page
    response = admin.post("/wbs/kelola/pengaturan/retensi", data={"retention_months": "2"})
    assert response.status_code == 302
    assert audit_events(app, "wbs.settings_changed")[-1]["data"] == {"wbs.retention_months": 2}
    assert "Now: 1 closed cases past the period" in text(admin.get("/wbs/kelola/pengaturan"))
    assert case["public_id"] in run(app, "--dry-run")
    # Saving the same value again logs nothing.
    assert admin.post("/wbs/kelola/pengaturan/retensi", data={"retention_months": "2"}).status_code == 302
    assert len(audit_events(app, "wbs.settings_changed")) == 1


@pytest.mark.parametrize("value", ["0", "601", "abc", "", "-5"])
def test_an_invalid_period_is_refused(app, admin, value):
    from portal.core.settings import Setting

    response = admin.post("/wbs/kelola/pengaturan/retensi", data={"retention_months": value})
    assert response.status_code == 200
    page = text(response)
    assert field_error(page, "retention_months")
    if value:
        assert re.search(rf'id="retention_months"[^>]*value="{re.escape(value)}"', page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


def test_only_the_admin_sets_the_period_and_only_handlers_hold(app, world, login_as, shredded):
    hold_url = case_url(shredded["public_id"], "/tahan")
    for account in (world.asn, world.secretary, world.inspektur, world.handler):
        assert login_as(account).post("/wbs/kelola/pengaturan/retensi",
                                      data={"retention_months": "1"}).status_code == 403
    for account in (world.asn, world.secretary, world.inspektur, world.admin):
        assert login_as(account).post(hold_url, data={"reason": HOLD_REASON}).status_code == 403
    anonymous = app.test_client().post(hold_url, data={"reason": HOLD_REASON})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# --- CSRF and stray files ----------------------------------------------------------------------

def test_hold_and_retention_forms_need_the_csrf_token(app_factory, world, monkeypatch):
    from tests.helpers.accounts import PASSWORD

    app = app_factory(WTF_CSRF_ENABLED=True)
    case = file_case(app, world.dinkes)

    def logged_in(login_name):
        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
        assert client.post("/login", data={"login": login_name, "password": PASSWORD,
                                           "csrf_token": token.group(1)}).status_code == 302
        return client

    def token_of(page: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    handler = logged_in("wbs.petugas")
    url = case_url(case["public_id"], "/tahan")
    assert handler.post(url, data={"reason": HOLD_REASON}).status_code == 400
    assert snapshot(app, case["public_id"])["legal_hold"] is False
    token = token_of(handler.get(case_url(case["public_id"])).get_data(as_text=True))
    assert handler.post(url, data={"reason": HOLD_REASON, "csrf_token": token}).status_code == 302
    assert snapshot(app, case["public_id"])["legal_hold"] is True

    admin = logged_in("admin")
    assert admin.post("/wbs/kelola/pengaturan/retensi", data={"retention_months": "3"}).status_code == 400
    token = token_of(admin.get("/wbs/kelola/pengaturan").get_data(as_text=True))
    assert admin.post("/wbs/kelola/pengaturan/retensi",
                      data={"retention_months": "3", "csrf_token": token}).status_code == 302
    assert audit_events(app, "wbs.settings_changed")[-1]["data"] == {"wbs.retention_months": 3}


def test_the_run_removes_stale_files_no_report_points_to(app, world, handler, monkeypatch, storage_backend):
    case = full_case(app, world, handler, monkeypatch, filed=RECENT_FILED)
    stale, fresh = "a" * 32, "b" * 32
    storage_backend.put_raw(app, "wbs", stale, b"ciphertext of a run that stopped after its commit")
    if storage_backend.kind == "local":
        storage_backend.put_raw(app, "wbs", fresh, b"a report being filed right now")
        two_days_ago = time.time() - 2 * 24 * 3600
        os.utime(stored(app, stale), (two_days_ago, two_days_ago))
    else:  # a bucket's times cannot be set: the object is young first, then the backend's clock moves on
        run(app)
        assert storage_backend.raw(app, "wbs", stale)
        storage_backend.age_everything(app, monkeypatch, hours=25)
    assert "1 stored files removed" in run(app)
    assert storage_backend.raw(app, "wbs", stale) is None
    if storage_backend.kind == "local":
        assert storage_backend.raw(app, "wbs", fresh) is not None
    assert all(storage_backend.raw(app, "wbs", key) for key in snapshot(app, case["public_id"])["files"])


def test_a_pending_identity_request_of_a_destroyed_case_leaves_the_admin_page(app, world, handler, admin,
                                                                               monkeypatch):
    from tests.wbs.test_wbs_team import request_identity

    case = full_case(app, world, handler, monkeypatch, filed=FILED, closed=CLOSED)
    assert request_identity(handler, case["public_id"]).status_code == 302
    request_id = audit_events(app, "wbs.identity_requested")[0]["data"]["request"]
    assert case["public_id"] in text(admin.get("/wbs/kelola/pengaturan"))
    run(app)
    assert case["public_id"] not in text(admin.get("/wbs/kelola/pengaturan"))
    response = admin.post(f"/wbs/kelola/permintaan-identitas/{request_id}",
                          data={"decision": "approve", "note": "Disetujui."})
    assert "there is no identity left to open" in field_error(text(response), "note")
    with app.app_context():
        from portal.wbs.models import IdentityRequest

        assert db.session.get(IdentityRequest, request_id).state == "pending"
