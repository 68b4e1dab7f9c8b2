"""Reminders to deciders before the deadline: written as .eml files when no SMTP server is
configured, sent once per declaration, only within coi.reminder_days working days of the
deadline; the `send-reminders` command; and delivery through a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.core.roles import Role

DUE = date(2026, 2, 11)  # a Wednesday; 9 and 10 February are the two working days before it


def declare(app, account) -> int:
    """An ad-hoc declaration by `account`, submitted (routed by the services)."""
    from portal.auth.models import User
    from portal.coi import lists, services
    from portal.coi.models import Activity, Kind, ListKind, Relationship

    with app.app_context():
        lists.load_lists()
        user = db.session.get(User, account["user_id"])
        d = services.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, actor=user, fields=services.DraftFields(
            description="Adik saya ikut tender alat kesehatan yang saya nilai.", activity=Activity.PROCUREMENT,
            related_party="CV Sehat Sentosa", relationship_kind=Relationship.FAMILY,
            type_ids=(lists.items(ListKind.TYPE)[0].id,), source_ids=(lists.items(ListKind.SOURCE)[0].id,)))
        services.submit(d, actor=user)
        db.session.commit()
        return d.id


def set_email(app, account, email):
    from portal.org.models import Employee

    with app.app_context():
        db.session.get(Employee, account["employee_id"]).email = email
        db.session.commit()


def set_due(app, declaration_id, due=DUE):
    from portal.coi.models import Declaration

    with app.app_context():
        db.session.get(Declaration, declaration_id).due_on = due
        db.session.commit()


def run(app, on) -> int:
    from portal.coi.reminders import send_due_reminders

    with app.app_context():
        count = send_due_reminders(on)
        db.session.commit()
        return count


def state(app, declaration_id) -> dict:
    from portal.core.audit import AuditEvent
    from portal.coi.models import Declaration

    with app.app_context():
        d = db.session.get(Declaration, declaration_id)
        reminded = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "coi.reminder_sent", AuditEvent.object_id == str(declaration_id))).all()
        return {"reminded_on": d.reminded_on, "register_no": d.register_no, "declarant": d.declarant.name,
                "audit": [e.data for e in reminded]}


def mails(folder) -> list:
    if not folder.exists():
        return []
    return [message_from_bytes(p.read_bytes(), policy=default_policy) for p in sorted(folder.glob("*.eml"))]


@pytest.fixture
def mail_app(app_factory, world, tmp_path):
    """A second app on the same database whose mail goes to a folder."""
    return app_factory(MAIL_FOLDER=str(tmp_path / "mail"))


def test_reminder_written_once_within_reminder_days(mail_app, world, tmp_path):
    folder = tmp_path / "mail"
    set_email(mail_app, world.kadis, "kadis@dinkes.padang.go.id")
    set_email(mail_app, world.asn, "asn@dinkes.padang.go.id")
    did = declare(mail_app, world.asn)
    set_due(mail_app, did)

    assert run(mail_app, date(2026, 2, 6)) == 0  # three working days before: too early
    assert mails(folder) == [] and state(mail_app, did)["reminded_on"] is None

    assert run(mail_app, date(2026, 2, 9)) == 1
    s = state(mail_app, did)
    [msg] = mails(folder)
    assert msg["To"] == "kadis@dinkes.padang.go.id"
    assert s["register_no"] in msg["Subject"]
    body = msg.get_content()
    assert s["register_no"] in body and s["declarant"] in body and "2026-02-11" in body
    assert s["reminded_on"] == date(2026, 2, 9) and s["audit"] == [{"due_on": "2026-02-11"}]

    assert run(mail_app, date(2026, 2, 10)) == 0  # only once
    assert run(mail_app, date(2026, 2, 12)) == 0
    assert len(mails(folder)) == 1 and len(state(mail_app, did)["audit"]) == 1


def test_reminder_days_setting_and_closed_declarations(mail_app, world, tmp_path):
    from portal.core import settings

    folder = tmp_path / "mail"
    set_email(mail_app, world.kadis, "kadis@dinkes.padang.go.id")
    with mail_app.app_context():
        settings.put("coi.reminder_days", 0)
        db.session.commit()
    waiting, returned = declare(mail_app, world.asn), declare(mail_app, world.secretary)
    set_due(mail_app, waiting)
    set_due(mail_app, returned)
    with mail_app.app_context():
        from portal.coi.models import Declaration, Status
        db.session.get(Declaration, returned).status = Status.RETURNED
        db.session.commit()
    assert run(mail_app, date(2026, 2, 10)) == 0  # one working day left, but the setting says 0
    assert run(mail_app, DUE) == 1  # on the day itself
    assert [m["To"] for m in mails(folder)] == ["kadis@dinkes.padang.go.id"]
    assert state(mail_app, waiting)["reminded_on"] == DUE and state(mail_app, returned)["reminded_on"] is None


def test_inspectorate_route_reminds_every_reviewer(mail_app, world, tmp_path, make_employee):
    folder = tmp_path / "mail"
    second = make_employee(world.inspektorat, roles={Role.ASN, Role.COI_REVIEWER})
    set_email(mail_app, world.inspektur, "inspektur@padang.go.id")
    set_email(mail_app, second, "auditor@padang.go.id")
    set_email(mail_app, world.handler, "wbs@padang.go.id")  # not a reviewer
    did = declare(mail_app, world.asn_disdik)  # no superior, no head: the Inspectorate decides
    set_due(mail_app, did)
    assert run(mail_app, date(2026, 2, 10)) == 1
    assert sorted(m["To"] for m in mails(folder)) == ["auditor@padang.go.id", "inspektur@padang.go.id"]
    assert all(state(mail_app, did)["register_no"] in m["Subject"] for m in mails(folder))


def test_send_reminders_command(mail_app, world, tmp_path):
    from portal.core.workdays import add_workdays, today

    folder = tmp_path / "mail"
    set_email(mail_app, world.kadis, "kadis@dinkes.padang.go.id")
    soon, later = declare(mail_app, world.asn), declare(mail_app, world.secretary)
    with mail_app.app_context():
        set_due(mail_app, soon, add_workdays(today(), 1))
        set_due(mail_app, later, add_workdays(today(), 5))
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminders sent." in result.output
    [msg] = mails(folder)
    assert state(mail_app, soon)["register_no"] in msg["Subject"]
    assert state(mail_app, later)["reminded_on"] is None
    again = runner.invoke(args=["send-reminders"])
    assert "0 reminders sent." in again.output and len(mails(folder)) == 1


# --- a real SMTP server ---------------------------------------------------------------------------

class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_reminder_delivered_over_smtp(app_factory, world, smtp_server, tmp_path):
    controller, handler = smtp_server
    smtp_app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="portal@padang.go.id",
                           MAIL_FOLDER=str(tmp_path / "not-used"))
    set_email(smtp_app, world.kadis, "kadis@dinkes.padang.go.id")
    did = declare(smtp_app, world.asn)
    set_due(smtp_app, did)
    assert run(smtp_app, date(2026, 2, 10)) == 1
    [(recipients, msg)] = handler.messages
    number = state(smtp_app, did)["register_no"]
    assert recipients == ["kadis@dinkes.padang.go.id"]
    assert number in msg["Subject"] and msg["From"] == "portal@padang.go.id"
    assert number in msg.get_content()
    assert not (tmp_path / "not-used").exists()  # nothing written to disk when SMTP is configured
    assert state(smtp_app, did)["reminded_on"] == date(2026, 2, 10)
