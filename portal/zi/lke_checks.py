"""The LKE's items on the admin's setup checklist. The shipped LKE is one agency's template, not
the regulation's Lampiran (docs/decisions.md, "The LKE as data"): it stays open until every area
has been entered, every item and the pass marks have been checked against the regulation, and
until someone has recorded that the letter-to-score conversion (zi/scoring.py) is the regulation's."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.core.contributions import SetupStatus
from portal.zi import lke, lke_services

INDEX = "zi_lke.index"
VERSION = "zi_lke.version"


def lke_status() -> SetupStatus:
    version = lke.latest_version()
    if version is None:
        return SetupStatus(False, _("No LKE is loaded: run the default content (flask --app portal seed) or create a "
                                    "year's LKE."), INDEX)
    found = lke_services.summary(version)
    args = {"version_id": version.id}
    current = _("LKE %(year)d: %(items)d items, %(complete)d of %(areas)d areas complete.", year=version.year,
                items=found.items, complete=len(found.complete), areas=len(version.areas))
    left = []
    if found.empty:
        left.append(_("Areas without items: %(names)s", names=", ".join(found.empty)))
    waiting = [name for name in found.incomplete if name not in found.empty]
    if waiting:
        left.append(_("Areas not yet marked complete: %(names)s", names=", ".join(waiting)))
    if found.unverified:
        left.append(ngettext("%(num)d item not yet checked against the Lampiran of PermenPANRB 90/2021",
                             "%(num)d items not yet checked against the Lampiran of PermenPANRB 90/2021",
                             found.unverified))
    if not version.pass_marks_verified:
        left.append(_("pass marks are the template's, not yet checked against the regulation"))
    if not left:
        return SetupStatus(True, endpoint=VERSION, args=args, current=current)
    return SetupStatus(False, "; ".join(left) + ".", VERSION, args, current=current)


def scoring_status() -> SetupStatus:
    version = lke.latest_version()
    args = {"version_id": version.id} if version else {}
    endpoint = VERSION if version else INDEX
    where = lke_services.scoring_checked()
    if where:
        return SetupStatus(True, endpoint=endpoint, args=args,
                           current=_("Checked against the regulation: %(where)s.", where=where))
    return SetupStatus(False, _(
        "Letter answers count linearly (A = the full weight, the last letter = none; Yes = 1, No = 0): the common "
        "practice, not the regulation's own table. Compare it with the Lampiran of PermenPANRB 90/2021 and record "
        "where you checked it on the LKE's page."), endpoint, args)
