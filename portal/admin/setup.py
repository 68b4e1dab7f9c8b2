"""The setup checklist: what must be in place before the portal serves a real launch. Each area
contributes its items (core/contributions.py, `add_setup_check`); this module runs them, and
contributes the items that belong to the installation itself: the public address, e-mail and the
time zone."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import clock, contributions, settings
from portal.core.contributions import SetupCheck, SetupStatus

GOVERNMENT_PAGE = "admin.government_settings"
ZONE_LABELS = {"Asia/Jakarta": _l("WIB (Western Indonesia Time, UTC+7)"),
               "Asia/Makassar": _l("WITA (Central Indonesia Time, UTC+8)"),
               "Asia/Jayapura": _l("WIT (Eastern Indonesia Time, UTC+9)")}


@dataclass(frozen=True)
class Item:
    check: SetupCheck
    status: SetupStatus


def items() -> list[Item]:
    return [Item(check, check.status()) for check in contributions.of().setup_checks]


def public_address() -> SetupStatus:
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    host = urlsplit(base).hostname or ""
    local = host in ("localhost", "127.0.0.1", "::1") or "example" in host.split(".")
    if base.startswith("https://") and not local:
        return SetupStatus(True, current=base)
    return SetupStatus(False, _("Set PORTAL_PUBLIC_BASE_URL to the portal's own https:// address in the server's "
                                "environment (docs/deployment.md): certificates, QR codes and e-mails carry it."),
                       current=base or _("not set"))


def mail() -> SetupStatus:
    server = current_app.config.get("MAIL_SERVER") or ""
    if server:
        return SetupStatus(True, current=server)
    return SetupStatus(False, _("Set PORTAL_MAIL_SERVER (and the sender, user and password) in the server's "
                                "environment: until then reminders are written to files instead of being sent."))


def timezone() -> SetupStatus:
    chosen = settings.get(clock.SETTING, None)
    if chosen in clock.ZONES:
        return SetupStatus(True, endpoint=GOVERNMENT_PAGE, current=str(ZONE_LABELS[chosen]))
    return SetupStatus(False, _("Choose the government's time zone: deadlines, dates and years are counted on its "
                                "calendar (until then: %(zone)s).", zone=clock.zone_abbreviation()),
                       GOVERNMENT_PAGE)


def government() -> SetupStatus:
    name = settings.government_name()
    if settings.head_office().strip():
        return SetupStatus(True, endpoint=GOVERNMENT_PAGE, current=name)
    return SetupStatus(False, _("Check the government's and the Inspectorate's names and write the office of the head "
                                "of region: the Inspectorate's reports are addressed to it."), GOVERNMENT_PAGE,
                       current=name)


def register(app) -> None:
    add = contributions.add_setup_check
    add(app, "public_address", _l("Public address (https)"), public_address, position=10)
    add(app, "mail", _l("E-mail"), mail, position=20)
    add(app, "government", _l("The government's names"), government, position=25)
    add(app, "timezone", _l("Time zone"), timezone, position=30)
