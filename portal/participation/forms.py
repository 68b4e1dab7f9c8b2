from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from portal.web.forms import PortalForm, max_len


class StaffFilterForm(PortalForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or NIP"), validators=[Optional(), max_len(100)])
    filter = SelectField(_l("Show"), validators=[Optional()], choices=[
        SelectChoice("", _l("Everyone")), SelectChoice("not_started", _l("Not started")),
        SelectChoice("overdue", _l("Not finished by the target date")),
        SelectChoice("failed", _l("Failed a quiz, module not complete")),
        SelectChoice("no_statement", _l("No yearly statement")), SelectChoice("complete", _l("Finished"))])
    sort = SelectField(_l("Order"), validators=[Optional()], choices=[
        SelectChoice("name", _l("Name")), SelectChoice("progress", _l("Fewest modules first")),
        SelectChoice("-progress", _l("Most modules first"))])


class ParticipationSettingsForm(PortalForm):
    target_date = DateField(_l("Target date for this year's e-learning and statement (optional)"),
                            validators=[Optional()],
                            description=_l("Employees not finished after this date show as overdue. No regulation "
                                           "sets this date; it is the Inspectorate's."))
    reminder_daily_limit = IntegerField(_l("Reminders one person may send per day"),
                                        validators=[NumberRange(min=1, max=5000)])
    digest_enabled = BooleanField(_l("Send secretaries a weekly digest by e-mail"))
    most_percent = IntegerField(_l("\"Most units\" starts at (percent)"), validators=[NumberRange(min=1, max=99)])
    coverage_gap_points = IntegerField(_l("Signal: coverage this many points below the city average"),
                                       validators=[NumberRange(min=1, max=100)])
    statements_missing_percent = IntegerField(_l("Signal: this percent of staff without a yearly statement"),
                                              validators=[NumberRange(min=1, max=100)])
    overdue_decisions = IntegerField(_l("Signal: this many overdue conflict-of-interest decisions"),
                                     validators=[NumberRange(min=1, max=1000)])
    procurement_declarations = IntegerField(_l("Signal: this many declarations about procurement in the year"),
                                            validators=[NumberRange(min=1, max=1000)])
    wbs_reports = IntegerField(_l("Signal: this many WBS reports naming the OPD (never fewer than 3)"),
                               validators=[NumberRange(min=3, max=1000)])
    sessions_skipped = IntegerField(_l("Signal: this many sessions skipped"), validators=[NumberRange(min=1, max=100)])
    gift_reports_late = IntegerField(_l("Signal: this many gratification reports sent late from the OPD in the year "
                                        "(never fewer than 3)"), validators=[NumberRange(min=3, max=1000)])
    gift_giver_opds = IntegerField(_l("Signal: gifts from one giver reported from this many OPDs in the year"),
                                   validators=[NumberRange(min=2, max=100)])
    submit = SubmitField(_l("Save"))
