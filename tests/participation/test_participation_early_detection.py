"""Early detection for the Inspectorate: each signal fires with its reason, thresholds are the
administrator's settings, and WBS counts below three are never shown whatever the setting.
The settings form refuses bad input with messages and keeps what was typed."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.participation.support import (BASE, complete, field_error, file_statement, make_module, put_setting,
                                         save_settings, settings_form, text)

KINDS = {"coverage": "Low e-learning coverage", "statements": "Yearly statements missing",
         "overdue": "Overdue conflict-of-interest decisions", "procurement": "Many declarations about procurement",
         "wbs": "WBS reports naming the OPD", "sessions": "Sessions skipped"}
DINKES, DISDIK = "Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan"


def signals(client) -> dict[tuple[str, str], str]:
    """(OPD name, signal label) -> why, from the early-detection page."""
    response = client.get(f"{BASE}/deteksi-dini")
    assert response.status_code == 200, response.data[:300]
    page = response.get_data(as_text=True)
    rows = re.findall(r"<tr><t[hd][^>]*>([^<]*)</t[hd]><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>", page)
    return {(html.unescape(o), html.unescape(k)): html.unescape(w) for o, k, w in rows}


def file_wbs_reports(opd_id: int, n: int) -> None:
    from portal.org.models import Opd
    from portal.wbs import services
    from portal.wbs.content import load_categories
    from portal.wbs.models import Category, Mode

    load_categories()
    category = db.session.scalars(sa.select(Category)).first()
    for i in range(n):
        services.file_report(mode=Mode.CONFIDENTIAL, category=category, reported_opd=db.session.get(Opd, opd_id),
                             content={"reported_name": f"Seseorang {i}", "what": "x" * 30, "where": "Padang",
                                      "how": "begitu"},
                             identity={"name": "Pelapor", "contact": "0812"}, uploads=[])
    db.session.commit()


def overdue_declaration(world) -> int:
    """An ad-hoc declaration about procurement by asn.dinkes, submitted, its deadline yesterday."""
    from portal.auth.models import User
    from portal.coi import lists, services
    from portal.coi.models import Activity, Kind, ListKind, Relationship, Status
    from portal.core.workdays import today

    lists.load_lists()
    user = db.session.get(User, world.asn["user_id"])
    d = services.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, actor=user, fields=services.DraftFields(
        description="Adik saya ikut tender alat kesehatan yang saya nilai.", activity=Activity.PROCUREMENT,
        related_party="CV Sehat Sentosa", relationship_kind=Relationship.FAMILY,
        type_ids=(lists.items(ListKind.TYPE)[0].id,), source_ids=(lists.items(ListKind.SOURCE)[0].id,)))
    services.submit(d, actor=user)
    assert d.status == Status.SUBMITTED
    d.due_on = today() - timedelta(days=1)
    db.session.commit()
    return d.id


def skipped_session(world, opds) -> int:
    """A session that started four hours ago and has ended; nobody came."""
    from tests.socialisation.factories import make_session

    return make_session(world, starts_in=timedelta(hours=-4), opds=opds, minutes_long=120).id


@pytest.fixture
def city(app, world):
    """Dinkes: no e-learning, no statements, an overdue decision, 3 WBS reports.
    Disdik and the Inspectorate: everyone completed the module and filed; Disdik has 2 WBS
    reports and skipped a session it was invited to."""
    with app.app_context():
        module_id = make_module("uji", "Modul Uji")
        for account in (world.inspektur, world.handler, world.secretary_disdik, world.asn_disdik):
            complete(account["employee_id"], module_id)
            file_statement(account["employee_id"])
        overdue_declaration(world)
        file_wbs_reports(world.dinkes, 3)
        file_wbs_reports(world.disdik, 2)
        skipped_session(world, [world.disdik])


def test_each_signal_with_its_reason(world, city, client_of):
    from portal.core.workdays import today

    inspektur = client_of("inspektur")
    found = signals(inspektur)
    year = today().year
    assert found[(DINKES, KINDS["coverage"])] == "E-learning coverage 0% is 57 points below the city's 57%."
    assert found[(DINKES, KINDS["statements"])] == (
        f"100% of the staff have not filed the yearly conflict-of-interest statement {year}.")
    assert found[(DINKES, KINDS["overdue"])] == "1 conflict-of-interest decisions are past their deadline."
    assert found[(DINKES, KINDS["wbs"])] == (
        "3 WBS reports this year name this OPD (counts only; the contents stay with the WBS team).")
    assert found[(DISDIK, KINDS["sessions"])] == (
        "Nobody from this OPD attended 1 socialisation sessions it was invited to this year.")
    # Nothing else: Disdik's two WBS reports stay hidden; procurement is below the default 5.
    assert set(found) == {(DINKES, KINDS[k]) for k in ("coverage", "statements", "overdue", "wbs")} | {
        (DISDIK, KINDS["sessions"])}
    page = text(inspektur.get(f"{BASE}/deteksi-dini"))
    assert "The city's e-learning coverage is 57%." in page
    assert f'href="/partisipasi/pegawai?opd={world.dinkes}&amp;filter=no_statement"' in inspektur.get(
        f"{BASE}/deteksi-dini").get_data(as_text=True)

    # The administrator also sees it; a secretary does not.
    assert signals(client_of("admin")) == found
    assert client_of("secretary").get(f"{BASE}/deteksi-dini").status_code == 403


def test_thresholds_are_settings(world, city, client_of):
    admin, inspektur = client_of("admin"), client_of("inspektur")
    save_settings(admin, coverage_gap_points=60, procurement_declarations=1, overdue_decisions=2,
                  sessions_skipped=2, statements_missing_percent=100)
    found = signals(inspektur)
    assert (DINKES, KINDS["coverage"]) not in found  # 57 points is below 60
    assert (DINKES, KINDS["overdue"]) not in found  # one overdue decision, two needed
    assert (DISDIK, KINDS["sessions"]) not in found
    assert (DINKES, KINDS["statements"]) in found  # 100% missing still reaches 100
    assert found[(DINKES, KINDS["procurement"])] == "1 conflict-of-interest declarations about procurement this year."


def test_two_wbs_reports_are_never_shown(app, world, city, client_of):
    admin, inspektur = client_of("admin"), client_of("inspektur")
    # The form refuses a threshold below three.
    response = admin.post(f"{BASE}/pengaturan", data=settings_form(wbs_reports=2))
    assert response.status_code == 400
    assert field_error(text(response), "wbs_reports")
    assert all(kind != KINDS["wbs"] for (opd, kind) in signals(inspektur) if opd == DISDIK)
    # Even a value stored past the form (a script, an old row) does not show two reports.
    for value in (2, 1, 0):
        with app.app_context():
            put_setting("signals.wbs_reports", value)
        found = signals(inspektur)
        assert (DISDIK, KINDS["wbs"]) not in found, value
        assert (DINKES, KINDS["wbs"]) in found
    # A third report about Disdik makes it appear.
    with app.app_context():
        file_wbs_reports(world.disdik, 1)
    assert signals(inspektur)[(DISDIK, KINDS["wbs"])].startswith("3 WBS reports this year")
    # And a threshold of 5 hides both again.
    save_settings(admin, wbs_reports=5)
    assert not any(kind == KINDS["wbs"] for (_, kind) in signals(inspektur))


def test_no_signal_page(app, world, client_of):
    inspektur = client_of("inspektur")
    # Nobody has filed: every OPD misses its statements.
    assert {kind for (_, kind) in signals(inspektur)} == {KINDS["statements"]}
    with app.app_context():
        for name in ("inspektur", "handler", "kadis", "secretary", "asn", "secretary_disdik", "asn_disdik"):
            file_statement(getattr(world, name)["employee_id"])
    assert signals(inspektur) == {}
    assert "No signal fired." in text(inspektur.get(f"{BASE}/deteksi-dini"))


# --- the settings form --------------------------------------------------------------------------

def test_settings_form_refuses_bad_input(app, world, client_of):
    from portal.participation import services

    admin = client_of("admin")
    with app.app_context():
        before = services.config()
    bad = {"reminder_daily_limit": "abc", "most_percent": "0", "wbs_reports": "2", "coverage_gap_points": "101",
           "target_date": "kemarin", "sessions_skipped": "-1"}
    response = admin.post(f"{BASE}/pengaturan", data=settings_form(**bad))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field, value in bad.items():
        assert field_error(page, field), field
        assert re.search(rf'<input[^>]*id="{field}"[^>]*value="{re.escape(value)}"', page) or re.search(
            rf'<input[^>]*value="{re.escape(value)}"[^>]*id="{field}"', page), (field, value)
    # The good values are kept too.
    assert re.search(r'<input[^>]*id="statements_missing_percent"[^>]*value="30"', page) or re.search(
        r'<input[^>]*value="30"[^>]*id="statements_missing_percent"', page)
    with app.app_context():
        assert services.config() == before  # nothing saved

    # Letters in every number field.
    response = admin.post(f"{BASE}/pengaturan", data=settings_form(most_percent="lima puluh"))
    assert response.status_code == 400 and field_error(text(response), "most_percent")


def test_settings_form_saves(app, world, client_of):
    from portal.core.audit import AuditEvent
    from portal.participation import services

    admin = client_of("admin")
    save_settings(admin, target_date="2026-06-30", reminder_daily_limit=25, most_percent=60, digest_enabled=None)
    with app.app_context():
        cfg = services.config()
        assert cfg["participation.target_date"] == "2026-06-30"
        assert cfg["participation.reminder_daily_limit"] == 25 and cfg["participation.most_percent"] == 60
        assert cfg["participation.digest_enabled"] is False
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "participation.settings_changed"))
        assert event is not None and event.data["participation.reminder_daily_limit"] == 25
    page = text(admin.get(f"{BASE}/pengaturan"))
    assert 'value="2026-06-30"' in page and 'value="25"' in page
