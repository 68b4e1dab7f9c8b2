from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField

from portal.web.forms import PortalForm, max_len


class LogoForm(PortalForm):
    logo = FileField(_l("Coat of arms (PNG, JPEG or WebP)"),
                     description=_l("Printed at the top left of the letterhead of every official document."))
    submit = SubmitField(_l("Upload"))


class LetterheadForm(PortalForm):
    opd = SelectField(_l("Issuing unit"), coerce=int)
    government_line = StringField(_l("First line"), validators=[max_len(200)],
                                  description=_l("The government's name; printed in capitals."))
    unit_line = StringField(_l("Second line (the unit)"), validators=[max_len(200)], description=_l(
        "E.g. INSPEKTORAT, printed larger and bold; empty for the government itself."))
    address = TextAreaField(_l("Address"), validators=[max_len(300)], render_kw={"rows": 2})
    phone = StringField(_l("Telephone"), validators=[max_len(100)])
    email = StringField(_l("E-mail (pos-el)"), validators=[max_len(200)])
    website = StringField(_l("Website (laman)"), validators=[max_len(200)])
    submit = SubmitField(_l("Save"))


class SignatoryForm(PortalForm):
    organiser = BooleanField(_l("Signed by whoever organised it"))
    capacity = StringField(_l("Line above the office (optional)"), validators=[max_len(200)],
                           description=_l("For a stand-in or a delegation: Plt., Plh., a.n. ..."))
    office = StringField(_l("Office (jabatan)"), validators=[max_len(200)])
    name = StringField(_l("Name, with academic titles"), validators=[max_len(200)])
    rank = StringField(_l("Rank (pangkat/golongan)"), validators=[max_len(120)])
    nip = StringField(_l("NIP"), validators=[max_len(30)])
    submit = SubmitField(_l("Save"))


class SchemeForm(PortalForm):
    classification = StringField(_l("Archive classification code"), validators=[max_len(40)],
                                 description=_l("From the list of archive classification codes, e.g. 700.1."))
    unit_code = StringField(_l("Unit code"), validators=[max_len(40)], description=_l("E.g. INSP."))
    pattern = StringField(_l("Pattern"), validators=[max_len(120)],
                          description=_l("{klasifikasi}, {nomor}, {unit} and {tahun}; the default is "
                                         "{klasifikasi}/{nomor}/{unit}/{tahun}."))
    submit = SubmitField(_l("Save"))
