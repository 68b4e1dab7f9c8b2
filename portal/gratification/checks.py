"""The gratification item on the admin's setup checklist: the internal period for reporting to the
UPG is Pemko policy (the Perwako), so the portal's setting stays unverified until the article has
been checked against the official text."""
from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

from portal.core.contributions import SetupStatus
from portal.gratification import services
from portal.home.checks import article_status

SETTINGS_PAGE = "gratification_upg.settings_page"


def upg_deadline() -> SetupStatus:
    status = article_status("upg-deadline", endpoint=SETTINGS_PAGE, remaining=_(
        "Read the deadline for reporting a gratification to the Gratification Control Unit (UPG) in the official "
        "text and set it in the gratification settings (at most the 30 working days of the law)."))
    setting = _("Report to the UPG within %(days)d working days after receipt.", days=services.upg_days())
    return replace(status, current=" ".join(filter(None, [setting, status.current])))
