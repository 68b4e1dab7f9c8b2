"""The privacy notice of gratification reports (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy import retention
from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [retention.describe(retention.GIFT_REPORTS.code),
            _("Drafts, reports still being handled and reports waiting for the handover the KPK asked for are never "
              "deleted."),
            _("A conflict-of-interest declaration that refers to a deleted report keeps what it says, without the "
              "link.")]


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
        _l("The handling: the register number, the deadline, the date it was sent and whether it was late, the "
           "UPG's receipt, its questions and your answers, the forwarding to the KPK, the KPK's decision and the "
           "handover."),
        _l("If you link the report to a conflict-of-interest declaration of yours, the link between the two."),
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
        _l("If you link the report to a conflict-of-interest declaration, whoever decides or oversees the "
           "declaration sees the report's register number and status on it, not its content."),
    ),
    retention=_retention,
    rights=(
        _l("Your reports are under Gratification reports. A draft can be changed; a sent report can be completed "
           "when the UPG asks for more information."),
        _l("Download your reports, with what the UPG asked and decided, under My data, and ask for a correction "
           "there."),
    ),
    regulation_topics=("gratification",),
    position=35,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
