"""The audit log is append-only in effect: any edit or deletion breaks the chain."""
from __future__ import annotations

import sqlalchemy as sa

from portal.core import audit
from portal.extensions import db
from tests.helpers.accounts import PASSWORD


def _events(n):
    for i in range(n):
        audit.record("test.event", object_type="thing", object_id=i, data={"i": i, "text": "é ü"})
    db.session.commit()


def test_chain_verifies(ctx):
    _events(5)
    assert audit.verify_chain() == (True, None)
    seqs = db.session.scalars(sa.select(audit.AuditEvent.seq).order_by(audit.AuditEvent.seq)).all()
    assert seqs == [1, 2, 3, 4, 5]


def test_editing_an_event_breaks_the_chain(ctx):
    _events(4)
    db.session.execute(sa.update(audit.AuditEvent).where(audit.AuditEvent.seq == 2).values(data={"i": 99}))
    db.session.commit()
    assert audit.verify_chain() == (False, 2)


def test_deleting_an_event_breaks_the_chain(ctx):
    _events(4)
    db.session.execute(sa.delete(audit.AuditEvent).where(audit.AuditEvent.seq == 3))
    db.session.commit()
    assert audit.verify_chain() == (False, 4)


def test_deleting_the_last_event_is_detected_by_the_head(ctx):
    _events(3)
    db.session.execute(sa.delete(audit.AuditEvent).where(audit.AuditEvent.seq == 3))
    db.session.commit()
    assert audit.verify_chain()[0] is False


def test_rolled_back_event_leaves_no_gap(ctx):
    _events(2)
    audit.record("test.rolled_back")
    db.session.rollback()
    _events(1)
    assert audit.verify_chain() == (True, None)


def test_admin_actions_are_audited(app, world, login_as):
    admin = login_as(world.admin)
    admin.post(f"/admin/akun/{world.asn['user_id']}", data={"roles": ["asn", "secretary"], "active": "y"})
    with app.app_context():
        event = db.session.scalars(sa.select(audit.AuditEvent).where(
            audit.AuditEvent.action == "auth.roles_changed")).one()
        assert event.actor_id == world.admin["user_id"]
        assert event.data == {"before": ["asn"], "after": ["asn", "secretary"]}
    page = admin.get("/admin/audit?action=auth.roles").get_data(as_text=True)
    assert "auth.roles_changed" in page


def test_admin_cannot_remove_own_admin_role(app, world, login_as):
    admin = login_as(world.admin)
    response = admin.post(f"/admin/akun/{world.admin['user_id']}?lang=en", data={"roles": ["asn"], "active": "y"})
    assert response.status_code == 400  # refused, with the reason next to the field
    assert "cannot remove your own administrator role" in response.get_data(as_text=True)


def test_admin_cannot_give_their_own_account_a_new_role(app, world, login_as):
    from portal.auth.models import User

    admin = login_as(world.admin)
    response = admin.post(f"/admin/akun/{world.admin['user_id']}?lang=en",
                          data={"roles": ["admin", "wbs_handler"], "active": "y"})
    assert response.status_code == 400  # refused, with the reason next to the field
    assert "cannot give your own account a new role" in response.get_data(as_text=True)
    with app.app_context():
        assert {r.value for r in db.session.get(User, world.admin["user_id"]).role_set} == {"admin"}
    # Another administrator may grant a role that is not privileged (privileged ones wait for a
    # second person, tests/admin/test_admin_four_eyes.py), audited under their own name.
    with app.app_context():
        from portal.auth import services as auth_services
        from portal.core.roles import Role

        other = auth_services.create_user(username="admin2", password=PASSWORD, roles={Role.ADMIN})
        db.session.commit()
        other_id = other.id
    response = login_as({"login": "admin2", "user_id": other_id}).post(
        f"/admin/akun/{world.admin['user_id']}?lang=en", data={"roles": ["admin", "secretary"], "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert {r.value for r in db.session.get(User, world.admin["user_id"]).role_set} == {"admin", "secretary"}


def test_admin_status_verifies_the_chain_only_when_asked(app, world, login_as):
    from portal.core.audit import AuditEvent

    admin = login_as(world.admin)
    page = admin.get("/admin/?lang=en").get_data(as_text=True)
    assert "Verify the whole chain now" in page and "Intact" not in page
    assert "Intact" in admin.get("/admin/?periksa=1&lang=en").get_data(as_text=True)
    with app.app_context():
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(action="forged"))
        db.session.commit()
    assert "Broken at event 2" in admin.get("/admin/?periksa=1&lang=en").get_data(as_text=True)
