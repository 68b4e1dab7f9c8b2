"""The forms of the guided check and of the rules editor."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
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
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from portal.core.workdays import today
from portal.gratification.check import Answer, Basis, Giver, ObjectKind, Occasion
from portal.web.forms import MultiCheckboxField, PortalForm, max_len

MAX_RUPIAH = 10**13
NOT_RUPIAH = _l("Enter a whole number of rupiah, for example 1.200.000.")


class RupiahField(IntegerField):
    """Whole rupiah; accepts what people write: "1.200.000", "Rp 1.200.000", "1200000" (in a text box:
    a number box refuses the dots)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = re.sub(r"(?i)^\s*rp\.?\s*", "", valuelist[0]).replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):
            raw = raw.replace(".", "")
        if not raw.isdigit():
            self.data = None
            raise ValueError(NOT_RUPIAH)
        self.data = int(raw)


_RUPIAH_RANGE = NumberRange(min=0, max=MAX_RUPIAH, message=_l("Between %(min)s and %(max)s."))


def _choices(enum_cls) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in enum_cls]


def _not_in_future(form, field):
    if field.data and field.data > today():
        raise ValidationError(_l("The date cannot be in the future."))


class CheckForm(PortalForm):
    object_kind = RadioField(_l("What was it?"), choices=_choices(ObjectKind),
                             validators=[InputRequired(message=_l("Choose an answer."))])
    giver = RadioField(_l("Who gave it?"), choices=_choices(Giver),
                       validators=[InputRequired(message=_l("Choose an answer."))])
    occasion = RadioField(_l("On what occasion?"), choices=_choices(Occasion),
                          validators=[InputRequired(message=_l("Choose an answer."))])
    value = RupiahField(_l("Estimated value (Rp)"), validators=[Optional(), _RUPIAH_RANGE],
                        description=_l("Leave empty if you cannot estimate it."),
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    earlier_this_year = RupiahField(
        _l("Earlier gifts from the same giver this calendar year (Rp)"), validators=[Optional(), _RUPIAH_RANGE],
        description=_l("Enter 0 if there were none; leave empty if you do not know."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    received_on = DateField(_l("Date received"), validators=[InputRequired(message=_l("Enter the date.")),
                                                             _not_in_future])
    related_to_duty = RadioField(_l("Is it related to your position or duty?"), choices=_choices(Answer),
                                 validators=[InputRequired(message=_l("Choose an answer."))])
    giver_has_business = RadioField(
        _l("Does the giver have business with your unit (a contract, a permit, a service, an audit or supervision)?"),
        choices=_choices(Answer), validators=[InputRequired(message=_l("Choose an answer."))])
    applies_to_all = RadioField(
        _l("Did everyone in the same position (all participants, all members, the public) receive the same?"),
        choices=_choices(Answer), validators=[InputRequired(message=_l("Choose an answer."))])
    submit = SubmitField(_l("Check"))


class RuleForm(PortalForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Enter a code.")), max_len(40)])
    label_id = TextAreaField(_l("Category in Indonesian"), validators=[
        DataRequired(message=_l("Enter the wording.")), max_len(2000)])
    label_en = TextAreaField(_l("Category in English"), validators=[
        DataRequired(message=_l("Enter the wording.")), max_len(2000)])
    condition_id = TextAreaField(_l("Conditions in Indonesian"), validators=[max_len(2000)])
    condition_en = TextAreaField(_l("Conditions in English"), validators=[max_len(2000)])
    occasion = SelectField(_l("Occasion it covers"), choices=[SelectChoice("", _l("Any occasion"))]
                           + _choices(Occasion), validators=[Optional()])
    giver = SelectField(_l("Giver it covers"), choices=[SelectChoice("", _l("Any giver"))] + _choices(Giver),
                        validators=[Optional()])
    object_kinds = MultiCheckboxField(_l("What it covers (none ticked: anything)"), choices=_choices(ObjectKind))
    requires_general = BooleanField(_l("Only what applies to everyone in the same position (berlaku umum)"))
    allows_duty_related = BooleanField(_l("May be related to the recipient's position or duty"))
    threshold = RupiahField(_l("Threshold (Rp)"), validators=[Optional(), _RUPIAH_RANGE],
                            description=_l("Leave empty when the category has no threshold."))
    basis = SelectField(_l("The threshold counts"), choices=[SelectChoice("", "–")] + _choices(Basis),
                        validators=[Optional()])
    yearly_cap = RupiahField(_l("Yearly cap from the same giver (Rp)"), validators=[Optional(), _RUPIAH_RANGE])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()],
                         description=_l("Set an end date when a new version takes over; checks of gifts received "
                                        "before it still use this one."))
    source = TextAreaField(_l("Source (regulation, article)"), validators=[
        DataRequired(message=_l("Enter the source.")), max_len(2000)])
    source_url = StringField(_l("Source address"), validators=[max_len(500)])
    verified = BooleanField(_l("Checked against the official text"))
    position = IntegerField(_l("Order"), default=100, validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=0, max=10000, message=_l("Between %(min)s and %(max)s."))])
    submit = SubmitField(_l("Save"))
