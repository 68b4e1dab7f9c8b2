from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from portal.web.forms import PortalForm, max_len

TOPIC_LABELS = {"wbs": _l("Whistleblowing (WBS)"), "coi": _l("Conflicts of interest"),
                "gratification": _l("Gratification"), "competence": _l("ASN competence development")}


def _required(message):
    return DataRequired(message=message)


class RegulationForm(PortalForm):
    short_name = StringField(_l("Cited as"), validators=[_required(_l("Enter how the regulation is cited.")),
                                                         max_len(120)],
                             description=_l("As people write it, e.g. “Perwako No. 15 Tahun 2019”."))
    kind = StringField(_l("Kind"), validators=[max_len(64)], description=_l("E.g. UU, PP, Perwako, Peraturan KPK."))
    number = StringField(_l("Number"), validators=[max_len(32)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1945, max=2100,
                                                                          message=_l("Enter a year such as 2019."))])
    topic = SelectField(_l("Topic"), choices=[SelectChoice(k, v) for k, v in TOPIC_LABELS.items()])
    title_id = TextAreaField(_l("Title in Indonesian"), validators=[_required(_l("Enter the title.")), max_len(1000)],
                             render_kw={"rows": 2})
    title_en = TextAreaField(_l("Title in English"), validators=[_required(_l("Enter the title.")), max_len(1000)],
                             render_kw={"rows": 2})
    summary_id = TextAreaField(_l("What it says, in Indonesian"), validators=[max_len(4000)], render_kw={"rows": 4},
                               description=_l("Shown to the public and staff: only what the official text or a "
                                              "cited source says."))
    summary_en = TextAreaField(_l("What it says, in English"), validators=[max_len(4000)], render_kw={"rows": 4})
    source = TextAreaField(_l("Source of the summary"), validators=[max_len(2000)], render_kw={"rows": 2})
    jdih_url = StringField(_l("Address of the official text (JDIH)"), validators=[max_len(500)],
                           render_kw={"inputmode": "url", "autocomplete": "off"},
                           description=_l("The page of the government's legal documentation site (JDIH) that "
                                          "publishes it; https:// or http:// only."))
    position = IntegerField(_l("Position in the list"), default=0,
                            validators=[NumberRange(min=0, max=10000, message=_l("Enter a number from 0 to 10000."))])
    submit = SubmitField(_l("Save"))


class TextUploadForm(PortalForm):
    text = FileField(_l("Official text (PDF, up to 20 MB)"))
    upload = SubmitField(_l("Upload"))


class ArticleForm(PortalForm):
    label = StringField(_l("Article"), validators=[max_len(120)],
                        description=_l("E.g. “Pasal 6” or “Pasal 12 ayat (2)”; leave empty until it is known."))
    relied_id = TextAreaField(_l("What the portal relies on, in Indonesian"),
                              validators=[_required(_l("Say what the portal takes from this article.")),
                                          max_len(2000)], render_kw={"rows": 3})
    relied_en = TextAreaField(_l("What the portal relies on, in English"),
                              validators=[_required(_l("Say what the portal takes from this article.")),
                                          max_len(2000)], render_kw={"rows": 3})
    note = TextAreaField(_l("Note for administrators"), validators=[max_len(4000)], render_kw={"rows": 3})
    position = IntegerField(_l("Position"), default=0,
                            validators=[NumberRange(min=0, max=10000, message=_l("Enter a number from 0 to 10000."))])
    submit = SubmitField(_l("Save"))


class VerifyForm(PortalForm):
    """Checked against the official text, or not after all: the buttons say which."""

    verify = SubmitField(_l("Checked against the official text"))
    unverify = SubmitField(_l("Not checked after all"))
