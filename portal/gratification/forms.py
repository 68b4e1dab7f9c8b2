from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from portal.gratification.models import Custody, Decision, GiverRelation, ObjectKind, ReportType
from portal.web.forms import PortalForm, max_len
from portal.web.nonces import NonceField

REPORT_SCOPE = "gratification.report"
OBJECT_ROWS = 5  # rows on the form; empty rows are ignored


def _choices(enum, blank: bool = True) -> list[SelectChoice]:
    return ([SelectChoice("", "–")] if blank else []) + [SelectChoice(m.value, m.label) for m in enum]


class RupiahField(StringField):
    """A whole number of rupiah, as people type it: "1.500.000", "Rp 250000", "75 000"."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = self.raw

    def pre_validate(self, form):
        raw = re.sub(r"^rp\.?\s*", "", (self.data or "").strip(), flags=re.I)
        raw = re.sub(r"[.\s]", "", raw)
        if raw.endswith(",00") or raw.endswith(",-"):
            raw = raw[:-3] if raw.endswith(",00") else raw[:-2]
        if raw == "":
            self.number = None
            return
        if not raw.isdigit() or len(raw) > 14:
            self.number = None
            raise ValidationError(_l("Enter the estimated value in whole rupiah."))
        self.number = int(raw)

    def _value(self):
        return self.data or ""


class ObjectRowForm(PortalForm):
    class Meta:
        csrf = False  # a row inside ReportForm, which carries the token

    kind = SelectField(_l("Kind of object"), validators=[Optional()], choices=_choices(ObjectKind))
    description = StringField(_l("Description"), validators=[max_len(500)])
    value = RupiahField(_l("Estimated value (Rp)"), render_kw={"inputmode": "numeric", "autocomplete": "off"})
    custody = SelectField(_l("Where it is kept"), validators=[Optional()], choices=_choices(Custody))


class ReportForm(PortalForm):
    report_type = SelectField(_l("What are you reporting?"), choices=_choices(ReportType, blank=False),
                              validators=[InputRequired(message=_l("Choose what you are reporting."))])
    nik = StringField(_l("NIK (national identity number)"), validators=[Optional(), max_len(20)],
                      description=_l("The KPK's form asks for it. It is stored encrypted; only the UPG reads it."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    reporter_address = TextAreaField(_l("Your full address"), validators=[max_len(1000)],
                                     description=_l("The KPK's form asks for it."),
                                     render_kw={"autocomplete": "street-address", "rows": 2})
    reporter_phone = StringField(_l("Your telephone number"), validators=[max_len(30)],
                                 render_kw={"inputmode": "tel", "autocomplete": "tel"})
    giver_name = StringField(_l("Giver's name"), validators=[max_len(200)])
    giver_institution = StringField(_l("Giver's institution or company"), validators=[max_len(200)])
    giver_address = TextAreaField(_l("Giver's address"), validators=[max_len(1000)])
    giver_relation = SelectField(_l("Your relationship with the giver"), validators=[Optional()],
                                 choices=_choices(GiverRelation))
    giver_relation_other = StringField(_l("Relationship, in your words"), validators=[max_len(200)])
    occasion = StringField(_l("Occasion (e.g. Idul Fitri, a wedding, after a service)"), validators=[max_len(300)])
    received_on = DateField(_l("Date received (or refused, or offered)"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[max_len(300)])
    chronology = TextAreaField(_l("Chronology: what happened"), validators=[max_len(10000)])
    refused = BooleanField(_l("I refused it or gave it back"))
    objects = FieldList(FormField(ObjectRowForm), min_entries=OBJECT_ROWS, max_entries=OBJECT_ROWS)
    attachments = MultipleFileField(_l("Documents or photos (optional)"))
    # Issued with the form and bound to the account and the report: sending the same form twice
    # (double click, reload, back button) records once.
    nonce = NonceField(scope=REPORT_SCOPE)
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Save and send to the UPG"))


class GratificationSettingsForm(PortalForm):
    upg_days = IntegerField(_l("Report to the UPG within (working days after receipt)"), validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=1, max=30, message=_l("Between %(min)s and %(max)s."))])
    reminder_days = IntegerField(_l("Remind the reporter of a draft (working days before the deadline)"),
                                 validators=[InputRequired(message=_l("Enter a number.")),
                                             NumberRange(min=0, max=30, message=_l("Between %(min)s and %(max)s."))])
    # The UPG's own period and whether it may settle a report (upg.py): Pemko policy, on the setup
    # checklist with the reporting period until the Perwako's article is checked.
    forward_days = IntegerField(_l("Forward a registered report to the KPK within (working days)"), validators=[
        Optional(), NumberRange(min=1, max=30, message=_l("Between %(min)s and %(max)s."))])
    may_settle = BooleanField(_l("The UPG may settle a report itself, without forwarding it to the KPK"))
    submit = SubmitField(_l("Save settings"))


# --- the UPG's workflow (upg.py) ------------------------------------------------------------------

class AskForm(PortalForm):
    message = TextAreaField(_l("What the reporter should add or explain"), validators=[max_len(5000)])
    ask = SubmitField(_l("Ask the reporter"))


class AnswerForm(PortalForm):
    message = TextAreaField(_l("Your answer"), validators=[max_len(5000)])
    file = FileField(_l("A document or photo (optional)"))
    send_answer = SubmitField(_l("Send the answer to the UPG"))


class ForwardForm(PortalForm):
    kpk_reference = StringField(_l("KPK reference number (from GOL)"), validators=[max_len(100)])
    kpk_sent_on = DateField(_l("Date sent to the KPK"), validators=[Optional()])
    forward = SubmitField(_l("Record the forwarding"))


class SettleForm(PortalForm):
    note = TextAreaField(_l("Why the UPG settles it without the KPK"), validators=[max_len(5000)])
    settle = SubmitField(_l("Settle at the UPG"))


def _decisions() -> list[SelectChoice]:
    """What the KPK decides on one object (MIXED only describes a report)."""
    return [c for c in _choices(Decision) if c.value != Decision.MIXED.value]


class DecisionForm(PortalForm):
    decision = SelectField(_l("The KPK's decision"), validators=[Optional()], choices=_decisions)
    # One per object when there are several (the KPK decides per object); labelled by the view.
    object_decisions = FieldList(SelectField(_l("The KPK's decision"), validators=[Optional()], choices=_decisions),
                                 min_entries=0, max_entries=10)
    decision_no = StringField(_l("Number of the decision"), validators=[max_len(100)])
    decision_on = DateField(_l("Date of the decision"), validators=[Optional()])
    record_decision = SubmitField(_l("Record the decision"))


class HandoverForm(PortalForm):
    handover_on = DateField(_l("Date of the handover or transfer"), validators=[Optional()])
    handover_note = TextAreaField(_l("Note (e.g. the transfer's reference)"), validators=[max_len(5000)])
    handover_file = FileField(_l("Proof: handover receipt (BAST) or transfer slip"))
    record_handover = SubmitField(_l("Record the handover"))
