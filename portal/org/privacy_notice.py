"""The privacy notice of staff accounts and employee records (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [_("Employee records and accounts have no deletion period: an employee who leaves is marked inactive and "
              "can no longer log in, and the record stays because declarations, attendance and certificates refer "
              "to it.")]


PURPOSE = Purpose(
    code="akun",
    title=_l("Staff accounts and employee records"),
    summary=_l("Your NIP, name, position, OPD and account, so that you can log in and the portal knows who decides "
               "what."),
    collected=(
        _l("From the personnel records, entered or imported by an administrator: NIP, name with titles, position, "
           "OPD, status (PNS or PPPK), e-mail address, direct superior and whether you head the OPD."),
        _l("Read from the NIP: date of birth and gender."),
        _l("Your account: username (if any), roles, chosen language, when it was created, the time of your last "
           "login and whether two-step verification is on."),
        _l("To keep the account safe, the password and the two-step verification key are kept only in a form that "
           "cannot be read back. Failed logins are counted under a keyed hash, never under your address."),
    ),
    why=_l("To let you log in; to route each conflict-of-interest declaration to the right person; to show each "
           "OPD's secretary their own staff and the Inspectorate the whole city; to address reminders and "
           "certificates."),
    legal_basis=_l("The portal processes these data to carry out the government's duties and authority under the "
                   "law, one of the bases UU 27/2022 tentang Pelindungan Data Pribadi allows: running its integrity "
                   "programme for its own staff. The data come from the government's personnel records; the "
                   "processing does not rest on your consent."),
    recipients=(
        _l("You, on My profile and My data."),
        _l("The secretary of your OPD (the staff list of that OPD)."),
        _l("The Inspectorate and the portal administrators (the whole city)."),
        _l("Whoever decides your declarations sees your name on them; the organisers of a session see the names on "
           "its list."),
    ),
    retention=_retention,
    rights=(
        _l("See your profile under My profile, and download everything the portal holds about you under My data."),
        _l("Ask for a correction of wrong data under My data; an administrator corrects the record and answers "
           "there."),
    ),
    position=10,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
