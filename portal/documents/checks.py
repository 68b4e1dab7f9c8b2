"""The official documents' items on the admin's setup checklist: what an office checks on a letter
before it accepts it (the coat of arms, the letterhead with its address, who signs, the number,
the electronic signature)."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import contributions, signing
from portal.core.contributions import SetupStatus
from portal.documents import services


def coat_of_arms() -> SetupStatus:
    if services.has_logo():
        return SetupStatus(True, endpoint="documents.index")
    return SetupStatus(False, _("Upload the government's coat of arms: until then documents print a neutral "
                                "placeholder in the letterhead."), "documents.index")


def letterheads() -> SetupStatus:
    inspectorate = services.inspectorate_id()
    row = services.letterhead(inspectorate) if inspectorate else None
    if row is None:
        return SetupStatus(False, _("Write the Inspectorate's letterhead (its unit line, address and contacts): "
                                    "most of the portal's documents are the Inspectorate's."), "documents.letterheads")
    if not row.address.strip():
        return SetupStatus(False, _("Add the Inspectorate's address to its letterhead: a letterhead carries the "
                                    "office's address."), "documents.letterhead", {"letterhead_id": row.id},
                           current=row.unit_line)
    return SetupStatus(True, endpoint="documents.letterheads", current=row.unit_line)


def signatories() -> SetupStatus:
    """Documents the organiser does not sign need someone named to sign them."""
    missing = [str(kind.label) for kind in services.kinds().values()
               if not kind.organiser_signs and services.signatory(kind.code) is None]
    if not missing:
        return SetupStatus(True, endpoint="documents.signatories")
    return SetupStatus(False, _("Name who signs: %(documents)s.", documents=", ".join(missing)),
                       "documents.signatories")


def numbering() -> SetupStatus:
    missing = [str(kind.label) for kind in services.kinds().values()
               if kind.numbered and not services.scheme(kind.code).classification.strip()]
    if not missing:
        return SetupStatus(True, endpoint="documents.numbering")
    return SetupStatus(False, _("Set the classification code of the numbers of: %(documents)s.",
                                documents=", ".join(missing)), "documents.numbering")


def electronic_signature() -> SetupStatus:
    state = signing.status(current_app.config)
    if not state["configured"]:
        return SetupStatus(False, _("Install the signing official's electronic certificate (PKCS#12) in the server's "
                                    "environment: until then documents are printed and signed by hand."),
                           "admin.signing_page")
    if not state["usable"]:
        return SetupStatus(False, str(state["problem"]), "admin.signing_page")
    return SetupStatus(True, endpoint="admin.signing_page", current=state.get("subject", ""))


def register(app) -> None:
    add = contributions.add_setup_check
    add(app, "coat_of_arms", _l("Coat of arms"), coat_of_arms, position=32)
    add(app, "letterheads", _l("Letterhead of the Inspectorate"), letterheads, position=33)
    add(app, "signatories", _l("Who signs the official documents"), signatories, position=34)
    add(app, "numbering", _l("Numbers of official letters"), numbering, position=35)
    add(app, "electronic_signature", _l("Electronic signature"), electronic_signature, position=36)
