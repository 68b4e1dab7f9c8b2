"""The gratification items on the admin's setup checklist: the internal periods (reporting to the UPG,
the UPG forwarding to the KPK) and whether the UPG may settle a report itself are Pemko policy (the
Perwako), so the portal's settings stay unverified until the article has been checked against the
official text; so does the retention period of closed reports, which no verified source gives."""
from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

from portal.core.contributions import SetupStatus
from portal.gratification import services
from portal.home.checks import article_status

SETTINGS_PAGE = "gratification_upg.settings_page"
RETENTION_PAGE = "privacy_manage.retention_page"


def upg_deadline() -> SetupStatus:
    status = article_status("upg-deadline", endpoint=SETTINGS_PAGE, remaining=_(
        "Read the deadline for reporting a gratification to the Gratification Control Unit (UPG) in the official "
        "text and set it in the gratification settings (at most the 30 working days of the law)."))
    from portal.gratification import upg

    setting = " ".join([
        _("Report to the UPG within %(days)d working days after receipt.", days=services.upg_days()),
        _("The UPG forwards a registered report to the KPK within %(days)d working days.", days=upg.forward_days()),
        _("The UPG may settle a report itself.") if upg.may_settle()
        else _("The UPG forwards every report to the KPK.")])
    return replace(status, current=" ".join(filter(None, [setting, status.current])))


def retention() -> SetupStatus:
    """How long closed reports are kept is a privacy setting (0 keeps them, the default) that no
    verified source fixes yet: unverified until the article has been checked."""
    from portal.privacy import retention as privacy_retention

    status = article_status("gratification-retention", endpoint=RETENTION_PAGE, remaining=_(
        "Find out how long the UPG's gratification reports must be kept (the gratification regulation, or the "
        "government's archive retention schedule) and set that period for gratification reports on the retention "
        "page."))
    setting = privacy_retention.describe(privacy_retention.GIFT_REPORTS.code)
    return replace(status, current=" ".join(filter(None, [setting, status.current])))
