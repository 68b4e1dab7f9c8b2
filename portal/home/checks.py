"""The regulation library's items on the admin's setup checklist, and `article_status`, with which any
area ties an item of its own (a list, a deadline) to the article it relies on."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from portal.core.contributions import SetupStatus
from portal.core.formatting import day
from portal.home import services

LIBRARY = "home_manage.index"


def article_status(key: str, *, remaining: str, endpoint: str = LIBRARY, args: dict | None = None) -> SetupStatus:
    """Done once the article recorded under `key` has been checked against the official text.
    `remaining` says what to do in the portal before marking it checked; `endpoint` is where."""
    item = services.article(key)
    if item is None:
        return SetupStatus(False, _("No article of a regulation is recorded for this in the regulation library."),
                           LIBRARY)
    if item.verified:
        who = item.verified_by.display_name if item.verified_by else ""
        return SetupStatus(True, endpoint=endpoint, args=args or {},
                           current=_("%(article)s: checked against the official text on %(day)s by %(name)s.",
                                     article=item.citation, day=day(item.verified_on), name=who))
    return SetupStatus(False, " ".join([remaining, _("Then mark %(article)s as checked in the regulation library.",
                                                     article=item.citation)]),
                       endpoint, args or {}, current=_("Not yet checked: %(article)s.", article=item.citation))


def regulation_texts() -> SetupStatus:
    regulations = services.list_regulations()
    if not regulations:
        return SetupStatus(False, _("Enter the regulations the portal puts into practice."), LIBRARY)
    missing = [r.short_name for r in regulations if not r.readable]
    if not missing:
        return SetupStatus(True, endpoint=LIBRARY)
    return SetupStatus(False, _("Upload the official text or give the JDIH address of: %(names)s.",
                                names="; ".join(missing)), LIBRARY)


def articles_checked() -> SetupStatus:
    items = [a for r in services.list_regulations() for a in r.articles]
    waiting = [a for a in items if not a.verified]
    locale = str(get_locale() or "id")
    current = _("%(done)d of %(total)d checked.", done=len(items) - len(waiting), total=len(items))
    if not waiting:
        return SetupStatus(True, endpoint=LIBRARY, current=current)
    return SetupStatus(False, _("Check against the official text: %(articles)s.",
                                articles="; ".join(f"{a.citation} ({a.relied(locale)})" for a in waiting)),
                       LIBRARY, current=current)


def learning_hours_rule() -> SetupStatus:
    # The e-learning's pages say the yearly minimum of JP "as this portal applies the rule" until checked.
    return article_status("asn-yearly-jp", remaining=_("Read the yearly minimum of learning hours (JP) for ASN "
                                                       "competence development in the official text."))
