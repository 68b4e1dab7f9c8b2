"""Retention of personal data outside the WBS: nothing goes while the periods are 0 (the
default); once set, a daily run (the worker's periodic task or the command, whichever comes
first) deletes what is past its period, files after the commit, audited with counts only."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db

LONG_AGO = 400  # days: past a 12-month period


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _fields(**kw):
    from portal.coi import lists, services
    from portal.coi.models import Activity, ListKind, Relationship

    base = dict(description="Adik saya ikut tender pengadaan yang saya nilai.", activity=Activity.PROCUREMENT,
                related_party="CV Contoh", relationship_kind=Relationship.FAMILY,
                type_ids=(lists.items(ListKind.TYPE)[0].id,), source_ids=(lists.items(ListKind.SOURCE)[0].id,))
    base.update(kw)
    return services.DraftFields(**base)


@pytest.fixture
def city(app, world, items):
    """Old and recent records of every kind, dated back as the demo does. Plain ids out."""
    from portal.auth.models import User
    from portal.certificates.models import Certificate
    from portal.coi import attachments, lists, services as coi
    from portal.coi.models import Declaration, Kind, ListKind
    from portal.core.clock import today, utcnow
    from portal.learning import attempts, editing
    from portal.learning.editing import ChoiceInput
    from portal.learning.models import Attempt, QuestionKind
    from portal.org.models import Employee
    from portal.socialisation import checkin, records, services as sessions
    from portal.socialisation.models import Method

    ids = {}
    with app.app_context():
        asn, secretary = (db.session.get(User, a["user_id"]) for a in (world.asn, world.secretary))
        kadis, inspektur = (db.session.get(User, a["user_id"]) for a in (world.kadis, world.inspektur))
        decision = lists.items(ListKind.DECISION)[0]
        long_ago = today() - timedelta(days=LONG_AGO)

        filed = coi.save_draft(None, declarant=asn.employee, kind=Kind.YEARLY, fields=_fields(no_conflict=True),
                               actor=asn)
        coi.submit(filed, actor=asn)
        decided = coi.save_draft(None, declarant=asn.employee, kind=Kind.ADHOC, fields=_fields(), actor=asn)
        attachments.add(decided, "catatan.txt", b"catatan lama\n")
        coi.submit(decided, actor=asn)
        coi.add_comment(decided, body="Mohon dipantau.", actor=inspektur)
        coi.decide(decided, decision=decision, rationale="Dibebaskan dari penilaian tender.", actor=kadis)
        waiting = coi.save_draft(None, declarant=asn.employee, kind=Kind.ADHOC, fields=_fields(), actor=asn)
        coi.submit(waiting, actor=asn)
        draft = coi.save_draft(None, declarant=asn.employee, kind=Kind.ADHOC, fields=_fields(), actor=asn)
        recent = coi.save_draft(None, declarant=secretary.employee, kind=Kind.ADHOC, fields=_fields(),
                                actor=secretary)
        coi.submit(recent, actor=secretary)
        coi.decide(recent, decision=decision, rationale="Dibebaskan dari penilaian tender.", actor=kadis)
        coi.acknowledge(recent, actor=secretary)
        change = coi.save_draft(None, declarant=asn.employee, kind=Kind.CHANGE, fields=_fields(), changes=decided,
                                actor=asn)
        coi.submit(change, actor=asn)
        db.session.flush()
        for d in (filed, waiting):
            d.submitted_on = long_ago
        decided.submitted_on, decided.decided_on = long_ago - timedelta(days=20), long_ago
        draft.created_at = utcnow() - timedelta(days=LONG_AGO)
        ids.update(filed=filed.id, decided=decided.id, waiting=waiting.id, draft=draft.id, recent=recent.id,
                   change=change.id, attachment_key=decided.attachments[0].storage_key)

        module = editing.save_module(None, slug="uji", topic="wbs", title_id="Modul uji", title_en="Test module",
                                     summary_id="", summary_en="", questions_per_attempt=2, pass_mark_percent=50,
                                     attempts_per_day=None, time_limit_minutes=None)
        for n in (1, 2):
            editing.save_question(None, module=module, kind=QuestionKind.SINGLE, prompt_id=f"Soal {n}",
                                  prompt_en=f"Question {n}", explanation_id="", explanation_en="", source="",
                                  choices=[ChoiceInput("Ya", "Yes", True), ChoiceInput("Tidak", "No", False)])
        employee = db.session.get(Employee, world.asn["employee_id"])
        old_attempt = attempts.start_attempt(employee.id, module)
        attempts.submit_attempt(old_attempt, {q.question_id: list(q.correct_choice_ids)
                                              for q in old_attempt.questions})
        new_attempt = attempts.start_attempt(employee.id, module)
        attempts.submit_attempt(new_attempt, {})
        open_attempt = attempts.start_attempt(employee.id, module)
        db.session.flush()
        db.session.execute(sa.update(Attempt).where(Attempt.id == old_attempt.id).values(
            started_at=utcnow() - timedelta(days=LONG_AGO), submitted_at=utcnow() - timedelta(days=LONG_AGO)))
        ids.update(old_attempt=old_attempt.id, new_attempt=new_attempt.id, open_attempt=open_attempt.id,
                   old_score=old_attempt.score_percent, module=module.id)

        def session(days_ago, *, close):
            start = (utcnow() - timedelta(days=days_ago)).replace(second=0, microsecond=0)
            s = sessions.save_session(None, sessions.SessionFields(
                title=f"Sosialisasi {days_ago}", starts_at=start, ends_at=start + timedelta(hours=2),
                late_after=start + timedelta(minutes=15), venue="Aula", opd_ids=(world.dinkes,),
                invite_nips=employee.nip), actor=inspektur)
            checkin.check_in(s, employee, method=Method.MANUAL, at=start + timedelta(minutes=5), device_hash=None)
            records.add_photo(s, _png(), "foto.png", "Peserta", actor=inspektur)
            if close:
                sessions.close(s, actor=inspektur, now=start + timedelta(hours=3))
            return s

        old_session, open_old_session, new_session = session(LONG_AGO, close=True), session(LONG_AGO, close=False), \
            session(3, close=True)
        db.session.commit()
        ids.update(old_session=old_session.id, open_old_session=open_old_session.id, new_session=new_session.id,
                   photo_keys={s.id: s.photos[0].storage_key for s in (old_session, open_old_session, new_session)},
                   certificates=db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)))
        assert db.session.scalar(sa.select(Declaration.changes_id).where(Declaration.id == change.id)) == decided.id
    return ids


def _set(app, **months):
    from portal.core import settings

    with app.app_context():
        for code, n in months.items():
            settings.put(f"privacy.retention_{code}_months", n)
        db.session.commit()


def _state(app):
    from portal.coi.models import Attachment, Comment, Declaration
    from portal.learning.models import Attempt, AttemptQuestion
    from portal.socialisation.models import Participant, Photo

    with app.app_context():
        def ids(model, column=None):
            return set(db.session.scalars(sa.select(column or model.id)))
        return {
            "declarations": ids(Declaration), "comments": ids(Comment), "attachments": ids(Attachment),
            "attempts": ids(Attempt), "answered_attempts": ids(AttemptQuestion, AttemptQuestion.attempt_id),
            "attendance_sessions": ids(Participant, Participant.session_id),
            "photo_sessions": ids(Photo, Photo.session_id),
            "changes": dict(db.session.execute(sa.select(Declaration.id, Declaration.changes_id)).all()),
        }


def _stored(app, area, key) -> bool:
    from portal.core import storage

    with app.app_context():  # the folder or the bucket, through the configured backend
        try:
            storage.read(area, key)
        except FileNotFoundError:
            return False
    return True


def test_with_the_default_periods_nothing_is_deleted_but_the_run_is_recorded(app, city, runner):
    from portal.core.audit import AuditEvent
    from portal.privacy import retention

    before = _state(app)
    result = runner.invoke(args=["privacy-retention"])
    assert result.exit_code == 0, result.output
    assert "declarations: kept (0 months" in result.output
    assert _state(app) == before
    with app.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "privacy.retention_run")).all()
        assert event.data["deleted"] == {"declarations": 0, "quiz_answers": 0, "attendance": 0, "session_photos": 0,
                                         "gift_reports": 0}
        assert set(event.data) == {"on", "trigger", "months", "deleted", "files"}
        assert retention.plan(retention.today()).total == 0


def test_past_their_period_closed_records_go_and_the_rest_stays(app, city, runner, storage_backend):
    from portal.coi.attachments import AREA as COI_AREA
    from portal.socialisation.records import PHOTO_AREA

    _set(app, declarations=12, quiz_answers=12, attendance=12, session_photos=12)
    with app.app_context():
        from portal.core.clock import today
        from portal.privacy import retention

        plan = retention.plan(today())
        assert (plan.of("declarations").count, plan.of("quiz_answers").count, plan.of("attendance").count,
                plan.of("session_photos").count) == (2, 1, 1, 2)
        assert plan.of("declarations").oldest == today() - timedelta(days=LONG_AGO)
        assert plan.of("quiz_answers").rows == 2
    assert _stored(app, COI_AREA, city["attachment_key"])
    dry = runner.invoke(args=["privacy-retention", "--dry-run"])
    assert dry.exit_code == 0 and "declarations: 12 months" in dry.output and "2 due" in dry.output
    before = _state(app)
    assert before["declarations"] >= {city["filed"], city["decided"]}
    result = runner.invoke(args=["privacy-retention"])
    assert result.exit_code == 0, result.output
    assert "declarations 2, quiz_answers 1, attendance 1, session_photos 2, gift_reports 0; 3 stored files removed" \
        in result.output
    after = _state(app)
    # Closed and old: gone, with comments and attachments (and the file). Waiting, draft, recent: kept.
    assert after["declarations"] == before["declarations"] - {city["filed"], city["decided"]}
    assert {city["waiting"], city["draft"], city["recent"], city["change"]} <= after["declarations"]
    assert not after["comments"] and not after["attachments"]
    assert not _stored(app, COI_AREA, city["attachment_key"])
    assert after["changes"][city["change"]] is None  # the later declaration stays, without the link
    # Quiz: the old attempt keeps its score row but loses its answers; the others keep theirs.
    assert after["attempts"] == before["attempts"]
    assert after["answered_attempts"] == before["answered_attempts"] - {city["old_attempt"]}
    # Attendance of the old closed session goes; of the old session never closed, and of the recent one, stays.
    assert after["attendance_sessions"] == {city["open_old_session"], city["new_session"]}
    # Photos of both old sessions go, files too; the recent one stays.
    assert after["photo_sessions"] == {city["new_session"]}
    keys = city["photo_keys"]
    assert not _stored(app, PHOTO_AREA, keys[city["old_session"]])
    assert not _stored(app, PHOTO_AREA, keys[city["open_old_session"]])
    assert _stored(app, PHOTO_AREA, keys[city["new_session"]])
    with app.app_context():
        from portal.certificates.models import Certificate
        from portal.learning.models import Attempt

        assert db.session.get(Attempt, city["old_attempt"]).score_percent == city["old_score"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == city["certificates"]


def test_an_attempt_without_its_answers_still_shows_its_result(app, world, city, login_as):
    _set(app, quiz_answers=12)
    with app.app_context():
        from portal.privacy import retention

        done = retention.run(retention.today(), trigger="command")
        db.session.commit()
        retention.finish(done)
    page = login_as(world.asn).get(f"/belajar/percobaan/{city['old_attempt']}/hasil?lang=en")
    assert page.status_code == 200
    assert "no longer kept" in page.get_data(as_text=True)


def test_the_day_is_run_once_whoever_comes_first(app, city, runner):
    from portal.core.audit import AuditEvent
    from portal.privacy import retention
    from portal.privacy.models import RetentionRun

    _set(app, declarations=12)
    with app.app_context():
        assert retention.daily_task() is not None  # a worker
        assert retention.daily_task() is None      # another worker, or the same half a minute later
    later = runner.invoke(args=["privacy-retention"])  # the timer
    assert later.exit_code == 0 and "already done" in later.output
    again = runner.invoke(args=["privacy-retention", "--again"])
    assert again.exit_code == 0 and "Deleted: declarations 0" in again.output
    with app.app_context():
        runs = db.session.scalars(sa.select(RetentionRun).order_by(RetentionRun.id)).all()
        assert [(r.trigger, r.daily_on is not None) for r in runs] == [("worker", True), ("command", False)]
        assert runs[0].counts["declarations"] == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "privacy.retention_run")) == 2


def test_the_worker_runs_it_as_a_periodic_task(app):
    from portal.core.jobs import schedule
    from portal.privacy import retention

    assert retention.daily_task in schedule.PERIODIC


def test_a_claimed_day_is_not_run_again_by_a_second_process(app, city):
    """Two workers at the same tick: the day's row is inserted unless present, so the second
    finds it and does nothing (on PostgreSQL its insert waits for the first to commit)."""
    from portal.core.clock import today
    from portal.privacy import retention

    _set(app, declarations=12)
    with app.app_context():
        first = retention.run(today(), trigger="worker")
        db.session.commit()
        assert first.counts["declarations"] == 2
        assert retention.run(today(), trigger="worker") is None
        db.session.rollback()


def test_the_admin_sets_the_periods_audited_and_sees_the_dry_run(app, world, city, login_as):
    from portal.core.audit import AuditEvent

    admin = login_as(world.admin)
    page = admin.get("/admin/privasi/retensi?lang=en").get_data(as_text=True)
    assert page.count("Kept (0)") == 5
    refused = admin.post("/admin/privasi/retensi?lang=en", data={"declarations": "-1", "quiz_answers": "0",
                                                                 "attendance": "abc", "session_photos": "0",
                                                                 "gift_reports": "0"})
    assert refused.status_code == 400 and 'id="declarations-error"' in refused.get_data(as_text=True)
    assert 'value="abc"' in refused.get_data(as_text=True)
    assert admin.post("/admin/privasi/retensi", data={"declarations": "12", "quiz_answers": "0", "attendance": "0",
                                                      "session_photos": "24", "gift_reports": "0"}).status_code == 302
    with app.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "privacy.retention_changed"))
        assert event.actor_id == world.admin["user_id"]
        # The first save records every period, the zeros too: keeping is a decision as well.
        assert event.data == {"privacy.retention_declarations_months": 12, "privacy.retention_quiz_answers_months": 0,
                              "privacy.retention_attendance_months": 0, "privacy.retention_session_photos_months": 24,
                              "privacy.retention_gift_reports_months": 0}
    page = admin.get("/admin/privasi/retensi?lang=en").get_data(as_text=True)
    plan = page[page.index('id="retention-plan"'):]
    assert "12 months: up to" in plan and "24 months: up to" in plan
    assert ">2<" in plan.replace(" ", "")  # two declarations would go
    # A dry run: nothing was deleted by looking.
    assert city["filed"] in _state(app)["declarations"]


def test_a_deleted_declaration_leaves_no_copy_in_the_sqlite_file(app, world, items):
    """Freed pages are zeroed and the WAL emptied, as for WBS shredding (PostgreSQL: docs/security.md).
    The text itself is sealed at rest, so what must not linger is its ciphertext."""
    from pathlib import Path

    from portal.auth.models import User
    from portal.coi import services as coi
    from portal.coi.models import Kind
    from portal.core.clock import today
    from portal.privacy import retention

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite:///"):
        pytest.skip("the raw file is SQLite's")
    marker = "PENANDA-UNIK-7Q3Z saudara kandung saya ikut tender"
    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        d = coi.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, fields=_fields(description=marker),
                           actor=user)
        coi.submit(d, actor=user)
        kadis = db.session.get(User, world.kadis["user_id"])
        from portal.coi import lists
        from portal.coi.models import ListKind

        coi.decide(d, decision=lists.items(ListKind.DECISION)[0], rationale="Dibebaskan dari penilaian.", actor=kadis)
        d.decided_on = today() - timedelta(days=LONG_AGO)
        db.session.commit()
        sealed = bytes(d.description_sealed)

    def raw() -> bytes:
        path = Path(uri[len("sqlite:///"):])
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())

    with app.app_context():
        db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    assert marker.encode() not in raw() and sealed in raw()
    _set(app, declarations=12)
    with app.app_context():
        done = retention.run(today(), trigger="command")
        db.session.commit()
        retention.finish(done)
        db.session.commit()
        assert done.counts["declarations"] == 1
        # Read while the connections are open: closing the last one would checkpoint anyway.
        assert sealed not in raw()


def test_two_workers_at_the_same_moment_run_the_day_once(app, city):
    """The second worker's claim waits for the first transaction, then finds the day taken."""
    import threading

    from portal.core.clock import today
    from portal.privacy import retention
    from portal.privacy.models import RetentionRun

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("two transactions that really overlap need PostgreSQL")
    _set(app, declarations=12)
    results, claimed, release = {}, threading.Event(), threading.Event()

    def first():
        with app.app_context():
            results["first"] = retention.run(today(), trigger="worker")
            claimed.set()
            release.wait(10)  # still inside its transaction while the second one tries
            db.session.commit()

    def second():
        claimed.wait(10)
        with app.app_context():
            results["second"] = retention.run(today(), trigger="worker")
            db.session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    claimed.wait(10)
    threads[1].join(1)
    assert threads[1].is_alive()  # waiting on the first worker's claim
    release.set()
    for thread in threads:
        thread.join(20)
    assert results["first"].counts["declarations"] == 2
    assert results["second"] is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RetentionRun)) == 1
