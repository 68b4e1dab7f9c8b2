"""Forms of the LKE editor. Numbers accept a decimal comma (7,5) as Indonesian readers write it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from portal.web.forms import MultiCheckboxField, PortalForm, max_len
from portal.zi import scoring
from portal.zi.models import AnswerType, Part, Target

PASS_MARK_LABELS = {
    "area_percent": _l("Each enabler area, percentage of its weight"),
    "enablers": _l("Total of the enablers"),
    "clean_bureaucracy": _l("Clean and accountable bureaucracy (B.I)"),
    "ipak": _l("Anti-corruption perception survey (IPAK, B.I.a)"),
    "performance": _l("Performance better than before (B.I.b)"),
    "ipkp": _l("Public service quality perception (IPKP, B.II)"),
    "final": _l("Final score"),
}
_RANGE = NumberRange(min=0, max=100, message=_l("Between %(min)s and %(max)s."))


class DecimalField(FloatField):
    """A FloatField that reads "7,5" as 7.5."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [(valuelist[0] or "").strip().replace(",", ".")]
        super().process_formdata(valuelist)


def _choices(enum_cls) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in enum_cls]


def mark_field(target: str, key: str) -> str:
    return f"{target}_{key}"


class NewYearForm(PortalForm):
    source_id = SelectField(_l("Copy from"), coerce=int, validate_choice=True)
    year = IntegerField(_l("Year"), validators=[
        InputRequired(message=_l("Enter a year.")),
        NumberRange(min=2000, max=2100, message=_l("Between %(min)s and %(max)s."))])
    submit = SubmitField(_l("Create the new year"))


class VersionForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title.")), max_len(200)])
    source = TextAreaField(_l("Source (regulation or template it follows)"), validators=[max_len(4000)])
    pass_marks_verified = BooleanField(_l("Pass marks checked against the regulation"))
    submit = SubmitField(_l("Save"))


# One optional number per target and pass-mark key; empty: the target has no such check.
for _target in Target:
    for _key in scoring.PASS_MARK_KEYS:
        setattr(VersionForm, mark_field(_target.value, _key), DecimalField(
            PASS_MARK_LABELS[_key], validators=[Optional(), _RANGE]))


class AreaForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter a name.")), max_len(200)])
    weight = DecimalField(_l("Weight"), validators=[InputRequired(message=_l("Enter a number.")), _RANGE])
    complete = BooleanField(_l("Complete: every sub-component and item of the area has been entered"))
    submit = SubmitField(_l("Save"))


class ComponentForm(PortalForm):
    part = SelectField(_l("Part"), choices=_choices(Part))
    code = StringField(_l("Code"), description=_l("Derived from the LKE's numbering, e.g. A.I.5.iv."),
                       validators=[DataRequired(message=_l("Enter a code.")), max_len(30)])
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter a name.")), max_len(200)])
    weight = DecimalField(_l("Weight"), validators=[InputRequired(message=_l("Enter a number.")), _RANGE])
    submit = SubmitField(_l("Save"))


class ItemForm(PortalForm):
    code = StringField(_l("Code"), description=_l("Derived from the LKE's numbering, e.g. A.I.5.iv.a: the name of "
                                                  "the item's folder in the export."),
                       validators=[DataRequired(message=_l("Enter a code.")), max_len(40)])
    row_id = IntegerField(_l("Row ID in the template"), validators=[
        Optional(), NumberRange(min=1, max=100000, message=_l("Between %(min)s and %(max)s."))],
        description=_l("The running number in column A of the template it was taken from."))
    text = TextAreaField(_l("Wording"), validators=[DataRequired(message=_l("Enter the wording.")), max_len(4000)])
    answer_type = SelectField(_l("Answer type"), choices=_choices(AnswerType))
    options = TextAreaField(_l("Options, one per line"), validators=[max_len(8000)],
                            description=_l("The wording of a., b., c. ... in order (Yes/No: two lines). Leave empty "
                                           "for a percentage or a value."))
    guidance = TextAreaField(_l("Guidance: the documents expected as evidence"), validators=[max_len(8000)])
    evidence_keys = MultiCheckboxField(_l("Evidence the portal attaches"), choices=[])
    source = TextAreaField(_l("Source of the wording"), validators=[max_len(4000)])
    verified = BooleanField(_l("Checked against the Lampiran of the regulation"))
    submit = SubmitField(_l("Save"))


class ScoringCheckForm(PortalForm):
    where = StringField(_l("Where it was checked (regulation, Lampiran, page)"), validators=[max_len(300)],
                        description=_l("Leave empty to mark it as not checked."))
    submit = SubmitField(_l("Record"))
