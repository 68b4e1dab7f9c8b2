"""The UPG's workflow on one report: register it (with its receipt, the tanda terima), ask the
reporter for more (the UPG's clock paused until they answer), forward it to the KPK (laid out as
the KPK's form asks, Peraturan KPK 2/2019; the portal records the KPK's reference: GOL has no
public interface, gratification.md §6) or settle it at the UPG where the setting allows, record
the KPK's decision, the handover of what became state property, and close it.

Periods: the UPG's own period to forward a report (gratification.forward_days) is Pemko policy,
a setting on the setup checklist until the Perwako's article is checked; the statutory limit
(30 working days from receipt to the KPK, UU Tipikor Pasal 12C ayat (2)) does not pause. The
7 working days for handing over state property after the KPK's decision: gratification.md §4.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from portal.core import audit, notices, pdf, settings, signing
from portal.core.formatting import day
from portal.core.notices import N_
from portal.core.workdays import add_workdays, today, workdays_between
from portal.extensions import db
from portal.gratification import workflow
from portal.gratification.models import Decision, GiftHistory, GiftMessage, GiftReport, Status
from portal.gratification.services import GratificationError, handles, is_reporter
from portal.web import urls

RECEIPT = "gratification.receipt"  # the tanda terima, numbered per year (declared in __init__.py)
HANDOVER_DAYS = 7  # working days after the KPK's decision to hand over state property (gratification.md §4)
DEFAULTS = {"gratification.forward_days": 10, "gratification.upg_may_settle": False}
MAX_TEXT = 5000
# Decisions that leave something to hand over; a mixed one always holds some state property,
# since its objects' decisions differ and only one decision (RECIPIENT) is not state property.
STATE_DECISIONS = {Decision.STATE, Decision.STATE_REDEEMABLE, Decision.MIXED}
AT_THE_UPG = (Status.SENT, Status.REGISTERED, Status.MORE_INFORMATION)  # not yet forwarded to the KPK

# What a history line says when the status alone does not.
STEPS = {
    "asked": _l("More information asked for"),
    "answered": _l("The reporter answered"),
    "settled": _l("Settled at the UPG"),
    "handover": _l("Handover recorded"),
}

INFO_ASKED = notices.define(
    "gratification.info_asked", N_("The UPG asks for more information on your gratification report"),
    N_("The UPG asks for more information on your gratification report %(register_no)s. Please answer on the "
       "report's page."))
DECIDED = notices.define(
    "gratification.decided", N_("The KPK has decided on your gratification report"),
    N_("The KPK's decision on your gratification report %(register_no)s has been recorded. The report's page "
       "says what you must do."))


def config() -> dict:
    return settings.get_many(DEFAULTS)


def forward_days() -> int:
    """The UPG's period to forward a registered report to the KPK, in working days (a setting)."""
    try:
        days = int(config()["gratification.forward_days"])
    except (TypeError, ValueError):
        days = DEFAULTS["gratification.forward_days"]
    return max(1, min(days, 30))


def may_settle() -> bool:
    return bool(config()["gratification.upg_may_settle"])


def save_settings(*, forward_days_value: int, may_settle_value: bool, actor) -> None:
    settings.save({"gratification.forward_days": max(1, min(forward_days_value, 30)),
                   "gratification.upg_may_settle": bool(may_settle_value)},
                  actor=actor, action="gratification.upg_settings_changed")


# --- the clocks -----------------------------------------------------------------------------------

def _left(due: date | None, on: date) -> int | None:
    if due is None:
        return None
    return workdays_between(on, due) if on <= due else -workdays_between(due, on)


def statutory_left(r: GiftReport, on: date | None = None) -> int | None:
    """Working days left before the statutory limit to the KPK (negative: past it); None once the
    report has left the UPG (forwarded, or settled): the limit no longer runs."""
    if r.status not in AT_THE_UPG:
        return None
    return _left(r.statutory_due_on, on or today())


def forward_left(r: GiftReport, on: date | None = None) -> int | None:
    """Working days left of the UPG's own period to forward the report; frozen while paused."""
    if r.status not in (Status.REGISTERED, Status.MORE_INFORMATION):
        return None
    return _left(r.forward_due_on, r.waiting_since or on or today())


def handover_overdue(r: GiftReport, on: date | None = None) -> bool:
    return (r.status == Status.DECIDED and r.handover_due_on is not None and r.handover_on is None
            and (on or today()) > r.handover_due_on)


def needs_handover(r: GiftReport) -> bool:
    return r.decision in STATE_DECISIONS


# --- the steps ------------------------------------------------------------------------------------

def _move(r: GiftReport, target: Status, actor, *, step: str = "") -> None:
    """Check the move against the table and the actor's part in it, then make it."""
    who = workflow.allowed(r.status, target)
    if who is None:
        raise GratificationError(_l("This step is not possible while the report is “%(status)s”.",
                                    status=r.status.label), "status")
    if who == "upg" and not handles(actor, r):
        raise GratificationError(_l("Only the UPG takes this step."), "status")
    if who == "reporter" and not is_reporter(actor, r):
        raise GratificationError(_l("Only the reporter takes this step."), "status")
    r.status = target
    r.history.append(GiftHistory(status=target, actor_id=actor.id, step=step))


def _text(value: str, field: str, minimum: int = 10) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise GratificationError(_l("Write at least %(n)d characters.", n=minimum), field)
    if len(value) > MAX_TEXT:
        raise GratificationError(_l("At most %(n)d characters.", n=MAX_TEXT), field)
    return value


def _date(value: date | None, field: str, *, not_before: date | None = None) -> date:
    if value is None:
        raise GratificationError(_l("Enter the date."), field)
    if value > today():
        raise GratificationError(_l("The date cannot be in the future."), field)
    if not_before is not None and value < not_before:
        raise GratificationError(_l("The date cannot be before %(day)s.", day=day(not_before)), field)
    return value


def register(r: GiftReport, *, actor) -> None:
    """Register a sent report: its receipt gets the next number of the year, dated today."""
    from portal.documents import services as documents

    _move(r, Status.REGISTERED, actor)
    on = today()
    r.registered_on = on
    r.forward_due_on = add_workdays(on, forward_days())
    with force_locale("id"):
        title = gettext("Receipt of gratification report %(no)s", no=r.register_no)
    r.receipt_no = documents.issue_number(RECEIPT, f"gratification_receipt:{r.id}", title=title, actor=actor)
    db.session.flush()
    audit.record("gratification.registered", r, actor=actor,
                 data={"register_no": r.register_no, "receipt_no": r.receipt_no,
                       "forward_due_on": r.forward_due_on.isoformat()})


def ask(r: GiftReport, message: str, *, actor) -> GiftMessage:
    """Ask the reporter for more: the UPG's clock stops until they answer."""
    body = _text(message, "message")
    _move(r, Status.MORE_INFORMATION, actor, step="asked")
    r.waiting_since = today()
    item = _message(r, body, from_upg=True, actor=actor)
    audit.record("gratification.info_asked", r, actor=actor, data={"message_id": item.id})
    if r.reporter.user is not None:
        notices.send(r.reporter.user.id, INFO_ASKED, link=urls.path("gratification.detail", report_id=r.id),
                     register_no=r.register_no)
    return item


def answer(r: GiftReport, message: str, upload: tuple[str, bytes] | None, *, actor) -> GiftMessage:
    """The reporter's answer: back to the UPG, its period moved by the working days spent waiting."""
    from portal.gratification import attachments

    body = _text(message, "message")
    _move(r, Status.REGISTERED, actor, step="answered")
    on = today()
    shift = workdays_between(r.waiting_since, on) if r.waiting_since else 0
    if shift and r.forward_due_on is not None:
        r.forward_due_on = add_workdays(r.forward_due_on, shift)
    r.waiting_since = None
    item = _message(r, body, from_upg=False, actor=actor)
    if upload is not None:
        try:
            item.attachment_id = attachments.add(r, *upload).id
        except attachments.AttachmentError as exc:
            raise GratificationError(exc.message, "file") from None
    audit.record("gratification.info_answered", r, actor=actor,
                 data={"message_id": item.id, "days_moved": shift, "attachment": item.attachment_id is not None,
                       "forward_due_on": r.forward_due_on.isoformat() if r.forward_due_on else None})
    return item


def _message(r: GiftReport, body: str, *, from_upg: bool, actor) -> GiftMessage:
    item = GiftMessage(from_upg=from_upg, actor_id=actor.id)
    r.messages.append(item)
    db.session.flush()  # its id is bound into its sealed text
    item.body = body
    db.session.flush()
    return item


def forward(r: GiftReport, *, kpk_reference: str, sent_on: date | None, actor) -> None:
    """Record that the UPG entered the report in GOL (or sent it otherwise): the KPK's reference
    and the date. The portal sends nothing to the KPK."""
    reference = (kpk_reference or "").strip()
    if not reference:
        raise GratificationError(_l("Enter the KPK's reference number."), "kpk_reference")
    if len(reference) > 100:
        raise GratificationError(_l("At most %(n)d characters.", n=100), "kpk_reference")
    sent_on = _date(sent_on, "kpk_sent_on", not_before=r.registered_on)
    _move(r, Status.FORWARDED, actor)
    r.kpk_reference, r.kpk_sent_on = reference, sent_on
    db.session.flush()
    audit.record("gratification.forwarded", r, actor=actor,
                 data={"kpk_reference": reference, "kpk_sent_on": sent_on.isoformat(),
                       "within_statutory": bool(r.statutory_due_on and sent_on <= r.statutory_due_on)})


def settle(r: GiftReport, note: str, *, actor) -> None:
    """Close a registered report at the UPG without forwarding it, where the setting allows."""
    if not may_settle():
        raise GratificationError(_l("The settings do not let the UPG settle a report itself."), "status")
    if r.status != Status.REGISTERED:
        raise GratificationError(_l("This step is not possible while the report is “%(status)s”.",
                                    status=r.status.label), "status")
    text = _text(note, "note")
    _move(r, Status.CLOSED, actor, step="settled")
    r.settled_note = text
    db.session.flush()
    audit.record("gratification.settled", r, actor=actor, data={"note_length": len(text)})


def decide(r: GiftReport, *, decision: Decision | None = None,
           object_decisions: Sequence[Decision | None] | None = None, decision_no: str,
           decision_on: date | None, actor) -> None:
    """The KPK's decision (SK) on the report. The KPK decides per object: `object_decisions`
    gives one decision for each object in their order, or `decision` one for them all. The
    report carries the common decision, or MIXED; state property gets its handover deadline."""
    given = list(object_decisions) if object_decisions is not None else [decision] * len(r.objects)
    chosen = [d for d in given if d is not None and d != Decision.MIXED]
    if not chosen or len(chosen) != len(r.objects) or len(given) != len(r.objects):
        if len(r.objects) > 1:
            raise GratificationError(_l("Choose the KPK's decision on each object."), None)
        raise GratificationError(_l("Choose the KPK's decision."), "decision")
    number = (decision_no or "").strip()
    if not number:
        raise GratificationError(_l("Enter the number of the KPK's decision."), "decision_no")
    if len(number) > 100:
        raise GratificationError(_l("At most %(n)d characters.", n=100), "decision_no")
    decision_on = _date(decision_on, "decision_on", not_before=r.kpk_sent_on)
    _move(r, Status.DECIDED, actor)
    for item, value in zip(r.objects, chosen, strict=True):
        item.decision = value
    overall = chosen[0] if len(set(chosen)) == 1 else Decision.MIXED
    r.decision, r.decision_no, r.decision_on = overall, number, decision_on
    r.handover_due_on = add_workdays(decision_on, HANDOVER_DAYS) if overall in STATE_DECISIONS else None
    db.session.flush()
    audit.record("gratification.decided", r, actor=actor,
                 data={"decision": overall.value, "objects": [d.value for d in chosen],
                       "decision_no": number, "decision_on": decision_on.isoformat(),
                       "handover_due_on": r.handover_due_on.isoformat() if r.handover_due_on else None})
    if r.reporter.user is not None:
        notices.send(r.reporter.user.id, DECIDED, link=urls.path("gratification.detail", report_id=r.id),
                     register_no=r.register_no)


def record_handover(r: GiftReport, *, on: date | None, note: str, upload: tuple[str, bytes] | None, actor) -> None:
    """The proof that the object was handed over (a receipt, a BAST) or its value transferred."""
    from portal.gratification import attachments

    if r.status != Status.DECIDED or not needs_handover(r):
        raise GratificationError(_l("This step is not possible while the report is “%(status)s”.",
                                    status=r.status.label), "status")
    if r.handover_on is not None:
        raise GratificationError(_l("The handover has already been recorded."), "status")
    if not (is_reporter(actor, r) or handles(actor, r)):
        raise GratificationError(_l("Only the reporter or the UPG records the handover."), "status")
    on = _date(on, "handover_on", not_before=r.decision_on)
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise GratificationError(_l("At most %(n)d characters.", n=MAX_TEXT), "handover_note")
    if upload is None and len(note) < 10:
        raise GratificationError(_l("Attach the proof of the handover, or describe the transfer of its value "
                                    "(at least 10 characters)."), "handover_note")
    if upload is not None:
        try:
            r.handover_attachment_id = attachments.add(r, *upload).id
        except attachments.AttachmentError as exc:
            raise GratificationError(exc.message, "handover_file") from None
    r.handover_on, r.handover_note = on, note
    r.history.append(GiftHistory(status=r.status, actor_id=actor.id, step="handover"))
    db.session.flush()
    audit.record("gratification.handover_recorded", r, actor=actor,
                 data={"handover_on": on.isoformat(), "attachment": r.handover_attachment_id is not None,
                       "late": bool(r.handover_due_on and on > r.handover_due_on)})


def close(r: GiftReport, *, actor) -> None:
    """Close a decided report (settling a registered one is settle())."""
    if r.status != Status.DECIDED:
        raise GratificationError(_l("This step is not possible while the report is “%(status)s”.",
                                    status=r.status.label), "status")
    if r.status == Status.DECIDED and needs_handover(r) and r.handover_on is None:
        raise GratificationError(_l("Record the handover before closing the report."), "status")
    _move(r, Status.CLOSED, actor)
    db.session.flush()
    audit.record("gratification.closed", r, actor=actor, data={"decision": r.decision.value if r.decision else None})


# --- the documents --------------------------------------------------------------------------------

def _objects(r: GiftReport) -> list[dict]:
    return [{"no": i, "kind": str(o.kind.label), "description": o.description,
             "value": "–" if o.value is None else f"Rp{o.value:,}".replace(",", "."),
             "custody": str(o.custody.label)} for i, o in enumerate(r.objects, 1)]


def _rupiah(value: int) -> str:
    return f"Rp{value:,}".replace(",", ".")


def receipt_pdf(r: GiftReport) -> bytes:
    """The tanda terima: Indonesian whatever the reader's language, on the Inspectorate's kop,
    with its number, dated the day the report was registered, signed as the kind's signatory."""
    from portal.documents import services as documents

    if r.receipt_no is None:
        raise GratificationError(_l("The report has not been registered yet."), "status")
    with force_locale("id"):
        official = documents.official(RECEIPT, opd_id=documents.inspectorate_id(),
                                      numbered_as=f"gratification_receipt:{r.id}")
        context = {**official, "register_no": r.register_no or "", "report_type": str(r.report_type.label),
                   "reporter": r.reporter.name, "nip": r.reporter.nip,
                   "position": r.reporter_position or r.reporter.position,
                   "opd": (r.opd or r.reporter.opd).name if (r.opd or r.reporter.opd) else "",
                   "received_on": day(r.received_on) if r.received_on else "–",
                   "sent_on": day(r.sent_on) if r.sent_on else "–",
                   "registered_on": day(r.registered_on) if r.registered_on else "–",
                   "objects": _objects(r), "total": _rupiah(r.total_value)}
        return pdf.render("pdf/gratification_receipt.html", context, sign_as=signing.Document.GRATIFICATION_RECEIPT)


def kpk_sections(r: GiftReport) -> list[dict]:
    """The report as the KPK's form asks for it (Peraturan KPK 2/2019, gratification.md §5), in
    its order, in Indonesian: what the UPG enters in GOL."""
    with force_locale("id"):
        opd = r.opd or r.reporter.opd
        relation = str(r.giver_relation.label) if r.giver_relation else "–"
        if r.giver_relation_other:
            relation = f"{relation}: {r.giver_relation_other}"
        sections = [
            (gettext("Identity of the recipient"), [
                (gettext("NIK (national identity number)"), r.nik or "–"),
                (gettext("Name"), r.reporter.name), (gettext("NIP"), r.reporter.nip),
                (gettext("Address"), r.reporter_address or "–"), (gettext("Telephone"), r.reporter_phone or "–"),
                (gettext("E-mail"), r.reporter.email or "–")]),
            (gettext("Giver"), [
                (gettext("Name"), r.giver_name or "–"), (gettext("Institution or company"), r.giver_institution or "–"),
                (gettext("Address"), r.giver_address or "–"), (gettext("Relationship with the recipient"), relation)]),
            (gettext("Position of the recipient"), [
                (gettext("Position"), r.reporter_position or r.reporter.position),
                (gettext("OPD"), opd.name if opd else "–")]),
            (gettext("Place and time of receipt"), [
                (gettext("Place"), r.place or "–"), (gettext("Date"), day(r.received_on) if r.received_on else "–"),
                (gettext("Occasion"), r.occasion or "–")]),
            (gettext("Type of gratification"), [
                (gettext("Kind of report"), str(r.report_type.label)),
                *((f"{o['no']}. {o['kind']}", f"{o['description']} ({o['custody']})") for o in _objects(r))]),
            (gettext("Value"), [
                *((f"{o['no']}. {o['kind']}", o["value"]) for o in _objects(r)),
                (gettext("Total"), _rupiah(r.total_value))]),
            (gettext("Chronology of the receipt"), [("", r.chronology or "–")]),
            (gettext("Evidence, documents or supporting data"), [
                (str(i), a.filename) for i, a in enumerate(r.attachments, 1)] or [("", "–")]),
        ]
        return [{"no": n, "title": title, "rows": [list(row) for row in rows]}
                for n, (title, rows) in enumerate(sections, 1)]


def kpk_text(r: GiftReport) -> str:
    lines = []
    for section in kpk_sections(r):
        lines.append(f"{section['no']}. {section['title'].upper()}")
        for label, value in section["rows"]:
            lines.append(f"   {label}: {value}" if label else f"   {value}")
        lines.append("")
    return "\n".join(lines)


def kpk_pdf(r: GiftReport) -> bytes:
    """The same, as a PDF: a working paper for GOL, not an official document (no kop, unsigned)."""
    with force_locale("id"):
        title = gettext("Gratification report for the KPK's form")
        return pdf.render("pdf/gratification_kpk_form.html",
                          {"title": title, "register_no": r.register_no or "", "sections": kpk_sections(r)},
                          sign_as=None)


# --- the UPG's to-do ----------------------------------------------------------------------------

def counts(on: date | None = None, *, opd_id: int | None = None) -> dict:
    """What waits for the UPG: the whole city's, or one OPD's for its own officer (services.upg_opd)."""
    import sqlalchemy as sa

    on = on or today()

    def count(*where) -> int:
        scoped = (GiftReport.opd_id == opd_id,) if opd_id is not None else ()
        return db.session.scalar(sa.select(sa.func.count()).where(*where, *scoped)) or 0

    waiting = count(GiftReport.status == Status.SENT)
    forwarding = count(GiftReport.status == Status.REGISTERED)
    overdue = count(GiftReport.status == Status.DECIDED, GiftReport.handover_on.is_(None),
                    GiftReport.handover_due_on.is_not(None), GiftReport.handover_due_on < on)
    return {"register": waiting or 0, "forward": forwarding or 0, "handover_overdue": overdue or 0}
