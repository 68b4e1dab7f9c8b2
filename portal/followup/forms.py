from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from portal.followup.services import MAX_TEXT
from portal.web.forms import PortalForm, max_len


class RecommendationForm(PortalForm):
    text = TextAreaField(_l("Recommendation"), validators=[
        DataRequired(message=_l("Write the recommendation.")), max_len(MAX_TEXT)])
    opd_id = SelectField(_l("OPD responsible"), coerce=int, validate_choice=False,
                         validators=[InputRequired(message=_l("Choose the OPD responsible."))])
    owner_login = StringField(_l("Responsible account (optional)"), validators=[Optional(), max_len(64)],
                              description=_l("Username or NIP. When empty, the OPD's secretary follows it up."))
    due_on = DateField(_l("Due date"), validators=[InputRequired(message=_l("Choose the due date."))])
    submit = SubmitField(_l("Save the recommendation"))


class CompletionForm(PortalForm):
    note = TextAreaField(_l("What has been done"), validators=[
        DataRequired(message=_l("Say what has been done.")), max_len(MAX_TEXT)])
    evidence = FileField(_l("Evidence (optional)"),
                         description=_l("A document or picture that shows it is done (PDF, office file or image)."))
    submit = SubmitField(_l("Report as done"))
