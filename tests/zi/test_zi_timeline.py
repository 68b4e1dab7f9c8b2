"""The year's Zona Integritas timeline: the Inspectorate enters each date with the letter that set
it, edits, marks done and deletes it; the units' secretaries and the administrator read it; the
near and past dates are on the Inspectorate's to-do list (and a unit's secretary's) until done."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.pages import english, field_error, page_text

LIST = "/zona-integritas/jadwal"
LETTER = "Surat KemenPANRB B/123/RB.06/2026 tanggal 10 Januari 2026"


@pytest.fixture
def inspektur(world, login_as):
    return english(login_as(world.inspektur))


def rows(app) -> list[dict]:
    from portal.zi.models import Milestone

    with app.app_context():
        return [{"id": m.id, "year": m.year, "label": m.label, "due_on": m.due_on, "source": m.source,
                 "done_on": m.done_on} for m in db.session.scalars(sa.select(Milestone).order_by(Milestone.id))]


def audit_actions(app) -> list[str]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return [e.action for e in db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action.like("zi.milestone%")).order_by(AuditEvent.seq))]


def add(client, *, label="Pengusulan unit melalui PMPZI", due="2026-03-31", source=LETTER, year=2026):
    return client.post(f"{LIST}/baru?tahun={year}", data={"label": label, "due_on": due, "source": source})


def test_readers_and_the_one_editor(app, world, inspektur, login_as):
    assert add(inspektur).status_code == 302
    milestone_id = rows(app)[0]["id"]
    for account in (world.secretary, world.secretary_disdik, world.admin):
        client = english(login_as(account))
        page = page_text(client.get(f"{LIST}?tahun=2026"))
        assert "Pengusulan unit melalui PMPZI" in page and LETTER in page and "Mark done" not in page
        assert add(client, label="Lain").status_code == 403
        assert client.get(f"{LIST}/{milestone_id}/ubah").status_code == 403
        for action in ("selesai", "buka-kembali", "hapus"):
            assert client.post(f"{LIST}/{milestone_id}/{action}").status_code == 403
    assert login_as(world.asn).get(f"{LIST}?tahun=2026").status_code == 403
    assert app.test_client().get(LIST).status_code == 302
    assert [r["label"] for r in rows(app)] == ["Pengusulan unit melalui PMPZI"] and rows(app)[0]["done_on"] is None


def test_the_page_says_where_the_dates_come_from(app, world, inspektur):
    page = page_text(inspektur.get(f"{LIST}?tahun=2027"))
    assert "come from that year's KemenPANRB letter" in page
    assert "No dates for 2027 yet" in page and rows(app) == []


def test_add_edit_done_reopen_delete(app, world, inspektur):
    response = add(inspektur)
    assert response.status_code == 302 and "tahun=2026" in response.headers["Location"]
    [row] = rows(app)
    assert (row["year"], row["label"], row["due_on"], row["source"], row["done_on"]) == (
        2026, "Pengusulan unit melalui PMPZI", date(2026, 3, 31), LETTER, None)
    mid = row["id"]
    form = page_text(inspektur.get(f"{LIST}/{mid}/ubah"))
    assert 'value="2026-03-31"' in form and LETTER in form
    assert inspektur.post(f"{LIST}/{mid}/ubah", data={"label": "Pengisian LKE", "due_on": "2026-05-15",
                                                       "source": LETTER}).status_code == 302
    assert (rows(app)[0]["label"], rows(app)[0]["due_on"]) == ("Pengisian LKE", date(2026, 5, 15))

    assert inspektur.post(f"{LIST}/{mid}/selesai").status_code == 302
    assert rows(app)[0]["done_on"] is not None
    assert "Done on" in page_text(inspektur.get(f"{LIST}?tahun=2026"))
    assert inspektur.post(f"{LIST}/{mid}/buka-kembali").status_code == 302
    assert rows(app)[0]["done_on"] is None
    assert inspektur.post(f"{LIST}/{mid}/hapus").status_code == 302
    assert rows(app) == []
    assert inspektur.post(f"{LIST}/{mid}/hapus").status_code == 404
    assert audit_actions(app) == ["zi.milestone_added", "zi.milestone_changed", "zi.milestone_done",
                                  "zi.milestone_reopened", "zi.milestone_deleted"]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"due_on": "2026-02-31"}, "due_on", "Not a valid date value."),
    ({"due_on": "2029-01-10"}, "due_on", "The date must fall within a year of 2026."),
    ({"source": "  "}, "source", "Name the letter that set this date"),
    ({"label": ""}, "label", "Say what is due."),
])
def test_bad_input_re_renders_with_what_was_typed(app, world, inspektur, data, field, message):
    sent = {"label": "Penilaian internal oleh Inspektorat", "due_on": "2026-06-30", "source": LETTER, **data}
    response = inspektur.post(f"{LIST}/baru?tahun=2026", data=sent)
    page = page_text(response)
    assert response.status_code == 400 and message in field_error(page, field)
    for value in sent.values():
        if value.strip():
            assert f'value="{value}"' in page
    assert rows(app) == []


def test_bad_date_on_edit_keeps_the_stored_one(app, world, inspektur):
    add(inspektur)
    mid = rows(app)[0]["id"]
    response = inspektur.post(f"{LIST}/{mid}/ubah", data={"label": "Pengisian LKE", "due_on": "31/31/2026",
                                                           "source": LETTER})
    assert response.status_code == 400 and 'value="31/31/2026"' in page_text(response)
    assert (rows(app)[0]["label"], rows(app)[0]["due_on"]) == ("Pengusulan unit melalui PMPZI", date(2026, 3, 31))


def _proposed(app, opd_id):
    from portal.zi import lke
    from portal.zi.models import Target, Unit

    with app.app_context():
        lke.load_shipped()
        db.session.add(Unit(version=lke.version_for(2026), opd_id=opd_id, target=Target.WBK))
        db.session.commit()


def test_near_and_past_dates_are_on_the_to_do_list_until_done(app, world, inspektur, login_as):
    from portal.core.clock import today
    from portal.core.formatting import day

    on = today()
    near, past, far = on + timedelta(days=10), on - timedelta(days=3), on + timedelta(days=60)
    for label, due in (("Pengisian LKE", near), ("Pengusulan unit", past), ("Penilaian TPN", far)):
        assert add(inspektur, label=label, due=due.isoformat()).status_code == 302
    _proposed(app, world.dinkes)

    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("en"):
            # The line names what is due; the home page prints its deadline under it, once.
            near_text, past_text = "Zona Integritas: Pengisian LKE", "Zona Integritas: Pengusulan unit"
            passed, near_day = f"The deadline, {day(past)}, has passed", day(near)
    home = page_text(inspektur.get("/"))
    assert near_text in home and past_text in home and "Penilaian TPN" not in home
    assert passed in home and home.count(near_day) == 1
    secretary = page_text(english(login_as(world.secretary)).get("/"))
    assert near_text in secretary and past_text in secretary
    # Dinas Pendidikan has no unit in 2026: the timeline is not its work.
    for account in (world.secretary_disdik, world.asn):
        other = page_text(english(login_as(account)).get("/"))
        assert near_text not in other and past_text not in other

    mid = next(r["id"] for r in rows(app) if r["label"] == "Pengisian LKE")
    assert inspektur.post(f"{LIST}/{mid}/selesai").status_code == 302
    home = page_text(inspektur.get("/"))
    assert near_text not in home and past_text in home
