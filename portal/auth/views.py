"""Login, logout, password change and the profile."""
from __future__ import annotations

from urllib.parse import urlsplit

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from portal.auth import mfa, services
from portal.auth.forms import (
    ChangePasswordForm,
    LanguageForm,
    LoginCodeForm,
    LoginForm,
    MfaDisableForm,
    MfaEnableForm,
    MfaRecoveryCodesForm,
)
from portal.auth.passwords import MAX_PASSWORD_LENGTH
from portal.auth.sessions import end_session, pending_login, start_pending_login, start_session
from portal.core import crypto
from portal.extensions import db
from portal.org.nip import normalize
from portal.web.ratelimit import hashed, limiter

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    login = normalize(request.form.get("login", "")).lower()[:64]
    return "a:" + hashed(login)


def _pending_account_key() -> str:
    marker = session.get("mfa_pending")
    uid = marker.get("uid") if isinstance(marker, dict) else None
    return "m:" + hashed(str(uid)[:16])


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
            if user.mfa_enabled:
                # Not logged in yet: the code page finishes the login.
                start_pending_login(user, _safe_next(request.args.get("next")))
                return redirect(url_for("auth.login_code"))
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("The NIP/username or password is not correct."))
    return render_template("auth/login.html", form=form), 200


@bp.route("/login/kode", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_CLIENT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_pending_account_key, deduct_when=_failed)
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user, next_url = pending_login()
    if user is None:
        flash(_("Your login has expired. Please enter your NIP/username and password again."), "warning")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    if form.validate_on_submit():
        method = mfa.check_second_factor(user, form.code.data)
        if method is not None:
            db.session.commit()
            start_session(user)
            if method == "recovery":
                flash(ngettext("You used a recovery code; it cannot be used again. %(num)d recovery code is left.",
                               "You used a recovery code; it cannot be used again. %(num)d recovery codes are left.",
                               mfa.recovery_codes_left(user)), "warning")
            return redirect(next_url)
        db.session.rollback()
        form.code.errors.append(_("The code is not correct or has already been used."))
    return render_template("auth/login_code.html", form=form), 200


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


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def _enrolment_secret(user) -> str:
    """The secret being set up, kept sealed in the session between showing it and confirming it."""
    sealed = session.get("mfa_enrol")
    if isinstance(sealed, str):
        try:
            return mfa.unseal(user.id, bytes.fromhex(sealed))
        except (ValueError, crypto.CryptoError):
            pass
    secret = mfa.new_secret()
    session["mfa_enrol"] = mfa.seal(user.id, secret).hex()
    return secret


@bp.route("/akun/mfa", methods=["GET", "POST"])
@login_required
def mfa_settings():
    user = current_user._get_current_object()
    if user.mfa_enabled:
        return render_template("auth/mfa.html", user=user, left=mfa.recovery_codes_left(user),
                               disable_form=MfaDisableForm(prefix="off"),
                               codes_form=MfaRecoveryCodesForm(prefix="rc"))
    secret = _enrolment_secret(user)
    form = MfaEnableForm()
    if form.validate_on_submit():
        try:
            codes = mfa.enable(user, secret, form.code.data)
        except mfa.MfaError:
            form.code.errors.append(_("The code is not correct. Check the time on your phone and try again."))
        else:
            db.session.commit()
            session.pop("mfa_enrol", None)
            return render_template("auth/mfa_recovery_codes.html", codes=codes, enabled=True)
    uri = mfa.provisioning_uri(secret, user.login_name, current_app.config["MFA_ISSUER"])
    return render_template("auth/mfa.html", user=user, form=form, secret=secret, qr=_qr_svg(uri))


@bp.route("/akun/mfa/matikan", methods=["POST"])
@login_required
def mfa_disable():
    user = current_user._get_current_object()
    form = MfaDisableForm(prefix="off")
    if form.validate_on_submit():
        if mfa.disable(user, form.password.data, form.code.data):
            db.session.commit()
            flash(_("Two-step verification has been turned off."), "success")
            return redirect(url_for("auth.mfa_settings"))
        db.session.rollback()
        form.code.errors.append(_("The password or the code is not correct."))
    if not user.mfa_enabled:
        return redirect(url_for("auth.mfa_settings"))
    return render_template("auth/mfa.html", user=user, left=mfa.recovery_codes_left(user),
                           disable_form=form, codes_form=MfaRecoveryCodesForm(prefix="rc")), 400


@bp.route("/akun/mfa/kode-pemulihan", methods=["POST"])
@login_required
def mfa_recovery_codes():
    user = current_user._get_current_object()
    form = MfaRecoveryCodesForm(prefix="rc")
    if form.validate_on_submit():
        codes = mfa.regenerate_recovery_codes(user, form.code.data)
        if codes is not None:
            db.session.commit()
            return render_template("auth/mfa_recovery_codes.html", codes=codes, enabled=False)
        db.session.rollback()
        form.code.errors.append(_("The code is not correct or has already been used."))
    if not user.mfa_enabled:
        return redirect(url_for("auth.mfa_settings"))
    return render_template("auth/mfa.html", user=user, left=mfa.recovery_codes_left(user),
                           disable_form=MfaDisableForm(prefix="off"), codes_form=form), 400
