"""Two identical submissions at the same moment record exactly one thing (issue 9): a WBS
report, a conflict-of-interest declaration, a quiz submission, a check-in.

On PostgreSQL the two requests really run at once: two test clients in two threads released
by a barrier, and the request that gets in first is held inside its transaction (a short
sleep after the work, before the commit), so the second one arrives while the first is
still open. SQLite serialises writers, so there the same forms are replayed one after the
other. The single-use nonces of the WBS and declaration forms (portal/nonces.py) are also
checked from outside: missing, tampered, foreign, expired, and cleaned up afterwards.
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.learning.conftest import right_answers
from tests.learning.factories import make_small_module
from tests.helpers.nonce_support import form_nonce
from tests.ops.concurrency_support import HOLD, at_once, count, held, postgres_only
from tests.helpers.pages import english, field_error, flashed, page_text
from tests.socialisation.factories import make_session

COI = "/benturan-kepentingan"
RECEIPT = re.compile(r'receipt-code font-monospace user-select-all">([^<]+)<')
SENT_BEFORE = "This form had already been sent, so the report was recorded once, not twice."
REFUSED = "This form could not be accepted: its single-use code is missing or not valid."
EXPIRED = "This form was opened too long ago and has expired."
KEPT = "What you typed is kept below"
COI_SENT_BEFORE = "This form had already been sent, so sending it again changed nothing."


@pytest.fixture
def clock(monkeypatch):
    """Moves the nonces' clock (issue, expiry, seal window, purge) without touching the rest."""
    from portal.web import nonces

    state = {"offset": 0.0}
    monkeypatch.setattr(nonces, "_now", lambda: time.time() + state["offset"])
    return state


# --- the WBS report -----------------------------------------------------------------------------

REPORT = {"mode": "anonymous", "reported_name": "Tidak diketahui", "reported_opd": "0", "category": "1",
          "what": "Pungutan liar di loket pelayanan izin, setiap pemohon diminta uang.", "where": "Loket izin",
          "when_from": "2026-02-10", "how": "Diminta tunai oleh petugas loket", "good_faith": "y"}


def reports(app) -> int:
    from portal.wbs.models import Report

    return count(app, Report)


def report_form(client, **extra):
    return dict(REPORT, nonce=form_nonce(client, "/wbs/lapor?lang=en"), **extra)


def send_report(client, data):
    response = client.post("/wbs/lapor?lang=en", data=data, content_type="multipart/form-data")
    response.get_data()
    return response


@pytest.mark.postgres
def test_wbs_double_click_files_one_report_and_both_show_its_receipt(wbs_app, database, monkeypatch):
    postgres_only(database)
    from portal.wbs import services

    filed = held(monkeypatch, services, "file_report")
    first, second = wbs_app.test_client(), wbs_app.test_client()
    data = report_form(first)
    responses = at_once([lambda: send_report(first, dict(data)), lambda: send_report(second, dict(data))])
    assert [r.status_code for r in responses] == [200, 200]
    pages = [page_text(r) for r in responses]
    codes = [RECEIPT.search(p).group(1) for p in pages]
    assert codes[0] == codes[1]  # the browser shows the last response: it has the receipt too
    assert sorted(SENT_BEFORE in p for p in pages) == [False, True]
    assert len(filed) == 1 and reports(wbs_app) == 1
    with wbs_app.app_context():
        from portal.wbs import receipts
        from portal.wbs.models import Report

        report = db.session.scalars(sa.select(Report)).one()
        assert report.receipt_hash == receipts.lookup_key(codes[0])
        assert all(report.public_id in p for p in pages)


def test_wbs_replayed_form_files_once_and_shows_the_same_receipt(wbs_app, clock):
    from portal.web.nonces import SubmissionNonce

    client = wbs_app.test_client()
    data = report_form(client)
    first, again = send_report(client, dict(data)), send_report(client, dict(data))
    assert (first.status_code, again.status_code) == (200, 200)
    code = RECEIPT.search(page_text(first)).group(1)
    assert RECEIPT.search(page_text(again)).group(1) == code
    assert SENT_BEFORE in page_text(again) and SENT_BEFORE not in page_text(first)
    assert reports(wbs_app) == 1
    with wbs_app.app_context():
        row = db.session.scalars(sa.select(SubmissionNonce)).one()
        from portal.wbs.models import Report

        public_id = db.session.scalars(sa.select(Report.public_id)).one()
        # What the table keeps: a hash, no link to the case, a date, and the seal for minutes.
        assert re.fullmatch(r"[0-9a-f]{64}", row.nonce_hash) and row.scope == "wbs.report"
        assert row.result_ref is None
        assert (row.expires_at.hour, row.expires_at.minute, row.expires_at.second) == (0, 0, 0)
        assert code.encode() not in row.sealed_result and public_id.encode() not in row.sealed_result
        assert timedelta(0) < row.sealed_until - datetime.now(timezone.utc) <= timedelta(minutes=5)

    # After the seal is gone, a reload still files nothing and says why it shows no code.
    clock["offset"] = 6 * 60
    late = send_report(client, dict(data))
    assert late.status_code == 409 and SENT_BEFORE in page_text(late)
    assert "cannot be shown again" in page_text(late) and not RECEIPT.search(page_text(late))
    assert reports(wbs_app) == 1


@pytest.mark.parametrize("nonce", [None, "", "garbage", "tampered", "other-issue-time", "coi-form"])
def test_wbs_missing_or_tampered_nonce_is_refused_and_the_text_kept(wbs_app, world, login_as, nonce):
    client = wbs_app.test_client()
    good = form_nonce(client, "/wbs/lapor")
    value = {"garbage": "abc.def.ghi", "tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
             "other-issue-time": good.replace(f".{good.split('.')[1]}.", f".{int(good.split('.')[1]) - 60}."),
             "coi-form": form_nonce(login_as(world.asn), f"{COI}/baru/adhoc")}.get(nonce, nonce)
    data = dict(REPORT, what="Teks laporan saya yang panjang, jangan sampai hilang ketika ditolak.")
    if value is not None:
        data["nonce"] = value
    response = send_report(client, data)
    page = page_text(response)
    assert response.status_code == 200 and REFUSED in page and KEPT in page
    assert "Teks laporan saya yang panjang, jangan sampai hilang ketika ditolak." in page
    assert "Please correct the fields marked below." not in page  # no field is wrong
    assert reports(wbs_app) == 0
    # The form comes back with a fresh nonce: sending it as it is now works.
    retry = send_report(client, dict(data, nonce=re.search(r'name="nonce" value="([^"]+)"', page).group(1)))
    assert RECEIPT.search(page_text(retry)) and reports(wbs_app) == 1


def test_wbs_refusal_is_translated(wbs_app):
    from flask_babel import force_locale

    from portal.web import nonces

    with wbs_app.test_request_context("/"), force_locale("id"):
        expected = str(nonces.MISSING)  # the catalog's Indonesian (English until it has one)
    client = wbs_app.test_client()
    response = client.post("/wbs/lapor?lang=id", data=dict(REPORT), content_type="multipart/form-data")
    page = page_text(response)
    assert response.status_code == 200 and expected in page
    assert "Pungutan liar di loket pelayanan izin" in page and reports(wbs_app) == 0


def test_wbs_expired_nonce_is_refused_then_cleaned_and_never_files_twice(wbs_app, clock):
    from portal.core import jobs
    from portal.web import nonces
    from portal.web.nonces import SubmissionNonce

    client = wbs_app.test_client()
    clock["offset"] = -9 * 3600  # a form left open since this morning
    stale = report_form(client)
    clock["offset"] = 0
    response = send_report(client, stale)
    assert response.status_code == 200 and EXPIRED in page_text(response) and reports(wbs_app) == 0

    data = report_form(client)
    assert RECEIPT.search(page_text(send_report(client, dict(data))))
    # The worker's task: the seal is wiped after its minutes, the row after the token's life.
    clock["offset"] = 6 * 60
    with wbs_app.app_context():
        assert nonces.purge_task in jobs.PERIODIC  # the worker runs it every half minute
        assert nonces.purge_task() == (0, 1)
        row = db.session.scalars(sa.select(SubmissionNonce)).one()
        assert row.sealed_result is None and row.sealed_until is None
    clock["offset"] = 8 * 3600 + 24 * 3600 + 60
    with wbs_app.app_context():
        assert nonces.purge_task() == (1, 0)
    assert count(wbs_app, SubmissionNonce) == 0
    # The same form sent once more, now that its row is gone: refused as expired, not filed.
    replay = send_report(client, dict(data))
    assert EXPIRED in page_text(replay) and reports(wbs_app) == 1


# --- conflict-of-interest declarations -------------------------------------------------------------

def adhoc(items, **over):
    data = {"types": [items[("type", "BK01")]], "sources": [items[("source", "S3")]],
            "description": "Adik kandung saya direktur CV yang ikut tender alat kesehatan tahun ini.",
            "activity": "procurement", "activity_detail": "Tender alkes", "related_party": "CV Sehat Sentosa",
            "relationship_kind": "family", "proposed_measure": "Saya mundur dari panitia.",
            "send": "Save and submit"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def declarations(app, **where) -> list[dict]:
    from portal.coi.models import Declaration

    with app.app_context():
        rows = db.session.scalars(sa.select(Declaration).filter_by(**where).order_by(Declaration.id))
        return [{"id": d.id, "status": d.status.value, "kind": d.kind.value} for d in rows]


def submitted_events(app) -> int:
    from portal.core.audit import AuditEvent

    return count(app, AuditEvent, AuditEvent.action == "coi.declaration_submitted")


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ["adhoc", "yearly"])
def test_declaration_double_click_records_one(app, world, login_as, items, database, monkeypatch, kind):
    postgres_only(database)
    from portal.coi import services

    saved = held(monkeypatch, services, "save_draft")
    first, second = english(login_as(world.asn)), english(login_as(world.asn))
    url = f"{COI}/baru/{kind}"
    data = dict(adhoc(items) if kind == "adhoc" else {"no_conflict": "y", "send": "Save and submit"},
                nonce=form_nonce(first, url))
    responses = at_once([lambda: first.post(url, data=dict(data)), lambda: second.post(url, data=dict(data))])
    assert [r.status_code for r in responses] == [302, 302]
    only = declarations(app)
    assert len(only) == 1 and len(saved) == 1 and submitted_events(app) == 1
    assert only[0]["status"] in ("submitted", "filed")
    assert {r.headers["Location"] for r in responses} == {f"{COI}/{only[0]['id']}"}
    messages = sorted(flashed(c) for c in (first, second))
    assert COI_SENT_BEFORE in messages[1] and messages[0] == "Submitted."


@pytest.mark.postgres
def test_two_different_yearly_forms_at_once_keep_one_statement(app, world, login_as, database, monkeypatch):
    postgres_only(database)
    from portal.coi import services

    held(monkeypatch, services, "save_draft")
    tabs = [english(login_as(world.asn)) for _ in range(2)]
    url = f"{COI}/baru/yearly"
    forms = [{"no_conflict": "y", "send": "Save and submit", "nonce": form_nonce(t, url)} for t in tabs]
    responses = at_once([lambda t=t, f=f: t.post(url, data=f) for t, f in zip(tabs, forms)])
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert [d["kind"] for d in declarations(app)] == ["yearly"]
    assert submitted_events(app) == 1
    assert any("You already have a yearly statement for this year" in flashed(t) for t in tabs)


@pytest.mark.postgres
def test_submit_button_pressed_twice_at_once_submits_once(app, world, login_as, items, database, monkeypatch):
    postgres_only(database)
    from portal.coi import services

    first, second = english(login_as(world.asn)), english(login_as(world.asn))
    url = f"{COI}/baru/adhoc"
    draft = first.post(url, data=dict(adhoc(items, send=None, save="Save draft"), nonce=form_nonce(first, url)))
    did = int(draft.headers["Location"].rsplit("/", 1)[1])
    original = services.submit

    def slow_submit(*args, **kwargs):
        original(*args, **kwargs)
        time.sleep(HOLD)

    monkeypatch.setattr(services, "submit", slow_submit)
    responses = at_once([lambda: c.post(f"{COI}/{did}/ajukan") for c in (first, second)])
    assert sorted(r.status_code for r in responses) == [302, 400]
    assert "This declaration has already been submitted." in page_text(next(r for r in responses if r.status_code == 400))
    assert declarations(app)[0]["status"] == "submitted" and submitted_events(app) == 1


def test_declaration_replayed_form_records_once(app, world, login_as, items):
    asn = english(login_as(world.asn))
    url = f"{COI}/baru/adhoc"
    data = dict(adhoc(items), nonce=form_nonce(asn, url))
    first = asn.post(url, data=dict(data))
    assert first.status_code == 302 and flashed(asn) == "Submitted."
    for _ in range(2):  # the reload, then the back button and the button again
        again = asn.post(url, data=dict(data, description="Teks lain setelah tombol kembali, tetap tidak tercatat."))
        assert again.headers["Location"] == first.headers["Location"]
        assert COI_SENT_BEFORE in flashed(asn)
    assert len(declarations(app)) == 1 and submitted_events(app) == 1
    with app.app_context():
        from portal.web.nonces import SubmissionNonce

        row = db.session.scalars(sa.select(SubmissionNonce)).one()
        assert row.result_ref == str(declarations(app)[0]["id"]) and row.sealed_result is None


def test_edit_form_replay_changes_nothing_more(app, world, login_as, items):
    asn = english(login_as(world.asn))
    url = f"{COI}/baru/adhoc"
    did = int(asn.post(url, data=dict(adhoc(items, send=None, save="Save draft"), nonce=form_nonce(asn, url)))
              .headers["Location"].rsplit("/", 1)[1])
    edit = f"{COI}/{did}/ubah"
    data = dict(adhoc(items), nonce=form_nonce(asn, edit))
    assert asn.post(edit, data=dict(data)).status_code == 302
    # Sent again once submitted: the page says it can no longer change, and it does not.
    assert asn.post(edit, data=dict(data)).headers["Location"] == f"{COI}/{did}"
    assert "A submitted declaration can no longer be changed." in flashed(asn)
    assert declarations(app) == [{"id": did, "status": "submitted", "kind": "adhoc"}] and submitted_events(app) == 1


@pytest.mark.parametrize("source", [None, "tampered", "wbs-form", "yearly-form", "other-person", "other-draft"])
def test_declaration_with_a_foreign_or_bad_nonce_is_refused(app, world, login_as, items, source):
    asn = english(login_as(world.asn))
    url = f"{COI}/baru/adhoc"
    good = form_nonce(asn, url)
    nonce = {"tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
             "wbs-form": form_nonce(app.test_client(), "/wbs/lapor"),
             "yearly-form": form_nonce(asn, f"{COI}/baru/yearly"),
             "other-person": form_nonce(english(login_as(world.kadis)), url)}.get(source)
    if source == "other-draft":
        did = int(asn.post(url, data=dict(adhoc(items, send=None, save="Save draft"), nonce=good))
                  .headers["Location"].rsplit("/", 1)[1])
        nonce = form_nonce(asn, f"{COI}/{did}/ubah")
    before = declarations(app)
    data = adhoc(items, description="Uraian yang saya ketik sendiri dan tidak boleh hilang sama sekali.")
    if nonce is not None:
        data["nonce"] = nonce
    response = asn.post(url, data=data)
    page = page_text(response)
    assert response.status_code == 400 and REFUSED in page and KEPT in page
    assert "Uraian yang saya ketik sendiri dan tidak boleh hilang sama sekali." in page
    assert not field_error(page, "description")
    assert declarations(app) == before


# --- the quiz and the check-in: built for this already, proved here ---------------------------------

@pytest.mark.postgres
def test_quiz_submitted_twice_at_once_is_graded_once(app, world, login_as, database, monkeypatch):
    postgres_only(database)
    from portal.learning import attempts
    from portal.learning.models import Attempt

    with app.app_context():
        module_id = make_small_module()
        db.session.commit()
    first, second = login_as(world.asn), login_as(world.asn)
    start = first.post(f"/belajar/modul/{module_id}/kuis")
    attempt_id = int(start.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        a = db.session.get(Attempt, attempt_id)
        answers = right_answers({"questions": [{"question_id": q.question_id, "correct": q.correct_choice_ids}
                                               for q in a.questions]})
    graded = held(monkeypatch, attempts, "_grade")
    url = f"/belajar/percobaan/{attempt_id}"
    responses = at_once([lambda c=c: c.post(url, data={"finish": "1", **answers},
                                            headers={"Accept": "application/json"}) for c in (first, second)])
    assert sorted((r.status_code, r.json["status"]) for r in responses) == [(200, "already_submitted"), (200, "graded")]
    assert len(graded) == 1
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Attempt).where(Attempt.module_id == module_id)))
        assert len(rows) == 1 and rows[0].submitted_at is not None and rows[0].score_percent == 100


def test_quiz_replayed_submission_is_graded_once(app, world, login_as):
    from portal.learning.models import Attempt

    with app.app_context():
        module_id = make_small_module()
        db.session.commit()
    asn = english(login_as(world.asn))
    attempt_id = int(asn.post(f"/belajar/modul/{module_id}/kuis").headers["Location"].rsplit("/", 1)[1])
    url = f"/belajar/percobaan/{attempt_id}"
    first = asn.post(url, data={"finish": "1"})
    assert first.headers["Location"].endswith("/hasil") and "graded" in flashed(asn)
    with app.app_context():
        submitted = db.session.get(Attempt, attempt_id).submitted_at
    again = asn.post(url, data={"finish": "1"})
    assert again.headers["Location"].endswith("/hasil") and "already been submitted" in flashed(asn)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at == submitted
    assert count(app, Attempt) == 1


def _checkin_session(app, world) -> tuple[int, str]:
    from portal.socialisation import checkin

    with app.app_context():
        session = make_session(world, starts_in=timedelta(minutes=-5), invite=[world.asn])
        return session.id, checkin.make_token(session.id, checkin.current_window())


@pytest.mark.postgres
def test_check_in_scanned_twice_at_once_is_recorded_once(app, world, login_as, database, monkeypatch):
    postgres_only(database)
    from portal.socialisation import checkin
    from portal.socialisation.models import Participant

    sid, tok = _checkin_session(app, world)
    phones = [english(login_as(world.asn)) for _ in range(2)]
    recorded = held(monkeypatch, checkin, "check_in")
    responses = at_once([lambda p=p: p.get(f"/hadir/{tok}") for p in phones])
    assert [r.status_code for r in responses] == [200, 200]
    pages = sorted(page_text(r) for r in responses)
    assert sum("You are checked in." in p for p in pages) == 1
    assert sum("You had already checked in; nothing changed." in p for p in pages) == 1
    assert len(recorded) == 2  # both reached the upsert: the database, not the view, kept one
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Participant).where(Participant.session_id == sid)))
        assert len(rows) == 1 and rows[0].status.value == "present"


def test_check_in_scanned_twice_is_recorded_once(app, world, login_as):
    from portal.socialisation.models import Participant

    sid, tok = _checkin_session(app, world)
    phone = english(login_as(world.asn))
    assert "You are checked in." in page_text(phone.get(f"/hadir/{tok}"))
    with app.app_context():
        at = db.session.scalars(sa.select(Participant.checked_in_at).where(Participant.session_id == sid)).one()
    again = phone.get(f"/hadir/{tok}")
    assert again.status_code == 200 and "You had already checked in; nothing changed." in page_text(again)
    with app.app_context():
        assert db.session.scalars(sa.select(Participant.checked_in_at).where(Participant.session_id == sid)).one() == at
