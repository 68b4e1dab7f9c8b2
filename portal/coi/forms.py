from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from portal.coi.models import Activity, Relationship
from portal.web.forms import MultiCheckboxField, PortalForm, max_len
from portal.web.nonces import NonceField

DECLARATION_SCOPE = "coi.declaration"


def optional_id(value) -> int | None:
    """A select's value as an id; its empty first choice as None."""
    return None if value in (None, "", "None") else int(value)


class DeclarationForm(PortalForm):
    no_conflict = BooleanField(_l("I have no conflict of interest to declare this year"))
    types = MultiCheckboxField(_l("Type of conflict"), coerce=int)
    sources = MultiCheckboxField(_l("Source of the conflict"), coerce=int)
    description = TextAreaField(_l("Describe the situation"), validators=[max_len(10000)])
    activity = SelectField(_l("Decision or activity at stake"), validators=[Optional()], choices=[
        SelectChoice("", "–")] + [SelectChoice(a.value, a.label) for a in Activity])
    activity_detail = StringField(_l("Which one (e.g. the tender, the recruitment round)"),
                                  validators=[max_len(500)])
    related_party = StringField(_l("Related party (person or company)"), validators=[max_len(200)])
    related_nip = StringField(_l("NIP of the related party, if a civil servant"), validators=[Optional(), max_len(24)],
                              render_kw={"inputmode": "numeric", "autocomplete": "off"})
    relationship_kind = SelectField(_l("Your relationship with them"), validators=[Optional()], choices=[
        SelectChoice("", "–")] + [SelectChoice(r.value, r.label) for r in Relationship])
    gift_involved = BooleanField(_l("A gift or gratification is involved"))
    # Choices: the declarant's own sent reports (views._choices); the service checks the one sent back.
    gift_report = SelectField(_l("Your gratification report to the UPG"), coerce=optional_id, validate_choice=False,
                              description=_l("The reports you have sent to the UPG through this portal."))
    gift_report_ref = StringField(_l("Report number in the KPK's Gratifikasi Online (GOL), if you reported it there"),
                                  validators=[max_len(120)])
    proposed_measure = TextAreaField(_l("What you propose to do about it"), validators=[max_len(5000)])
    attachment = FileField(_l("Attachment (optional)"))
    # Issued with the form and bound to the account and the declaration: sending the same
    # form twice (double click, reload, back button) records once.
    nonce = NonceField(scope=DECLARATION_SCOPE)
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Save and submit"))


class DecisionForm(PortalForm):
    decision = SelectField(_l("Decision"), coerce=int, validators=[DataRequired(message=_l("Choose a decision."))])
    rationale = TextAreaField(_l("Rationale"), validators=[DataRequired(message=_l("Explain the decision.")),
                                                          max_len(5000)])
    submit = SubmitField(_l("Record the decision"))


class NoteForm(PortalForm):
    body = TextAreaField(_l("Text"), validators=[DataRequired(message=_l("Write the text.")), max_len(5000)])
    submit = SubmitField(_l("Send"))


class ListItemForm(PortalForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Enter a code.")), max_len(40)])
    label_id = TextAreaField(_l("Wording in Indonesian"), validators=[DataRequired(message=_l("Enter the wording.")),
                                                                      max_len(1000)])
    label_en = TextAreaField(_l("Wording in English"), validators=[DataRequired(message=_l("Enter the wording.")),
                                                                   max_len(1000)])
    reference = StringField(_l("Regulation reference"), validators=[max_len(500)])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()],
                            description=_l("Set an end date to retire an entry; declarations that used it keep it."))
    position = IntegerField(_l("Order"), default=100, validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=0, max=10000, message=_l("Between %(min)s and %(max)s."))])
    is_other = BooleanField(_l("\"Other\" entry: the declarant must describe it"))
    submit = SubmitField(_l("Save"))


class CoiSettingsForm(PortalForm):
    decision_days = IntegerField(_l("The superior decides within (working days)"), validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=1, max=60, message=_l("Between %(min)s and %(max)s."))])
    reminder_days = IntegerField(_l("Remind the decider (working days before the deadline)"), validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=0, max=30, message=_l("Between %(min)s and %(max)s."))])
    submit = SubmitField(_l("Save settings"))
