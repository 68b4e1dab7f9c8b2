"""Every endpoint is classified, and every role gets what its class promises.

Adding a route without adding it here fails `test_every_endpoint_is_classified`, so no
endpoint can be forgotten. Anonymous visitors are redirected to the login page; logged-in
users without the role get 403; objects outside one's reach are 404.
"""
from __future__ import annotations

import secrets

import pytest

from portal.extensions import db

PUBLIC = "public"            # anyone, including anonymous visitors
LOGGED_IN = "logged_in"      # any account
ADMIN = "admin"              # ADMIN only
CITY = "city"                # ADMIN and COI_REVIEWER (whole-city views)
SIGNALS = "signals"          # ADMIN, COI_REVIEWER and the UPG (early detection; the UPG sees its own signals)
SECRETARY = "secretary"      # SECRETARY (own OPD)
EMPLOYEE_RECORD = "employee_record"  # object rule: can_view_employee
WBS_TEAM = "wbs_team"        # WBS_HANDLER only (ADMIN manages the team but never reads a case)
EMPLOYEE = "employee"        # any account that is an employee (not the technical admin account)
DECLARATION = "declaration"  # object rule: the declarant, the decider, the Inspectorate
DECLARANT = "declarant"      # object rule: the declarant only
REVIEWER = "reviewer"        # COI_REVIEWER only (the Inspectorate's oversight)
COVERAGE = "coverage"        # SECRETARY (own OPD), COI_REVIEWER and ADMIN
LEARNER_RECORD = "learner_record"  # object rule: the employee themself, their OPD's secretary, the city roles
OWN_ATTEMPT = "own_attempt"  # object rule: the quiz attempt's owner only
ORGANISER = "organiser"      # ADMIN, COI_REVIEWER, SECRETARY (sessions of their own OPD)
SESSION = "session"          # object rule: its organisers, secretaries of invited OPDs, people on its list
SESSION_MANAGER = "session_manager"  # object rule: its organisers (the sample is the Inspectorate's)
CERTIFICATE = "certificate"  # object rule: its holder, their OPD's secretary, the city roles
OWN_JOB = "own_job"          # object rule: whoever asked for the background job
LOGIN_STEP = "login_step"    # the login's code step: anonymous without a pending password step goes back
                             # to /login; a logged-in account is sent home (so: like LOGGED_IN here)
SESSION_OPD = "session_opd"  # object rule: its organisers, and secretaries of invited OPDs (their own part)
RECOMMENDATION = "recommendation"  # object rule: its source's managers, the responsible OPD's secretary or account
RECOMMENDATION_MANAGER = "recommendation_manager"  # object rule: its source's managers (the Inspectorate)
GIFT_REPORT = "gift_report"  # object rule: the reporter, and the UPG once it is sent; everyone else 404
GIFT_REPORTER = "gift_reporter"  # object rule: the reporter only; everyone else 404
UPG = "upg"                  # UPG only (the Gratification Control Unit)
GIFT_CASE = "gift_case"      # object rule: the UPG's pages on a sent report; everyone else 404
GIFT_STATISTICS = "gift_statistics"  # UPG and ADMIN (the city), SECRETARY (own OPD, counts under 3 hidden)
ZI_UNIT = "zi_unit"          # object rule: zi.permissions.can_see (the unit's OPD secretary, the Inspectorate, ADMIN)
ZI_TIMELINE = "zi_timeline"  # the year's Zona Integritas dates: COI_REVIEWER, ADMIN, SECRETARY (units work to them)
ZI_SELF = "zi_self"          # object rule: the unit's OPD's secretary (self-assessment, evidence)

ENDPOINTS = {
    "static": PUBLIC,
    "bootstrap.static": PUBLIC,
    "home.index": PUBLIC,
    "home.healthz": PUBLIC,
    "home.regulations": PUBLIC,
    "home.regulation_text": PUBLIC,
    "home.notice_list": LOGGED_IN,
    "home.notice_read": LOGGED_IN,
    "auth.login": PUBLIC,
    "auth.logout": LOGGED_IN,
    "auth.change_password": LOGGED_IN,
    "auth.profile": LOGGED_IN,
    "auth.login_code": LOGIN_STEP,
    "auth.mfa_settings": LOGGED_IN,
    "auth.mfa_disable": LOGGED_IN,
    "auth.mfa_recovery_codes": LOGGED_IN,
    "org.opds": ADMIN,
    "org.opd_form": ADMIN,
    "org.employees": CITY,
    "org.staff": SECRETARY,
    "org.employee": EMPLOYEE_RECORD,
    "org.employee_form": ADMIN,
    "org.import_upload": ADMIN,
    "org.import_preview": ADMIN,
    "org.import_template": ADMIN,
    "org.import_opd_codes": ADMIN,
    "org.import_problems": ADMIN,
    "admin.index": ADMIN,
    "admin.accounts": ADMIN,
    "admin.account_create": ADMIN,
    "admin.account": ADMIN,
    "admin.account_temporary_password": ADMIN,
    "admin.account_end_sessions": ADMIN,
    "admin.account_mfa_reset": ADMIN,
    "admin.audit_log": ADMIN,
    "admin.approval_list": ADMIN,
    "admin.approval_decide": ADMIN,
    "admin.approval_withdraw": ADMIN,
    "admin.approval_password": ADMIN,
    "documents.index": ADMIN,
    "documents.logo": ADMIN,
    "documents.letterheads": ADMIN,
    "documents.letterhead": ADMIN,
    "documents.signatories": ADMIN,
    "documents.signatory": ADMIN,
    "documents.numbering": ADMIN,
    "documents.scheme": ADMIN,
    "documents.register": CITY,
    "admin.holidays": ADMIN,
    "admin.holiday_delete": ADMIN,
    "admin.signing_page": ADMIN,
    "admin.setup_checklist": ADMIN,
    "admin.government_settings": ADMIN,
    "home_manage.index": ADMIN,
    "home_manage.regulation_form": ADMIN,
    "home_manage.upload_text": ADMIN,
    "home_manage.article_form": ADMIN,
    "home_manage.article_verify": ADMIN,
    "wbs.index": PUBLIC,
    "wbs.new_report": PUBLIC,
    "wbs.follow_up": PUBLIC,
    "wbs.case": PUBLIC,
    "wbs.close_case": PUBLIC,
    "wbs_manage.queue": WBS_TEAM,
    "wbs_manage.case": WBS_TEAM,
    "wbs_manage.change_status": WBS_TEAM,
    "wbs_manage.send_message": WBS_TEAM,
    "wbs_manage.add_note": WBS_TEAM,
    "wbs_manage.assign": WBS_TEAM,
    "wbs_manage.request_identity": WBS_TEAM,
    "wbs_manage.place_hold": WBS_TEAM,
    "wbs_manage.lift_hold": WBS_TEAM,
    "wbs_manage.evidence": WBS_TEAM,
    "wbs_manage.statistics": WBS_TEAM,
    "wbs_manage.statistics_csv": WBS_TEAM,
    "wbs_manage.settings_page": ADMIN,
    "wbs_manage.retention_settings": ADMIN,
    "wbs_manage.identity_request": ADMIN,
    "coi.index": LOGGED_IN,
    "coi.new": EMPLOYEE,
    "coi.edit": DECLARANT,
    "coi.amend": DECLARANT,
    "coi.detail": DECLARATION,
    "coi.submit": DECLARANT,
    "coi.acknowledge": DECLARATION,
    "coi.decide": DECLARATION,
    "coi.return_for_information": DECLARATION,
    "coi.attachment": DECLARATION,
    "coi_oversight.index": REVIEWER,
    "coi_oversight.comment": REVIEWER,
    "coi_oversight.take_over": REVIEWER,
    "coi_oversight.register": REVIEWER,
    "coi_oversight.evaluation": REVIEWER,
    "coi_oversight.evaluation_file": REVIEWER,
    "coi_oversight.city_evaluation": REVIEWER,
    "coi_oversight.city_evaluation_file": REVIEWER,
    "coi_oversight.coverage": COVERAGE,
    "coi_oversight.list_index": CITY,
    "coi_oversight.list_item": CITY,
    "learning.index": LOGGED_IN,
    "learning.module": LOGGED_IN,
    "learning.lesson": LOGGED_IN,
    "learning.lesson_read": LOGGED_IN,
    "learning.quiz": LOGGED_IN,
    # The pre-test's address is the module's: each account only ever reaches its own.
    "learning.pretest": LOGGED_IN,
    "learning.pretest_answers": LOGGED_IN,
    "learning.attempt": OWN_ATTEMPT,
    "learning.attempt_result": OWN_ATTEMPT,
    "learning.results.overview": COVERAGE,
    "learning.results.employee": LEARNER_RECORD,
    "learning.results.item_analysis": CITY,
    "learning.results.item_analysis_question": CITY,
    "learning.manage.modules": CITY,
    "learning.manage.module_form": CITY,
    "learning.manage.lesson_form": CITY,
    "learning.manage.question_form": CITY,
    "socialisation.index": LOGGED_IN,
    "socialisation.new": ORGANISER,
    "socialisation.detail": SESSION,
    "socialisation.edit": SESSION_MANAGER,
    "socialisation.cancel": SESSION_MANAGER,
    "socialisation.add_participants": SESSION_OPD,
    "socialisation.remove_participant": SESSION_MANAGER,
    "socialisation.mark": SESSION_MANAGER,
    "socialisation.walk_in": SESSION_MANAGER,
    "socialisation.close": SESSION_MANAGER,
    "socialisation.qr": SESSION_MANAGER,
    "socialisation.qr_json": SESSION_MANAGER,
    "socialisation.minutes": SESSION_MANAGER,
    "socialisation.add_photo": SESSION_MANAGER,
    "socialisation.photo": SESSION_OPD,
    "socialisation.delete_photo": SESSION_MANAGER,
    "socialisation.invitation_pdf": SESSION_OPD,
    "socialisation.attendance_pdf": SESSION_OPD,
    "socialisation.minutes_pdf": SESSION_OPD,
    "socialisation.evidence_pack": SESSION_OPD,
    # Public: a bad or stale token is answered to anyone; a fresh one sends the anonymous to the
    # login (tests/socialisation/test_checkin.py).
    "checkin.scan": PUBLIC,
    "checkin.code": LOGGED_IN,
    "certificates.index": LOGGED_IN,
    "certificates.listing": COVERAGE,
    "certificates.detail": CERTIFICATE,
    "certificates.download": CERTIFICATE,
    "certificates.revoke": CITY,
    "certificates.reissue": CITY,
    "certificates.session_bulk": SESSION_MANAGER,
    "certificates.job": OWN_JOB,
    "certificates.job_file": OWN_JOB,
    "certificates.settings_page": ADMIN,
    "verify.form": PUBLIC,
    "verify.certificate": PUBLIC,
    "participation.dashboard": COVERAGE,
    "participation.staff": COVERAGE,
    "participation.staff_export": COVERAGE,
    "participation.learning_hours_export": COVERAGE,
    "participation.evidence": COVERAGE,
    "participation.reminder_preview": SECRETARY,
    "participation.reminder_send": SECRETARY,
    "participation.early_detection": SIGNALS,
    "participation.settings_page": ADMIN,
    # The privacy notices are public (the WBS form they serve is); one's own data needs an employee.
    "privacy.index": PUBLIC,
    "privacy.notice": PUBLIC,
    "privacy_rights.my_data": EMPLOYEE,
    "privacy_rights.download": EMPLOYEE,
    "privacy_rights.correction": EMPLOYEE,
    "privacy_manage.settings_page": ADMIN,
    "privacy_manage.retention_page": ADMIN,
    "privacy_manage.corrections_list": ADMIN,
    "privacy_manage.correction": ADMIN,
    # Follow-up of evaluations' recommendations: the list shows each account what concerns it.
    "followup.index": LOGGED_IN,
    "followup.new": REVIEWER,
    "followup.detail": RECOMMENDATION,
    "followup.complete": RECOMMENDATION,
    "followup.evidence": RECOMMENDATION,
    "followup.edit": RECOMMENDATION_MANAGER,
    "followup.reopen": RECOMMENDATION_MANAGER,
    "gratification.index": LOGGED_IN,
    "gratification.new": EMPLOYEE,
    "gratification.edit": GIFT_REPORTER,
    "gratification.detail": GIFT_REPORT,
    "gratification.submit": GIFT_REPORTER,
    "gratification.attachment": GIFT_REPORT,
    "gratification_upg.index": UPG,
    "gratification_upg.case": GIFT_CASE,
    "gratification_upg.register": GIFT_CASE,
    "gratification_upg.ask": GIFT_CASE,
    "gratification_upg.forward": GIFT_CASE,
    "gratification_upg.settle": GIFT_CASE,
    "gratification_upg.decide": GIFT_CASE,
    "gratification_upg.handover": GIFT_CASE,
    "gratification_upg.close": GIFT_CASE,
    "gratification_upg.kpk_pdf": GIFT_CASE,
    "gratification_upg.kpk_text": GIFT_CASE,
    "gratification.answer": GIFT_REPORTER,
    "gratification.handover": GIFT_REPORTER,
    "gratification.receipt": GIFT_REPORT,
    "gratification_upg.settings_page": ADMIN,
    "gratification_oversight.register_page": UPG,
    "gratification_oversight.register_xlsx": UPG,
    "gratification_oversight.yearly_report_file": UPG,
    "gratification_oversight.statistics_page": GIFT_STATISTICS,
    # The check "Do I have to report this?" is for every account; its rules are the administrator's.
    "gratification_check.check": LOGGED_IN,
    "gratification_check.rules_index": ADMIN,
    "gratification_check.rule": ADMIN,
    "zi_export.lke_xlsx": ZI_UNIT,
    "zi_export.evidence_zip": ZI_UNIT,
    "zi_export.job": OWN_JOB,
    "zi_export.job_file": OWN_JOB,
    # Zona Integritas: the city view and the year's timeline (only the Inspectorate edits it).
    "zi_city.city_view": CITY,
    "zi_city.timeline_page": ZI_TIMELINE,
    "zi_city.milestone_new": REVIEWER,
    "zi_city.milestone_edit": REVIEWER,
    "zi_city.milestone_done": REVIEWER,
    "zi_city.milestone_reopen": REVIEWER,
    "zi_city.milestone_delete": REVIEWER,
    # The LKE editor of Zona Integritas: the Inspectorate (internal assessor) and administrators.
    "zi_lke.index": CITY,
    "zi_lke.new_year": CITY,
    "zi_lke.version": CITY,
    "zi_lke.edit_version": CITY,
    "zi_lke.scoring_check": CITY,
    "zi_lke.area": CITY,
    "zi_lke.component": CITY,
    "zi_lke.component_delete": CITY,
    "zi_lke.item": CITY,
    "zi_lke.item_move": CITY,
    "zi_lke.item_delete": CITY,
    # Zona Integritas: the units of a year; a unit and its items (the sample is Dinas Kesehatan's).
    "zi.index": COVERAGE,
    "zi.propose": REVIEWER,
    "zi.unit": ZI_UNIT,
    "zi.item": ZI_UNIT,
    "zi.evidence_file": ZI_UNIT,
    "zi.answer": ZI_SELF,
    "zi.submit": ZI_SELF,
    "zi.add_evidence": ZI_SELF,
    "zi.remove_evidence": ZI_SELF,
    "zi.assess": REVIEWER,
    "zi.finish": REVIEWER,
    "zi.reopen": REVIEWER,
    "zi.withdraw": REVIEWER,
}

ROLES = ["anonymous", "asn", "secretary", "coi_reviewer", "wbs_handler", "upg", "admin"]
ALLOWED = {
    PUBLIC: set(ROLES),
    LOGGED_IN: set(ROLES) - {"anonymous"},
    LOGIN_STEP: set(ROLES) - {"anonymous"},
    ADMIN: {"admin"},
    CITY: {"admin", "coi_reviewer"},
    SIGNALS: {"admin", "coi_reviewer", "upg"},
    SECRETARY: {"secretary"},
    # The record of asn.dinkes: their OPD's secretary, the city-wide roles.
    EMPLOYEE_RECORD: {"secretary", "coi_reviewer", "admin"},
    WBS_TEAM: {"wbs_handler"},
    EMPLOYEE: set(ROLES) - {"anonymous", "admin"},
    # The sample declaration is asn.dinkes's; its decider (kadis.dinkes) has no client here.
    DECLARATION: {"asn", "coi_reviewer"},
    DECLARANT: {"asn"},
    REVIEWER: {"coi_reviewer"},
    COVERAGE: {"secretary", "coi_reviewer", "admin"},
    # The sample learner is asn.dinkes, and the sample attempt is theirs.
    LEARNER_RECORD: {"asn", "secretary", "coi_reviewer", "admin"},
    OWN_ATTEMPT: {"asn"},
    ORGANISER: {"secretary", "coi_reviewer", "admin"},
    # The sample session is the Inspectorate's, for Dinas Kesehatan, with asn.dinkes on its list.
    SESSION: {"asn", "secretary", "coi_reviewer", "admin"},
    SESSION_MANAGER: {"coi_reviewer", "admin"},
    SESSION_OPD: {"secretary", "coi_reviewer", "admin"},
    # The sample certificate is asn.dinkes's; the sample jobs (certificates, a unit's ZIP) are inspektur's.
    CERTIFICATE: {"asn", "secretary", "coi_reviewer", "admin"},
    OWN_JOB: {"coi_reviewer"},
    # The sample recommendation is the Dinas Kesehatan evaluation's, followed up by its secretary.
    RECOMMENDATION: {"secretary", "coi_reviewer"},
    RECOMMENDATION_MANAGER: {"coi_reviewer"},
    # The sample gratification report is asn.dinkes's, sent.
    GIFT_REPORT: {"asn", "upg"},
    GIFT_REPORTER: {"asn"},
    UPG: {"upg"},
    GIFT_CASE: {"upg"},
    GIFT_STATISTICS: {"secretary", "upg", "admin"},
    # The sample Zona Integritas unit is Dinas Kesehatan's.
    ZI_UNIT: {"secretary", "coi_reviewer", "admin"},
    ZI_TIMELINE: {"secretary", "coi_reviewer", "admin"},
    ZI_SELF: {"secretary"},
}
# Arguments that differ between endpoints sharing a name.
SAMPLE_OVERRIDES = {"coi.new": {"kind": "adhoc"}, "documents.signatory": {"kind": "coi.evaluation", "role": "sign"},
                    "documents.scheme": {"kind": "coi.evaluation"}, "coi_oversight.list_item": {"kind": "type"},
                    "coi_oversight.evaluation_file": {"fmt": "xlsx"}, "checkin.scan": {"token": "bukan-token"},
                    "certificates.session_bulk": {"fmt": "pdf"}, "participation.staff_export": {"fmt": "xlsx"},
                    "participation.learning_hours_export": {"fmt": "xlsx"},
                    "org.import_template": {"fmt": "xlsx"}, "org.import_opd_codes": {"fmt": "csv"},
                    "org.import_problems": {"fmt": "xlsx"},
                    "privacy.notice": {"purpose": "wbs"},
                    "coi_oversight.city_evaluation_file": {"fmt": "xlsx"},
                    "gratification_oversight.yearly_report_file": {"fmt": "xlsx"},
                    "followup.new": {"kind": "coi.evaluation", "key": "city", "year": 2026},
                    "zi_lke.item_move": {"direction": "turun"}}
# Logged in, allowed into the area, but not to this object: 404, not 403 (no existence leak).
OBJECT_DENIED: dict[str, set[str]] = {
    LEARNER_RECORD: {"wbs_handler", "upg"},
    OWN_ATTEMPT: {"secretary", "coi_reviewer", "wbs_handler", "upg", "admin"},
    SESSION: {"wbs_handler", "upg"},
    SESSION_MANAGER: {"wbs_handler", "upg"},
    SESSION_OPD: {"wbs_handler", "upg"},
    CERTIFICATE: {"wbs_handler", "upg"},
    OWN_JOB: {"asn", "secretary", "wbs_handler", "upg", "admin"},
    GIFT_REPORT: {"secretary", "coi_reviewer", "wbs_handler", "admin"},
    GIFT_REPORTER: {"secretary", "coi_reviewer", "wbs_handler", "upg", "admin"},
    GIFT_CASE: {"asn", "secretary", "coi_reviewer", "wbs_handler", "admin"},
    RECOMMENDATION: {"asn", "wbs_handler", "upg", "admin"},
    RECOMMENDATION_MANAGER: {"asn", "wbs_handler", "upg", "admin"},
    ZI_UNIT: {"asn", "wbs_handler", "upg"},
    ZI_SELF: {"asn", "wbs_handler", "upg"},
}


def test_every_endpoint_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = endpoints - set(ENDPOINTS)
    assert not unclassified, f"classify these endpoints in tests/test_access_matrix.py: {sorted(unclassified)}"
    stale = set(ENDPOINTS) - endpoints
    assert not stale, f"no longer exist: {sorted(stale)}"


@pytest.fixture
def sample_args(app, world):
    from portal.org.models import ImportBatch

    with app.app_context():
        batch = ImportBatch(token=secrets.token_urlsafe(32), filename="x.csv", rows=[],
                            created_by_id=world.admin["user_id"])
        db.session.add(batch)
        db.session.commit()
        token = batch.token
    with app.app_context():
        from portal.admin import approvals
        from portal.admin.models import ApprovalKind
        from portal.auth.models import User

        approval = approvals.ask(ApprovalKind.PASSWORD_RESET, db.session.get(User, world.handler["user_id"]),
                                 actor=db.session.get(User, world.admin["user_id"]), reason="Lupa kata sandinya.")
        db.session.commit()
        approval_id = approval.id
        from portal.documents import services as documents

        letterhead_id = documents.save_letterhead(None, opd_id=None, government_line="Pemerintah Kota Contoh",
                                                  unit_line="", address="", phone="", email="", website="",
                                                  actor=None).id
        db.session.commit()
    wbs = make_wbs_case(app, world)
    coi = make_declaration(app, world)
    learning = make_learning_sample(app, world)
    sessions = make_session_sample(app, world)
    correction = make_correction_request(app, world)
    gift = make_gift_report(app, world)
    regulations = make_regulation_sample(app, world)
    recommendation = make_recommendation(app, world)
    zi_unit = make_zi_unit(app, world)
    milestone = make_zi_milestone(app)
    zi_lke = make_zi_lke_sample(app, world)
    return {
        **zi_unit,
        **milestone,
        **zi_lke,
        **recommendation,
        **learning,
        **sessions,
        **regulations,
        **wbs,
        **coi,
        **correction,
        **gift,
        "opd_id": world.dinkes,
        "employee_id": world.asn["employee_id"],
        # An account no client below logs in with: ending its sessions must not log a client out.
        "user_id": world.asn_disdik["user_id"],
        "token": token,
        "notice_id": 1,
        "approval_id": approval_id,
        "letterhead_id": letterhead_id,
        "filename": "css/portal.css",
    }


def make_wbs_case(app, world) -> dict:
    """A confidential report about Dinas Kesehatan with one file and one identity request."""
    from datetime import date

    from portal.auth.models import User
    from portal.core.workdays import ExtraHoliday
    from portal.wbs import handling, services
    from portal.wbs.content import load_categories
    from portal.wbs.models import Category, Mode
    from portal.org.models import Opd
    from tests.wbs.builders import png_bytes

    with app.app_context():
        load_categories()
        filed = services.file_report(
            mode=Mode.CONFIDENTIAL, category=db.session.scalars(db.select(Category)).first(),
            reported_opd=db.session.get(Opd, world.dinkes),
            content={"reported_name": "Seseorang", "what": "x" * 30, "where": "Padang", "how": "begitu"},
            identity={"name": "Pelapor", "contact": "0812"}, uploads=[services.Upload("a.png", png_bytes())])
        request = handling.request_identity(filed.report, "alasan yang cukup panjang untuk diminta",
                                            actor=db.session.get(User, world.handler["user_id"]))
        holiday = ExtraHoliday(day=date(2031, 1, 2), name="Libur contoh")
        db.session.add(holiday)
        db.session.commit()
        return {"public_id": filed.report.public_id, "evidence_id": filed.report.evidence[0].public_id,
                "request_id": request.id, "holiday_id": holiday.id}


def make_zi_lke_sample(app, world) -> dict:
    """The shipped LKE, with Dinas Kesehatan proposed for WBK and the sample item answered: deleting
    the item or its sub-component is refused (a redirect), so every allowed role gets the same answer."""
    from portal.zi import lke
    from portal.zi.models import Answer, Target, Unit

    with app.app_context():
        lke.load_shipped()
        version = lke.latest_version()
        item = lke.items_of(version)[0]
        # Other samples may have proposed the same unit already: one unit per OPD and year.
        unit = db.session.execute(db.select(Unit).filter_by(version_id=version.id, opd_id=world.dinkes)).scalar()
        if unit is None:
            unit = Unit(version_id=version.id, opd_id=world.dinkes, target=Target.WBK)
            db.session.add(unit)
            db.session.flush()
        if db.session.execute(db.select(Answer).filter_by(unit_id=unit.id, item_id=item.id)).scalar() is None:
            db.session.add(Answer(unit_id=unit.id, item_id=item.id, self_value="a"))
        db.session.commit()
        return {"version_id": version.id, "area_id": item.component.area_id, "component_id": item.component_id,
                "lke_item_id": item.id}


def make_recommendation(app, world) -> dict:
    """A recommendation of Dinas Kesehatan's evaluation, reported done by its secretary with evidence."""
    from datetime import date

    from portal.auth.models import User
    from portal.followup import services as followup

    with app.app_context():
        rec = followup.add("coi.evaluation", str(world.dinkes), 2026, followup.Fields(
            text="Tetapkan petugas pengelola benturan kepentingan.", opd_id=world.dinkes, owner_login="",
            due_on=date(2027, 3, 31)), actor=db.session.get(User, world.inspektur["user_id"]))
        followup.complete(rec, note="SK sudah ditetapkan.", evidence=("sk.txt", b"SK Kepala Dinas\n"),
                          actor=db.session.get(User, world.secretary["user_id"]))
        db.session.commit()
        return {"rec_id": rec.id}


def make_zi_unit(app, world) -> dict:
    """Dinas Kesehatan's Zona Integritas unit of 2026, one item answered, with a file as evidence
    (so its withdrawal is refused and the walk leaves it in place)."""
    from portal.auth.models import User
    from portal.zi import export_jobs, lke, services

    with app.app_context():
        lke.load_shipped()
        version = lke.version_for(2026)
        unit = services.propose(version, world.dinkes, "wbk", db.session.get(User, world.inspektur["user_id"]))
        secretary = db.session.get(User, world.secretary["user_id"])
        item = lke.items_of(version)[0]
        services.answer_self(unit, item, "a", "", secretary)
        ev = services.add_evidence(unit, item, "file", "SK", upload=("sk.txt", b"SK Kepala Dinas\n"), actor=secretary)
        # The unit's evidence ZIP asked for by inspektur (the job pages are its owner's only).
        job, _new = export_jobs.request_zip(unit, owner=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
        return {"unit_id": unit.id, "zi_item_id": item.id, "ev_id": ev.id, "zi_job_id": job.id}


def make_zi_milestone(app) -> dict:
    """A date of the 2026 Zona Integritas timeline (its delete route is the blueprint's last)."""
    from datetime import date

    from portal.zi import timeline

    with app.app_context():
        m = timeline.add(2026, timeline.Fields(label="Pengisian LKE", due_on=date(2026, 5, 15),
                                               source="Surat KemenPANRB"), actor=None)
        db.session.commit()
        return {"milestone_id": m.id}


def make_regulation_sample(app, world) -> dict:
    """The default regulations, the first with its official text uploaded."""
    from portal.auth.models import User
    from portal.home import library
    from portal.home.services import list_regulations, load_regulations

    with app.app_context():
        load_regulations()
        regulation = list_regulations()[0]
        library.store_text(regulation, "teks.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                           actor=db.session.get(User, world.admin["user_id"]))
        db.session.commit()
        return {"regulation_id": regulation.id, "article_id": regulation.articles[0].id}


def make_learning_sample(app, world) -> dict:
    """The seed modules, and an open quiz attempt of asn.dinkes."""
    from tests.learning.factories import learning_sample_args

    with app.app_context():
        return learning_sample_args(world)


def make_session_sample(app, world) -> dict:
    """A running session of the Inspectorate for Dinas Kesehatan: asn.dinkes checked in, minutes, a photo."""
    from tests.socialisation.factories import running_session

    with app.app_context():
        from portal.auth.models import User
        from portal.certificates import bulk, services as certificates

        s = running_session(world, minutes="Notula rapat.", with_photo=True, checked_in=[world.asn])
        cert = certificates.issue_for_attendance(s.participants[0])
        job = bulk.request_bulk(s, "pdf", owner=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
        return {"session_id": s.id, "participant_id": s.participants[0].id, "photo_id": s.photos[0].id,
                "cert_id": cert.id, "code": cert.code, "job_id": job.id}


def make_declaration(app, world) -> dict:
    """An ad-hoc declaration by asn.dinkes, submitted to kadis.dinkes, with an attachment."""
    from portal.auth.models import User
    from portal.coi import attachments, lists, services
    from portal.coi.models import Activity, Kind, ListKind, Relationship
    from portal.org.models import Employee

    with app.app_context():
        lists.load_lists()
        user = db.session.get(User, world.asn["user_id"])
        fields = services.DraftFields(
            description="Adik saya ikut tender yang saya nilai di dinas.", activity=Activity.PROCUREMENT,
            related_party="CV Contoh", relationship_kind=Relationship.FAMILY,
            type_ids=(lists.items(ListKind.TYPE)[0].id,), source_ids=(lists.items(ListKind.SOURCE)[0].id,))
        d = services.save_draft(None, declarant=db.session.get(Employee, world.asn["employee_id"]), kind=Kind.ADHOC,
                                fields=fields, actor=user)
        item = attachments.add(d, "catatan.txt", b"catatan biasa\n")
        services.submit(d, actor=user)
        db.session.commit()
        return {"declaration_id": d.id, "attachment_id": item.id, "item_id": lists.items(ListKind.TYPE)[0].id}


def make_gift_report(app, world) -> dict:
    """A gratification report by asn.dinkes, sent to the UPG, with a photo."""
    from datetime import timedelta

    from portal.auth.models import User
    from portal.core.workdays import today
    from portal.gratification import attachments, services
    from portal.gratification.models import GiverRelation, ObjectKind
    from portal.org.models import Employee
    from tests.wbs.builders import png_bytes

    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        fields = services.ReportFields(
            giver_name="CV Contoh", giver_relation=GiverRelation.SUPPLIER, received_on=today() - timedelta(days=2),
            reporter_address="Jl. Sudirman 1, Padang", reporter_phone="0812 1111 2222",
            place="Kantor", chronology="Rekanan menyerahkan bingkisan di kantor.",
            objects=[services.ObjectFields(kind=ObjectKind.FOOD, description="Parsel", value=300000)])
        report = services.save_draft(None, reporter=db.session.get(Employee, world.asn["employee_id"]),
                                     fields=fields, actor=user)
        item = attachments.add(report, "foto.png", png_bytes())
        services.submit(report, actor=user)
        db.session.commit()
        # Its file shares the argument name attachment_id with the declaration's: both are the first of
        # their table, so the one sample id serves both endpoints.
        assert item.id == 1
        return {"report_id": report.id}


def make_correction_request(app, world) -> dict:
    """A correction request of asn.dinkes, waiting for an administrator."""
    from portal.auth.models import User
    from portal.privacy import corrections
    from portal.privacy.models import CorrectionTopic

    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        item = corrections.request_correction(user.employee, topic=CorrectionTopic.PROFILE, what_is_wrong="Jabatan salah",
                                              should_be="Analis Kebijakan Ahli Muda", actor=user)
        db.session.commit()
        return {"correction_id": item.id}


@pytest.fixture
def clients(app, world, login_as, make_employee):
    from portal.core.roles import Role

    upg = make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})
    return {
        "anonymous": app.test_client(),
        "asn": login_as(world.asn),
        "secretary": login_as(world.secretary),
        "coi_reviewer": login_as(world.inspektur),
        "wbs_handler": login_as(world.handler),
        "upg": login_as(upg),
        "admin": login_as(world.admin),
    }


def _requests(app, sample_args):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "bootstrap.static":
            yield rule.endpoint, "GET", "/bootstrap/static/css/bootstrap.min.css"
            continue
        args = {name: SAMPLE_OVERRIDES.get(rule.endpoint, {}).get(name, sample_args.get(name))
                for name in rule.arguments}
        if rule.endpoint.startswith("zi.") and "item_id" in args:  # an LKE item, not the CoI list's item
            args["item_id"] = sample_args["zi_item_id"]
        if rule.endpoint.startswith("zi_export.") and "job_id" in args:  # the unit's ZIP, not a certificate job
            args["job_id"] = sample_args["zi_job_id"]
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, url


def test_access_matrix(app, sample_args, clients):
    failures = []
    for endpoint, method, url in _requests(app, sample_args):
        kind = ENDPOINTS[endpoint]
        for role in ROLES:
            if endpoint == "auth.logout":
                continue  # checked below: it would end the shared session
            response = clients[role].open(url, method=method)
            status = response.status_code
            response.close()  # static files are streamed; close them
            if role in ALLOWED[kind]:
                ok = status in (200, 302, 400) and "/login" not in response.headers.get("Location", "")
            elif role == "anonymous":
                ok = status == 302 and "/login" in response.headers["Location"]
            elif role in OBJECT_DENIED.get(kind, set()):
                ok = status == 404
            else:
                ok = status in (403, 404) if kind in (EMPLOYEE_RECORD, DECLARATION, DECLARANT) else status == 403
            if not ok:
                failures.append(f"{role:13} {method} {url} ({endpoint}, {kind}) -> {status}")
    assert not failures, "\n".join(failures)


def test_logout_requires_login_and_post(app, world, login_as):
    anonymous = app.test_client().post("/logout")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    client = login_as(world.asn)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302


def test_secretary_sees_other_opd_employee_as_404(app, world, login_as):
    client = login_as(world.secretary)
    assert client.get(f"/org/pegawai/{world.asn['employee_id']}").status_code == 200
    assert client.get(f"/org/pegawai/{world.asn_disdik['employee_id']}").status_code == 404


def test_opd_scope_cannot_be_widened_by_parameters(app, world, login_as):
    client = login_as(world.secretary)
    page = client.get(f"/org/staf?opd={world.disdik}&q=").get_data(as_text=True)
    assert "asn.dinkes" not in page  # usernames are not shown; names are
    with app.app_context():
        from portal.org.models import Employee

        other = db.session.get(Employee, world.asn_disdik["employee_id"]).name
        own = db.session.get(Employee, world.asn["employee_id"]).name
    assert own in page and other not in page
