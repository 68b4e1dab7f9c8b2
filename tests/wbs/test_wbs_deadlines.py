"""Deadlines in Indonesian working days: the calendar (weekends, national holidays, cuti
bersama, admin-entered days), the admin's settings, the deadline states, the pause while
waiting for the reporter, and the flags in the handlers' queue."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.wbs.workflow import Status
from portal.core.workdays import ExtraHoliday, add_workdays, is_workday, workdays_between
from tests.wbs.handler_support import (audit_events, english, field_error, file_case, freeze_today, queue_row,
                                       report_row, text)

d = date


@pytest.fixture
def admin(world, login_as):
    return english(login_as(world.admin))


@pytest.fixture
def handler(world, login_as):
    return english(login_as(world.handler))


# --- the calendar ---------------------------------------------------------------------------

@pytest.mark.parametrize("day", [
    d(2026, 3, 18),   # cuti bersama Nyepi
    d(2026, 3, 19),   # Nyepi
    d(2026, 3, 20), d(2026, 3, 23), d(2026, 3, 24),   # cuti bersama around Idul Fitri (21-22 March)
    d(2026, 12, 24),  # cuti bersama Natal
    d(2026, 12, 25),  # Natal
    d(2026, 11, 28), d(2026, 11, 29),  # a weekend
])
def test_days_off(ctx, day):
    assert not is_workday(day)


@pytest.mark.parametrize("day", [d(2026, 3, 17), d(2026, 3, 25), d(2026, 12, 23), d(2026, 12, 28)])
def test_working_days(ctx, day):
    assert is_workday(day)


@pytest.mark.parametrize(("start", "n", "expected"), [
    (d(2026, 11, 27), 1, d(2026, 11, 30)),   # Friday -> Monday
    (d(2026, 11, 27), 0, d(2026, 11, 27)),
    (d(2026, 3, 17), 1, d(2026, 3, 25)),     # Nyepi, Idul Fitri and their cuti bersama: 18-24 March
    (d(2026, 3, 13), 5, d(2026, 3, 27)),     # 16, 17, 25, 26, 27
    (d(2026, 3, 13), 10, d(2026, 4, 6)),     # ..., 2 April, Good Friday 3 April skipped, 6 April
    (d(2026, 12, 23), 1, d(2026, 12, 28)),   # 24 cuti bersama, 25 Natal, weekend
    (d(2026, 12, 22), 3, d(2026, 12, 29)),
])
def test_add_workdays(ctx, start, n, expected):
    assert add_workdays(start, n) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    (d(2026, 3, 17), d(2026, 3, 25), 1),
    (d(2026, 3, 16), d(2026, 3, 20), 1),
    (d(2026, 12, 23), d(2026, 12, 31), 4),
    (d(2026, 11, 23), d(2026, 11, 30), 5),
    (d(2026, 3, 25), d(2026, 3, 25), 0),
    (d(2026, 3, 25), d(2026, 3, 17), 0),
])
def test_workdays_between(ctx, start, end, expected):
    assert workdays_between(start, end) == expected


def test_add_and_between_are_inverse(ctx):
    for start in (d(2026, 3, 13), d(2026, 5, 26), d(2026, 12, 18), d(2027, 1, 1)):
        for n in (1, 5, 15, 60):
            assert workdays_between(start, add_workdays(start, n)) == n


def test_an_admin_entered_day_off_counts(app):
    with app.app_context():
        assert add_workdays(d(2026, 11, 27), 1) == d(2026, 11, 30)
        db.session.add(ExtraHoliday(day=d(2026, 11, 30), name="Libur daerah"))
        db.session.commit()
    with app.app_context():
        assert not is_workday(d(2026, 11, 30))
        assert add_workdays(d(2026, 11, 27), 1) == d(2026, 12, 1)
        assert workdays_between(d(2026, 11, 27), d(2026, 12, 1)) == 1


def test_the_admin_adds_and_removes_a_day_off(app, world, admin):
    response = admin.post("/admin/hari-libur", data={"day": "2026-11-30", "name": "HUT Kota Padang (contoh)"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(sa.select(ExtraHoliday))
        assert (row.day, row.name) == (d(2026, 11, 30), "HUT Kota Padang (contoh)")
        holiday_id = row.id
        assert add_workdays(d(2026, 11, 27), 1) == d(2026, 12, 1)
    [event] = audit_events(app, "admin.holiday_added")
    assert event["actor_id"] == world.admin["user_id"]
    assert "HUT Kota Padang (contoh)" in text(admin.get("/admin/hari-libur?tahun=2026"))

    duplicate = admin.post("/admin/hari-libur", data={"day": "2026-11-30", "name": "Lagi"})
    assert "This date is already in the list." in field_error(text(duplicate), "day")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExtraHoliday)) == 1

    assert admin.post(f"/admin/hari-libur/{holiday_id}/hapus").status_code == 302
    with app.app_context():
        assert db.session.get(ExtraHoliday, holiday_id) is None
        assert add_workdays(d(2026, 11, 27), 1) == d(2026, 11, 30)
    assert len(audit_events(app, "admin.holiday_removed")) == 1


def test_a_handler_cannot_edit_the_calendar(app, handler):
    assert handler.post("/admin/hari-libur", data={"day": "2026-11-30", "name": "x"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExtraHoliday)) == 0


# --- due dates from the settings ------------------------------------------------------------

def test_set_due_dates_uses_the_defaults_then_the_settings(app):
    from portal.core import settings
    from portal.wbs import deadlines

    filed = d(2026, 3, 13)
    with app.app_context():
        r = SimpleNamespace()
        deadlines.set_due_dates(r, filed)
        assert (r.ack_due, r.verify_due, r.conclude_due) == (
            d(2026, 3, 27), add_workdays(filed, 15), add_workdays(filed, 60))
        for key, value in {"wbs.ack_days": 2, "wbs.verify_days": 5, "wbs.conclude_days": 10}.items():
            settings.put(key, value)
        deadlines.set_due_dates(r, filed)
        assert (r.ack_due, r.verify_due, r.conclude_due) == (d(2026, 3, 17), d(2026, 3, 27), d(2026, 4, 6))


SETTINGS_FORM = {"ack_days": "2", "verify_days": "5", "conclude_days": "10", "due_soon_days": "1",
                 "max_file_mb": "10", "max_files": "5"}


def test_the_admin_changes_the_deadlines_for_new_reports(app, world, admin, monkeypatch):
    freeze_today(monkeypatch, d(2026, 3, 13))
    before = file_case(app, world.dinkes)
    page = text(admin.get("/wbs/kelola/pengaturan"))
    assert 'name="ack_days"' in page and 'value="5"' in page
    response = admin.post("/wbs/kelola/pengaturan", data=SETTINGS_FORM)
    assert response.status_code == 302
    [event] = audit_events(app, "wbs.settings_changed")
    assert event["actor_id"] == world.admin["user_id"]
    assert event["data"] == {"wbs.ack_days": 2, "wbs.verify_days": 5, "wbs.conclude_days": 10,
                             "wbs.due_soon_days": 1, "wbs.max_file_mb": 10, "wbs.max_files": 5}
    after = file_case(app, world.dinkes)
    new = report_row(app, after["public_id"])
    assert (new["ack_due"], new["verify_due"], new["conclude_due"]) == (d(2026, 3, 17), d(2026, 3, 27), d(2026, 4, 6))
    old = report_row(app, before["public_id"])
    assert old["ack_due"] == d(2026, 3, 27)   # a case already filed keeps its deadlines
    # Saving the same values again logs nothing; a later change logs only what changed.
    assert admin.post("/wbs/kelola/pengaturan", data=SETTINGS_FORM).status_code == 302
    assert len(audit_events(app, "wbs.settings_changed")) == 1
    assert admin.post("/wbs/kelola/pengaturan", data=dict(SETTINGS_FORM, ack_days="3")).status_code == 302
    assert audit_events(app, "wbs.settings_changed")[-1]["data"] == {"wbs.ack_days": 3}


@pytest.mark.parametrize("value", ["0", "999", "abc", ""])
def test_invalid_settings_re_render_with_errors(app, admin, value):
    response = admin.post("/wbs/kelola/pengaturan", data=dict(SETTINGS_FORM, ack_days=value))
    assert response.status_code in (200, 400)
    page = text(response)
    assert field_error(page, "ack_days")
    if value:   # what the admin typed comes back
        assert f'value="{value}"' in page.split('id="ack_days"', 1)[1].split(">", 1)[0]
    from portal.core.settings import Setting

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0
    assert audit_events(app, "wbs.settings_changed") == []


# --- the deadline state ---------------------------------------------------------------------

ON = d(2026, 6, 10)   # a Wednesday


def report(status=Status.RECEIVED, ack=None, verify=None, conclude=None, waiting=None):
    far = d(2026, 9, 1)
    return SimpleNamespace(status=status, ack_due=ack or far, verify_due=verify or far, conclude_due=conclude or far,
                           waiting_since=waiting)


@pytest.mark.parametrize(("r", "expected"), [
    (report(ack=ON - timedelta(days=1)), "overdue"),
    (report(ack=ON), "due_soon"),
    (report(ack=d(2026, 6, 15)), "due_soon"),                  # 3 working days ahead
    (report(ack=d(2026, 6, 17)), "on_time"),                   # 4 working days ahead (16 June is a holiday)
    (report(Status.VERIFICATION, ack=d(2026, 6, 1)), "on_time"),             # ack met: verify_due counts
    (report(Status.VERIFICATION, verify=d(2026, 6, 9)), "overdue"),
    (report(Status.REVIEW, verify=d(2026, 6, 1), conclude=d(2026, 6, 11)), "due_soon"),
    (report(Status.FOLLOW_UP, conclude=d(2026, 6, 9)), "overdue"),
    (report(ack=d(2026, 6, 1), waiting=d(2026, 5, 28)), "paused"),
    (report(Status.CLOSED_PROVEN, conclude=d(2026, 1, 1)), None),
    (report(Status.REJECTED, ack=d(2026, 1, 1)), None),
    (report(Status.NOT_COMPETENT, ack=d(2026, 1, 1), waiting=d(2026, 1, 1)), None),
], ids=lambda v: v if isinstance(v, str) or v is None else "")
def test_state(ctx, r, expected):
    from portal.wbs import deadlines

    assert deadlines.state(r, on=ON, due_soon_days=3) == expected


def test_state_reads_due_soon_from_the_settings(app):
    from portal.core import settings
    from portal.wbs import deadlines

    with app.app_context():
        r = report(ack=d(2026, 6, 11))
        assert deadlines.state(r, on=ON) == "due_soon"   # default: 3 working days
        settings.put("wbs.due_soon_days", 0)
        assert deadlines.state(r, on=ON) == "on_time"


# --- waiting for the reporter pauses the clock ----------------------------------------------

def test_waiting_for_the_reporter_shifts_the_deadlines_not_yet_met(app, world, monkeypatch):
    from portal.auth.models import User
    from portal.wbs import deadlines, handling, services
    from portal.wbs.models import Report

    freeze_today(monkeypatch, d(2026, 3, 13))
    case = file_case(app, world.dinkes)
    filed = report_row(app, case["public_id"])
    freeze_today(monkeypatch, d(2026, 3, 16))
    with app.app_context():
        r = db.session.get(Report, case["id"])
        handler = db.session.get(User, world.handler["user_id"])
        handling.change_status(r, Status.VERIFICATION, reason="Diverifikasi.", actor=handler)
        handling.send_message(r, "Mohon kirim salinan kontrak.", actor=handler, wait_for_reply=True)
        db.session.commit()
        assert deadlines.state(r) == "paused"
    paused = report_row(app, case["public_id"])
    assert paused["waiting_since"] == d(2026, 3, 16)
    freeze_today(monkeypatch, d(2026, 3, 26))   # 17, 25, 26: three working days of waiting
    with app.app_context():
        services.reporter_reply(db.session.get(Report, case["id"]), "Terlampir salinannya.", [])
        db.session.commit()
    row = report_row(app, case["public_id"])
    assert row["waiting_since"] is None
    assert row["ack_due"] == filed["ack_due"]   # already met: not moved
    with app.app_context():
        assert row["verify_due"] == add_workdays(filed["verify_due"], 3)
        assert row["conclude_due"] == add_workdays(filed["conclude_due"], 3)
    assert [e[:2] for e in row["events"] if e[0] in ("waiting", "resumed")] == [("waiting", False),
                                                                               ("resumed", False)]


def test_a_pause_before_acknowledging_moves_the_acknowledgement_too(app, world, monkeypatch):
    from portal.auth.models import User
    from portal.wbs import handling, services
    from portal.wbs.models import Report

    freeze_today(monkeypatch, d(2026, 12, 21))
    case = file_case(app, world.dinkes)
    filed = report_row(app, case["public_id"])
    with app.app_context():
        handling.send_message(db.session.get(Report, case["id"]), "Siapa saksinya?",
                              actor=db.session.get(User, world.handler["user_id"]), wait_for_reply=True)
        db.session.commit()
    freeze_today(monkeypatch, d(2026, 12, 28))   # 22, 23, 28: the Christmas days do not count
    with app.app_context():
        services.reporter_reply(db.session.get(Report, case["id"]), "Pak Budi.", [])
        db.session.commit()
        row = report_row(app, case["public_id"])
        assert row["ack_due"] == add_workdays(filed["ack_due"], 3)
        assert row["verify_due"] == add_workdays(filed["verify_due"], 3)


# --- flags in the queue ---------------------------------------------------------------------

def test_the_queue_flags_overdue_due_soon_and_waiting_cases(app, world, handler, monkeypatch):
    freeze_today(monkeypatch, d(2026, 3, 2))
    overdue = file_case(app, world.dinkes)            # acknowledge by 9 March
    freeze_today(monkeypatch, d(2026, 3, 10))
    soon = file_case(app, world.dinkes)               # acknowledge by 17 March
    waiting = file_case(app, world.dinkes)
    freeze_today(monkeypatch, d(2026, 3, 13))
    on_time = file_case(app, world.dinkes)            # acknowledge by 27 March
    assert handler.post(f"/wbs/kelola/kasus/{waiting['public_id']}/pesan",
                        data={"body": "Mohon detail lokasi.", "wait_for_reply": "y"}).status_code == 302
    page = text(handler.get("/wbs/kelola/"))
    assert "Overdue" in queue_row(page, overdue["public_id"])
    assert "Due soon" in queue_row(page, soon["public_id"])
    assert "Waiting for the reporter" in queue_row(page, waiting["public_id"])
    assert "Overdue" not in queue_row(page, waiting["public_id"])
    calm = queue_row(page, on_time["public_id"])
    assert "Overdue" not in calm and "Due soon" not in calm and "27 March 2026" in calm
    # The case page carries the same flag.
    assert "Overdue" in text(handler.get(f"/wbs/kelola/kasus/{overdue['public_id']}"))


def test_a_paused_deadline_says_it_is_paused_and_what_it_was(app, world, handler):
    """Not "Deadline: Waiting for the reporter 5 March 2027", which reads as a date to wait for."""
    from portal.wbs.models import Report

    case = file_case(app, world.disdik)
    with app.app_context():
        report = db.session.get(Report, case["id"])
        report.waiting_since = date.today()
        due = report.ack_due
        db.session.commit()
    page = " ".join(handler.get(f"/wbs/kelola/kasus/{case['public_id']}").get_data(as_text=True).split())
    from flask_babel import force_locale

    from portal.core import formatting

    with app.test_request_context("/"), force_locale("en"):
        written = formatting.day(due)
    assert f"paused: it was {written}, and moves on by the working days spent waiting" in page
