"""The CLI: demo data (idempotent), create-admin, audit-verify."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db


def _counts(app):
    from portal.auth.models import User
    from portal.org.models import Employee, Opd

    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Opd, Employee, User))


def test_demo_is_idempotent_and_creates_the_contract_logins(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    first = _counts(app)
    assert first[0] == 43 and first[1] >= 300
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert _counts(app) == first
    client = app.test_client()
    for login in ("admin", "inspektur", "wbs.petugas", "sekretaris.dinkes", "sekretaris.disdik", "kadis.dinkes",
                  "asn.dinkes", "asn.disdik"):
        c = app.test_client()
        response = c.post("/login", data={"login": login, "password": "integritas-2019"})
        assert response.status_code == 302, login
    del client


def test_demo_roles_and_superiors(app, runner):
    from portal.auth.models import User
    from portal.core.roles import Role

    runner.invoke(args=["demo"])
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.is_not(None)))}
        assert users["admin"].role_set == {Role.ADMIN}
        assert Role.COI_REVIEWER in users["inspektur"].role_set
        assert Role.WBS_HANDLER in users["wbs.petugas"].role_set
        assert Role.SECRETARY in users["sekretaris.dinkes"].role_set
        assert users["sekretaris.dinkes"].employee.opd.code == "DINKES"
        assert users["sekretaris.disdik"].employee.opd.code == "DISDIKBUD"
        assert users["asn.dinkes"].employee.superior_id == users["kadis.dinkes"].employee_id
        assert users["kadis.dinkes"].employee.is_opd_head


def test_demo_if_empty_skips_a_used_database(app, runner, world):
    before = _counts(app)
    result = runner.invoke(args=["demo-if-empty"])
    assert "skipped" in result.output
    assert _counts(app) == before


def test_create_admin(app, runner):
    result = runner.invoke(args=["create-admin", "kepala.it"], input="panjang sekali ya\npanjang sekali ya\n")
    assert result.exit_code == 0, result.output
    response = app.test_client().post("/login", data={"login": "kepala.it", "password": "panjang sekali ya"})
    assert response.status_code == 302
    again = runner.invoke(args=["create-admin", "kepala.it"], input="panjang sekali ya\npanjang sekali ya\n")
    assert again.exit_code != 0


def test_audit_verify(app, runner, world):
    assert runner.invoke(args=["audit-verify"]).exit_code == 0
    from portal.core.audit import AuditEvent

    with app.app_context():
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 1).values(action="forged"))
        db.session.commit()
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code != 0 and "broken" in result.output
