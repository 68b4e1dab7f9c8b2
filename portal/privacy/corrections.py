"""Correction requests: an employee says what is wrong and what it should be; an administrator
corrects it (in the page where that data is edited) and marks the request done, or declines it
with a reason. Every step is audited without the request's words (the audit log can never be
erased; the request itself can). The employee reads the answer on their data page and, when
they have an address, gets an e-mail saying that it was answered."""
from __future__ import annotations

import logging
import smtplib

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import audit, formatting, mail
from portal.core.clock import utcnow
from portal.core.errors import PortalError
from portal.extensions import db
from portal.privacy.models import CorrectionRequest, CorrectionStatus, CorrectionTopic
from portal.web.urls import absolute_url

log = logging.getLogger(__name__)
MAX_TEXT = 2000
# Enough for every real case; a cap so a script cannot fill the administrators' list.
MAX_OPEN_PER_EMPLOYEE = 10


class PrivacyError(PortalError):
    pass


def request_correction(employee, *, topic: CorrectionTopic, what_is_wrong: str, should_be: str,
                       actor) -> CorrectionRequest:
    what_is_wrong, should_be = (what_is_wrong or "").strip(), (should_be or "").strip()
    if not what_is_wrong:
        raise PrivacyError(_l("Say what is wrong."), "what_is_wrong")
    if not should_be:
        raise PrivacyError(_l("Say what it should be."), "should_be")
    if len(what_is_wrong) > MAX_TEXT or len(should_be) > MAX_TEXT:
        raise PrivacyError(_l("At most %(max)d characters.", max=MAX_TEXT), "what_is_wrong")
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(CorrectionRequest).where(
        CorrectionRequest.employee_id == employee.id, CorrectionRequest.status == CorrectionStatus.OPEN)) or 0
    if waiting >= MAX_OPEN_PER_EMPLOYEE:
        raise PrivacyError(_l("You have %(n)d requests waiting. Wait for their answers before asking again.",
                              n=waiting), "what_is_wrong")
    item = CorrectionRequest(employee_id=employee.id, topic=topic, what_is_wrong=what_is_wrong,
                             should_be=should_be)
    db.session.add(item)
    db.session.flush()
    audit.record("privacy.correction_requested", item, actor=actor, data={"topic": topic.value})
    return item


def handle(item: CorrectionRequest, *, outcome: CorrectionStatus, note: str, actor) -> bool:
    """Mark the request done or declined. Returns whether the employee was e-mailed.

    Answered once: the conditional UPDATE lets only the first of two administrators through."""
    if outcome not in (CorrectionStatus.DONE, CorrectionStatus.DECLINED):
        raise PrivacyError(_l("Choose done or declined."), "outcome")
    note = (note or "").strip()
    if outcome == CorrectionStatus.DECLINED and not note:
        raise PrivacyError(_l("Say why the request is declined: the employee reads it."), "note")
    if len(note) > MAX_TEXT:
        raise PrivacyError(_l("At most %(max)d characters.", max=MAX_TEXT), "note")
    won = db.session.scalar(
        sa.update(CorrectionRequest).where(CorrectionRequest.id == item.id,
                                           CorrectionRequest.status == CorrectionStatus.OPEN)
        .values(status=outcome, note=note, handled_at=utcnow(), handled_by_id=actor.id)
        .returning(CorrectionRequest.id).execution_options(synchronize_session=False))
    if won is None:
        raise PrivacyError(_l("This request has already been answered."), "outcome")
    db.session.refresh(item)
    audit.record("privacy.correction_handled", item, actor=actor,
                 data={"topic": item.topic.value, "status": outcome.value, "employee": item.employee_id})
    return _tell(item)


def _tell(item: CorrectionRequest) -> bool:
    """The e-mail says that the request was answered and where to read the answer; the note
    itself stays in the portal (mail is not a confidential channel)."""
    employee = item.employee
    if not employee.email:
        return False
    user = employee.user
    locale = (user.locale if user is not None else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("Your correction request has been answered")
        body = _("Your request of %(date)s to correct your data (%(topic)s) has been answered: %(outcome)s.\n\n"
                 "Read the answer on your data page in the Integrity Portal:\n%(url)s",
                 date=formatting.day(item.created_at), topic=item.topic.label,
                 outcome=item.status.label, url=absolute_url("privacy_rights.my_data"))
    try:
        mail.send(employee.email, subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        # The answer is recorded and shown in the portal; the view says the e-mail failed.
        log.warning("correction answer e-mail not sent: %s", type(exc).__name__)
        return False
    return True


def of_employee(employee) -> list[CorrectionRequest]:
    return list(db.session.scalars(sa.select(CorrectionRequest).where(CorrectionRequest.employee_id == employee.id)
                                   .order_by(CorrectionRequest.created_at.desc(), CorrectionRequest.id.desc())))


def admin_query():
    """Open requests first, the oldest of them on top (their answer is due soonest); then the
    answered ones, newest first."""
    is_open = sa.case((CorrectionRequest.status == CorrectionStatus.OPEN, 0), else_=1)
    oldest_first = sa.case((CorrectionRequest.status == CorrectionStatus.OPEN, CorrectionRequest.id),
                           else_=-CorrectionRequest.id)
    return sa.select(CorrectionRequest).order_by(is_open, oldest_first)


def open_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CorrectionRequest)
                             .where(CorrectionRequest.status == CorrectionStatus.OPEN)) or 0
