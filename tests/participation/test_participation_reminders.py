"""Reminders and the weekly digest, delivered through a real SMTP server (aiosmtpd):
the preview shows the message and who gets it; one mail per employee with an address; the
rest recorded as reminded in person; a 7-day gap per employee; a daily limit per sender; the
digest once per secretary with an address, not again within 6 days, not when switched off."""
from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from portal.extensions import db
from tests.participation.support import (BASE, english, flashed, person, reminders, save_settings, set_email, text)

SUBJECT = ("Pengingat: hal yang masih perlu diselesaikan di Portal Integritas / "
           "Reminder: what is still to be done in the Integrity Portal")


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
def smtp(app_factory, world, tmp_path):
    """(app sending through the local SMTP server, the collected messages)."""
    from aiosmtpd.controller import Controller

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp_app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="portal@padang.go.id",
                               MAIL_FOLDER=str(tmp_path / "not-used"))
        yield smtp_app, handler.messages
    finally:
        controller.stop()
    assert not (tmp_path / "not-used").exists()  # nothing written to disk when SMTP is configured


def client(app, account):
    from tests.helpers.accounts import PASSWORD, login

    c = app.test_client()
    login(c, account["login"], PASSWORD)
    return english(c)


@pytest.fixture
def staff(app, world, make_employee):
    """asn.dinkes and kadis.dinkes have e-mail addresses; Budi (Dinkes) has none."""
    budi = make_employee(world.dinkes, name="Budi Tanpa Surel")
    with app.app_context():
        set_email(world.asn["employee_id"], "asn@dinkes.padang.go.id")
        set_email(world.kadis["employee_id"], "kadis@dinkes.padang.go.id")
    return {"budi": budi}


def test_preview_then_send_then_gap(smtp, world, staff):
    smtp_app, messages = smtp
    secretary = client(smtp_app, world.secretary)
    ids = [str(a["employee_id"]) for a in (world.asn, world.kadis, staff["budi"])]

    response = secretary.post(f"{BASE}/pengingat", data={"ids": ids})
    assert response.status_code == 200
    page = text(response)
    assert "Who is told what" in page
    assert "It will be e-mailed to 2 people." in page
    assert "1 have no e-mail address: they find it in their portal inbox." in page
    for account in (world.asn, world.kadis):
        assert person(smtp_app, account)["name"] in page
    assert "Budi Tanpa Surel (portal notice only)" in page
    assert page.count('name="ids"') == 3
    assert messages == [] and reminders(smtp_app) == []  # the preview sends nothing

    response = secretary.post(f"{BASE}/pengingat/kirim", data={"ids": ids})
    assert response.status_code == 302 and response.headers["Location"].endswith("/partisipasi/pegawai")
    assert "2 reminders e-mailed; 1 more in the portal inbox of people without an e-mail address." in flashed(
        secretary)
    assert sorted(rcpt for rcpt, _ in messages) == [["asn@dinkes.padang.go.id"], ["kadis@dinkes.padang.go.id"]]
    for rcpt, msg in messages:
        assert msg["Subject"] == SUBJECT and msg["From"] == "portal@padang.go.id" and msg["To"] == rcpt[0]
        assert "Dinas Kesehatan" in msg.get_content()
    recorded = {r["employee_id"]: r for r in reminders(smtp_app)}
    assert set(recorded) == {world.asn["employee_id"], world.kadis["employee_id"], staff["budi"]["employee_id"]}
    assert recorded[staff["budi"]["employee_id"]]["delivered"] is True  # reached in the portal
    assert recorded[world.asn["employee_id"]]["delivered"] is True
    assert recorded[world.kadis["employee_id"]]["delivered"] is True
    assert {r["sent_by_id"] for r in recorded.values()} == {world.secretary["user_id"]}
    # Budi has no e-mail address: the reminder waits in his portal inbox, in his language.
    budi = client(smtp_app, staff["budi"])
    assert "Reminder from the secretariat of Dinas Kesehatan" in text(budi.get("/"))

    # At once again: everybody was reminded less than seven days ago.
    page = text(secretary.post(f"{BASE}/pengingat", data={"ids": ids}))
    assert "It will be e-mailed to 0 people." in page and "3 were reminded in the last seven days" in page
    assert secretary.post(f"{BASE}/pengingat/kirim", data={"ids": ids}).status_code == 302
    assert "0 reminders e-mailed; 0 more in the portal inbox" in flashed(secretary)
    assert len(messages) == 2 and len(reminders(smtp_app)) == 3

    # Six days on, still within the gap; eight days on, they can be reminded again.
    from portal.auth.models import User
    from portal.core.clock import utcnow
    from portal.org.models import Opd
    from portal.participation import services

    with smtp_app.app_context():
        actor, opd = db.session.get(User, world.secretary["user_id"]), db.session.get(Opd, world.dinkes)
        assert services.send_reminders(opd, [int(i) for i in ids], actor=actor,
                                       now=utcnow() + timedelta(days=6)) == (0, 0)
        assert services.send_reminders(opd, [int(i) for i in ids], actor=actor,
                                       now=utcnow() + timedelta(days=8)) == (2, 1)
        db.session.commit()
    assert len(messages) == 4 and len(reminders(smtp_app)) == 6


def test_everyone_not_finished(smtp, world, staff):
    smtp_app, messages = smtp
    with smtp_app.app_context():
        from tests.participation.support import complete, file_statement, make_module

        module_id = make_module("uji", "Modul Uji")
        complete(world.kadis["employee_id"], module_id)
        file_statement(world.kadis["employee_id"])  # kadis has finished: not reminded
    secretary = client(smtp_app, world.secretary)
    page = text(secretary.post(f"{BASE}/pengingat", data={"everyone": "1"}))
    assert "It will be e-mailed to 1 people." in page and "2 have no e-mail address" in page
    assert person(smtp_app, world.kadis)["name"] not in page
    assert secretary.post(f"{BASE}/pengingat/kirim", data={"everyone": "1"}).status_code == 302
    assert [rcpt for rcpt, _ in messages] == [["asn@dinkes.padang.go.id"]]
    assert {r["employee_id"] for r in reminders(smtp_app)} == {
        world.asn["employee_id"], world.secretary["employee_id"], staff["budi"]["employee_id"]}


def test_daily_limit(smtp, world, staff, make_employee):
    smtp_app, messages = smtp
    save_settings(client(smtp_app, world.admin), reminder_daily_limit=1)
    secretary = client(smtp_app, world.secretary)
    both = [str(world.asn["employee_id"]), str(world.kadis["employee_id"])]

    response = secretary.post(f"{BASE}/pengingat/kirim", data={"ids": both})
    assert response.status_code == 400
    page = text(response)
    assert "That is more than the 1 reminders one person may send in a day. Choose fewer people." in page
    assert "Who is told what" in page  # the preview again, to choose fewer
    assert messages == [] and reminders(smtp_app) == []

    assert secretary.post(f"{BASE}/pengingat/kirim", data={"ids": both[:1]}).status_code == 302
    assert len(messages) == 1 and len(reminders(smtp_app)) == 1
    response = secretary.post(f"{BASE}/pengingat/kirim", data={"ids": both[1:]})
    assert response.status_code == 400 and len(messages) == 1 and len(reminders(smtp_app)) == 1

    # The limit is per sender: the Disdik secretary still may send.
    set_email_in(smtp_app, world.asn_disdik, "asn@disdik.padang.go.id")
    other = client(smtp_app, world.secretary_disdik)
    assert other.post(f"{BASE}/pengingat/kirim", data={"ids": [str(world.asn_disdik["employee_id"])]}
                      ).status_code == 302
    assert [rcpt for rcpt, _ in messages][-1] == ["asn@disdik.padang.go.id"]


def set_email_in(app, account, email):
    with app.app_context():
        set_email(account["employee_id"], email)


# --- the weekly digest ----------------------------------------------------------------------------

def test_digest_once_per_secretary(smtp, world, staff):
    smtp_app, messages = smtp
    set_email_in(smtp_app, world.secretary, "sekretaris@dinkes.padang.go.id")  # Disdik's secretary has none
    runner = smtp_app.test_cli_runner()

    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "1 digests sent." in result.output
    [(rcpt, msg)] = messages
    assert rcpt == ["sekretaris@dinkes.padang.go.id"]
    assert "DINKES" in msg["Subject"]
    body = msg.get_content()
    assert "Dinas Kesehatan" in body and "/partisipasi/" in body
    assert len(reminders(smtp_app, "digest")) == 1

    result = runner.invoke(args=["send-digests"])
    assert "0 digests sent." in result.output and len(messages) == 1

    from portal.core.clock import utcnow
    from portal.participation import services

    with smtp_app.app_context():
        assert services.send_digests(now=utcnow() + timedelta(days=5)) == 0
        db.session.commit()
    assert len(messages) == 1
    with smtp_app.app_context():
        assert services.send_digests(now=utcnow() + timedelta(days=7)) == 1
        db.session.commit()
    assert len(messages) == 2 and messages[1][0] == ["sekretaris@dinkes.padang.go.id"]


def test_digest_switched_off(smtp, world, staff):
    smtp_app, messages = smtp
    set_email_in(smtp_app, world.secretary, "sekretaris@dinkes.padang.go.id")
    set_email_in(smtp_app, world.secretary_disdik, "sekretaris@disdik.padang.go.id")
    admin = client(smtp_app, world.admin)
    save_settings(admin, digest_enabled=None)  # the box left unticked
    result = smtp_app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0 and "0 digests sent." in result.output
    assert messages == [] and reminders(smtp_app, "digest") == []

    save_settings(admin)  # ticked again
    result = smtp_app.test_cli_runner().invoke(args=["send-digests"])
    assert "2 digests sent." in result.output
    assert sorted(rcpt for rcpt, _ in messages) == [["sekretaris@dinkes.padang.go.id"],
                                                     ["sekretaris@disdik.padang.go.id"]]


def test_digest_skips_inactive_secretaries(smtp, world, staff):
    smtp_app, messages = smtp
    set_email_in(smtp_app, world.secretary, "sekretaris@dinkes.padang.go.id")
    with smtp_app.app_context():
        from portal.auth.models import User

        db.session.get(User, world.secretary["user_id"]).active = False
        db.session.commit()
    result = smtp_app.test_cli_runner().invoke(args=["send-digests"])
    assert "0 digests sent." in result.output and messages == []
