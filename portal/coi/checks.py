"""The conflict-of-interest items on the admin's setup checklist: the lists and the deadline the
declaration form applies, each tied to the article of the regulation it must follow."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.core.contributions import SetupStatus
from portal.home.checks import article_status

LISTS_PAGE = "coi_oversight.list_index"


def types() -> SetupStatus:
    return article_status("coi-types", endpoint=LISTS_PAGE, remaining=_(
        "Compare the types of conflict of interest in the lists with the official text: retire the entries it does "
        "not have and add its own wording as new entries."))


def decision_deadline() -> SetupStatus:
    return article_status("coi-decision-deadline", endpoint=LISTS_PAGE, remaining=_(
        "Read the superior's deadline for deciding on a declaration in the official text and set it under Deadlines."))
