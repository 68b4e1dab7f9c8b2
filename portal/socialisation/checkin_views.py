"""`/hadir/<token>`: the address in the session's QR code (DESIGN.md §5), and `/hadir` for
typing the short code under it.

A phone that is not logged in keeps the scan in its (signed cookie) session and finishes the
check-in after the login, at the time of the scan: the QR code has changed by then.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.clock import utcnow
from portal.extensions import db
from portal.socialisation import checkin
from portal.socialisation.forms import CodeForm
from portal.socialisation.models import Method, SocialisationSession
from portal.web.ratelimit import client_key, hashed, limiter

bp = Blueprint("checkin", __name__, url_prefix="/hadir")

PENDING = "pending_scan"


def _device() -> tuple[str, str | None]:
    """This phone's random cookie, and a new one to set if it had none."""
    name = current_app.config["DEVICE_COOKIE_NAME"]
    value = request.cookies.get(name, "")
    if len(value) == 32 and value.isalnum():
        return value, None
    value = secrets.token_hex(16)
    return value, value


def _finish(target: SocialisationSession, method: Method, at):
    employee = current_user.employee
    if employee is None:
        return _page(error=_("This account is not an employee's, so it cannot check in."), status=403)
    device, new_cookie = _device()
    try:
        outcome = checkin.check_in(target, employee, method=method, at=at,
                                   device_hash=hashlib.sha256(device.encode()).hexdigest())
    except checkin.CheckinError as exc:
        db.session.rollback()
        return _page(error=exc.message, target=target, status=409)
    db.session.commit()
    response = _page(outcome=outcome, target=target)
    if new_cookie:
        response.set_cookie(current_app.config["DEVICE_COOKIE_NAME"], new_cookie, max_age=400 * 24 * 3600,
                            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _page(*, error=None, outcome=None, target=None, form=None, status=200):
    response = current_app.make_response((render_template("socialisation/checkin.html", error=error, outcome=outcome,
                                                          target=target, form=form), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<token>")
def scan(token: str):
    token = token[:64]
    pending = session.get(PENDING) or {}
    scanned_at = time.time()
    late_login = (pending.get("token") == token and scanned_at - pending.get("at", 0) <= checkin.PENDING_SCAN_SECONDS)
    if late_login:
        scanned_at = pending["at"]
    try:
        session_id = checkin.parse_token(token, now=scanned_at)
    except checkin.CheckinError as exc:
        return _page(error=exc.message, status=400)
    if not current_user.is_authenticated:
        session[PENDING] = {"token": token, "at": scanned_at}
        return redirect(url_for("auth.login", next=request.path))
    session.pop(PENDING, None)
    target = db.session.get(SocialisationSession, session_id)
    if target is None:
        return _page(error=_("This check-in code is not valid. Scan the code shown in the room again."), status=400)
    return _finish(target, Method.QR, datetime.fromtimestamp(scanned_at, UTC))


def _person_key() -> str:
    # The code form needs a login; an anonymous POST is redirected, and counted per address.
    return "p:" + hashed(str(current_user.id)) if current_user.is_authenticated else client_key()


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CHECKIN_CODE_LIMIT_PER_CLIENT"], methods=["POST"], key_func=client_key)
@limiter.limit(lambda: current_app.config["CHECKIN_CODE_LIMIT"], methods=["POST"], key_func=_person_key)
def code():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    form = CodeForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            target = checkin.session_for_code(form.code.data, now)
        except checkin.CheckinError as exc:
            form.code.errors.append(exc.message)
        else:
            return _finish(target, Method.CODE, now)
    return _page(form=form, status=400 if form.errors else 200)
