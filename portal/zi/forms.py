from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from portal.web.forms import PortalForm, max_len
from portal.zi.models import EvidenceKind, Target
from portal.zi.services import MAX_TEXT, MAX_TITLE, MAX_URL


class ProposeForm(PortalForm):
    opd_id = SelectField(_l("OPD"), coerce=int, validate_choice=False,
                         validators=[InputRequired(message=_l("Choose the OPD to propose."))])
    target = SelectField(_l("Target"), choices=[SelectChoice(t.value, t.label) for t in Target],
                         validators=[InputRequired(message=_l("Choose WBK or WBBM."))])
    submit = SubmitField(_l("Propose"))


class AnswerForm(PortalForm):
    """The unit's answer: the template draws `value` as a select or a number field by answer type."""
    value = StringField(_l("Answer"), validators=[Optional(), max_len(12)])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_len(MAX_TEXT)],
                         description=_l("What the answer rests on, for the assessor."))
    submit = SubmitField(_l("Save the answer"))


class AssessForm(PortalForm):
    value = StringField(_l("Assessor's answer"), validators=[Optional(), max_len(12)])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), max_len(MAX_TEXT)])
    submit = SubmitField(_l("Save the assessment"))


class EvidenceForm(PortalForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in EvidenceKind])
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the evidence a title.")),
                                                 max_len(MAX_TITLE)])
    file = FileField(_l("File"), description=_l("For a file: a document or picture (PDF, office file or image)."))
    url = StringField(_l("Link"), validators=[Optional(), max_len(MAX_URL)],
                      description=_l("For a link: a web address starting with http:// or https://."))
    note = TextAreaField(_l("Note"), validators=[Optional(), max_len(MAX_TEXT)])
    submit = SubmitField(_l("Add the evidence"))


class ReopenForm(PortalForm):
    reason = TextAreaField(_l("Why it is sent back"), validators=[
        DataRequired(message=_l("Say why the self-assessment is sent back.")), max_len(MAX_TEXT)])
    submit = SubmitField(_l("Send back to the unit"))
