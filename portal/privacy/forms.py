from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, NumberRange, Optional

from portal.privacy import corrections, retention
from portal.privacy.models import CorrectionStatus, CorrectionTopic
from portal.web.forms import PortalForm, max_len


class CorrectionForm(PortalForm):
    topic = SelectField(_l("What is it about?"), choices=[SelectChoice(t.value, t.label) for t in CorrectionTopic],
                        validators=[DataRequired(message=_l("Choose what it is about."))])
    what_is_wrong = TextAreaField(_l("What is wrong or missing?"), validators=[
        DataRequired(message=_l("Say what is wrong.")), max_len(corrections.MAX_TEXT)],
        description=_l("For example: my position is recorded as Staf, not Analis Kebijakan."))
    should_be = TextAreaField(_l("What should it be?"), validators=[
        DataRequired(message=_l("Say what it should be.")), max_len(corrections.MAX_TEXT)])
    submit = SubmitField(_l("Send the request"))


class AnswerForm(PortalForm):
    outcome = RadioField(_l("Outcome"), choices=[
        SelectChoice(CorrectionStatus.DONE.value, _l("Corrected: the data has been fixed")),
        SelectChoice(CorrectionStatus.DECLINED.value, _l("Declined"))],
                         validators=[DataRequired(message=_l("Choose done or declined."))])
    note = TextAreaField(_l("Note to the employee"), validators=[Optional(), max_len(corrections.MAX_TEXT)],
                         description=_l("Required when declining. The employee reads it on their data page."))
    submit = SubmitField(_l("Record the answer"))


def _email():
    return EmailField(_l("Email"), validators=[
        Optional(), max_len(254), Email(message=_l("Enter a valid email address."), check_deliverability=False)])


class ContactsForm(PortalForm):
    """Field names are the settings' names after "privacy." (portal/privacy/contacts.py)."""
    controller_name = StringField(_l("Data controller: name or unit"), validators=[Optional(), max_len(200)])
    controller_address = TextAreaField(_l("Address"), validators=[Optional(), max_len(500)])
    controller_email = _email()
    controller_phone = StringField(_l("Telephone"), validators=[Optional(), max_len(40)])
    dpo_name = StringField(_l("Data protection officer: name or unit"), validators=[Optional(), max_len(200)])
    dpo_address = TextAreaField(_l("Address"), validators=[Optional(), max_len(500)])
    dpo_email = _email()
    dpo_phone = StringField(_l("Telephone"), validators=[Optional(), max_len(40)])
    submit = SubmitField(_l("Save the contacts"))


def _months(kind: retention.Kind) -> IntegerField:
    return IntegerField(kind.label, description=_l("Months after %(start)s; 0 keeps them.", start=kind.counted_from),
                        validators=[InputRequired(message=_l("Enter a number (0 keeps everything).")),
                                    NumberRange(min=retention.MIN_MONTHS, max=retention.MAX_MONTHS,
                                                message=_l("Between %(min)s and %(max)s."))])


class RetentionForm(PortalForm):
    """Field names are the kinds' codes (portal/privacy/retention.py)."""
    declarations = _months(retention.DECLARATIONS)
    quiz_answers = _months(retention.QUIZ_ANSWERS)
    attendance = _months(retention.ATTENDANCE)
    session_photos = _months(retention.SESSION_PHOTOS)
    gift_reports = _months(retention.GIFT_REPORTS)
    submit = SubmitField(_l("Save the retention periods"))


class DownloadForm(PortalForm):
    submit = SubmitField(_l("Download my data (ZIP: PDF and JSON)"))
