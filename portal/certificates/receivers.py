"""What other areas tell the certificates area (core/signals.py), connected in init_app:
a module completed, an attendance made final, a yearly statement filed each issue a
certificate or complete the compliance one; the evidence pack asks for participants' codes."""
from __future__ import annotations

from portal.certificates import services
from portal.coi.models import Declaration
from portal.core import signals
from portal.core.clock import local
from portal.extensions import db
from portal.learning.models import Completion
from portal.org.models import Employee
from portal.socialisation.models import Participant


def on_module_completed(completion: Completion, **_) -> None:
    services.issue_for_module(completion)
    services.check_compliance(db.session.get(Employee, completion.employee_id), local(completion.completed_at).year)


def on_attendance_final(participant: Participant, **_) -> None:
    if services.issue_for_attendance(participant) is not None and services.config()["cert.compliance_requires_session"]:
        services.check_compliance(participant.employee, local(participant.session.starts_at).year)


def on_yearly_statement_filed(declaration: Declaration, **_) -> None:
    services.check_compliance(declaration.declarant, declaration.year)


def codes_for_participants(session, participants, **_) -> dict[int, str]:
    return services.codes_for_participants(session, participants)


def connect() -> None:
    signals.module_completed.connect(on_module_completed)
    signals.attendance_final.connect(on_attendance_final)
    signals.yearly_statement_filed.connect(on_yearly_statement_filed)
    signals.participant_certificate_codes.connect(codes_for_participants)
