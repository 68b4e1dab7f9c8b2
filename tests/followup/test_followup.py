"""Follow-up of an evaluation's recommendations: the Inspectorate adds them on the evaluation
page, the responsible OPD's secretary (or account) sees them on the home page and reports them
done; nobody else sees them; the evaluation's PDF prints them."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.pages import english, field_error, page_text, pdf_text

OVERSIGHT = "/benturan-kepentingan/pengawasan"
TEXT = "Tetapkan petugas pengelola benturan kepentingan di setiap bidang."


@pytest.fixture
def inspektur(world, login_as):
    return english(login_as(world.inspektur))


def new_url(opd_id, year=2026, key=None):
    return f"/tindak-lanjut/evaluasi/coi.evaluation/{key or opd_id}/{year}/baru"


def add(client, opd_id, *, text=TEXT, due=None, owner="", key=None, year=2026):
    due = due or date.today() + timedelta(days=30)
    return client.post(new_url(opd_id, year, key), data={"text": text, "opd_id": opd_id, "owner_login": owner,
                                                          "due_on": due.isoformat()})


def recommendation(app, **where) -> dict:
    from portal.followup.models import Recommendation

    with app.app_context():
        rec = db.session.scalars(sa.select(Recommendation).filter_by(**where).order_by(Recommendation.id)).first()
        return {"id": rec.id, "status": rec.status.value, "note": rec.completion_note, "opd_id": rec.opd_id,
                "owner_id": rec.owner_id, "completed_by_id": rec.completed_by_id, "key": rec.source_key,
                "evidence": rec.evidence_name, "text": rec.text}


def audit_actions(app) -> list[str]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return [e.action for e in db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action.like("followup.%")).order_by(AuditEvent.seq))]


def test_reviewer_adds_secretary_sees_it_at_home_and_completes_it(app, world, inspektur, login_as):
    form = page_text(inspektur.get(new_url(world.dinkes)))
    assert "New recommendation" in form and "Dinas Kesehatan" in form
    response = add(inspektur, world.dinkes)
    assert response.status_code == 302 and f"/evaluasi?opd={world.dinkes}&tahun=2026" in response.headers["Location"]
    rec = recommendation(app, source_kind="coi.evaluation", source_key=str(world.dinkes), year=2026)
    assert (rec["status"], rec["opd_id"], rec["owner_id"]) == ("open", world.dinkes, None)
    evaluation_page = page_text(inspektur.get(f"{OVERSIGHT}/evaluasi?opd={world.dinkes}&tahun=2026"))
    assert TEXT in evaluation_page and "Add a recommendation" in evaluation_page

    secretary = english(login_as(world.secretary))
    home = page_text(secretary.get("/"))
    assert "1 recommendation of an evaluation to follow up" in home
    assert TEXT in page_text(secretary.get("/tindak-lanjut/"))
    detail = page_text(secretary.get(f"/tindak-lanjut/{rec['id']}"))
    assert TEXT in detail and "Report as done" in detail and "Edit" not in detail
    assert secretary.get(f"/tindak-lanjut/{rec['id']}/ubah").status_code == 403

    empty = secretary.post(f"/tindak-lanjut/{rec['id']}/selesai", data={"note": "  "})
    assert empty.status_code == 400 and recommendation(app, id=rec["id"])["status"] == "open"
    done = secretary.post(f"/tindak-lanjut/{rec['id']}/selesai", content_type="multipart/form-data", data={
        "note": "SK Kepala Dinas tentang petugas sudah ditetapkan.",
        "evidence": (io.BytesIO(b"SK Kepala Dinas Kesehatan\n"), "sk-petugas.txt")})
    assert done.status_code == 302
    rec = recommendation(app, id=rec["id"])
    assert (rec["status"], rec["completed_by_id"], rec["evidence"]) == ("done", world.secretary["user_id"],
                                                                        "sk-petugas.txt")
    assert "recommendation of an evaluation" not in page_text(secretary.get("/"))
    evidence = secretary.get(f"/tindak-lanjut/{rec['id']}/bukti")
    assert evidence.status_code == 200 and evidence.data == b"SK Kepala Dinas Kesehatan\n"

    # The Inspectorate finds it insufficient: open again.
    assert inspektur.post(f"/tindak-lanjut/{rec['id']}/buka-kembali").status_code == 302
    assert recommendation(app, id=rec["id"])["status"] == "open"
    assert audit_actions(app) == ["followup.recommendation_added", "followup.recommendation_completed",
                                  "followup.recommendation_reopened"]


def test_another_opds_secretary_and_others_cannot(app, world, inspektur, login_as):
    add(inspektur, world.dinkes)
    rec = recommendation(app, source_key=str(world.dinkes))
    for account in (world.secretary_disdik, world.asn, world.handler, world.admin):
        client = login_as(account)
        assert client.get(f"/tindak-lanjut/{rec['id']}").status_code == 404
        assert client.post(f"/tindak-lanjut/{rec['id']}/selesai", data={"note": "Sudah."}).status_code == 404
        assert client.get(f"/tindak-lanjut/{rec['id']}/ubah").status_code == 404
        assert TEXT not in page_text(client.get("/tindak-lanjut/"))
        assert client.get(new_url(world.dinkes)).status_code == 403
        assert add(client, world.dinkes).status_code == 403
    assert recommendation(app, id=rec["id"])["status"] == "open"
    assert "recommendation" not in page_text(english(login_as(world.secretary_disdik)).get("/"))


def test_responsible_account_sees_and_completes(app, world, inspektur, login_as):
    assert add(inspektur, world.disdik, owner="asn.dinkes", key="city").status_code == 302
    rec = recommendation(app, source_key="city")
    assert rec["owner_id"] == world.asn["user_id"] and rec["opd_id"] == world.disdik
    asn = english(login_as(world.asn))
    assert "1 recommendation of an evaluation to follow up" in page_text(asn.get("/"))
    assert asn.post(f"/tindak-lanjut/{rec['id']}/selesai", data={"note": "Sudah dilaksanakan."}).status_code == 302
    assert recommendation(app, id=rec["id"])["status"] == "done"
    city_page = page_text(inspektur.get(f"{OVERSIGHT}/evaluasi/kota?tahun=2026"))
    assert TEXT in city_page


def test_bad_input_is_refused_and_kept(app, world, inspektur):
    response = add(inspektur, world.dinkes, text="Perbaiki register.", owner="tidak.ada")
    page = page_text(response)
    assert response.status_code == 400 and "Perbaiki register." in page
    assert "No active account has this username or NIP." in field_error(page, "owner_login")
    response = inspektur.post(new_url(world.dinkes), data={"text": "", "opd_id": "x", "due_on": "kemarin"})
    assert response.status_code == 400
    assert inspektur.get(new_url(world.dinkes, key="999999999999")).status_code == 404
    assert inspektur.get("/tindak-lanjut/evaluasi/tidak.ada/1/2026/baru").status_code == 403
    assert audit_actions(app) == []


def test_edit_and_overdue(app, world, inspektur, login_as):
    add(inspektur, world.dinkes, due=date.today() + timedelta(days=10))
    rec = recommendation(app, source_key=str(world.dinkes))
    edited = inspektur.post(f"/tindak-lanjut/{rec['id']}/ubah", data={
        "text": "Teks baru.", "opd_id": world.dinkes, "owner_login": "",
        "due_on": (date.today() - timedelta(days=3)).isoformat()})
    assert edited.status_code == 302 and recommendation(app, id=rec["id"])["text"] == "Teks baru."
    secretary = english(login_as(world.secretary))
    home = page_text(secretary.get("/"))
    due = (date.today() - timedelta(days=3)).strftime("%-d %B %Y")
    assert "1 recommendation of an evaluation to follow up" in home and f"The deadline, {due}, has passed" in home
    assert "Overdue" in page_text(secretary.get("/tindak-lanjut/?status=overdue"))
    assert "1 recommendation is overdue" in page_text(inspektur.get("/"))


def test_evaluation_pdf_prints_the_recommendations(app, world, inspektur):
    add(inspektur, world.dinkes, due=date(2027, 3, 31))
    words = pdf_text(inspektur.get(f"{OVERSIGHT}/evaluasi.pdf?opd={world.dinkes}&tahun=2026").data)
    assert "Tetapkan petugas pengelola" in words and "31 Maret 2027" in words and "Terbuka" in words
    assert "Dinas Kesehatan" in words
