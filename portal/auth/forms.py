from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from portal.web.forms import PortalForm

COMMON_PASSWORDS = {
    "password", "password123", "1234567890", "12345678910", "qwertyuiop", "iloveyou12",
    "katasandi", "katasandi123", "padang2019", "padang1234", "indonesia1", "indonesia123",
    "integritas", "integritas1", "integritas-2019", "admin12345", "bismillah1", "bismillah123",
}


class LoginForm(PortalForm):
    login = StringField(_l("NIP or username"), validators=[
        DataRequired(message=_l("Enter your NIP or username.")),
        Length(max=64, message=_l("At most %(max)d characters.")),
    ], render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    # Length is checked in the view so an overlong password fails fast with the generic message.
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Enter your password.")),
    ], render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


def _not_common(form, field):
    if field.data and field.data.lower() in COMMON_PASSWORDS:
        raise ValidationError(_l("This password is too common. Choose another one."))


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Enter your current password.")),
        Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(max)d characters.")),
    ], render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(message=_l("Enter a new password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
               message=_l("Between %(min)d and %(max)d characters.")),
        _not_common,
    ], render_kw={"autocomplete": "new-password"},
        description=_l("At least 10 characters. A short sentence is easy to remember and hard to guess."))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(message=_l("Repeat the new password.")),
        EqualTo("new_password", message=_l("The two new passwords are not the same.")),
    ], render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class LanguageForm(PortalForm):
    locale = SelectField(_l("Language"),
                         choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
                         validators=[DataRequired(message=_l("Choose a language."))])
    submit = SubmitField(_l("Save"))


def _code_field(label, description=None):
    return StringField(label, validators=[
        DataRequired(message=_l("Enter the code.")),
        Length(max=32, message=_l("At most %(max)d characters.")),
    ], render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false",
                  "inputmode": "text"}, description=description)


class LoginCodeForm(PortalForm):
    code = _code_field(_l("Verification code"),
                       _l("The 6-digit code from your authenticator app, or one of your recovery codes."))
    submit = SubmitField(_l("Verify"))


class MfaEnableForm(PortalForm):
    code = _code_field(_l("Code from the app"), _l("The 6-digit code your authenticator app shows now."))
    submit = SubmitField(_l("Turn on two-step verification"))


class MfaDisableForm(PortalForm):
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Enter your password.")),
        Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(max)d characters.")),
    ], render_kw={"autocomplete": "current-password"})
    code = _code_field(_l("Code from the app"))
    submit = SubmitField(_l("Turn off two-step verification"))


class MfaRecoveryCodesForm(PortalForm):
    code = _code_field(_l("Code from the app"))
    submit = SubmitField(_l("Make new recovery codes"))
