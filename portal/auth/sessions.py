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
from portal.i18n import is_anonymous_area


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
