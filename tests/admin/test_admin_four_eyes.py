"""Four eyes: one administrator cannot take over a WBS handler's (or any privileged) account.

A temporary password, a reset of two-step verification or a privileged role for such an account
is only asked for by one administrator and happens when a second approves; the owner is told,
and the audit log names both."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.accounts import PASSWORD

REASON = "Petugas lupa kata sandi, sudah dikonfirmasi lewat telepon."


@pytest.fixture
def second_admin(app, world):
    from portal.auth import services
    from portal.core.roles import Role

    with app.app_context():
        user = services.create_user(username="admin.dua", password=PASSWORD, roles={Role.ADMIN})
        db.session.commit()
        return {"user_id": user.id, "login": "admin.dua", "employee_id": None}


def _user(app, account) -> dict:
    from portal.auth.models import User

    with app.app_context():
        u = db.session.get(User, account["user_id"])
        return {"hash": u.password_hash, "must_change": u.must_change_password, "version": u.session_version,
                "roles": sorted(r.value for r in u.role_set), "mfa": u.mfa_enabled}


def _events(app, action: str) -> list:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return [(e.actor_id, e.data) for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))]


def _notices(app, account) -> list[str]:
    from portal.core.notices import Notice

    with app.app_context():
        return [n.kind for n in db.session.scalars(sa.select(Notice).where(Notice.user_id == account["user_id"]))]


def _approval_id(app) -> int:
    from portal.admin.models import Approval

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(Approval.id)))


def test_one_admin_cannot_get_a_handlers_password(app, world, login_as):
    admin = login_as(world.admin)
    before = _user(app, world.handler)
    response = admin.post(f"/admin/akun/{world.handler['user_id']}/kata-sandi-sementara", data={"reason": REASON})
    assert response.status_code == 302
    page = admin.get(f"/admin/akun/{world.handler['user_id']}").get_data(as_text=True)
    assert not re.search(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", page)
    assert _user(app, world.handler) == before  # nothing changed: no password anyone knows
    assert _notices(app, world.handler) == ["account.password_reset_asked"]
    [(actor, data)] = _events(app, "admin.approval_asked")
    assert actor == world.admin["user_id"] and data["kind"] == "password_reset"
    # The same admin cannot approve it, and cannot issue it unapproved.
    approval = _approval_id(app)
    admin.post(f"/admin/persetujuan/{approval}/putuskan", data={"approve": "1"})
    assert admin.post(f"/admin/persetujuan/{approval}/kata-sandi").status_code == 302
    assert _user(app, world.handler) == before


def test_with_a_second_admin_the_password_goes_to_the_one_who_asked(app, world, login_as, second_admin):
    admin, other = login_as(world.admin), login_as(second_admin)
    admin.post(f"/admin/akun/{world.handler['user_id']}/kata-sandi-sementara", data={"reason": REASON})
    approval = _approval_id(app)
    assert "Waiting for your decision" in other.get("/admin/persetujuan?lang=en").get_data(as_text=True)
    assert other.post(f"/admin/persetujuan/{approval}/putuskan", data={"approve": "1"}).status_code == 302
    assert other.post(f"/admin/persetujuan/{approval}/kata-sandi").status_code == 302  # not theirs to issue
    before = _user(app, world.handler)
    shown = admin.post(f"/admin/persetujuan/{approval}/kata-sandi")
    password = re.search(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", shown.get_data(as_text=True)).group(0)
    after = _user(app, world.handler)
    assert after["hash"] != before["hash"] and after["must_change"] and after["version"] > before["version"]
    [(actor, data)] = _events(app, "auth.password_set")
    assert actor == world.admin["user_id"] and data["approved_by"] == second_admin["user_id"]
    assert _notices(app, world.handler) == ["account.password_reset_asked", "account.password_reset_done"]
    # Once only.
    again = admin.post(f"/admin/persetujuan/{approval}/kata-sandi")
    assert password not in again.get_data(as_text=True) and _user(app, world.handler)["hash"] == after["hash"]
    handler = app.test_client()
    assert handler.post("/login", data={"login": "wbs.petugas", "password": password}).status_code == 302


def test_the_owner_reads_what_happened_in_their_notices(app, world, login_as, second_admin):
    login_as(world.admin).post(f"/admin/akun/{world.handler['user_id']}/kata-sandi-sementara", data={"reason": REASON})
    handler = login_as(world.handler)
    home = handler.get("/?lang=en").get_data(as_text=True)
    assert "A new password for your account was asked for" in home and "tell the Inspectorate" in home
    handler.post("/pemberitahuan/dibaca")
    assert "A new password for your account was asked for" not in handler.get("/?lang=en").get_data(as_text=True)
    assert "A new password for your account was asked for" in handler.get("/pemberitahuan?lang=en").get_data(
        as_text=True)


def test_owner_and_asker_cannot_decide_and_no_admin_resets_their_own_account(app, world, login_as, second_admin):
    admin = login_as(world.admin)
    assert admin.post(f"/admin/akun/{world.admin['user_id']}/kata-sandi-sementara",
                      data={"reason": REASON}).status_code == 400
    other = login_as(second_admin)
    other.post(f"/admin/akun/{world.admin['user_id']}/kata-sandi-sementara", data={"reason": REASON})
    approval = _approval_id(app)
    admin.post(f"/admin/persetujuan/{approval}/putuskan", data={"approve": "1"})  # the owner
    from portal.admin.models import Approval

    with app.app_context():
        assert db.session.get(Approval, approval).state.value == "pending"


def test_a_reason_is_required_and_lapsed_requests_cannot_be_approved(app, world, login_as, second_admin):
    admin = login_as(world.admin)
    response = admin.post(f"/admin/akun/{world.handler['user_id']}/kata-sandi-sementara?lang=en", data={"reason": ""})
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    admin.post(f"/admin/akun/{world.handler['user_id']}/kata-sandi-sementara", data={"reason": REASON})
    from portal.admin.models import Approval

    with app.app_context():
        from portal.core.clock import utcnow

        db.session.execute(sa.update(Approval).values(requested_at=utcnow() - timedelta(hours=49)))
        db.session.commit()
    login_as(second_admin).post(f"/admin/persetujuan/{_approval_id(app)}/putuskan", data={"approve": "1"})
    with app.app_context():
        assert db.session.get(Approval, _approval_id(app)).effective_state.value == "expired"
    assert _events(app, "admin.approval_decided") == []


def test_a_privileged_role_waits_for_the_second_admin_and_an_owner_chosen_password(app, world, login_as,
                                                                                   second_admin):
    admin = login_as(world.admin)
    response = admin.post(f"/admin/akun/{world.asn['user_id']}",
                          data={"roles": ["asn", "wbs_handler"], "active": "y", "reason": "Anggota baru Tim WBS."})
    assert response.status_code == 302
    assert _user(app, world.asn)["roles"] == ["asn"]
    login_as(second_admin).post(f"/admin/persetujuan/{_approval_id(app)}/putuskan", data={"approve": "1"})
    assert _user(app, world.asn)["roles"] == ["asn", "wbs_handler"]
    [(actor, data)] = [e for e in _events(app, "auth.roles_changed") if "wbs_handler" in e[1]["after"]]
    assert actor == world.admin["user_id"] and data["approved_by"] == second_admin["user_id"]


def test_a_new_technical_account_cannot_be_born_privileged(app, world, login_as, second_admin):
    admin = login_as(world.admin)
    response = admin.post("/admin/akun/baru", data={"username": "tim.wbs.baru", "roles": ["wbs_handler"],
                                                      "reason": "Petugas WBS tambahan dari luar."})
    assert response.status_code == 200
    from portal.auth.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "tim.wbs.baru"))
        assert {r.value for r in user.role_set} == {"asn"}
        account = {"user_id": user.id}
    # Approval waits until the owner has chosen their own password (the admin knows the first one).
    other = login_as(second_admin)
    other.post(f"/admin/persetujuan/{_approval_id(app)}/putuskan?lang=en", data={"approve": "1"})
    assert _user(app, account)["roles"] == ["asn"]


def test_an_ordinary_account_is_reset_by_one_admin_as_before(app, world, login_as):
    admin = login_as(world.admin)
    response = admin.post(f"/admin/akun/{world.asn['user_id']}/kata-sandi-sementara")
    assert response.status_code == 200
    assert re.search(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", response.get_data(as_text=True))
    assert _user(app, world.asn)["must_change"]
