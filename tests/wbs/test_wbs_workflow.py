"""The WBS workflow: the transition table, and status changes made by a handler through the
case page, as the reporter then sees them (each change and its public reason, never a note)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from portal.wbs import workflow
from portal.wbs.workflow import CLOSED, Referral, Status
from tests.wbs.handler_support import (audit_events, case_url, categories, english, field_error, file_case,
                                       freeze_today, queue_row, reporter_page, report_row, text)

S = Status
# The table as the Inspectorate's practice describes it (wbs.md §3.3), written out independently.
EXPECTED = {
    S.RECEIVED: {S.VERIFICATION, S.REJECTED, S.NOT_COMPETENT},
    S.VERIFICATION: {S.REVIEW, S.REJECTED, S.NOT_COMPETENT},
    S.REVIEW: {S.INVESTIGATIVE_AUDIT, S.RECOMMENDATION, S.CLOSED_NOT_PROVEN, S.REJECTED, S.NOT_COMPETENT},
    S.INVESTIGATIVE_AUDIT: {S.RECOMMENDATION, S.CLOSED_NOT_PROVEN},
    S.RECOMMENDATION: {S.FOLLOW_UP, S.CLOSED_PROVEN, S.CLOSED_NOT_PROVEN},
    S.FOLLOW_UP: {S.CLOSED_PROVEN},
}
ALLOWED_PAIRS = [(a, b) for a, targets in EXPECTED.items() for b in sorted(targets, key=lambda s: s.value)]
REFUSED_PAIRS = [
    (S.RECEIVED, S.REVIEW), (S.RECEIVED, S.CLOSED_PROVEN), (S.RECEIVED, S.RECEIVED),
    (S.VERIFICATION, S.RECEIVED), (S.VERIFICATION, S.INVESTIGATIVE_AUDIT), (S.REVIEW, S.VERIFICATION),
    (S.INVESTIGATIVE_AUDIT, S.REVIEW), (S.RECOMMENDATION, S.INVESTIGATIVE_AUDIT), (S.FOLLOW_UP, S.RECOMMENDATION),
    (S.FOLLOW_UP, S.RECEIVED),
]
D1, D2, D3 = date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)


# --- the table ------------------------------------------------------------------------------

def test_the_statuses_are_the_ones_the_issue_names():
    assert {s.value for s in Status} == {
        "diterima", "verifikasi", "telaah", "audit_investigatif", "rekomendasi", "tindak_lanjut",
        "selesai_terbukti", "selesai_tidak_terbukti", "ditolak", "bukan_wewenang"}
    assert {r.value for r in Referral} >= {"kpk", "kejaksaan", "polri", "sp4n_lapor"}
    assert CLOSED == {S.CLOSED_PROVEN, S.CLOSED_NOT_PROVEN, S.REJECTED, S.NOT_COMPETENT}
    assert all(str(s.label) for s in Status) and all(str(r.label) for r in Referral)


def test_open_statuses_have_exactly_the_expected_exits():
    assert {s: t for s, t in workflow.TRANSITIONS.items() if s not in CLOSED} == EXPECTED


@pytest.mark.parametrize(("current", "target"), ALLOWED_PAIRS, ids=lambda s: s.value)
def test_allowed_move(current, target):
    assert workflow.allowed(current, target)
    assert target in workflow.next_statuses(current)


@pytest.mark.parametrize(("current", "target"), REFUSED_PAIRS, ids=lambda s: s.value)
def test_refused_move(current, target):
    assert not workflow.allowed(current, target)
    assert target not in workflow.next_statuses(current)


@pytest.mark.parametrize("closed", sorted(CLOSED, key=lambda s: s.value), ids=lambda s: s.value)
def test_closed_states_are_terminal(closed):
    assert closed.closed
    assert workflow.next_statuses(closed) == []
    assert not any(workflow.allowed(closed, target) for target in Status)


def test_every_open_state_can_reach_a_closed_state_and_only_received_is_an_entry():
    for start in Status:
        seen, todo = set(), [start]
        while todo:
            for nxt in workflow.TRANSITIONS[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        assert start.closed or seen & CLOSED, start
    assert not any(S.RECEIVED in targets for targets in workflow.TRANSITIONS.values())


def test_next_statuses_keep_the_enum_order():
    assert workflow.next_statuses(S.REVIEW) == [S.INVESTIGATIVE_AUDIT, S.RECOMMENDATION, S.CLOSED_NOT_PROVEN,
                                                S.REJECTED, S.NOT_COMPETENT]


# --- change_status through the case page ------------------------------------------------------

@pytest.fixture
def handler(world, login_as):
    return english(login_as(world.handler))


@pytest.fixture
def case(app, world):
    # The handler works in the Inspektorat, so the case is about Dinas Kesehatan.
    return file_case(app, world.dinkes)


def move(handler, public_id, status, reason="Laporan sedang kami periksa.", referral=""):
    return handler.post(case_url(public_id, "/status"),
                        data={"status": status, "reason": reason, "referral": referral})


def test_the_case_page_offers_only_the_allowed_next_statuses(handler, case):
    page = text(handler.get(case_url(case["public_id"])))
    status_select = page.split('id="status"', 1)[1].split("</select>", 1)[0]
    assert set(re.findall(r'value="([a-z_]+)"', status_select)) == {
        "verifikasi", "ditolak", "bukan_wewenang"}


def test_a_status_change_is_saved_with_its_date_event_and_audit(app, world, handler, case, monkeypatch):
    freeze_today(monkeypatch, D1)
    response = move(handler, case["public_id"], "verifikasi")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(case_url(case["public_id"]))
    row = report_row(app, case["public_id"])
    assert row["status"] == S.VERIFICATION
    assert row["acknowledged_on"] == D1 and row["verified_on"] is None and row["closed_on"] is None
    assert ("status", True, S.VERIFICATION) in row["events"]
    [event] = audit_events(app, "wbs.status_changed", case["public_id"])
    assert event["actor_id"] == world.handler["user_id"]
    assert event["data"] == {"from": "diterima", "to": "verifikasi", "referral": None}


def test_a_full_path_sets_acknowledged_verified_and_closed_dates(app, handler, case, monkeypatch):
    pid = case["public_id"]
    freeze_today(monkeypatch, D1)
    assert move(handler, pid, "verifikasi").status_code == 302
    freeze_today(monkeypatch, D2)
    assert move(handler, pid, "telaah").status_code == 302
    for status in ("rekomendasi", "tindak_lanjut"):
        assert move(handler, pid, status).status_code == 302
    freeze_today(monkeypatch, D3)
    assert move(handler, pid, "selesai_terbukti", reason="Terbukti; sanksi dijatuhkan.").status_code == 302
    row = report_row(app, pid)
    assert (row["status"], row["acknowledged_on"], row["verified_on"], row["closed_on"]) == (
        S.CLOSED_PROVEN, D1, D2, D3)
    assert [e[2] for e in row["events"] if e[0] == "status"] == [
        S.VERIFICATION, S.REVIEW, S.RECOMMENDATION, S.FOLLOW_UP, S.CLOSED_PROVEN]
    # Terminal: the page offers no status form any more, and a forged move is refused.
    assert 'id="status"' not in text(handler.get(case_url(pid)))
    assert move(handler, pid, "tindak_lanjut").status_code == 400
    assert report_row(app, pid)["status"] == S.CLOSED_PROVEN


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_reason_is_required(app, handler, case, reason):
    response = move(handler, case["public_id"], "verifikasi", reason=reason)
    assert response.status_code == 400
    page = text(response)
    assert "Give the reason; the reporter will read it." in field_error(page, "status-reason")
    row = report_row(app, case["public_id"])
    assert row["status"] == S.RECEIVED and row["acknowledged_on"] is None
    assert [e[0] for e in row["events"]] == ["filed"]
    assert audit_events(app, "wbs.status_changed") == []


def test_not_competent_needs_a_referral(app, handler, case):
    response = move(handler, case["public_id"], "bukan_wewenang", reason="Ini ranah aparat penegak hukum.")
    assert response.status_code == 400
    assert "Say where the case is referred." in field_error(text(response), "referral")
    row = report_row(app, case["public_id"])
    assert row["status"] == S.RECEIVED and row["referral"] is None and row["closed_on"] is None
    assert audit_events(app, "wbs.status_changed") == []


@pytest.mark.parametrize("referral", [Referral.KPK, Referral.KEJAKSAAN, Referral.POLRI, Referral.LAPOR])
def test_not_competent_with_a_referral_closes_the_case(app, handler, case, referral, monkeypatch):
    freeze_today(monkeypatch, D2)
    response = move(handler, case["public_id"], "bukan_wewenang", reason="Diteruskan ke instansi berwenang.",
                    referral=referral.value)
    assert response.status_code == 302
    row = report_row(app, case["public_id"])
    assert (row["status"], row["referral"], row["closed_on"]) == (S.NOT_COMPETENT, referral, D2)
    assert audit_events(app, "wbs.status_changed")[0]["data"]["referral"] == referral.value
    page = reporter_page(app, case["receipt"])
    assert "Referred to" in page and str(referral.label) in page


@pytest.mark.parametrize(("status", "referral"), [
    ("selesai_terbukti", ""),       # a real status, but not a move from "received"
    ("telaah", ""),
    ("hacked", ""),                 # not a status at all
    ("diterima'--", ""),
    ("bukan_wewenang", "fbi"),      # a referral outside the list
])
def test_tampered_values_are_form_errors_not_500(app, handler, case, status, referral):
    response = move(handler, case["public_id"], status, reason="Alasan yang cukup.", referral=referral)
    assert response.status_code == 400
    page = text(response)
    assert field_error(page, "status") or field_error(page, "referral")
    assert report_row(app, case["public_id"])["status"] == S.RECEIVED
    assert audit_events(app, "wbs.status_changed") == []


def test_a_rejected_form_keeps_what_the_handler_typed(handler, case):
    page = text(move(handler, case["public_id"], "bukan_wewenang", reason="Alasan publik yang saya ketik"))
    status_form = page.split('/status"', 1)[1].split("</form>", 1)[0]
    assert "Alasan publik yang saya ketik" in status_form.split('name="reason"', 1)[1].split("</textarea>", 1)[0]
    assert 'value="bukan_wewenang" selected' in status_form or 'selected value="bukan_wewenang"' in status_form


# --- what the reporter sees -----------------------------------------------------------------

def test_the_reporter_sees_each_change_and_its_public_reason_but_no_note(app, handler, case):
    pid = case["public_id"]
    assert handler.post(case_url(pid, "/catatan"), data={"body": "CATATAN-INTERNAL: saksi kunci Pak X"}
                        ).status_code == 302
    assert move(handler, pid, "verifikasi", reason="Laporan Anda sedang kami verifikasi.").status_code == 302
    assert move(handler, pid, "telaah", reason="Bukti awal cukup; laporan ditelaah.").status_code == 302
    page = reporter_page(app, case["receipt"])
    assert "Status: Review" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    for seen in ("Report received", "Verification", "Laporan Anda sedang kami verifikasi.", "Review",
                 "Bukti awal cukup; laporan ditelaah."):
        assert seen in page
    assert page.index("Laporan Anda sedang kami verifikasi.") < page.index("Bukti awal cukup; laporan ditelaah.")
    assert "CATATAN-INTERNAL" not in page and "saksi kunci" not in page
    # ...while the handler does see the note.
    assert "CATATAN-INTERNAL: saksi kunci Pak X" in text(handler.get(case_url(pid)))


def test_the_reporter_does_not_see_who_changed_the_status_or_assignments(app, world, handler, case):
    from portal.auth.models import User
    from portal.extensions import db

    with app.app_context():
        handler_name = db.session.get(User, world.handler["user_id"]).display_name
    pid = case["public_id"]
    assert handler.post(case_url(pid, "/tugaskan"), data={"assignee": world.handler["user_id"]}).status_code == 302
    assert move(handler, pid, "ditolak", reason="Laporan tidak memuat fakta yang cukup.").status_code == 302
    page = reporter_page(app, case["receipt"])
    assert "Rejected" in page and "Laporan tidak memuat fakta yang cukup." in page
    assert handler_name not in page and "Assignment changed" not in page


# --- the service guards the same rules without the form ----------------------------------------

@pytest.mark.parametrize(("target", "reason", "referral", "field"), [
    (S.REVIEW, "Alasan cukup.", None, "status"),            # not a move from "received"
    (S.VERIFICATION, "   ", None, "reason"),
    (S.NOT_COMPETENT, "Ranah kepolisian.", None, "referral"),
])
def test_change_status_service_refuses(app, world, case, target, reason, referral, field):
    from portal.auth.models import User
    from portal.extensions import db
    from portal.wbs import handling
    from portal.wbs.models import Report
    from portal.wbs.services import WbsError

    with app.app_context():
        report = db.session.get(Report, case["id"])
        with pytest.raises(WbsError) as refused:
            handling.change_status(report, target, reason=reason, referral=referral,
                                   actor=db.session.get(User, world.handler["user_id"]))
        assert refused.value.field == field
        assert report.status == S.RECEIVED and report.acknowledged_on is None


# --- the queue's filters ----------------------------------------------------------------------

def test_the_queue_filters(app, world, handler):
    cats = {c["code"]: c["id"] for c in categories(app)}
    mine = file_case(app, world.dinkes, category_code="suap_menyuap")
    other = file_case(app, world.disdik, category_code="gratifikasi")
    closed = file_case(app, world.dinkes, category_code="suap_menyuap")
    assert handler.post(case_url(mine["public_id"], "/tugaskan"), data={"assignee": world.handler["user_id"]}
                        ).status_code == 302
    assert move(handler, closed["public_id"], "ditolak", reason="Tidak cukup bukti.").status_code == 302

    def listed(query=""):
        page = text(handler.get(f"/wbs/kelola/{query}"))
        return {name for name, c in (("mine", mine), ("other", other), ("closed", closed))
                if queue_row(page, c["public_id"])}

    assert listed() == {"mine", "other"}
    assert listed("?all=1") == {"mine", "other", "closed"}
    assert listed("?status=ditolak") == {"closed"}
    assert listed("?status=bogus") == {"mine", "other"}
    assert listed(f"?category={cats['gratifikasi']}") == {"other"}
    assert listed(f"?opd={world.disdik}") == {"other"}
    assert listed("?mine=1") == {"mine"}
    assert listed(f"?q={mine['public_id'][4:]}") == {"mine"}
    assert listed("?q=%25") == set()
