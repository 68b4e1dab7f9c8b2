"""Login sessions: a versioned user id, idle and absolute timeouts.

Flask's signed cookie cannot be revoked by itself, so the user id in the session carries
the account's session_version; logout and a password change bump it, and any cookie
copied before then no longer loads a user.
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.extensions import db
from portal.web.i18n import is_anonymous_area, lang_choice


def load_user(user_id: str):
    from portal.auth.models import User

    try:
        raw_id, raw_version = user_id.split(":")
        uid, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    if not 0 < uid < 2**31:
        return None
    user = db.session.scalar(sa.select(User).where(User.id == uid))
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def start_session(user) -> None:
    """A fresh session at login: nothing from before (CSRF token included) survives."""
    # Kept: the language, and a check-in QR scanned just before logging in (a token and a
    # time, which grant nothing by themselves).
    kept = {key: session[key] for key in ("lang", "pending_scan") if key in session}
    session.clear()
    session.permanent = True
    login_user(user)
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now
    session.update(kept)


def end_session() -> None:
    logout_user()
    session.clear()


def enforce_timeouts() -> None:
    """before_request: end a session that has been idle or open too long."""
    if is_anonymous_area() or "_user_id" not in session:
        return
    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - session.get("seen_at", 0) > idle or now - session.get("login_at", 0) > absolute:
        end_session()
        flash(_("Your session has ended because it was idle or open too long. Please log in again."), "warning")
        return
    # Touch the cookie at most once a minute so most responses carry no new Set-Cookie.
    if now - session.get("seen_at", 0) > 60:
        session["seen_at"] = now


def password_change_gate():
    """before_request: an account with a temporary password must change it first."""
    from flask import redirect, request, url_for

    if is_anonymous_area() or "_user_id" not in session:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        allowed = {"auth.change_password", "auth.logout", "static", "home.healthz"}
        if request.endpoint not in allowed and not (request.endpoint or "").startswith("bootstrap."):
            flash(_("Please choose a new password before you continue."), "info")
            return redirect(url_for("auth.change_password"))
    return None


# --- the second login step (MFA) -------------------------------------------------------------
# After a correct password for an account with MFA on, the session (signed by Flask) holds only
# this marker: the account id and session version, when the password was accepted, and where to
# go next. It grants nothing by itself and is good for MFA_PENDING_SECONDS.
PENDING_KEY = "mfa_pending"


def start_pending_login(user, next_url: str) -> None:
    from portal.auth import mfa

    kept = {key: session[key] for key in ("lang", "pending_scan") if key in session}
    session.clear()
    session.update(kept)
    session[PENDING_KEY] = {"uid": user.id, "v": user.session_version, "at": int(mfa.now()), "next": next_url}


def pending_login():
    """(user, next_url) of a pending, unexpired second step, or (None, None)."""
    from portal.auth import mfa
    from portal.auth.models import User

    marker = session.get(PENDING_KEY)
    try:
        uid, version, at, next_url = int(marker["uid"]), int(marker["v"]), int(marker["at"]), str(marker["next"])
    except (TypeError, KeyError, ValueError):
        session.pop(PENDING_KEY, None)
        return None, None
    age = mfa.now() - at
    if not 0 <= age <= current_app.config["MFA_PENDING_SECONDS"] or not 0 < uid < 2**31:
        session.pop(PENDING_KEY, None)
        return None, None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version or not user.mfa_enabled:
        session.pop(PENDING_KEY, None)
        return None, None
    return user, next_url


def mfa_gate():
    """before_request: an account whose role requires MFA must set it up before anything else."""
    from flask import redirect, request, url_for

    from portal.auth import mfa

    if is_anonymous_area() or "_user_id" not in session or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return None  # password_change_gate comes first
    if mfa.needs_enrolment(current_user, current_app.config["MFA_REQUIRED_ROLES"]):
        allowed = {"auth.mfa_settings", "auth.logout", "static", "home.healthz"}
        if request.endpoint not in allowed and not (request.endpoint or "").startswith("bootstrap."):
            flash(_("Your role requires two-step verification. Please set it up before you continue."), "info")
            return redirect(url_for("auth.mfa_settings"))
    return None


def remember_locale(response):
    """after_request: a language chosen with ?lang= becomes the account's language."""
    choice = lang_choice()
    if choice and not is_anonymous_area() and current_user.is_authenticated and current_user.locale != choice:
        from portal.auth.services import set_locale

        set_locale(current_user, choice)
        db.session.commit()
    return response
