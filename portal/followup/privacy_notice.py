"""The privacy notice of the follow-up of recommendations (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [_("Recommendations and the reports that they were followed up are kept with the evaluation they "
              "belong to; the portal does not delete them automatically.")]


PURPOSE = Purpose(
    code="tindak-lanjut",
    title=_l("Follow-up of evaluations' recommendations"),
    summary=_l("Who is responsible for a recommendation of an evaluation, and the report that it was followed up."),
    collected=(
        _l("The recommendation: the OPD responsible and, when one is named, the account of the person responsible, "
           "the due date and the status."),
        _l("The report that it was done: the note, the file attached to it, who reported it and when."),
        _l("The reminders sent to the people responsible, and who added, changed, closed or reopened it."),
    ),
    why=_l("To follow up the results of evaluations, as the socialisation of the regulations asked, and to show "
           "the Inspectorate and the Mayor what was done."),
    legal_basis=_l("The portal processes these data to carry out the government's duties under the law, a basis "
                   "UU 27/2022 tentang Pelindungan Data Pribadi allows. The processing does not rest on your "
                   "consent."),
    recipients=(
        _l("The Inspectorate's reviewers, who add the recommendations and check that they are done."),
        _l("The WBS team and the Inspectorate's UPG, in the same way for the recommendations of their own yearly "
           "evaluations (of the Whistleblowing System and of gratification control)."),
        _l("The secretaries of the responsible OPD and the person named as responsible."),
        _l("The Mayor, in the yearly evaluation that lists the recommendations and their status."),
    ),
    retention=_retention,
    rights=(
        _l("Recommendations addressed to you are on your to-do list and under Follow-up."),
        _l("Ask for a correction under My data."),
    ),
    regulation_topics=("coi", "wbs", "gratification"),
    position=60,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
