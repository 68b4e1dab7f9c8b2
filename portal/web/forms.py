"""The base form and small pieces shared by the areas' forms.

WTForms ships no Indonesian catalog, so its built-in messages ("Not a valid choice." when
a select is tampered with, say) are routed through our own catalog: PortalForm.Meta
translates with Flask-Babel, and the msgids are listed below so extraction finds them.
"""
from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField, widgets
from wtforms.validators import Length

WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("Field must be equal to %(other_name)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("CSRF token missing."),
    _l("CSRF token expired."),
    _l("Invalid CSRF Token."),
    _l("CSRF failed."),
    _l("The CSRF token is missing."),
    _l("The CSRF token has expired."),
    _l("The CSRF token is invalid."),
    _l("The CSRF tokens do not match."),
)


class _BabelTranslations:
    """Raw look-ups: WTForms fills in its own placeholders (%(value)s, %(min)d) afterwards."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


class PortalForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()


class ActionForm(PortalForm):
    """A button and its CSRF token, nothing else: mark as read, start a quiz, confirm an action.
    The templates write the button's own words."""

    submit = SubmitField(_l("Confirm"))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def max_len(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters."))
