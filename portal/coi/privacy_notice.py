"""The privacy notice of conflict-of-interest declarations (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy import retention
from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [retention.describe(retention.DECLARATIONS.code),
            _("Drafts and declarations still being handled are never deleted.")]


PURPOSE = Purpose(
    code="benturan-kepentingan",
    title=_l("Conflict-of-interest declarations"),
    summary=_l("Your yearly statements and declarations of conflicts of interest, and how they were decided."),
    collected=(
        _l("Your declarations: the kind (yearly statement, ad-hoc declaration, change of circumstances), the year, "
           "whether there is a conflict, the situation in your words, the decision or activity concerned, the "
           "related party (a person, a company or a colleague) and your relationship to them, gifts involved and "
           "the gift report's reference, the types and sources of the conflict, the measure you propose, and the "
           "files you attach."),
        _l("The handling: who decides (your direct superior, the head of your OPD or the Inspectorate), the "
           "deadline, the decision and its reasons, comments and requests for more information, the dates and the "
           "register number."),
        _l("A person you name as a related party is recorded in your declaration too."),
    ),
    why=_l("To declare conflicts of interest and have them decided as the regulation requires, to keep the "
           "register, to prepare the yearly evaluation, and to check the yearly statement for the compliance "
           "certificate."),
    legal_basis=_l("The regulation on handling conflicts of interest below requires employees to declare conflicts "
                   "of interest and asks the superior to decide on them. The portal processes these data to fulfil "
                   "that legal obligation and to carry out the government's duties under the law, bases UU 27/2022 "
                   "tentang Pelindungan Data Pribadi allows. The processing does not rest on your consent."),
    recipients=(
        _l("You."),
        _l("Whoever decides: your direct superior, or the head of your OPD, or the Inspectorate when they are a "
           "party to the conflict."),
        _l("The Inspectorate: oversight, the register, and the yearly evaluation, which goes to the Mayor through "
           "the Inspector and lists each conflict declared."),
        _l("The secretary of your OPD and the administrators see whether your yearly statement has been filed, "
           "never what it says."),
        _l("A colleague you name as a related party does not see your declaration."),
    ),
    retention=_retention,
    rights=(
        _l("Your declarations are under Conflicts of interest. A draft, or a declaration returned for more "
           "information, can be changed; after that, a change-of-circumstances declaration records what changed."),
        _l("Download your declarations under My data, and ask for a correction there."),
        _l("If a colleague names you in a declaration, your copy of your data says how many declarations do so, "
           "not what they say: their content is the declarant's personal data."),
    ),
    regulation_topics=("coi",),
    position=30,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
