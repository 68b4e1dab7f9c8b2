from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from portal.core.clock import zone_abbreviation
from portal.socialisation.models import AttendanceStatus
from portal.web.forms import MultiCheckboxField, PortalForm, max_len

NIPS_HELP = _l("One NIP per line (18 digits; spaces are fine).")


class SessionForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title.")), max_len(200)])
    description = TextAreaField(_l("Description (optional)"), validators=[max_len(5000)])
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))])
    start = TimeField(_l("Starts at"), validators=[InputRequired(message=_l("Enter the start time."))])
    end = TimeField(_l("Ends at"), validators=[InputRequired(message=_l("Enter the end time."))])
    late_after = TimeField(_l("Late after"), validators=[InputRequired(message=_l("Enter the late cut-off."))],
                           description=_l("People who check in after this time are recorded as late."))
    venue = StringField(_l("Venue"), validators=[DataRequired(message=_l("Enter the venue.")), max_len(200)])
    capacity = IntegerField(_l("Capacity (optional)"), validators=[Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Limits invitations and nominations; people who come are always "
                                           "recorded."))
    speakers = TextAreaField(_l("Speakers"), validators=[max_len(2000)],
                             description=_l("One per line: name and role."))
    regulations = MultiCheckboxField(_l("Regulations covered"), coerce=int)
    modules = MultiCheckboxField(_l("E-learning modules covered"), coerce=int)
    opds = MultiCheckboxField(_l("Invited OPDs"), coerce=int)
    invite_nips = TextAreaField(_l("Invite people by NIP (optional)"), validators=[max_len(20000)],
                                description=NIPS_HELP)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Times are the government's wall clock; its zone is a setting, so it joins the label here.
        zone = zone_abbreviation()
        self.start.label.text = _("Starts at (%(zone)s)", zone=zone)
        self.end.label.text = _("Ends at (%(zone)s)", zone=zone)
        self.late_after.label.text = _("Late after (%(zone)s)", zone=zone)


class NipsForm(PortalForm):
    nips = TextAreaField(_l("NIPs"), validators=[DataRequired(message=_l("Write at least one NIP.")),
                                                 max_len(20000)], description=NIPS_HELP)
    submit = SubmitField(_l("Add to the list"))


class WalkInForm(PortalForm):
    nip = StringField(_l("NIP of the walk-in"), validators=[DataRequired(message=_l("Enter the NIP.")), max_len(30)],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    submit = SubmitField(_l("Register as present"))


class MarkForm(PortalForm):
    status = SelectField(_l("Attendance"), choices=[SelectChoice(s.value, s.label) for s in AttendanceStatus])
    submit = SubmitField(_l("Save"))


class MinutesForm(PortalForm):
    minutes = TextAreaField(_l("Minutes"), validators=[max_len(50000)],
                            description=_l("Plain text. Leave an empty line between paragraphs."))
    submit = SubmitField(_l("Save the minutes"))


class PhotoForm(PortalForm):
    photo = FileField(_l("Photo (JPG, PNG or WebP, up to 10 MB)"))
    caption = StringField(_l("Caption"), validators=[DataRequired(message=_l("Write a caption.")), max_len(300)])
    submit = SubmitField(_l("Upload"))


class CodeForm(PortalForm):
    code = StringField(_l("Code under the QR code"), validators=[DataRequired(message=_l("Enter the code.")),
                                                                max_len(20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})
    submit = SubmitField(_l("Check in"))
