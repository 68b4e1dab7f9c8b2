"""Login, logout, password change and the profile."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth import services
from portal.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from portal.auth.passwords import MAX_PASSWORD_LENGTH
from portal.auth.sessions import end_session, start_session
from portal.extensions import db, limiter
from portal.org.nip import normalize
from portal.ratelimit import hashed

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    login = normalize(request.form.get("login", "")).lower()[:64]
    return "a:" + hashed(login)


def _failed(response) -> bool:
    # A 5xx (the database away) is the server's failure, not a wrong password: counting it
    # would lock every account that tried to log in during an outage.
    return response.status_code != 302 and response.status_code < 500


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_CLIENT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = None
        if len(form.password.data) <= MAX_PASSWORD_LENGTH:
            user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            db.session.commit()
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("The NIP/username or password is not correct."))
    return render_template("auth/login.html", form=form), 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_sessions(current_user._get_current_object())
    db.session.commit()
    end_session()
    flash(_("You have logged out."), "success")
    response = redirect(url_for("home.index"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if services.change_password(user, form.current_password.data, form.new_password.data):
            db.session.commit()
            # The old sessions are gone with the version bump; this one starts afresh.
            start_session(user)
            flash(_("Your password has been changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.profile"))
        form.current_password.errors.append(_("The current password is not correct."))
    return render_template("auth/change_password.html", form=form)


@bp.route("/akun", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = LanguageForm(locale=user.locale or current_app.config["BABEL_DEFAULT_LOCALE"])
    if form.validate_on_submit():
        services.set_locale(user, form.locale.data)
        db.session.commit()
        flash(_("Your language has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", user=user, employee=user.employee, form=form)
