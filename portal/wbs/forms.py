from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.wbs.models import Mode
from portal.wbs.retention import MAX_MONTHS, MIN_MONTHS
from portal.wbs.workflow import Referral
from portal.web.forms import PortalForm, max_len
from portal.web.nonces import NonceField

REPORT_SCOPE = "wbs.report"


def _not_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("This date is in the future."))


class ReportForm(PortalForm):
    mode = RadioField(_l("How do you want to report?"), default=Mode.ANONYMOUS.value, choices=[
        SelectChoice(Mode.ANONYMOUS.value, _l("Anonymous: I do not give my name. I follow up with the receipt code.")),
        SelectChoice(Mode.CONFIDENTIAL.value, _l("Confidential: I give my name, sealed; handlers see it only with a "
                                                 "recorded approval.")),
        SelectChoice(Mode.OPEN.value, _l("Open: the handlers may see my name and contact.")),
    ], validators=[InputRequired(message=_l("Choose how you want to report."))])
    # No Optional(): it would stop the chain before the mode-dependent checks below run.
    reporter_name = StringField(_l("Your name"), validators=[max_len(160)],
                                render_kw={"autocomplete": "off"})
    reporter_contact = StringField(_l("How we can reach you (phone or email)"), validators=[max_len(160)],
                                   render_kw={"autocomplete": "off"},
                                   description=_l("Only for confidential and open reports. Use a private number or "
                                                  "address, not an office one."))
    reported_name = StringField(_l("Who is reported? (name)"), validators=[
        DataRequired(message=_l("Say who is reported, or write \"tidak diketahui\" if you do not know.")),
        max_len(160)])
    reported_position = StringField(_l("Their position"), validators=[Optional(), max_len(200)])
    reported_opd = SelectField(_l("Their OPD"), coerce=int, validators=[Optional()])
    reported_opd_text = StringField(_l("Other unit or place of work"), validators=[Optional(), max_len(200)],
                                    description=_l("If the OPD is not in the list."))
    category = SelectField(_l("What kind of offence is it?"), coerce=int,
                           validators=[DataRequired(message=_l("Choose the kind of offence."))])
    what = TextAreaField(_l("What happened?"), validators=[
        DataRequired(message=_l("Describe what happened.")),
        Length(min=20, max=20000, message=_l("Between %(min)d and %(max)d characters."))],
        description=_l("The facts, as precisely as you can: what was done, by whom, involving what money or goods."))
    where = StringField(_l("Where did it happen?"), validators=[
        DataRequired(message=_l("Say where it happened.")), max_len(500)])
    when_from = DateField(_l("When did it happen? (date, or first date)"), validators=[
        DataRequired(message=_l("Give a date; an approximate one is fine.")), _not_future])
    when_to = DateField(_l("Until (last date, if it went on)"), validators=[Optional(), _not_future])
    how = TextAreaField(_l("How was it done?"), validators=[
        DataRequired(message=_l("Describe how it was done.")), max_len(20000)])
    why = TextAreaField(_l("Why do you think it was done? (optional)"), validators=[Optional(), max_len(5000)])
    loss = StringField(_l("Estimated loss to the state (optional)"), validators=[Optional(), max_len(100)],
                       description=_l("For example: Rp 50.000.000, or \"tidak diketahui\"."))
    evidence = MultipleFileField(_l("Evidence (optional)"))
    good_faith = BooleanField(_l("I make this report in good faith and to the best of my knowledge."),
                              validators=[DataRequired(message=_l(
                                  "A report can only be accepted with this statement."))])
    # Issued with the form: sending it twice (double click, reload) files one report.
    nonce = NonceField(scope=REPORT_SCOPE)
    # A field people do not see; automated form-fillers do.
    website = StringField(_l("Leave this field empty"), validators=[Optional()],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
    submit = SubmitField(_l("Send the report"))

    def validate_when_to(self, field):
        if field.data and self.when_from.data and field.data < self.when_from.data:
            raise ValidationError(_l("The last date is before the first date."))

    def validate_reporter_name(self, field):
        if self.mode.data in (Mode.CONFIDENTIAL.value, Mode.OPEN.value) and not (field.data or "").strip():
            raise ValidationError(_l("Give your name, or choose an anonymous report."))

    def validate_reporter_contact(self, field):
        if self.mode.data in (Mode.CONFIDENTIAL.value, Mode.OPEN.value) and not (field.data or "").strip():
            raise ValidationError(_l("Give a way to reach you, or choose an anonymous report."))


class FollowUpForm(PortalForm):
    receipt = StringField(_l("Receipt code"), validators=[DataRequired(message=_l("Enter your receipt code.")),
                                                          max_len(64)],
                          render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
                          description=_l("20 letters and digits, e.g. ABCD-EFGH-JKMN-PQRS-TVWX."))
    submit = SubmitField(_l("Open my report"))


class ReplyForm(PortalForm):
    body = TextAreaField(_l("Your message"), validators=[Optional(), max_len(10000)])
    evidence = MultipleFileField(_l("Add evidence (optional)"))
    submit = SubmitField(_l("Send"))


class StatusForm(PortalForm):
    status = SelectField(_l("New status"), validators=[DataRequired(message=_l("Choose the new status."))])
    reason = TextAreaField(_l("Reason (the reporter reads this)"), validators=[
        DataRequired(message=_l("Give the reason; the reporter will read it.")), max_len(5000)])
    referral = SelectField(_l("Referred to (when outside our competence)"), validators=[Optional()],
                           choices=[SelectChoice("", "–")] + [SelectChoice(r.value, r.label) for r in Referral])
    submit = SubmitField(_l("Change status"))


class MessageForm(PortalForm):
    body = TextAreaField(_l("Message to the reporter"), validators=[
        DataRequired(message=_l("Write the message.")), max_len(10000)])
    wait_for_reply = BooleanField(_l("We need the reporter's answer: pause the deadline until they reply"))
    submit = SubmitField(_l("Send to the reporter"))


class NoteForm(PortalForm):
    body = TextAreaField(_l("Internal note (never shown to the reporter)"), validators=[
        DataRequired(message=_l("Write the note.")), max_len(10000)])
    submit = SubmitField(_l("Add note"))


class AssignForm(PortalForm):
    # The service checks the person (in the team, not excluded); the list is only a convenience.
    assignee = SelectField(_l("Handler"), coerce=int, validators=[Optional()], validate_choice=False)
    submit = SubmitField(_l("Assign"))


class IdentityRequestForm(PortalForm):
    reason = TextAreaField(_l("Why the reporter's identity is needed"), validators=[
        DataRequired(message=_l("Give the reason.")), Length(min=20, max=2000, message=_l(
            "Between %(min)d and %(max)d characters."))],
        description=_l("An administrator decides; the request and the decision are kept in the audit log. "
                       "Do not copy the report's content here."))
    submit = SubmitField(_l("Request the identity"))


class IdentityDecisionForm(PortalForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")),
                                                   SelectChoice("refuse", _l("Refuse"))],
                          validators=[InputRequired(message=_l("Choose approve or refuse."))])
    note = TextAreaField(_l("Note"), validators=[DataRequired(message=_l("Give the reason for the decision.")),
                                                 max_len(2000)])
    submit = SubmitField(_l("Record the decision"))


def _days(label):
    return IntegerField(label, validators=[InputRequired(message=_l("Enter a number.")),
                                           NumberRange(min=1, max=365, message=_l("Between %(min)s and %(max)s."))])


class SettingsForm(PortalForm):
    ack_days = _days(_l("Acknowledge within (working days)"))
    verify_days = _days(_l("Verify within (working days from filing)"))
    conclude_days = _days(_l("Conclude within (working days from filing)"))
    due_soon_days = IntegerField(_l("Flag as due soon (working days before)"), validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=0, max=30, message=_l("Between %(min)s and %(max)s."))])
    max_file_mb = IntegerField(_l("Largest evidence file (MB)"), validators=[
        InputRequired(message=_l("Enter a number.")), NumberRange(min=1, max=50, message=_l(
            "Between %(min)s and %(max)s."))])
    max_files = IntegerField(_l("Files per report"), validators=[
        InputRequired(message=_l("Enter a number.")), NumberRange(min=0, max=20, message=_l(
            "Between %(min)s and %(max)s."))])
    submit = SubmitField(_l("Save settings"))


def _hold_reason(label, description):
    return TextAreaField(label, description=description, validators=[
        DataRequired(message=_l("Give the reason.")),
        Length(min=10, max=2000, message=_l("Between %(min)d and %(max)d characters."))])


class PlaceHoldForm(PortalForm):
    reason = _hold_reason(_l("Why the case must be kept"), _l(
        "For example: referred to the public prosecutor, or a court case is pending. A case under legal hold "
        "is never destroyed. Do not copy the report's content here."))
    submit = SubmitField(_l("Place a legal hold"))


class LiftHoldForm(PortalForm):
    reason = _hold_reason(_l("Why the hold can end"), _l(
        "Once the hold is lifted, the retention rule applies again: a case closed longer ago than the "
        "retention period is destroyed at the next daily run."))
    submit = SubmitField(_l("Lift the legal hold"))


class RetentionForm(PortalForm):
    retention_months = IntegerField(_l("Keep closed cases for (months after closing)"), validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=MIN_MONTHS, max=MAX_MONTHS, message=_l("Between %(min)s and %(max)s."))])
    submit = SubmitField(_l("Save the retention period"))
