"""The privacy notice of certificates and their verification (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [_("Certificates have no deletion period, so that they can be verified for as long as they are used; a "
              "revoked certificate stays, marked as revoked.")]


PURPOSE = Purpose(
    code="sertifikat",
    title=_l("Certificates and their verification"),
    summary=_l("Attendance, module and compliance certificates, and what anyone holding a code can check."),
    collected=(
        _l("Each certificate: its code, its kind (attendance, module or compliance), what it is for, your name, NIP "
           "and OPD as they were when it was issued, the date, its status (in force, or revoked with the reason), "
           "and the fingerprint (SHA-256) of each PDF issued."),
        _l("A PDF sent to the verification page for comparison is only fingerprinted, never stored."),
    ),
    why=_l("To prove attendance, completed modules and compliance, and to let anyone check that a certificate is "
           "genuine."),
    legal_basis=_l("The portal processes these data to carry out the government's duties and authority under the "
                   "law, one of the bases UU 27/2022 tentang Pelindungan Data Pribadi allows. The processing does not "
                   "rest on your consent."),
    recipients=(
        _l("You, the secretary of your OPD, the Inspectorate and the administrators."),
        _l("Anyone holding the certificate's code or QR code: the verification page shows its status, your name, "
           "your NIP with most digits hidden, your OPD, what it is for and the date."),
    ),
    retention=_retention,
    rights=(
        _l("Download your certificates under Certificates; their list is also in My data."),
        _l("A wrong certificate: ask for a correction under My data; the Inspectorate can revoke it and issue it "
           "again with the same code."),
    ),
    position=50,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
