"""The privacy notice of the WBS (portal/privacy/purposes.py). Its promises are the ones
docs/security.md proves: no address, browser details or referrer stored, no link to a staff
login, dates instead of times, content encrypted per report."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy.purposes import Purpose, register
from portal.wbs import retention


def _retention() -> list[str]:
    return [_("When a case has been closed for %(n)d months, its content is destroyed for good: the report, your "
              "identity, the messages, the notes and the files. A legal hold placed by the WBS team keeps a case "
              "longer. Only the figures used for statistics remain.", n=retention.period_months())]


PURPOSE = Purpose(
    code="wbs",
    title=_l("Whistleblowing System (WBS)"),
    summary=_l("Reports of suspected corruption: what is kept, and what is never kept, about the reporter."),
    collected=(
        _l("What you report: who is reported, their position and OPD, what happened, where, when, how and why, "
           "any loss, and the kind of offence."),
        _l("The files you send. Photos are re-encoded without their location and camera data; other documents keep "
           "theirs (an author's name, say): remove it first, or send a photo or a scan instead."),
        _l("Your messages to and from the WBS team."),
        _l("Your name and contact, only if you choose a confidential or an open report. An anonymous report asks "
           "for neither."),
        _l("Dates, not times of day, of what you send. Your receipt code only as a keyed slow hash, from which it "
           "cannot be read back."),
    ),
    notes=(
        _l("The WBS pages store no address of your device (IP address), no browser details and no referring page, "
           "and never consult a staff login, even if you are logged in. The portal therefore cannot tell who you "
           "are unless you give your name."),
        _l("What you write, your identity and your files are stored encrypted, each report under its own key."),
    ),
    why=_l("To receive and handle reports of suspected corruption, and to let you follow your report and answer "
           "the team's questions."),
    legal_basis=_l("The portal processes these data to carry out the Inspectorate's duties under the law, one of "
                   "the bases UU 27/2022 tentang Pelindungan Data Pribadi allows: handling reports as the WBS "
                   "regulation below provides. Your name and contact are processed only if you choose to give them."),
    recipients=(
        _l("The WBS team of the Inspectorate (Tim Pengelola WBS). A handler who works in the reported OPD, or who "
           "is named in the report, does not see it."),
        _l("Confidential reports: your name stays sealed; a handler sees it only after an administrator approves a "
           "request with its reason, and that is recorded."),
        _l("Open reports: the handlers may see your name and contact."),
        _l("Administrators manage the team but cannot open reports."),
        _l("A report outside the Inspectorate's competence may be referred to the KPK, the prosecutor, the police "
           "or SP4N-LAPOR!."),
    ),
    retention=_retention,
    rights=(
        _l("Follow your report with your receipt code under Follow up my report: see each step, answer the team's "
           "questions, and add information or corrections as a message or a file."),
        _l("The portal cannot find your report by your name, and an employee's copy of their data (My data) never "
           "contains anything of the WBS: keep your receipt code. A lost code cannot be recovered; you can make a "
           "new report and mention the earlier one."),
        _l("Questions about your data in a report: ask in the messages of your report, so that you stay as "
           "anonymous as you chose."),
    ),
    regulation_topics=("wbs",),
    position=60,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
