"""Messages between the handler and the reporter, internal notes, and evidence downloads."""
from __future__ import annotations

import io
import re
from collections import Counter

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.wbs.workflow import Status
from tests.wbs.builders import png_bytes
from tests.wbs.handler_support import (audit_events, case_url, english, file_case, report_row, reporter_client,
                                       text)

EVIDENCE = b"Bukti transfer: Rp 50.000.000 ke rekening 123-456 tanggal 5 Januari 2026.\n"
NOTE = "CATATAN-INTERNAL: saksi kunci adalah bendahara; jangan hubungi dulu."


@pytest.fixture
def handler(world, login_as):
    return english(login_as(world.handler))


@pytest.fixture
def case(app, world):
    return file_case(app, world.dinkes, uploads=[("bukti transfer.txt", EVIDENCE), ("foto.png", png_bytes())])


def reporter_view(client) -> str:
    response = client.get("/wbs/pantau/laporan")
    assert response.status_code == 200
    return text(response)


# --- messages -------------------------------------------------------------------------------

def test_a_handler_message_reaches_the_reporter(app, world, handler, case):
    from portal.auth.models import User

    response = handler.post(case_url(case["public_id"], "/pesan"), data={"body": "Mohon kirim salinan kontrak."})
    assert response.status_code == 302
    assert report_row(app, case["public_id"])["messages"] == [(False, True)]
    [event] = audit_events(app, "wbs.message_sent", case["public_id"])
    assert event["actor_id"] == world.handler["user_id"] and event["data"] == {"wait_for_reply": False}
    page = reporter_view(reporter_client(app, case["receipt"]))
    assert "Mohon kirim salinan kontrak." in page and "WBS team" in page
    with app.app_context():
        assert db.session.get(User, world.handler["user_id"]).display_name not in page


def test_an_empty_message_is_refused(app, handler, case):
    response = handler.post(case_url(case["public_id"], "/pesan"), data={"body": "  "})
    assert response.status_code == 400
    assert "Write the message." in text(response)
    assert report_row(app, case["public_id"])["messages"] == []
    assert audit_events(app, "wbs.message_sent") == []


def test_a_reporter_reply_reaches_the_handler_and_is_marked_read(app, handler, case):
    reporter = reporter_client(app, case["receipt"])
    response = reporter.post("/wbs/pantau/laporan", data={"body": "Salinan kontrak saya kirim minggu depan."})
    assert response.status_code == 302
    assert "Your message has been sent to the WBS team." in text(reporter.get(response.location))  # it says so
    assert report_row(app, case["public_id"])["messages"] == [(True, False)]
    page = text(handler.get(case_url(case["public_id"])))
    assert "Salinan kontrak saya kirim minggu depan." in page
    assert report_row(app, case["public_id"])["messages"] == [(True, True)]


def test_a_conversation_keeps_its_order_on_both_sides(app, handler, case):
    reporter = reporter_client(app, case["receipt"])
    handler.post(case_url(case["public_id"], "/pesan"), data={"body": "PESAN-1 dari tim"})
    reporter.post("/wbs/pantau/laporan", data={"body": "PESAN-2 dari pelapor"})
    handler.post(case_url(case["public_id"], "/pesan"), data={"body": "PESAN-3 dari tim"})
    for page in (reporter_view(reporter), text(handler.get(case_url(case["public_id"])))):
        positions = [page.index(f"PESAN-{i}") for i in (1, 2, 3)]
        assert positions == sorted(positions)


def test_waiting_for_a_reply_is_recorded_and_ended_by_the_reply(app, handler, case):
    handler.post(case_url(case["public_id"], "/pesan"), data={"body": "Siapa saksinya?", "wait_for_reply": "y"})
    assert report_row(app, case["public_id"])["waiting_since"] is not None
    assert audit_events(app, "wbs.message_sent")[0]["data"] == {"wait_for_reply": True}
    reporter = reporter_client(app, case["receipt"])
    assert reporter.post("/wbs/pantau/laporan", data={"body": "Pak Budi."}).status_code == 302
    assert report_row(app, case["public_id"])["waiting_since"] is None
    assert "The reporter answered" in text(handler.get(case_url(case["public_id"])))
    assert "Waiting for the reporter" not in reporter_view(reporter)


# --- internal notes -------------------------------------------------------------------------

def test_internal_notes_stay_inside_the_team(app, world, handler, case):
    from portal.wbs.models import Note

    assert handler.post(case_url(case["public_id"], "/catatan"), data={"body": NOTE}).status_code == 302
    assert report_row(app, case["public_id"])["notes"] == 1
    assert audit_events(app, "wbs.note_added", case["public_id"])[0]["actor_id"] == world.handler["user_id"]
    with app.app_context():   # encrypted at rest
        assert b"CATATAN-INTERNAL" not in db.session.scalar(sa.select(Note.body))
    assert NOTE in text(handler.get(case_url(case["public_id"])))
    reporter = reporter_client(app, case["receipt"])
    handler.post(case_url(case["public_id"], "/status"), data={"status": "verifikasi", "reason": "Diverifikasi."})
    page = reporter_view(reporter)
    assert "Diverifikasi." in page
    assert "CATATAN-INTERNAL" not in page and "bendahara" not in page and "Internal note" not in page


def test_an_empty_note_is_refused(app, handler, case):
    response = handler.post(case_url(case["public_id"], "/catatan"), data={"body": ""})
    assert response.status_code == 400 and "Write the note." in text(response)
    assert report_row(app, case["public_id"])["notes"] == 0


def test_the_case_page_has_unique_field_ids(handler, case):
    page = text(handler.get(case_url(case["public_id"])))
    ids = Counter(re.findall(r'<(?:input|textarea|select)\b[^>]*\bid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []


# --- evidence -------------------------------------------------------------------------------

def test_the_handler_downloads_the_original_file(app, world, handler, case):
    text_id, image_id = case["evidence"]
    response = handler.get(case_url(case["public_id"], f"/bukti/{text_id}"))
    assert response.status_code == 200
    assert response.data == EVIDENCE
    assert response.mimetype == "text/plain"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "bukti" in disposition and ".txt" in disposition
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    [event] = audit_events(app, "wbs.evidence_downloaded", case["public_id"])
    assert event["actor_id"] == world.handler["user_id"] and event["data"] == {"evidence": text_id}
    image = handler.get(case_url(case["public_id"], f"/bukti/{image_id}"))
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.headers["Content-Disposition"].startswith("attachment")


def test_the_case_page_links_its_evidence(handler, case):
    page = text(handler.get(case_url(case["public_id"])))
    for evidence_id in case["evidence"]:
        assert case_url(case["public_id"], f"/bukti/{evidence_id}") in page
    assert "bukti transfer.txt" in page


def test_evidence_of_another_case_is_404(app, world, handler, case):
    other = file_case(app, world.disdik, uploads=[("lain.txt", b"Berkas kasus lain, bukan milik kasus ini.\n")])
    assert handler.get(case_url(case["public_id"], f"/bukti/{other['evidence'][0]}")).status_code == 404
    assert handler.get(case_url(case["public_id"], "/bukti/tidak-ada")).status_code == 404
    assert audit_events(app, "wbs.evidence_downloaded") == []
    # Through its own case it is there.
    assert handler.get(case_url(other["public_id"], f"/bukti/{other['evidence'][0]}")).status_code == 200


def test_an_excluded_handler_cannot_download(app, world, make_employee, login_as, case):
    from portal.core.roles import Role

    insider = make_employee(world.dinkes, username="petugas.dinkes", roles={Role.ASN, Role.WBS_HANDLER})
    response = english(login_as(insider)).get(case_url(case["public_id"], f"/bukti/{case['evidence'][0]}"))
    assert response.status_code == 403 and EVIDENCE not in response.data
    assert audit_events(app, "wbs.evidence_downloaded") == []


def test_evidence_the_reporter_adds_later_reaches_the_handler(app, handler, case):
    reporter = reporter_client(app, case["receipt"])
    extra = b"Rekaman percakapan ditranskripsi: 'bagi dua saja'.\n"
    response = reporter.post("/wbs/pantau/laporan", content_type="multipart/form-data",
                             data={"body": "", "evidence": [(io.BytesIO(extra), "transkrip.txt")]})
    assert response.status_code == 302
    page = text(handler.get(case_url(case["public_id"])))
    assert "transkrip.txt" in page
    new_id = [e for e in re.findall(r"/bukti/([A-Za-z0-9_-]+)", page) if e not in case["evidence"]]
    assert len(new_id) == 1
    assert handler.get(case_url(case["public_id"], f"/bukti/{new_id[0]}")).data == extra


# --- a closed case takes no messages ----------------------------------------------------------

@pytest.fixture
def closed_case(app, handler, case):
    response = handler.post(case_url(case["public_id"], "/status"),
                            data={"status": "ditolak", "reason": "Di luar ruang lingkup WBS."})
    assert response.status_code == 302
    assert report_row(app, case["public_id"])["status"] == Status.REJECTED
    return case


def test_a_closed_case_refuses_the_handlers_message(app, handler, closed_case):
    assert 'name="body"' not in text(handler.get(case_url(closed_case["public_id"]))).split("Internal notes")[0]
    response = handler.post(case_url(closed_case["public_id"], "/pesan"), data={"body": "Satu pesan lagi."})
    assert response.status_code == 400
    assert report_row(app, closed_case["public_id"])["messages"] == []
    assert audit_events(app, "wbs.message_sent") == []


def test_the_refusal_says_why(handler, closed_case):
    response = handler.post(case_url(closed_case["public_id"], "/pesan"), data={"body": "Satu pesan lagi."})
    assert "This case is closed; it no longer takes messages." in text(response)


def test_a_closed_case_refuses_the_reporters_reply(app, closed_case):
    reporter = reporter_client(app, closed_case["receipt"])
    page = reporter_view(reporter)
    assert "Rejected" in page and "Di luar ruang lingkup WBS." in page and 'name="body"' not in page
    reporter.post("/wbs/pantau/laporan", data={"body": "Saya keberatan."})
    assert report_row(app, closed_case["public_id"])["messages"] == []


def test_the_reporter_is_told_why_a_reply_was_refused(app, closed_case):
    reporter = reporter_client(app, closed_case["receipt"])
    response = reporter.post("/wbs/pantau/laporan", data={"body": "Saya keberatan."})
    assert "This case is closed; it no longer takes messages." in text(response)


def test_notes_may_still_be_added_to_a_closed_case(app, handler, closed_case):
    assert handler.post(case_url(closed_case["public_id"], "/catatan"),
                        data={"body": "Arsip: dikembalikan ke pelapor."}).status_code == 302
    assert report_row(app, closed_case["public_id"])["notes"] == 1
