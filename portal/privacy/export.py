"""What the portal holds about one employee, for their own copy (the right of access).

collect() reads the person's own rows from each area. It never reads the WBS: the WBS is not
linked to accounts, and any query there could only hint at whether this person reported.
Nothing secret about the account is read out (password hash, MFA secret and recovery codes,
session version). Declarations by other people that name this person, and those routed to
them for a decision, are counted, never copied: their content is the declarant's data. The
person's own gift reports are copied whole, unsealed: they wrote them, and the UPG's questions,
steps and the KPK's decision are about them.

Values stay Python values (dates, datetimes); package.py writes them as ISO 8601 in the JSON
file and formats them in the person's language in the PDF. Codes travel with their labels.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portal.certificates.models import Certificate
from portal.coi.models import Declaration, Status
from portal.core import settings
from portal.core.clock import utcnow
from portal.extensions import db
from portal.gratification.models import GiftReport
from portal.gratification.upg import STEPS
from portal.learning.models import Attempt, AttemptQuestion, Completion, Lesson, LessonRead, Pretest, Question
from portal.participation.models import Reminder
from portal.privacy import corrections
from portal.socialisation.models import Participant, SocialisationSession

FORMAT = "portal-integritas/data-saya"
VERSION = 1


def _coded(member) -> dict | None:
    return None if member is None else {"code": member.value, "label": str(member.label)}


def collect(user, locale: str) -> dict:
    """Everything, as plain data. Call inside force_locale(locale): labels are translated."""
    employee = user.employee
    return {
        "format": FORMAT,
        "version": VERSION,
        "language": locale,
        "generated_at": utcnow(),
        "controller": settings.government_name(),
        "profile": _profile(employee),
        "account": _account(user),
        "learning": _learning(employee, locale),
        "declarations": _declarations(employee, locale),
        "declarations_by_others": _declarations_by_others(employee),
        "gift_reports": _gift_reports(employee),
        "attendance": _attendance(employee),
        "certificates": _certificates(employee, locale),
        "reminders": _reminders(employee),
        "correction_requests": _corrections(employee),
        "not_included": not_included(),
    }


def not_included() -> list[str]:
    """The same sentences for everyone: nothing here depends on what the person did."""
    return [
        _("Reports to the Whistleblowing System (WBS): the WBS is not linked to accounts and the portal cannot tell "
          "who made a report, so nothing of it is in this file."),
        _("Declarations by other people that name you, and those routed to you for a decision: only their number "
          "is given here; their content belongs to the person who made them."),
        _("Files (attachments of declarations and gratification reports, gratification receipts, certificate PDFs, "
          "session photos): open them in the portal."),
        _("The audit log (who did what, and when): ask the data protection officer for the events about you."),
    ]


def _profile(e) -> dict:
    superior = e.superior
    return {
        "nip": e.nip, "name": e.name, "email": e.email, "position": e.position,
        "employment_type": _coded(e.employment_type), "birth_date": e.birth_date, "gender": e.gender,
        "opd": {"code": e.opd.code, "name": e.opd.name},
        "direct_superior": {"name": superior.name, "position": superior.position} if superior else None,
        "head_of_opd": e.is_opd_head, "active": e.active, "created_at": e.created_at, "updated_at": e.updated_at,
    }


def _account(user) -> dict:
    return {
        "username": user.username,
        "roles": [_coded(role) for role in sorted(user.role_set, key=lambda r: r.value)],
        "language": user.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        "last_login_at": user.last_login_at, "created_at": user.created_at, "active": user.active,
        "two_step_verification": user.mfa_enabled,
    }


def _learning(e, locale: str) -> dict:
    reads = db.session.execute(
        sa.select(LessonRead.read_at, Lesson).join(Lesson, Lesson.id == LessonRead.lesson_id)
        .where(LessonRead.employee_id == e.id).order_by(LessonRead.read_at)).all()
    attempts = db.session.scalars(
        sa.select(Attempt).where(Attempt.employee_id == e.id).order_by(Attempt.started_at)
        .options(selectinload(Attempt.questions).selectinload(AttemptQuestion.question)
                 .selectinload(Question.choices)))
    completions = db.session.scalars(sa.select(Completion).where(Completion.employee_id == e.id)
                                     .order_by(Completion.completed_at))
    return {
        "lessons_read": [{"module": lesson.module.title(locale), "lesson": lesson.title(locale), "read_at": at}
                         for at, lesson in reads],
        "quiz_attempts": [_attempt(a, locale) for a in attempts],
        # Scores and dates only: the pre-test's answers are never shown, not even to the learner.
        "pre_tests": [{"module": p.module.title(locale), "started_at": p.started_at, "submitted_at": p.submitted_at,
                       "question_count": p.question_count, "correct_count": p.correct_count,
                       "score_percent": p.score_percent}
                      for p in db.session.scalars(sa.select(Pretest).where(Pretest.employee_id == e.id)
                                                  .order_by(Pretest.started_at))],
        "completions": [{"module": c.module.title(locale), "completed_at": c.completed_at,
                         "score_percent": c.score_percent} for c in completions],
    }


def _attempt(a: Attempt, locale: str) -> dict:
    return {
        "module": a.module.title(locale), "started_at": a.started_at, "deadline_at": a.deadline_at,
        "submitted_at": a.submitted_at, "timed_out": a.timed_out, "pass_mark_percent": a.pass_mark_percent,
        "question_count": a.question_count, "correct_count": a.correct_count, "score_percent": a.score_percent,
        "passed": a.passed,
        # Empty once the retention rule has removed the per-question record; the score stays.
        "answers": [{
            "position": q.position, "question": q.question.prompt(locale),
            "your_answer": [c.text(locale) for c in q.shown_choices() if c.id in (q.selected_choice_ids or [])],
            "answered_at": q.answered_at, "correct": q.is_correct,
        } for q in a.questions],
    }


def _declarations(e, locale: str) -> list[dict]:
    found = db.session.scalars(
        sa.select(Declaration).where(Declaration.declarant_id == e.id).order_by(Declaration.created_at, Declaration.id)
        .options(selectinload(Declaration.types), selectinload(Declaration.sources),
                 selectinload(Declaration.comments), selectinload(Declaration.attachments)))
    return [{
        "register_no": d.register_no, "kind": _coded(d.kind), "year": d.year, "status": _coded(d.status),
        "created_at": d.created_at, "submitted_on": d.submitted_on, "no_conflict": d.no_conflict,
        "description": d.description, "activity": _coded(d.activity), "activity_detail": d.activity_detail,
        "related_party": d.related_party,
        "related_employee": d.related_employee.name if d.related_employee else None,
        "relationship": _coded(d.relationship_kind), "gift_involved": d.gift_involved,
        "gift_report": d.gift_report.register_no if d.gift_report else None,
        "gift_report_ref": d.gift_report_ref, "proposed_measure": d.proposed_measure,
        "types": [t.label(locale) for t in d.types], "sources": [s.label(locale) for s in d.sources],
        "route": _coded(d.route), "decider": d.decider.name if d.decider else None, "due_on": d.due_on,
        "decision": d.decision.label(locale) if d.decision else None, "decision_rationale": d.decision_rationale,
        "decided_on": d.decided_on, "acknowledged_on": d.acknowledged_on,
        "comments": [{"kind": c.kind, "by": c.author.display_name, "at": c.created_at, "text": c.body}
                     for c in d.comments],
        "attachments": [{"filename": f.filename, "media_type": f.media_type, "size": f.size, "added_at": f.created_at}
                        for f in d.attachments],
    } for d in found]


def _declarations_by_others(e) -> dict:
    def count(*where) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(Declaration)
                                 .where(Declaration.declarant_id != e.id, Declaration.status != Status.DRAFT,
                                        *where)) or 0
    return {"naming_you": count(Declaration.related_employee_id == e.id),
            "routed_to_you": count(Declaration.decider_id == e.id)}


def _gift_reports(e) -> list[dict]:
    found = db.session.scalars(
        sa.select(GiftReport).where(GiftReport.reporter_id == e.id).order_by(GiftReport.created_at, GiftReport.id)
        .options(selectinload(GiftReport.objects), selectinload(GiftReport.attachments),
                 selectinload(GiftReport.history), selectinload(GiftReport.messages)))
    return [_gift_report(r) for r in found]


def _gift_report(r: GiftReport) -> dict:
    files = {a.id: a.filename for a in r.attachments}
    return {
        "register_no": r.register_no, "report_type": _coded(r.report_type), "status": _coded(r.status),
        "created_at": r.created_at, "received_on": r.received_on, "refused": r.refused, "nik": r.nik,
        "address": r.reporter_address, "telephone": r.reporter_phone,
        "giver_name": r.giver_name, "giver_institution": r.giver_institution, "giver_address": r.giver_address,
        "giver_relation": _coded(r.giver_relation), "giver_relation_other": r.giver_relation_other,
        "occasion": r.occasion, "place": r.place, "chronology": r.chronology,
        "objects": [{"kind": _coded(o.kind), "description": o.description, "estimated_value": o.value,
                     "custody": _coded(o.custody), "kpk_decision": _coded(o.decision)} for o in r.objects],
        "due_on": r.due_on, "statutory_due_on": r.statutory_due_on, "sent_on": r.sent_on, "late": r.late,
        "opd_when_sent": r.opd.name if r.opd else None, "position_when_sent": r.reporter_position or None,
        "receipt_no": r.receipt_no, "registered_on": r.registered_on, "kpk_reference": r.kpk_reference,
        "kpk_sent_on": r.kpk_sent_on, "settled_note": r.settled_note, "decision": _coded(r.decision),
        "decision_no": r.decision_no, "decision_on": r.decision_on, "handover_due_on": r.handover_due_on,
        "handover_on": r.handover_on, "handover_note": r.handover_note,
        "history": [{"status": _coded(h.status), "step": str(STEPS[h.step]) if h.step in STEPS else None,
                     "at": h.at, "by": h.actor.employee.name if h.actor and h.actor.employee else None,
                     "late": h.late} for h in r.history],
        "messages": [{"from": _("The UPG") if m.from_upg else _("You"), "at": m.at, "text": m.body,
                      "attachment": files.get(m.attachment_id or 0)} for m in r.messages],
        "attachments": [{"filename": a.filename, "media_type": a.media_type, "size": a.size,
                         "added_at": a.created_at} for a in r.attachments],
    }


def _attendance(e) -> list[dict]:
    rows = db.session.execute(
        sa.select(Participant, SocialisationSession).join(SocialisationSession,
                                                          SocialisationSession.id == Participant.session_id)
        .where(Participant.employee_id == e.id).order_by(SocialisationSession.starts_at)).all()
    inspectorate = settings.inspectorate_name()
    return [{
        "session": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at, "venue": s.venue,
        "organiser": s.owner_opd.name if s.owner_opd else inspectorate,
        "cancelled": s.cancelled_at is not None, "listed_at": p.created_at, "how_listed": _coded(p.source),
        "status": _coded(p.status), "check_in": _coded(p.method), "checked_in_at": p.checked_in_at,
        "note": p.note, "phone_marker_recorded": p.device_hash is not None,
    } for p, s in rows]


def _certificates(e, locale: str) -> list[dict]:
    found = db.session.scalars(sa.select(Certificate).where(Certificate.employee_id == e.id)
                               .order_by(Certificate.issued_at))
    return [{
        "code": c.formatted_code, "kind": _coded(c.kind), "subject": c.subject_en if locale == "en" else c.subject_id,
        "holder_name": c.holder_name, "holder_nip": c.holder_nip, "opd": c.opd_name, "issued_on": c.issued_on,
        "status": _coded(c.status), "version": c.version, "revoked_at": c.revoked_at,
        "revoked_reason": c.revoked_reason,
    } for c in found]


def _reminders(e) -> list[dict]:
    found = db.session.scalars(sa.select(Reminder).where(Reminder.employee_id == e.id).order_by(Reminder.sent_at))
    return [{"kind": r.kind, "sent_at": r.sent_at, "delivered_by_email": r.delivered} for r in found]


def _corrections(e) -> list[dict]:
    return [{
        "requested_at": c.created_at, "topic": _coded(c.topic), "what_is_wrong": c.what_is_wrong,
        "should_be": c.should_be, "status": _coded(c.status), "answered_at": c.handled_at, "note": c.note,
    } for c in corrections.of_employee(e)]


def summary(employee) -> dict[str, int]:
    """How many records of each kind the data page announces (the file has them all)."""
    def count(model, column) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(column == employee.id)) or 0
    return {
        "lessons_read": count(LessonRead, LessonRead.employee_id),
        "quiz_attempts": count(Attempt, Attempt.employee_id),
        "pre_tests": count(Pretest, Pretest.employee_id),
        "completions": count(Completion, Completion.employee_id),
        "declarations": count(Declaration, Declaration.declarant_id),
        "gift_reports": count(GiftReport, GiftReport.reporter_id),
        "sessions": count(Participant, Participant.employee_id),
        "certificates": count(Certificate, Certificate.employee_id),
    }
