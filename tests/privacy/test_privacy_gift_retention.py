"""Retention of gratification reports: kept while the period is 0 (the default, unverified on the
setup checklist); once set, reports whose case is over (closed by the UPG, or decided by the KPK
with nothing left to do) go after the period, with their objects, history, messages and files;
a declaration that linked to one loses only the link; the run is audited with counts only."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.gifts import gift_report

LONG_AGO = 400  # days: past a 12-month period


@pytest.fixture
def gifts(app, world, items, make_employee):
    """Reports of asn.dinkes in every state, the old ones dated back; plain ids out."""
    from portal.auth.models import User
    from portal.coi import lists, services as coi
    from portal.coi.models import Activity, Kind, ListKind, Relationship
    from portal.core import settings
    from portal.core.clock import utcnow
    from portal.core.roles import Role
    from portal.core.workdays import today
    from portal.gratification import upg
    from portal.gratification.models import Decision, GiftHistory, GiftReport, Status

    upg_account = make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})
    with app.test_request_context():  # the UPG's steps send notices with links
        reporter = db.session.get(User, world.asn["user_id"])
        officer = db.session.get(User, upg_account["user_id"])
        settings.put("gratification.upg_may_settle", True)
        on = today()
        long_ago = on - timedelta(days=LONG_AGO)

        def report(**kw):
            return db.session.get(GiftReport, gift_report(world.asn["user_id"], received_on=on - timedelta(days=3),
                                                          **kw))

        def decided(decision):
            r = report()
            upg.register(r, actor=officer)
            upg.forward(r, kpk_reference="GOL-1", sent_on=on, actor=officer)
            upg.decide(r, decision=decision, decision_no="SK-1", decision_on=on, actor=officer)
            return r

        settled = report(attachment=b"kuitansi lama\n")
        upg.register(settled, actor=officer)
        upg.ask(settled, "Mohon lampirkan foto parsel.", actor=officer)
        upg.answer(settled, "Foto terlampir di laporan.", None, actor=reporter)
        upg.settle(settled, "Diselesaikan di UPG: nilai wajar.", actor=officer)
        closed_recent = report()
        upg.register(closed_recent, actor=officer)
        upg.settle(closed_recent, "Diselesaikan di UPG: nilai wajar.", actor=officer)
        recipient = decided(Decision.RECIPIENT)         # decided, nothing to do, left open
        handed_over = decided(Decision.STATE)
        upg.record_handover(handed_over, on=on, note="Diserahkan ke KPK, bukti transfer 123.", upload=None,
                            actor=reporter)
        awaiting = decided(Decision.STATE)              # the handover is still owed
        registered = report()
        upg.register(registered, actor=officer)
        draft = report(send=False)
        db.session.flush()
        # Dated back: the closing, the decisions, the handover; the open ones as old as the rest.
        db.session.execute(sa.update(GiftHistory).where(GiftHistory.report_id == settled.id)
                           .values(at=utcnow() - timedelta(days=LONG_AGO)))
        for r in (recipient, handed_over, awaiting):
            r.decision_on = long_ago
        handed_over.handover_on = long_ago + timedelta(days=5)
        for r in (registered, draft):
            r.received_on = r.registered_on = long_ago
        declaration = coi.save_draft(None, declarant=reporter.employee, kind=Kind.ADHOC, actor=reporter,
                                     fields=coi.DraftFields(
                                         description="Pemberi parsel ikut tender yang saya nilai.",
                                         activity=Activity.PROCUREMENT, related_party="CV Maju Bersama",
                                         relationship_kind=Relationship.GIFT_GIVER, gift_involved=True,
                                         gift_report_id=settled.id, type_ids=(lists.items(ListKind.TYPE)[0].id,),
                                         source_ids=(lists.items(ListKind.SOURCE)[0].id,)))
        db.session.commit()
        assert settled.status == Status.CLOSED and recipient.status == Status.DECIDED
        return {"settled": settled.id, "closed_recent": closed_recent.id, "recipient": recipient.id,
                "handed_over": handed_over.id, "awaiting": awaiting.id, "registered": registered.id,
                "draft": draft.id, "declaration": declaration.id, "file": settled.attachments[0].storage_key,
                "due_oldest": long_ago}


def _reports(app) -> set[int]:
    from portal.gratification.models import GiftAttachment, GiftHistory, GiftMessage, GiftObject, GiftReport

    with app.app_context():
        left = set(db.session.scalars(sa.select(GiftReport.id)))
        for model in (GiftAttachment, GiftHistory, GiftMessage, GiftObject):  # nothing orphaned
            assert set(db.session.scalars(sa.select(model.report_id))) <= left, model
        return left


def _stored(app, key: str) -> bool:
    from portal.gratification.attachments import AREA

    from portal.core import storage

    with app.app_context():  # the folder or the bucket, through the configured backend
        try:
            storage.read(AREA, key)
        except FileNotFoundError:
            return False
    return True


def test_with_the_default_period_every_report_is_kept(app, gifts, runner, storage_backend):
    before = _reports(app)
    result = runner.invoke(args=["privacy-retention"])
    assert result.exit_code == 0, result.output
    assert "gift_reports: kept (0 months, setting privacy.retention_gift_reports_months)" in result.output
    assert _reports(app) == before and _stored(app, gifts["file"])


def test_past_the_period_reports_whose_case_is_over_go_and_the_rest_stay(app, gifts, runner, storage_backend):
    from portal.coi.models import Declaration
    from portal.core import settings
    from portal.core.audit import AuditEvent
    from portal.privacy import retention

    with app.app_context():
        settings.put("privacy.retention_gift_reports_months", 12)
        db.session.commit()
        plan = retention.plan(retention.today()).of("gift_reports")
        assert (plan.count, plan.oldest) == (3, gifts["due_oldest"])
    due = {gifts["settled"], gifts["recipient"], gifts["handed_over"]}
    before = _reports(app)
    assert before >= due
    result = runner.invoke(args=["privacy-retention"])
    assert result.exit_code == 0, result.output
    assert "gift_reports 3; 1 stored files removed" in result.output
    assert _reports(app) == before - due
    assert not _stored(app, gifts["file"])
    with app.app_context():
        declaration = db.session.get(Declaration, gifts["declaration"])
        assert declaration.gift_report_id is None and declaration.gift_involved  # kept, without the link
        assert "Pemberi parsel" in declaration.description
        [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "privacy.retention_run"))
        assert event.data["deleted"]["gift_reports"] == 3 and event.data["months"]["gift_reports"] == 12
        assert event.data["files"] == 1
        assert retention.plan(retention.today()).of("gift_reports").count == 0


def test_the_admin_sets_the_period_and_the_checklist_keeps_it_unverified(app, world, gifts, login_as):
    from portal.home.services import load_regulations

    with app.app_context():
        load_regulations()
        db.session.commit()
    admin = login_as(world.admin)
    assert admin.post("/admin/privasi/retensi", data={"declarations": "0", "quiz_answers": "0", "attendance": "0",
                                                      "session_photos": "0", "gift_reports": "120"}).status_code == 302
    page = admin.get("/admin/privasi/retensi?lang=en").get_data(as_text=True)
    plan = page[page.index('id="retention-plan"'):]
    assert "Gratification reports whose case is over" in plan and "120 months: up to" in plan
    checklist = admin.get("/admin/persiapan?lang=en").get_data(as_text=True)
    item = checklist[checklist.index('id="setup-gratification_retention"'):]
    item = item[:item.index("</li>")]
    assert "To do" in item and "deleted 120 months after" in item
    assert 'href="/admin/privasi/retensi"' in item


def test_the_notice_says_how_long_reports_are_kept(app):
    from portal.core import settings

    client = app.test_client()
    page = client.get("/privasi/gratifikasi?lang=en").get_data(as_text=True)
    assert "no deletion period has been set yet, so they are kept" in page
    assert "without the link" in page
    with app.app_context():
        settings.put("privacy.retention_gift_reports_months", 120)
        db.session.commit()
    assert "deleted 120 months after the day the UPG closed the report" in client.get(
        "/privasi/gratifikasi?lang=en").get_data(as_text=True)
