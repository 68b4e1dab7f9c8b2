"""The privacy notice of Zona Integritas (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [_("A unit's answers, comments and supporting evidence are kept with the year's LKE, as the record of "
              "the assessment; the portal does not delete them automatically.")]


PURPOSE = Purpose(
    code="zona-integritas",
    title=_l("Zona Integritas assessment"),
    summary=_l("A unit's self-assessment against the LKE, the Inspectorate's internal assessment and the supporting "
               "evidence."),
    collected=(
        _l("Who answered or assessed each item of the LKE, and when; the notes and comments written with them."),
        _l("The supporting evidence the unit adds: files, links and notes, with who added them and when. A file may "
           "hold personal data (a decree naming a team, an attendance list)."),
        _l("Figures the portal gathers from its other areas for the unit's OPD (counts, never a person's "
           "declaration or report)."),
    ),
    why=_l("To build Zona Integritas units (WBK/WBBM): the unit assesses itself, the Inspectorate assesses it as "
           "internal assessor, and the unit proposes itself with its evidence."),
    legal_basis=_l("The portal processes these data to carry out the government's duties under the law, a basis "
                   "UU 27/2022 tentang Pelindungan Data Pribadi allows. The processing does not rest on your "
                   "consent."),
    recipients=(
        _l("The secretaries of the unit's OPD."),
        _l("The Inspectorate's reviewers, as internal assessors, and the administrators."),
        _l("Kementerian PANRB, when the unit uploads its LKE and evidence to its application (PMPZI)."),
    ),
    retention=_retention,
    rights=(
        _l("Ask the secretary of your OPD to remove a file that names you without need."),
        _l("Ask for a correction under My data."),
    ),
    position=65,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
