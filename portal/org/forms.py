from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Optional, Regexp

from portal.org.models import OpdKind
from portal.web.forms import PortalForm, max_len


class OpdForm(PortalForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(message=_l("Enter a short code.")), max_len(32),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", message=_l("Use letters, digits, dots, dashes or underscores.")),
    ], description=_l("Used in import files, e.g. DINKES."))
    name = StringField(_l("Official name"), validators=[DataRequired(message=_l("Enter the name.")), max_len(200)])
    short_name = StringField(_l("Short name"), validators=[DataRequired(message=_l("Enter a short name.")),
                                                           max_len(64)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in OpdKind],
                       validators=[DataRequired(message=_l("Choose a kind."))])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class EmployeeForm(PortalForm):
    nip = StringField(_l("NIP"), validators=[DataRequired(message=_l("Enter the NIP.")), max_len(24)],
                      description=_l("18 digits, spaces allowed: date of birth, appointment, gender, sequence."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    name = StringField(_l("Full name with titles"), validators=[DataRequired(message=_l("Enter the name.")),
                                                                max_len(160)])
    email = EmailField(_l("Email"), validators=[
        Optional(), max_len(254), Email(message=_l("Enter a valid email address."), check_deliverability=False)])
    position = StringField(_l("Position"), validators=[DataRequired(message=_l("Enter the position.")),
                                                       max_len(200)])
    rank = StringField(_l("Rank (pangkat/golongan)"), validators=[Optional(), max_len(120)],
                       description=_l("E.g. Pembina (IV/a); printed under the name where this person signs."))
    opd_id = SelectField(_l("OPD"), coerce=int, validators=[DataRequired(message=_l("Choose an OPD."))])
    superior_nip = StringField(_l("NIP of the direct superior"), validators=[Optional(), max_len(24)],
                               render_kw={"inputmode": "numeric", "autocomplete": "off"})
    is_opd_head = BooleanField(_l("Head of the OPD"))
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class ImportUploadForm(PortalForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(message=_l("Choose a file."))],
                     render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(PortalForm):
    submit = SubmitField(_l("Confirm"))
