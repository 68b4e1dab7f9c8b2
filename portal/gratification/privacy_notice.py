"""The privacy notice of gratification reports (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [_("No deletion period has been set for gratification reports yet, so they are kept."),
            _("Drafts and reports still being handled are never deleted.")]


PURPOSE = Purpose(
    code="gratifikasi",
    title=_l("Gratification reports"),
    summary=_l("The gifts you report as received, refused or offered, and how the UPG handles them."),
    collected=(
        _l("Your identity from your employee record (name, NIP, position, OPD) and, if you give it, your NIK, "
           "which is stored encrypted."),
        _l("The report: whether the gift was received, refused or offered, the giver (name, institution or "
           "company, address) and your relationship with them, the occasion, the date and place, what happened in "
           "your words, each object with its estimated value and where it is kept, and the files you attach."),
        _l("The handling: the register number, the deadline, the date it was sent and whether it was late."),
        _l("A giver you name is recorded in your report too."),
    ),
    why=_l("To report gratifications to the KPK through the Gratification Control Unit (UPG) within the time the "
           "law gives, which frees the reporter from the presumption of bribery."),
    legal_basis=_l("The law on the eradication of corruption requires civil servants to report gratifications to "
                   "the KPK, and the KPK's regulation on reporting gratifications lets them do so through a UPG. The "
                   "portal processes these data to fulfil that legal obligation and to carry out the government's "
                   "duties under the law, bases UU 27/2022 tentang Pelindungan Data Pribadi allows. The processing "
                   "does not rest on your consent."),
    recipients=(
        _l("You."),
        _l("The Gratification Control Unit (UPG) at the Inspectorate, which passes the report to the KPK."),
        _l("Nobody else in the portal: not your superior, not the secretary of your OPD, not the administrators."),
    ),
    retention=_retention,
    rights=(
        _l("Your reports are under Gratification reports. A draft can be changed; a sent report can be completed "
           "when the UPG asks for more information."),
        _l("Ask for a correction under My data. The download there does not include gratification reports yet: "
           "each report's page shows what it holds."),
    ),
    regulation_topics=("gratification",),
    position=35,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
