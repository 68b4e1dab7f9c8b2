from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from portal.certificates.models import CertificateKind
from portal.web.forms import MultiCheckboxField, PortalForm, max_len


class VerifyForm(PortalForm):
    code = StringField(_l("Verification code"), validators=[DataRequired(message=_l("Enter the code.")), max_len(40)],
                       description=_l("16 letters and digits, as printed under the QR code (dashes are optional)."),
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    pdf = FileField(_l("The PDF you were given (optional)"),
                    description=_l("We compare its fingerprint (SHA-256) with the file we issued; it is not stored."))
    submit = SubmitField(_l("Check"))


class FileCheckForm(PortalForm):
    pdf = FileField(_l("The PDF you were given"))
    submit = SubmitField(_l("Compare"))


class ReasonForm(PortalForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give the reason.")), max_len(2000)])
    submit = SubmitField(_l("Confirm"))


class CertificateSettingsForm(PortalForm):
    modules = MultiCheckboxField(_l("Modules required for the compliance certificate"),
                                 description=_l("None ticked: every active module is required."))
    requires_session = BooleanField(_l("Attendance at a socialisation session in the year is required too"))
    submit = SubmitField(_l("Save"))


class FilterForm(PortalForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()],
                       choices=[SelectChoice("", _l("All kinds"))] + [SelectChoice(k.value, k.label)
                                                                       for k in CertificateKind])
    q = StringField(_l("Name, NIP or code"), validators=[Optional(), max_len(100)])
