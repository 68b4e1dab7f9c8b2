"""The privacy notices: public, because the WBS form they serve is public. An anonymous area
(it never consults the login), so reading the WBS notice ties nobody's account to the WBS."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.privacy import contacts, purposes

bp = Blueprint("privacy", __name__, url_prefix="/privasi")


@bp.route("")
def index():
    return render_template("privacy/index.html", purposes=purposes.all_purposes(), contacts=contacts.for_notice())


@bp.route("/<purpose>")
def notice(purpose: str):
    found = purposes.get(purpose)
    if found is None:
        abort(404)
    return render_template("privacy/notice.html", purpose=found, retention=found.retention(),
                           regulations=purposes.regulations_for(found), contacts=contacts.for_notice(),
                           others=[p for p in purposes.all_purposes() if p.code != found.code])
