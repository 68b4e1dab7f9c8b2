from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp

from portal.auth.services import USERNAME_PATTERN, USERNAME_RULE
from portal.core.roles import Role
from portal.web.forms import MultiCheckboxField, PortalForm, max_len


def _role_choices():
    return [SelectChoice(r.value, r.label) for r in Role]


class AccountForm(PortalForm):
    roles = MultiCheckboxField(_l("Roles"), choices=_role_choices)
    active = BooleanField(_l("Account active"))
    reason = TextAreaField(_l("Why (needed when you give a privileged role)"), validators=[max_len(2000)],
                           render_kw={"rows": 2},
                           description=_l("Administrator, WBS handler and reviewer roles are given only when a second "
                                          "administrator approves; say why this person needs it."))
    submit = SubmitField(_l("Save"))


class NewAccountForm(PortalForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(message=_l("Enter a username.")), max_len(64),
        Regexp(f"^{USERNAME_PATTERN}$", message=USERNAME_RULE),
    ], render_kw={"autocomplete": "off", "autocapitalize": "none"})
    roles = MultiCheckboxField(_l("Roles"), choices=_role_choices)
    reason = TextAreaField(_l("Why (needed for a privileged role)"), validators=[max_len(2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Create account"))


class ResetForm(PortalForm):
    """A temporary password or an MFA reset; for a privileged account it is a request."""

    reason = TextAreaField(_l("Why"), validators=[max_len(2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Confirm"))


class DecisionForm(PortalForm):
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))
    note = TextAreaField(_l("Note (optional)"), validators=[max_len(2000)], render_kw={"rows": 2})


class HolidayForm(PortalForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter a date."))])
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the name of the day off.")),
                                               max_len(120)])
    submit = SubmitField(_l("Add the day"))


class SigningForm(PortalForm):
    footer = TextAreaField(_l("Footer text of the signature mark"), validators=[max_len(300)], render_kw={"rows": 2},
                           description=_l("Printed under the signer's name in the mark on every signed PDF. Name the "
                                          "certification authority (for example BSrE) only when the certificate was "
                                          "issued by it. Empty: no footer text."))


class GovernmentForm(PortalForm):
    name = StringField(_l("Name of the government"), validators=[
        DataRequired(message=_l("Write the name of the government.")), max_len(200)],
        description=_l("As it is written on the portal and its documents: Pemerintah Kota or Kabupaten and the name."))
    inspectorate = StringField(_l("Name of the Inspectorate"), validators=[
        DataRequired(message=_l("Write the name of the Inspectorate.")), max_len(200)])
    head_office = StringField(_l("Office of the head of region"), validators=[max_len(200)], description=_l(
        "Wali Kota or Bupati and the name of the region: to whom the Inspectorate's reports are addressed."))
    timezone = SelectField(_l("Time zone"), validators=[DataRequired(message=_l("Choose the time zone."))],
                           description=_l("Deadlines, dates and years are counted on this calendar, and every time "
                                          "shown carries its abbreviation."))
    place = StringField(_l("Place written on documents"), validators=[max_len(80)],
                        description=_l("Before the date above a signature, as in “<place>, 9 Agustus 2026”. "
                                       "Leave empty to write the date alone."))
    submit = SubmitField(_l("Save"))
