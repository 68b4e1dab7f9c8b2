"""Edges found in review: drafts stay private, reminders wait for an address, a fresh
installation has its lists."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from tests.test_access_matrix import make_declaration


def test_inspectorate_does_not_read_drafts(app, world, login_as):
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Kind
    from portal.org.models import Employee

    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        draft = services.save_draft(None, declarant=db.session.get(Employee, world.asn["employee_id"]),
                                    kind=Kind.ADHOC, fields=services.DraftFields(description="konsep"), actor=user)
        db.session.commit()
        draft_id = draft.id
    assert login_as(world.inspektur).get(f"/benturan-kepentingan/{draft_id}").status_code == 404
    assert login_as(world.asn).get(f"/benturan-kepentingan/{draft_id}").status_code == 200


def test_reminder_waits_until_the_decider_has_an_address(app, world):
    from portal.coi.models import Declaration
    from portal.coi.reminders import send_due_reminders
    from portal.org.models import Employee

    ids = make_declaration(app, world)
    with app.app_context():
        d = db.session.get(Declaration, ids["declaration_id"])
        assert d.decider.email is None
        assert send_due_reminders(d.due_on) == 0
        assert d.reminded_on is None
        db.session.get(Employee, world.kadis["employee_id"]).email = "kadis@padang.go.id"
        assert send_due_reminders(d.due_on) == 1
        assert d.reminded_on == d.due_on


def test_seed_gives_a_fresh_installation_its_lists(app, runner):
    from portal.coi.models import ListItem
    from portal.wbs.models import Category

    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["seed"])
    assert "0 new" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ListItem)) == 24
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Category)) == 8


def test_dates_in_audit_data_are_stored(ctx):
    from portal.core import audit

    event = audit.record("test.dated", object_type="x", data={"on": date(2026, 1, 2)})
    db.session.commit()
    assert event.data == {"on": "2026-01-02"}
    assert audit.verify_chain() == (True, None)
