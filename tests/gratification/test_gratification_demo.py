"""The gratification demo: reports in every state of the UPG's workflow, made through the services
outside any request (as `flask demo` runs), dated back so every date and deadline follows from the
ones before it, over several OPDs and months; loaded once."""
from __future__ import annotations

import random
from datetime import UTC, timedelta

import sqlalchemy as sa

from portal.extensions import db


def _load(app, *, may_settle: bool = False) -> list[str]:
    """The demo's people and documents, then the gratification demo; what it said."""
    from portal.demo import documents, gratification, org
    from portal.gratification import upg

    said = []
    with app.app_context():  # no request: the CLI's situation
        org.load(random.Random(2019), said.append)
        documents.load(said.append)
        if may_settle:
            upg.save_settings(forward_days_value=upg.forward_days(), may_settle_value=True, actor=None)
        gratification.load(said.append)
        db.session.commit()
    return said


def test_every_state_dated_back_consistently(app):
    from portal.core.clock import local
    from portal.core.notices import Notice
    from portal.core.workdays import add_workdays, is_workday, today
    from portal.gratification import services, upg
    from portal.gratification.models import Custody, GiftReport, Status

    said = _load(app)
    assert any(line.startswith("Gratification: 10 demo reports") and "3 sent late" in line for line in said), said
    with app.app_context():
        on = today()
        reports = list(db.session.scalars(sa.select(GiftReport).order_by(GiftReport.id)))
        by_status = {}
        for r in reports:
            by_status.setdefault(r.status, []).append(r)
        assert set(by_status) == set(Status)
        assert len({r.reporter.opd_id for r in reports}) >= 3
        assert len({r.received_on.month for r in reports}) >= 5
        assert sum(r.late for r in reports) == 3 and any(r.report_type.value == "refusal" for r in reports)

        for r in reports:
            assert (r.due_on, r.statutory_due_on) == services.deadlines(r.received_on)
            days = [d for d in (r.received_on, r.sent_on, r.registered_on, r.waiting_since, r.kpk_sent_on,
                                r.decision_on, r.handover_on) if d is not None]
            assert days == sorted(days) and days[-1] <= on, (r.register_no, days)
            assert all(is_workday(d) for d in days[2:]), (r.register_no, days)  # the UPG works on working days
            stamps = [h.at.replace(tzinfo=h.at.tzinfo or UTC) for h in r.history]
            assert stamps == sorted(stamps) and local(stamps[-1]).date() <= on
            if r.sent_on:
                assert local(stamps[1]).date() == r.sent_on and r.late == (r.sent_on > r.due_on)
            if r.registered_on:
                assert r.receipt_no and r.forward_due_on == add_workdays(r.registered_on, upg.forward_days())
        # Numbers follow the calendar: the register in the order of sending, receipts in the order of registering.
        sent = sorted((r for r in reports if r.sent_on), key=lambda r: (r.sent_on, r.id))
        assert [r.register_no for r in sent] == sorted(r.register_no for r in sent)

        waiting = by_status[Status.MORE_INFORMATION][0]
        assert waiting.waiting_since and upg.forward_left(waiting) == upg.forward_left(waiting, on=on + timedelta(days=7))
        assert waiting.messages[0].from_upg and local(waiting.messages[0].at).date() == waiting.waiting_since
        decided = by_status[Status.DECIDED][0]
        assert decided.handover_on is None and decided.handover_due_on >= on and not upg.handover_overdue(decided)
        assert all(r.kpk_reference for r in by_status[Status.FORWARDED])
        handed = [r for r in by_status[Status.CLOSED] if r.handover_on]
        assert handed and all(r.handover_attachment_id in {a.id for a in r.attachments} for r in handed)
        assert any(o.custody == Custody.UPG for r in handed for o in r.objects)
        # The reporter's notices carry the day of their step; a closed report's have been read.
        for r in reports:
            for notice in db.session.scalars(sa.select(Notice).where(Notice.link == f"/gratifikasi/{r.id}")):
                assert local(notice.created_at.replace(tzinfo=notice.created_at.tzinfo or UTC)).date() <= on
                assert (notice.read_at is not None) == (r.status == Status.CLOSED)

        # The UPG's queue: what it has still to forward first, then what is with the KPK (closed ones are in
        # the register); the statutory clock stops once a report has left the UPG.
        from portal.gratification import queries

        stages = [0 if r.status in upg.AT_THE_UPG else 1 for r in queries.open_cases()]
        assert stages == sorted(stages) and 0 in stages and 1 in stages
        assert len(stages) == sum(r.status not in (Status.DRAFT, Status.CLOSED) for r in reports)
        assert all((upg.statutory_left(r) is None) == (r.status not in upg.AT_THE_UPG) for r in reports)

        # The demo logins each have something to look at.
        mine = {r.reporter.user.username: r.status for r in reports if r.reporter.user.username}
        assert mine["kadis.disdik"] == Status.CLOSED and mine["sekretaris.disdik"] == Status.DECIDED
        assert mine["sekretaris.dinkes"] == Status.DRAFT and mine["asn.disdik"] == Status.FORWARDED
        count = len(reports)

    assert _load(app)[-1] == "Gratification: demo reports already present"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GiftReport)) == count


def test_a_report_settled_at_the_upg_when_the_settings_allow_it(app):
    from portal.gratification.models import GiftReport, Status

    said = _load(app, may_settle=True)
    assert any("11 demo reports" in line and "settling at the UPG on" in line for line in said), said
    with app.app_context():
        settled = db.session.scalars(sa.select(GiftReport).where(GiftReport.settled_note != "")).all()
        assert len(settled) == 1 and settled[0].status == Status.CLOSED and settled[0].history[-1].step == "settled"
