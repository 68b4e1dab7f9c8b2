"""The privacy notice of e-learning records (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy import retention
from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [retention.describe(retention.QUIZ_ANSWERS.code),
            _("Lessons read, quiz scores and completed modules have no deletion period: certificates and "
              "participation figures rest on them.")]


PURPOSE = Purpose(
    code="pembelajaran",
    title=_l("E-learning records"),
    summary=_l("The lessons you read, your quiz attempts and answers, and the modules you complete."),
    collected=(
        _l("Which lessons you marked as read, and when."),
        _l("Each quiz attempt: when it started, its time limit, when your answers were saved and submitted, the "
           "questions drawn and the order their choices were shown in, your answers, the score and whether you "
           "passed."),
        _l("Each module you completed, with the date and the score."),
    ),
    why=_l("To record that you have followed the integrity training, to show your results and the review of your "
           "answers, to issue module and compliance certificates, and to give each OPD's secretary and the "
           "Inspectorate participation figures."),
    legal_basis=_l("The portal processes these data to carry out the government's duties and authority under the "
                   "law, one of the bases UU 27/2022 tentang Pelindungan Data Pribadi allows: training its staff in "
                   "the regulations below. The processing does not rest on your consent."),
    recipients=(
        _l("You: your results and the review of your answers."),
        _l("The secretary of your OPD, the Inspectorate and the administrators: your results per module, and "
           "figures per OPD."),
    ),
    retention=_retention,
    rights=(
        _l("See your results and the review of your answers on each module's quiz page, and download them under "
           "My data."),
        _l("Ask for a correction of a wrongly recorded result under My data."),
    ),
    regulation_topics=("wbs", "coi", "gratification"),
    position=20,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
